"""Shared fixtures: small real trainings (no mocks), trained once per test session."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402

from lstm_core.config import LSTMConfig  # noqa: E402

SMALL = LSTMConfig(sequences=120, timesteps=6, features=3, units=4, epochs=2, batch_size=16)


@pytest.fixture(scope="session")
def small_run():
    from lstm_core.train import train

    return train(SMALL)


@pytest.fixture(scope="session")
def default_run():
    from lstm_core.train import train

    return train(LSTMConfig())
