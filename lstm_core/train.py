"""Fit the model, reporting each epoch as it ends, and keep everything the UI shows in a Run."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from lstm_core._keras import keras
from lstm_core.config import COST_PER_BATCH, COST_PER_STEP, LSTMConfig
from lstm_core.data import Dataset, make_dataset
from lstm_core.model import build_model, param_counts
from lstm_core.noise import BALANCED, Yardstick, yardstick
from lstm_core.observations import observations_of, observe_epoch

HISTORY_COLUMNS = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
NOISE_COLUMNS = ["val_loss_se_prev", "val_loss_se_best"]  # measured with eager validation; NaN with Keras's
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


@dataclass
class Run:
    """A finished training run: the model, its data, its history and how long it took."""

    config: LSTMConfig
    model: keras.Model
    dataset: Dataset
    history: pd.DataFrame  # one row per epoch: HISTORY_COLUMNS + observation
    timings: dict[str, float]  # seconds: data, build, fit, total
    params: dict[str, int] = field(default_factory=dict)
    initial_weights: dict[str, np.ndarray] = field(default_factory=dict)  # as weights(), before the first batch

    @property
    def key(self) -> str:
        """Config and data together: what a cache of runs is keyed by."""
        return self.config.key() if self.dataset.key == "synthetic" else f"{self.config.key()}|{self.dataset.key}"

    @cached_property  # a finished run does not change, and several tabs ask
    def diverged(self) -> bool:
        """The loss became NaN or infinite: the weights are no longer numbers, and nothing computed from
        them (gates, scores, insights) means anything."""
        return not np.isfinite(self.history["loss"].to_numpy()).all() or not all(
            np.isfinite(w).all() for w in self.weights().values())

    def weights(self) -> dict[str, np.ndarray]:
        """The trained weights as NumPy arrays, under Keras's names."""
        return weights_of(self.model)


def weights_of(model: keras.Model) -> dict[str, np.ndarray]:
    """A model's weights as NumPy arrays, under Keras's names."""
    kernel, recurrent_kernel, bias = model.get_layer("lstm").get_weights()
    dense_kernel, dense_bias = model.get_layer("dense").get_weights()
    return {
        "kernel": kernel,  # (features, 4*units), columns i | f | c | o
        "recurrent_kernel": recurrent_kernel,  # (units, 4*units)
        "bias": bias,  # (4*units,): the forget block starts at 1 (unit_forget_bias)
        "dense_kernel": dense_kernel,  # (units, 1)
        "dense_bias": dense_bias,  # (1,)
    }


class EpochReporter(keras.callbacks.Callback):
    """Hands each finished epoch's numbers, and its observation, to a plain callback, so a UI can
    stream them exactly as the finished table will show them."""

    def __init__(self, on_epoch: EpochCallback | None, yard: Yardstick, validation: tuple | None = None,
                 on_batch: Callable[[], None] | None = None):
        super().__init__()
        self.on_epoch = on_epoch
        self.on_batch = on_batch  # called before every batch; it may raise to stop the fit there
        self.yard = yard
        self.validation = validation  # (x, y) to validate on eagerly; None when Keras validates
        self.val_losses: list[np.ndarray] = []  # each epoch's per-sequence validation losses (eager only)
        self.rows: list[dict] = []

    def _validate(self) -> dict[str, float]:
        """Keras's val_loss and val_accuracy, from eager calls of the model as it stands."""
        x, y = self.validation
        lstm, dense = self.model.get_layer("lstm"), self.model.get_layer("dense")
        logits = np.concatenate([keras.ops.convert_to_numpy(lstm(x[i:i + EAGER_CHUNK], training=False) @ dense.kernel + dense.bias)
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
        row["observation"] = observe_epoch([*self.rows, row], self.yard)
        self.rows.append(row)
        if self.on_epoch is not None:
            self.on_epoch(dict(row))


def history_frame(rows: list[dict], yard: Yardstick = BALANCED) -> pd.DataFrame:
    """Epoch rows plus one observation each (rules over the numbers, see observations.py); rows that
    already carry their observation keep it."""
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["observation"] = observations_of(rows, yard)
    for column in NOISE_COLUMNS:  # after the table's columns: what the insights judge validation loss by
        frame[column] = [row.get(column, np.nan) for row in rows]
    return frame


def train(
    config: LSTMConfig,
    dataset: Dataset | None = None,
    on_epoch: EpochCallback | None = None,
    on_batch: Callable[[], None] | None = None,
) -> Run:
    """Make the data (unless given), build the model and fit it with a validation split (validated
    by Keras or by eager calls, whichever is cheaper: the numbers are the same).

    The data is already in random order, so fit runs with ``shuffle=False``: the same config
    gives the same run, without touching any process-global random seed.
    """
    start = time.perf_counter()
    dataset = dataset if dataset is not None else make_dataset(config)
    t_data = time.perf_counter()
    model = build_model(config)
    initial = weights_of(model)  # where training started: the trace says how far it moved the gates
    t_build = time.perf_counter()
    n_train = config.train_sequences  # the last val_sequences sequences are held out, as Keras's validation_split does
    held_out = (dataset.x[n_train:], dataset.y[n_train:])
    eager = validates_eagerly(config, len(held_out[0]))
    reporter = EpochReporter(on_epoch, yardstick(dataset.y, n_train), held_out if eager else None, on_batch)
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
    return Run(config, model, dataset, history_frame(reporter.rows), timings, param_counts(model, config), initial)
