"""Does order matter? The run's recurrent model (its cell: LSTM, GRU or SimpleRNN) against two comparison models
trained on the same split:

1. the same model, the same cell, on a copy of the data with each sequence's timesteps shuffled (the values stay,
   the order goes): if it does as well, the order carried nothing this model used;
2. a whole-window Dense model (Flatten, then one Dense unit): it sees every timestep at once, each in
   its place, with no memory. The lesson's up-or-down ramps are linear in the whole window, so this
   model can solve them: order matters in the data, yet recurrence is not needed to read it.

Each verdict compares a gap with its noise (lstm_core.pipeline.noise): under 2 standard errors it is too
close to call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from lstm_core.config import CELL_NAMES, LSTMConfig
from lstm_core.data.synthetic import Dataset, make_dataset

WINDOW_LABEL = "Whole-window Dense, no memory"


def shuffled_label(cell: str = "lstm") -> str:
    """The time-shuffled copy's name on the page: 'Same GRU, time order shuffled'."""
    return f"Same {CELL_NAMES[cell]}, time order shuffled"


def ordered_label(cell: str = "lstm") -> str:
    """The run's own model's name beside its copies: 'GRU, time in order'."""
    return f"{CELL_NAMES[cell]}, time in order"


SHUFFLED_LABEL = shuffled_label()  # the lesson's LSTM


def time_shuffled(dataset: Dataset, seed: int) -> Dataset:
    """A copy with each sequence's timesteps in a random order (features stay together)."""
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random(dataset.x.shape[:2]), axis=1)  # (sequences, timesteps)
    x = np.take_along_axis(dataset.x, order[:, :, None], axis=1)
    return replace(dataset, x=x, description=dataset.description + " (time order shuffled)",
                   name=dataset.name + ", shuffled", key=dataset.key + ":shuffled")


@dataclass
class WindowRun:
    """The whole-window Dense model's result: what the comparison shows of it."""

    config: LSTMConfig
    history: pd.DataFrame
    params: int
    timings: dict[str, float]


@dataclass
class OrderBaselines:
    """Both comparison models of one run."""

    shuffled: object  # a train.Run: the same model (the config's cell) on time-shuffled sequences
    window: WindowRun


def build_window_model(config: LSTMConfig):
    """Flatten the (timesteps, features) window, then one sigmoid unit: timesteps x features + 1 weights."""
    from lstm_core.pipeline._keras import keras

    inputs = keras.Input(shape=(config.timesteps, config.features), name="window")
    flat = keras.layers.Flatten(name="flatten")(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="dense",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 2))(flat)
    model = keras.Model(inputs, outputs, name="whole_window_dense")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def train_window(config: LSTMConfig, dataset: Dataset, on_epoch=None, on_batch=None) -> WindowRun:
    """Fit the whole-window Dense model with the recurrent model's split, schedule and optimiser."""
    from lstm_core.pipeline.run import history_frame
    from lstm_core.pipeline.train import EpochReporter

    start = time.perf_counter()
    model = build_window_model(config)
    n = config.train_sequences
    reporter = EpochReporter(on_epoch, None, on_batch)
    model.fit(dataset.x[:n], dataset.y[:n], validation_data=(dataset.x[n:], dataset.y[n:]), epochs=config.epochs,
              batch_size=config.batch_size, shuffle=False, verbose=0, callbacks=[reporter])
    return WindowRun(config, history_frame(reporter.rows), model.count_params(), {"total": time.perf_counter() - start})


def train_baselines(config: LSTMConfig, on_epoch=None, dataset: Dataset | None = None, on_batch=None) -> OrderBaselines:
    """Both baselines, one after the other; ``on_epoch`` sees the shuffled model's epochs, then the Dense model's.
    The shuffled copy is the config's own cell: train builds it with pipeline.model.build_model(config)."""
    from lstm_core.pipeline.train import train

    dataset = dataset if dataset is not None else make_dataset(config)
    shuffled = train(config, dataset=time_shuffled(dataset, config.seed), on_epoch=on_epoch, on_batch=on_batch)
    return OrderBaselines(shuffled, train_window(config, dataset, on_epoch, on_batch))

