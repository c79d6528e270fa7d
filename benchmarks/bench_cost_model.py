"""Cost model: training time against units, timesteps, sequences, batch size and epochs on this machine.

Fits  seconds = COST_FIXED + epochs * (COST_PER_EPOCH + COST_PER_BATCH * batches
                                      + COST_PER_STEP * batches * timesteps + COST_PER_MAC * macs
                                      + COST_PER_WEIGHT_STEP * weight_steps)
by least squares, prints the table and the fitted coefficients next to the ones in lstm_core.config,
then trains the most expensive configs the cap allows and reports them against the 30 s budget.

    python benchmarks/bench_cost_model.py [--quick]
    python benchmarks/bench_cost_model.py --cells [--quick]

--cells checks the model for every cell: the same configs trained as an LSTM, a GRU and a SimpleRNN, one
after another, each time measured against its own estimate (the LSTM's ratio is the baseline, from the same
run), then each cell's worst allowed configs against the cap.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from lstm_core import config as cfg  # noqa: E402
from lstm_core.config import LSTMConfig, cost_seconds  # noqa: E402


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"

GRID = [
    dict(units=20), dict(units=64), dict(units=128), dict(units=256),
    dict(timesteps=50), dict(timesteps=200, units=8), dict(timesteps=100, units=64),
    dict(sequences=5000), dict(sequences=5000, units=128), dict(sequences=20000, timesteps=4),
    dict(batch_size=4), dict(batch_size=256, sequences=5000), dict(batch_size=1, sequences=500),
    dict(batch_size=8, timesteps=100, sequences=500),
    # small batches through big weights: weight traffic, not arithmetic, sets the pace
    dict(units=256, features=32, batch_size=1, sequences=400), dict(units=256, features=32, batch_size=4, sequences=1000),
    dict(units=256, features=32, batch_size=8, sequences=2000), dict(units=192, features=32, batch_size=2, sequences=600),
]


def features_of(c: LSTMConfig) -> list[float]:
    """The per-epoch terms of the cost model: 1, batches, batches x timesteps, multiply-adds, weight steps."""
    u, t = c.units, c.timesteps
    weights = 4 * u * (c.features + u + 1)  # every cell is costed as an LSTM of its size (config.CELL_COST)
    macs = (3 * c.train_sequences + c.val_sequences) * t * (weights + u)
    train_batches = math.ceil(c.train_sequences / c.batch_size)
    batches = train_batches + math.ceil(c.val_sequences / c.batch_size)
    return [1.0, batches, batches * t, macs, (2 * train_batches + batches) * t * weights]


def measure(c: LSTMConfig) -> tuple[float, float]:
    """(total seconds, seconds per epoch after the first) for one real training."""
    from lstm_core.pipeline.train import train

    stamps: list[float] = []
    run = train(c, on_epoch=lambda row: stamps.append(time.perf_counter()))
    per_epoch = (stamps[-1] - stamps[0]) / (len(stamps) - 1) if len(stamps) > 1 else run.timings["fit"]
    return run.timings["total"], per_epoch


def unchecked(**changes) -> LSTMConfig:
    return cfg.unchecked(LSTMConfig(), **changes)


# Corners of the allowed space: push some fields to their limits, then grow the last field as far as the caps allow.
CORNERS = [
    ({"units": 256}, "epochs"),
    ({"timesteps": 200}, "epochs"),
    ({"sequences": 20000}, "epochs"),
    ({"batch_size": 1}, "epochs"),
    ({"epochs": 100}, "sequences"),
    ({"units": 256, "timesteps": 200, "epochs": 1}, "sequences"),
    ({"batch_size": 1, "timesteps": 200, "epochs": 1}, "sequences"),
    ({"features": 32, "units": 256, "epochs": 1}, "timesteps"),
    ({"features": 32, "units": 256, "batch_size": 4, "epochs": 5}, "sequences"),
    ({"features": 32, "units": 256, "batch_size": 1, "sequences": 400}, "epochs"),
]


def fits(c: LSTMConfig) -> bool:
    return cost_seconds(c) <= cfg.MAX_TRAIN_SECONDS and c.sequences * c.timesteps * c.features <= cfg.MAX_DATA_VALUES


def worst_allowed(cell: str = "lstm") -> list[LSTMConfig]:
    worst = []
    for fixed, grow in CORNERS:
        base = unchecked(cell=cell, **fixed)
        best = cfg._largest_fitting(base, grow, fits)
        if best is not None:
            worst.append(LSTMConfig(**cfg.unchecked(base, **{grow: best}).to_dict()))
    return worst


def describe(c: LSTMConfig) -> str:
    return (f"{c.cell} units={c.units} features={c.features} timesteps={c.timesteps} sequences={c.sequences} "
            f"batch={c.batch_size} epochs={c.epochs}")


def cells(quick: bool) -> None:
    """Each cell's measured time over its estimate, on the grid, next to the LSTM's (the fitted baseline); then
    each cell's worst allowed configs against the cap."""
    print(f"{'config':45} " + " ".join(f"{cell + ' meas/est':>15}" for cell in cfg.CELLS))
    worst_ratio = {cell: 0.0 for cell in cfg.CELLS}
    for changes in GRID[: 4 if quick else None]:
        ratios = []
        for cell in cfg.CELLS:
            c = unchecked(epochs=3, cell=cell, **changes)
            ratios.append(measure(c)[0] / cost_seconds(c))
            worst_ratio[cell] = max(worst_ratio[cell], ratios[-1])
        label = ", ".join(f"{k}={v}" for k, v in changes.items())
        print(f"{label:45} " + " ".join(f"{r:15.2f}" for r in ratios), flush=True)
    print("largest measured/estimate: " + ", ".join(f"{cell} {r:.2f}" for cell, r in worst_ratio.items()) +
          "; each cell against the LSTM's: " + ", ".join(f"{cell} {r / worst_ratio['lstm']:.2f}x" for cell, r in worst_ratio.items()))
    if quick:
        return
    # Each cell's worst allowed configs on the corners where cells differ most, against the LSTM's worst
    # allowed configs on the same corners, trained in the same run (this machine's speed varies 2x by day).
    seen = {}
    for cell in cfg.CELLS:
        seen[cell] = 0.0
        for c in worst_allowed(cell)[:4]:
            total, _ = measure(c)
            seen[cell] = max(seen[cell], total)
            print(f"  {describe(c)}: model {cost_seconds(c):.1f} s, measured {total:.1f} s = {total / cfg.MAX_TRAIN_SECONDS:.2f}x the cap", flush=True)
    for cell in cfg.CELLS[1:]:
        ratio = seen[cell] / seen["lstm"]
        print(f"{cell} worst allowed config: {seen[cell]:.1f} s = {ratio:.2f}x the LSTM's worst ({seen['lstm']:.1f} s)  "
              f"target <= 1.0x  {verdict(ratio <= 1.0)}")


def main() -> None:
    quick = "--quick" in sys.argv
    if "--cells" in sys.argv:
        return cells(quick)
    rows = []
    print(f"{'config':45} {'total s':>8} {'per epoch':>10} {'model s':>8}")
    for changes in GRID[: 4 if quick else None]:
        c = unchecked(epochs=3, **changes)  # measure past the cap too
        total, per_epoch = measure(c)
        rows.append((features_of(c), per_epoch, total - c.epochs * per_epoch))
        label = ", ".join(f"{k}={v}" for k, v in changes.items())
        print(f"{label:45} {total:8.2f} {per_epoch:10.3f} {cost_seconds(c):8.2f}", flush=True)
    a = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    scale = a.max(axis=0)  # the terms differ by 10 orders of magnitude
    coef = np.linalg.lstsq(a / scale, y, rcond=None)[0] / scale
    fixed = float(np.median([r[2] for r in rows]))
    names = ("COST_PER_EPOCH", "COST_PER_BATCH", "COST_PER_STEP", "COST_PER_MAC", "COST_PER_WEIGHT_STEP")
    print("\nfitted: " + " ".join(f"{n}={v:.3g}" for n, v in zip(names, coef)) + f" COST_FIXED~{fixed:.2f}")
    print("config: " + " ".join(f"{n}={getattr(cfg, n):.3g}" for n in names) + f" COST_FIXED={cfg.COST_FIXED}")
    if quick:
        return
    print(f"\nworst allowed configs (cap {cfg.MAX_TRAIN_SECONDS:g} s):")
    worst_seen = 0.0
    for c in worst_allowed():
        total, _ = measure(c)
        worst_seen = max(worst_seen, total)
        print(f"  units={c.units} features={c.features} timesteps={c.timesteps} sequences={c.sequences} batch={c.batch_size} "
              f"epochs={c.epochs}: model {cost_seconds(c):.1f} s, measured {total:.1f} s "
              f"= {total / cfg.MAX_TRAIN_SECONDS:.2f}x the cap")
    print(f"cost model worst allowed config: {worst_seen:.1f} s vs cap {cfg.MAX_TRAIN_SECONDS:g} s = {worst_seen / cfg.MAX_TRAIN_SECONDS:.2f}x  target <= 1.0x  {verdict(worst_seen <= cfg.MAX_TRAIN_SECONDS)}")


if __name__ == "__main__":
    main()
