"""The memory-horizon experiment trains every cell at every lag with the run's settings (real TensorFlow)."""

import pytest

from lstm_core.config import ConfigError, LSTMConfig
from lstm_core.data.horizon import Horizon
from lstm_core.pipeline.horizon import horizon_config, planned, train_horizon


def test_every_cell_trains_at_every_lag_and_each_is_heard_of():
    config, heard = LSTMConfig(units=3, epochs=1, batch_size=64, seed=2), []
    result = train_horizon(config, Horizon(3, 0.5, 2), heard.append)
    assert [(p.cell, p.lag) for p in result.points] == [(c, lag) for lag in (1, 3) for c in ("lstm", "gru", "rnn")]
    assert [(r["cell"], r["lag"]) for r in heard] == [(p.cell, p.lag) for p in result.points]
    assert all(0 <= p.val_accuracy <= 1 and p.val_sequences == 200 and p.first_share > 0 for p in result.points)
    assert horizon_config(config, "gru", 3) == config.replace(cell="gru", timesteps=4, features=1, sequences=1000)


def test_settings_that_break_a_cap_at_some_lag_are_refused_before_anything_trains():
    with pytest.raises(ConfigError, match="work cap"):
        planned(LSTMConfig(units=256, epochs=30, timesteps=5), Horizon(100, 0.5, 0))
