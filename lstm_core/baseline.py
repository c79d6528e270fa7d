"""A memoryless baseline: the same data, but the model sees only the last timestep."""

from __future__ import annotations

import pandas as pd

from lstm_core._keras import keras
from lstm_core.config import LSTMConfig
from lstm_core.data import Dataset, make_dataset
from lstm_core.train import HISTORY_COLUMNS


def build_last_step_model(config: LSTMConfig) -> keras.Model:
    """Dense layers on the last timestep's features: as many weights as it likes, but no memory."""
    inputs = keras.Input(shape=(config.features,), name="last_step")
    hidden = keras.layers.Dense(config.units, activation="tanh",
                                kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed))(inputs)
    outputs = keras.layers.Dense(1, activation="sigmoid",
                                 kernel_initializer=keras.initializers.GlorotUniform(seed=config.seed + 1))(hidden)
    model = keras.Model(inputs, outputs, name="last_step_baseline")
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_last_step_baseline(config: LSTMConfig, dataset: Dataset | None = None) -> pd.DataFrame:
    """Fit the baseline with the LSTM's own split and schedule; returns its epoch history."""
    dataset = dataset if dataset is not None else make_dataset(config)
    last = dataset.x[:, -1, :]  # (sequences, features): everything before the last step is dropped
    n = config.train_sequences
    fit = build_last_step_model(config).fit(
        last[:n], dataset.y[:n], validation_data=(last[n:], dataset.y[n:]),
        epochs=config.epochs, batch_size=config.batch_size, shuffle=False, verbose=0,
    )
    frame = pd.DataFrame(fit.history)
    frame.insert(0, "epoch", range(1, len(frame) + 1))
    return frame[HISTORY_COLUMNS]
