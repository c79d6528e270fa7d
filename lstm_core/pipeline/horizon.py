"""The memory-horizon experiment: each cell trained on data.horizon's task at several lags, with the run's
units, epochs and optimiser, so that the longest lag each cell solves can be read off. Runs in a worker
process: it needs TensorFlow.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lstm_core.config import CELLS, LSTMConfig
from lstm_core.data.horizon import SEQUENCES, Horizon, lags_up_to, make_horizon
from lstm_core.pipeline.run import HorizonPoint, HorizonResult


def horizon_config(config: LSTMConfig, cell: str, lag: int) -> LSTMConfig:
    """The run's settings for ``cell`` on the task at ``lag``: one feature, lag + 1 timesteps (raises
    ConfigError past a cap, as every config does)."""
    return config.replace(cell=cell, timesteps=lag + 1, features=1, sequences=SEQUENCES)


def planned(config: LSTMConfig, horizon: Horizon) -> list[LSTMConfig]:
    """Every training the experiment needs, in the order it trains them: the lags, each for every cell."""
    return [horizon_config(config, cell, lag) for lag in lags_up_to(horizon.lag) for cell in CELLS]


def train_horizon(config: LSTMConfig, horizon: Horizon, on_done: Callable[[dict], None] | None = None,
                  on_batch=None) -> HorizonResult:
    from lstm_core.pipeline.gradients import gradient_flow
    from lstm_core.pipeline.train import train

    points = []
    for c in planned(config, horizon):
        lag = c.timesteps - 1
        data = make_horizon(Horizon(lag, horizon.noise, horizon.seed))
        run = train(c, dataset=data, on_batch=on_batch)
        n = c.train_sequences
        share = math.nan if run.diverged else float(gradient_flow(c, run.model, data.x[n:], data.y[n:]).trained[0])
        points.append(HorizonPoint(c.cell, lag, float(run.history["val_accuracy"].iloc[-1]), c.val_sequences, share,
                                   run.timings["total"]))
        if on_done is not None:
            on_done({"cell": c.cell, "lag": lag, "val_accuracy": points[-1].val_accuracy})
    return HorizonResult(config, horizon, tuple(points))
