"""lstm_core's training path against a bare model.fit, and the NumPy trace time per sample.

Both figures are measured in the same run against a baseline from that run:
  1. train(config) vs. plain Keras (same model, same data, bare model.fit), in back-to-back runs:
     the median of the pairs' ratios (9 by default). The target is against a bare fit that validates
     the way train() does at this size (eager calls at each epoch's end), so the figure is
     lstm_core's own overhead; against a bare fit with Keras's validation pass it is also printed;
  2. the NumPy trace of one sample vs. one Keras call on that sample.

    python benchmarks/bench_training.py [--repeats N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from lstm_core.config import LSTMConfig  # noqa: E402
from lstm_core.data.synthetic import make_dataset  # noqa: E402
from lstm_core.pipeline.train import train  # noqa: E402
from lstm_core.tracing.cells import forward  # noqa: E402
from lstm_core.tracing.trace import dense_head  # noqa: E402

TRAIN_TARGET = 1.05  # lstm_core may cost at most 5% over a bare fit
TRACE_TARGET_MS = 5.0


class EagerValidation(keras.callbacks.Callback):
    """Plain Keras validating as train() does at the default size: one eager call per epoch's end."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        super().__init__()
        self.x, self.y = x, y.reshape(-1, 1)

    def on_epoch_end(self, epoch, logs=None):
        scores = self.model(self.x, training=False)
        float(keras.ops.mean(keras.losses.binary_crossentropy(self.y, scores)))
        float(keras.ops.mean(keras.metrics.binary_accuracy(self.y, scores)))


def bare_fit(config: LSTMConfig, x: np.ndarray, y: np.ndarray, eager: bool = False) -> float:
    """The same work with nothing of lstm_core: build, compile and fit in plain Keras, validated by
    Keras's own pass, or (``eager``) by eager calls as train() does at this size."""
    start = time.perf_counter()
    model = keras.Sequential([
        keras.Input((config.timesteps, config.features)),
        keras.layers.LSTM(config.units, kernel_initializer=keras.initializers.GlorotUniform(config.seed),
                          recurrent_initializer=keras.initializers.Orthogonal(config.seed + 1)),
        keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(config.seed + 2)),
    ])
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    n = config.train_sequences
    validation = {"callbacks": [EagerValidation(x[n:], y[n:])]} if eager else {"validation_data": (x[n:], y[n:])}
    model.fit(x[:n], y[:n], epochs=config.epochs, batch_size=config.batch_size, shuffle=False, verbose=0, **validation)
    return time.perf_counter() - start


def ours(config: LSTMConfig) -> float:
    start = time.perf_counter()
    train(config, on_epoch=lambda row: None)
    return time.perf_counter() - start


def main() -> None:
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 9
    config = LSTMConfig()
    data = make_dataset(config)
    ours(config), bare_fit(config, data.x, data.y), bare_fit(config, data.x, data.y, eager=True)  # warm-up
    a, b, k = [], [], []
    for _ in range(repeats):  # interleaved, so drifts in machine load hit every side alike
        a.append(ours(config))
        b.append(bare_fit(config, data.x, data.y, eager=True))
        k.append(bare_fit(config, data.x, data.y))
    # Each pair ran back to back, so the machine's drifts hit both alike: the median of the pairs'
    # ratios is steadier than a ratio of two medians (5 repeats of that gave 0.91x to 1.06x on one day).
    ratio = statistics.median(x / y for x, y in zip(a, b))
    print(f"  against a bare fit with Keras's own validation pass, {statistics.median(k):.3f} s: "
          f"{statistics.median(x / y for x, y in zip(a, k)):.3f}x (median of {repeats} pairs' ratios)")
    print(f"training: lstm_core {statistics.median(a):.3f} s vs bare model.fit validating the same way "
          f"{statistics.median(b):.3f} s (median of {repeats} back-to-back pairs' ratios) = {ratio:.3f}x  "
          f"target <= {TRAIN_TARGET}x  {'PASS' if ratio <= TRAIN_TARGET else 'FAIL'}")
    print(f"  pairs' ratios: {', '.join(f'{x / y:.2f}' for x, y in zip(a, b))}")

    run = train(config)
    w = run.weights()
    samples = run.dataset.x[:200]
    start = time.perf_counter()
    for x in samples:
        gates = forward(config.cell, x, w)
        dense_head(gates["hidden_state"][-1], w["dense_kernel"], w["dense_bias"])
    numpy_ms = (time.perf_counter() - start) / len(samples) * 1000
    start = time.perf_counter()
    for x in samples[:50]:
        run.model(x[None], training=False)
    keras_ms = (time.perf_counter() - start) / 50 * 1000
    print(f"trace: NumPy {numpy_ms:.3f} ms per sample vs one Keras call {keras_ms:.3f} ms "
          f"= {numpy_ms / keras_ms:.2f}x  target <= {TRACE_TARGET_MS} ms  {'PASS' if numpy_ms <= TRACE_TARGET_MS else 'FAIL'}")


if __name__ == "__main__":
    main()
