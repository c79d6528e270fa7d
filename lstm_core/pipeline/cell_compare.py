"""Why gates? Train the other cells (and the LSTM with its forget bias at 0) on a run's own data and settings,
from several seeds, and measure how far each one's gradient reaches back in time.

Each variant keeps the run's data, units, epochs and optimiser; only the cell (or the LSTM's starting forget
bias) and the seed of its starting weights change, so the differences are the cells'. The run itself is the
first seed of its own cell, so it is not trained again. Runs in a worker process: it needs TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import Dataset, make_dataset
from lstm_core.pipeline.run import SEEDS, VARIANTS, CellComparison, VariantRun


def variant_config(config: LSTMConfig, variant: str, k: int) -> LSTMConfig:
    """The run's config as ``variant`` from its k-th seed (k = 0: the run's own seed)."""
    return config.replace(cell=variant.removesuffix("_bias0"), seed=config.seed + k)


def planned(config: LSTMConfig, variants: tuple[str, ...]) -> list[tuple[str, int]]:
    """(variant, k) for every training the comparison needs: the run's own cell at seed k = 0 is the run."""
    return [(v, k) for v in variants for k in range(SEEDS) if not (v == config.cell and k == 0)]


def train_variant(config: LSTMConfig, dataset: Dataset, variant: str, k: int, on_batch=None) -> VariantRun:
    from lstm_core.pipeline.gradients import gradient_flow
    from lstm_core.pipeline.train import train

    c, bias = variant_config(config, variant, k), not variant.endswith("_bias0")
    run = train(c, dataset=dataset, on_batch=on_batch, unit_forget_bias=bias)
    n = c.train_sequences
    flow = None if run.diverged else gradient_flow(c, run.model, dataset.x[n:], dataset.y[n:], unit_forget_bias=bias)
    return VariantRun(variant, c.seed, flow, float(run.history["val_accuracy"].iloc[-1]), c.val_sequences,
                      run.timings["total"])


def compare_cells(config: LSTMConfig, variants: tuple[str, ...], own, on_done: Callable[[dict], None] | None = None,
                  dataset: Dataset | None = None, on_batch=None) -> CellComparison:
    """Train every planned variant one after another (``on_done`` hears of each as it finishes); ``own`` is
    the run's own VariantRun (its cell, its seed), measured when it was trained: kept if its cell is asked for."""
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}; choose from {', '.join(VARIANTS)}")
    dataset = dataset if dataset is not None else make_dataset(config)
    runs = [own] if own.variant in variants else []
    for variant, k in planned(config, variants):
        runs.append(train_variant(config, dataset, variant, k, on_batch))
        if on_done is not None:
            on_done({"variant": variant, "seed": runs[-1].seed, "val_accuracy": runs[-1].val_accuracy})
    order = {v: i for i, v in enumerate(VARIANTS)}
    return CellComparison(config, tuple(sorted(runs, key=lambda r: (order[r.variant], r.seed))))


def own_run(run) -> VariantRun:
    """A finished run as its own cell's first seed."""
    return VariantRun(run.config.cell, run.config.seed, run.gradient_flow, float(run.history["val_accuracy"].iloc[-1]),
                      run.config.val_sequences, float(run.timings.get("total", np.nan)))
