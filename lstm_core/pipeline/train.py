"""Fit the model, reporting each epoch as it ends, and keep everything the UI shows in a Run."""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections.abc import Callable

import numpy as np

from lstm_core.config import COST_PER_BATCH, COST_PER_STEP, LSTMConfig
from lstm_core.data.synthetic import Dataset, make_dataset
from lstm_core.pipeline._keras import keras
from lstm_core.pipeline.gradients import gradient_flow
from lstm_core.pipeline.model import build_model, param_counts
from lstm_core.pipeline.run import HISTORY_COLUMNS, KERAS_CHECK_VALUES, NOISE_COLUMNS, KerasCheck, Run, history_frame

EpochCallback = Callable[[dict], None]

# Validation. Keras's own pass (fit's validation_data) traces a second graph, the test function, for
# every new model: about 0.25 s, a fifth of a default training. Calling the model eagerly on the
# held-out sequences at each epoch's end gives the same loss and accuracy (within 1e-7) with no
# trace, but pays Python's per-op cost at every timestep (measured 0.75 ms a step per call), so it
# loses on long sequences over many epochs. A run takes whichever costs less (docs/performance.md).
VAL_TRACE_SECONDS = 0.25  # Keras's test-function trace for a new model, on 2 cores
EAGER_STEP_SECONDS = 1e-3  # one eager call's cost per timestep (measured 0.75 ms), rounded up
EAGER_CHUNK = 4096  # held-out sequences per eager call: bounds the call's working memory


def validates_eagerly(config: LSTMConfig, n_val: int) -> bool:
    """True when eager calls cost less than Keras's validation pass for this run."""
    eager = config.epochs * math.ceil(n_val / EAGER_CHUNK) * config.timesteps * EAGER_STEP_SECONDS
    batches = math.ceil(n_val / config.batch_size)
    graph = VAL_TRACE_SECONDS + config.epochs * batches * (COST_PER_BATCH + COST_PER_STEP * config.timesteps)
    return eager < graph


def recurrent(model: keras.Model) -> keras.layers.Layer:
    """The model's recurrent layer (LSTM, GRU or SimpleRNN): the one after the input."""
    return model.layers[1]


def weights_of(model: keras.Model) -> dict[str, np.ndarray]:
    """A model's weights as NumPy arrays, under Keras's names (blocks in Keras's order: see tracing.cells)."""
    kernel, recurrent_kernel, bias = recurrent(model).get_weights()
    dense_kernel, dense_bias = model.get_layer("dense").get_weights()
    return {
        "kernel": kernel,  # (features, blocks*units)
        "recurrent_kernel": recurrent_kernel,  # (units, blocks*units)
        "bias": bias,  # (blocks*units,); the GRU's (2, 3*units): input and recurrent biases
        "dense_kernel": dense_kernel,  # (units, 1)
        "dense_bias": dense_bias,  # (1,)
    }


def keras_hidden(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Keras's own h at every step for x (n, timesteps, features): (n, timesteps, units), from a twin of
    the recurrent layer with return_sequences=True and the model's weights."""
    layer = recurrent(model)
    # Its weights are overwritten: zeros and a fixed seed draw nothing from any global random state.
    twin = type(layer)(layer.units, return_sequences=True, kernel_initializer="zeros",
                       recurrent_initializer="zeros", seed=0)
    x = np.asarray(x, dtype=np.float32)
    twin.build(x.shape)
    twin.set_weights(layer.get_weights())
    return np.concatenate([np.asarray(twin(x[i:i + EAGER_CHUNK])) for i in range(0, len(x), EAGER_CHUNK)])


def keras_scores(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """The model's scores for x (n, timesteps, features): (n,)."""
    x = np.asarray(x, dtype=np.float32)
    return np.concatenate([np.asarray(model(x[i:i + EAGER_CHUNK], training=False))[:, 0]
                           for i in range(0, len(x), EAGER_CHUNK)])


def model_bytes(model: keras.Model) -> bytes:
    """The model in Keras's .keras format (Keras writes only to a path)."""
    fd, path = tempfile.mkstemp(suffix=".keras")
    os.close(fd)
    try:
        model.save(path)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.remove(path)


def finish(run: Run) -> Run:
    """What a process without TensorFlow needs of the model: Keras's own outputs to check traces
    against (every step's h for as many sequences as KERAS_CHECK_VALUES allows, the first ones; every
    score), the .keras bytes for download, and the gradient flow through time (pipeline.gradients)."""
    c = run.config
    samples = max(1, min(c.sequences, KERAS_CHECK_VALUES // (c.timesteps * c.units)))
    hidden, scores = keras_hidden(run.model, run.dataset.x[:samples]), keras_scores(run.model, run.dataset.x)
    run.keras = KerasCheck(hidden.astype(np.float32), scores.astype(np.float32))
    run.keras_bytes = model_bytes(run.model)
    n = c.train_sequences
    if not run.diverged:  # NaN weights give NaN gradients: nothing to show
        run.gradient_flow = gradient_flow(c, run.model, run.dataset.x[n:], run.dataset.y[n:])
    return run


class EpochReporter(keras.callbacks.Callback):
    """Hands each finished epoch's numbers to a plain callback, so a UI can stream them exactly as the
    finished table will show them."""

    def __init__(self, on_epoch: EpochCallback | None, validation: tuple | None = None,
                 on_batch: Callable[[], None] | None = None):
        super().__init__()
        self.on_epoch = on_epoch
        self.on_batch = on_batch  # called before every batch; it may raise to stop the fit there
        self.validation = validation  # (x, y) to validate on eagerly; None when Keras validates
        self.val_losses: list[np.ndarray] = []  # each epoch's per-sequence validation losses (eager only)
        self.rows: list[dict] = []

    def _validate(self) -> dict[str, float]:
        """Keras's val_loss and val_accuracy, from eager calls of the model as it stands."""
        x, y = self.validation
        layer, dense = recurrent(self.model), self.model.get_layer("dense")
        logits = np.concatenate([keras.ops.convert_to_numpy(layer(x[i:i + EAGER_CHUNK], training=False) @ dense.kernel + dense.bias)
                                 for i in range(0, len(x), EAGER_CHUNK)])  # (n_val, 1), before the sigmoid
        labels = y.reshape(-1, 1).astype(np.float32)
        # From the logits, as Keras's graph computes it (its sigmoid hands them to the loss): a confident
        # wrong score costs its full loss, not one clipped at -log(1e-7) = 16.1.
        losses = keras.ops.convert_to_numpy(keras.losses.binary_crossentropy(labels, logits, from_logits=True))  # (n_val,)
        scores = keras.ops.convert_to_numpy(keras.ops.sigmoid(logits))  # the model's output, as Keras's accuracy reads it
        return {"val_loss": float(np.mean(losses)), "val_accuracy": float(np.mean((scores > 0.5) == (labels > 0.5))),
                **self._loss_noise(losses)}

    def _loss_noise(self, losses: np.ndarray) -> dict[str, float]:
        """Standard errors of this epoch's validation loss minus the previous epoch's, and minus the best
        epoch's so far: the same sequences both times, so the per-sequence differences say how much of a
        change is noise (a few confident mistakes can carry most of a loss)."""
        self.val_losses.append(losses)
        out = {}
        if len(self.val_losses) > 1 and len(losses) > 1:
            earlier = self.val_losses[:-1]
            best = min(earlier, key=np.mean)
            for name, old in (("prev", earlier[-1]), ("best", best)):
                out[f"val_loss_se_{name}"] = float(np.std(losses - old, ddof=1) / np.sqrt(len(losses)))
        return out

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        # before the batch, not after it: a stop raised here computes nothing more
        if self.on_batch is not None:
            self.on_batch()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = dict(logs or {})
        if self.validation is not None:
            logs.update(self._validate())
        row = {"epoch": epoch + 1, **{k: float(logs.get(k, np.nan)) for k in (*HISTORY_COLUMNS[1:], *NOISE_COLUMNS)}}
        self.rows.append(row)
        if self.on_epoch is not None:
            self.on_epoch(dict(row))


def train(
    config: LSTMConfig,
    dataset: Dataset | None = None,
    on_epoch: EpochCallback | None = None,
    on_batch: Callable[[], None] | None = None,
    unit_forget_bias: bool = True,
) -> Run:
    """Make the data (unless given), build the model and fit it with a validation split (validated
    by Keras or by eager calls, whichever is cheaper: the numbers are the same).

    The data is already in random order, so fit runs with ``shuffle=False``: the same config
    gives the same run, without touching any process-global random seed. ``unit_forget_bias=False`` starts
    an LSTM's forget bias at 0 instead of 1 (what the bias of 1 does: pipeline.cell_compare).
    """
    start = time.perf_counter()
    dataset = dataset if dataset is not None else make_dataset(config)
    t_data = time.perf_counter()
    model = build_model(config, unit_forget_bias=unit_forget_bias)
    initial = weights_of(model)  # where training started: the trace says how far it moved the gates
    t_build = time.perf_counter()
    n_train = config.train_sequences  # the last val_sequences sequences are held out, as Keras's validation_split does
    held_out = (dataset.x[n_train:], dataset.y[n_train:])
    eager = validates_eagerly(config, len(held_out[0]))
    reporter = EpochReporter(on_epoch, held_out if eager else None, on_batch)
    model.fit(
        dataset.x[:n_train],
        dataset.y[:n_train],
        validation_data=None if eager else held_out,
        epochs=config.epochs,
        batch_size=config.batch_size,
        shuffle=False,
        verbose=0,
        callbacks=[reporter],
    )
    end = time.perf_counter()
    timings = {"data": t_data - start, "build": t_build - t_data, "fit": end - t_build, "total": end - start}
    return Run(config, dataset, history_frame(reporter.rows), timings, param_counts(model, config), weights_of(model),
               initial, model=model)
