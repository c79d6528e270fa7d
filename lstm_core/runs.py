"""A session's finished runs, for comparing them: bounded, newest last, removable."""

from __future__ import annotations

from collections import OrderedDict

import pandas as pd

from lstm_core.config import LSTMConfig

MAX_RUNS = 8  # a session keeps its last 8 runs; older ones drop out first


def run_label(config: LSTMConfig, data: str = "") -> str:
    """A short name for a run: the values that differ from the defaults (or 'default'), and its data."""
    default = LSTMConfig()
    changed = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
               for k, v in config.to_dict().items() if v != getattr(default, k)]
    return (", ".join(changed) or "default") + (f" on {data}" if data else "")


def label_of(run) -> str:
    """The run's label; a CSV run names its file and columns, target first (two targets, two labels)."""
    data = "" if run.dataset.key == "synthetic" else f"{run.dataset.name} ({', '.join(run.dataset.feature_names)})"
    return run_label(run.config, data)


class RunStore:
    """Runs keyed by config; adding a config again moves it to the end instead of duplicating it."""

    def __init__(self, limit: int = MAX_RUNS):
        self.limit = limit
        self._runs: OrderedDict[str, object] = OrderedDict()

    def add(self, run) -> None:
        key = run.key
        self._runs.pop(key, None)
        self._runs[key] = run
        while len(self._runs) > self.limit:
            self._runs.popitem(last=False)

    def remove(self, label: str) -> None:
        for key, run in list(self._runs.items()):
            if label_of(run) == label:
                del self._runs[key]

    def clear(self) -> None:
        self._runs.clear()

    def __len__(self) -> int:
        return len(self._runs)

    def runs(self) -> list:
        return list(self._runs.values())

    def labels(self) -> list[str]:
        return [label_of(r) for r in self._runs.values()]

    def summary(self) -> pd.DataFrame:
        """One row per run: its config, parameter count, final metrics and training time."""
        rows = []
        for run in self._runs.values():
            last, c = run.history.iloc[-1], run.config
            rows.append({
                "Run": label_of(run), "Units": c.units, "Timesteps": c.timesteps, "Features": c.features,
                "Epochs": c.epochs, "Sequences": c.sequences, "Batch": c.batch_size, "Learning rate": c.learning_rate,
                "Seed": c.seed, "Parameters": run.params["total"], "Final loss": round(float(last["loss"]), 3),
                "Final accuracy": round(float(last["accuracy"]), 3), "Final val accuracy": round(float(last["val_accuracy"]), 3),
                "Training time (s)": round(run.timings["total"], 2),
            })
        return pd.DataFrame(rows)

    def histories(self) -> pd.DataFrame:
        """Every run's history, long form, with a 'run' column for colouring."""
        frames = [run.history.assign(run=label_of(run)) for run in self._runs.values()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
