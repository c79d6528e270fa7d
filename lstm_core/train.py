"""Fit the model, reporting each epoch as it ends, and keep everything the UI shows in a Run."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lstm_core._keras import keras
from lstm_core.config import LSTMConfig
from lstm_core.data import Dataset, make_dataset
from lstm_core.model import build_model, param_counts
from lstm_core.observations import CHANCE, chance_level, observations_of, observe_epoch

HISTORY_COLUMNS = ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
EpochCallback = Callable[[dict], None]


@dataclass
class Run:
    """A finished training run: the model, its data, its history and how long it took."""

    config: LSTMConfig
    model: keras.Model
    dataset: Dataset
    history: pd.DataFrame  # one row per epoch: HISTORY_COLUMNS + observation
    timings: dict[str, float]  # seconds: data, build, fit, total
    params: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Config and data together: what a cache of runs is keyed by."""
        return self.config.key() if self.dataset.key == "synthetic" else f"{self.config.key()}|{self.dataset.key}"

    def weights(self) -> dict[str, np.ndarray]:
        """The trained weights as NumPy arrays, under Keras's names."""
        kernel, recurrent_kernel, bias = self.model.get_layer("lstm").get_weights()
        dense_kernel, dense_bias = self.model.get_layer("dense").get_weights()
        return {
            "kernel": kernel,  # (features, 4*units), columns i | f | c | o
            "recurrent_kernel": recurrent_kernel,  # (units, 4*units)
            "bias": bias,  # (4*units,)
            "dense_kernel": dense_kernel,  # (units, 1)
            "dense_bias": dense_bias,  # (1,)
        }


class _EpochReporter(keras.callbacks.Callback):
    """Hands each finished epoch's numbers, and its observation, to a plain callback, so a UI can
    stream them exactly as the finished table will show them."""

    def __init__(self, on_epoch: EpochCallback | None, chance: float):
        super().__init__()
        self.on_epoch = on_epoch
        self.chance = chance
        self.rows: list[dict] = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        row = {"epoch": epoch + 1, **{k: float(logs.get(k, np.nan)) for k in HISTORY_COLUMNS[1:]}}
        row["observation"] = observe_epoch([*self.rows, row], self.chance)
        self.rows.append(row)
        if self.on_epoch is not None:
            self.on_epoch(dict(row))


def history_frame(rows: list[dict], chance: float = CHANCE) -> pd.DataFrame:
    """Epoch rows plus one observation each (rules over the numbers, see observations.py); rows that
    already carry their observation keep it."""
    frame = pd.DataFrame(rows, columns=HISTORY_COLUMNS)
    frame["observation"] = observations_of(rows, chance)
    return frame


def train(
    config: LSTMConfig,
    dataset: Dataset | None = None,
    on_epoch: EpochCallback | None = None,
) -> Run:
    """Make the data (unless given), build the model and fit it with a validation split.

    The data is already in random order, so fit runs with ``shuffle=False``: the same config
    gives the same run, without touching any process-global random seed.
    """
    start = time.perf_counter()
    dataset = dataset if dataset is not None else make_dataset(config)
    t_data = time.perf_counter()
    model = build_model(config)
    t_build = time.perf_counter()
    n_train = config.train_sequences  # the last val_sequences sequences are held out, as Keras's validation_split does
    reporter = _EpochReporter(on_epoch, chance_level(dataset.y[:n_train]))  # the labels 'accuracy' is measured on
    model.fit(
        dataset.x[:n_train],
        dataset.y[:n_train],
        validation_data=(dataset.x[n_train:], dataset.y[n_train:]),
        epochs=config.epochs,
        batch_size=config.batch_size,
        shuffle=False,
        verbose=0,
        callbacks=[reporter],
    )
    end = time.perf_counter()
    timings = {"data": t_data - start, "build": t_build - t_data, "fit": end - t_build, "total": end - start}
    return Run(config, model, dataset, history_frame(reporter.rows), timings, param_counts(model, config))
