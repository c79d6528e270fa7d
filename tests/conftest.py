"""Shared fixtures: small real trainings (no mocks), trained once per test session."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ["LSTM_TRACE_DATA"] = "memory"  # no test reads runs an earlier test run saved (a warm cache hides bugs)

import pytest  # noqa: E402

from lstm_core.config import LSTMConfig  # noqa: E402
from tests.support import SMALL  # noqa: E402


@pytest.fixture(scope="session")
def small_run():
    from lstm_core.pipeline.train import finish, train

    return finish(train(SMALL))


@pytest.fixture(scope="session", params=["gru", "rnn"])
def other_cell_run(request):
    """SMALL with the GRU and with the SimpleRNN: each test that takes it runs once per cell."""
    from lstm_core.pipeline.train import finish, train

    return finish(train(SMALL.replace(cell=request.param)))


@pytest.fixture(scope="session")
def default_run():
    from lstm_core.pipeline.train import finish, train

    return finish(train(LSTMConfig()))


@pytest.fixture(scope="session")
def baselines():
    """The default config's order-free models: a time-shuffled LSTM and a whole-window Dense model."""
    from lstm_core.pipeline.order import train_baselines

    return train_baselines(LSTMConfig())


@pytest.fixture(scope="session")
def diverged_run():
    """A small run as divergence leaves it: the last epoch's losses NaN and every weight NaN (a real
    divergence needs a long, wide config, about 4 s: 200 timesteps x 256 units at learning rate 0.05)."""
    import numpy as np

    from lstm_core.pipeline.train import finish, train, weights_of

    run = train(SMALL.replace(epochs=4))  # 4 epochs: enough for a lowest-validation-loss question
    for layer in ("lstm", "dense"):
        layer = run.model.get_layer(layer)
        layer.set_weights([np.full_like(w, np.nan) for w in layer.get_weights()])
    run.trained = weights_of(run.model)
    finish(run)
    last = run.history.index[-1]
    run.history.loc[last, ["loss", "val_loss"]] = np.nan
    return run
