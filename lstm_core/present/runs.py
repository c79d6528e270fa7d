"""A session's finished runs, for comparing them: bounded, newest last, removable.

The store keeps what Compare shows (config, label, history, sizes, timings), not the runs: a run
holds its model and up to 16 MB of data, and every session of a workshop keeps its own store.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_core.config import CELL_NAMES, LSTMConfig
from lstm_core.teaching.compare import Outcome, suggestion, verdict

MAX_RUNS = 8  # a session keeps its last 8 runs; older ones drop out first
OUTCOME_COLUMNS = ("Final loss", "Final accuracy", "Final val accuracy", "Training time (s)")
SUMMARY_FORMATS = {  # as the epoch table shows them; the learning rate as typed
    "Learning rate": "{:g}", "Final loss": "{:.3f}", "Final accuracy": "{:.3f}", "Final val accuracy": "{:.3f}",
    "Training time (s)": "{:.2f}", "Parameters": "{:,}",
}


def run_label(config: LSTMConfig, data: str = "") -> str:
    """A short name for a run: the values that differ from the defaults (or 'default'), and its data."""
    default = LSTMConfig()
    changed = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
               for k, v in config.to_dict().items() if v != getattr(default, k)]
    return (", ".join(changed) or "default") + (f" on {data}" if data else "")


def label_of(run) -> str:
    """The run's label; a CSV run names its file and columns, target first (two targets, two labels)."""
    data = "" if run.dataset.synthetic else f"{run.dataset.name} ({', '.join(run.dataset.feature_names)})"
    return run_label(run.config, data)


@dataclass(frozen=True)
class RunRecord:
    """What Compare needs of a run, and nothing that pins its model or data."""

    key: str
    label: str
    config: LSTMConfig
    history: pd.DataFrame
    params: dict
    timings: dict
    n_val: int = 0  # held-out sequences
    held_out: str = ""  # a digest of the held-out sequences and labels: equal when two runs were judged on the same

    @classmethod
    def of(cls, run) -> RunRecord:
        n_train = run.config.train_sequences
        return cls(run.key, label_of(run), run.config, run.history, dict(run.params), dict(run.timings),
                   run.config.val_sequences, held_out_digest(run.dataset.x[n_train:], run.dataset.y[n_train:]))

    def outcome(self) -> Outcome:
        return Outcome(self.label, float(self.history["val_accuracy"].iloc[-1]), self.n_val, self.held_out)


def held_out_digest(x, y) -> str:
    """Names a held-out set by its contents: another seed, size or file gives another digest."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (np.ascontiguousarray(x), np.ascontiguousarray(y)):
        digest.update(str(part.shape).encode())
        digest.update(part.tobytes())
    return digest.hexdigest()


class RunStore:
    """Run records keyed by config and data; adding one again moves it to the end, not a duplicate.
    Labels are unique in a store (two uploads can share a name and columns), so remove() hits one run."""

    def __init__(self, limit: int = MAX_RUNS):
        self.limit = limit
        self._runs: OrderedDict[str, RunRecord] = OrderedDict()

    def add(self, run) -> None:
        record = RunRecord.of(run)
        old = self._runs.pop(record.key, None)
        taken = {r.label for r in self._runs.values()}
        label, n = (old.label, 1) if old is not None else (record.label, 1)
        while label in taken:  # another file with the same name and columns: labels name one run each
            n += 1
            label = f"{record.label} #{n}"
        self._runs[record.key] = dataclasses.replace(record, label=label)
        while len(self._runs) > self.limit:
            self._runs.popitem(last=False)

    def remove(self, label: str) -> None:
        for key, run in list(self._runs.items()):
            if run.label == label:
                del self._runs[key]

    def clear(self) -> None:
        self._runs.clear()

    def __len__(self) -> int:
        return len(self._runs)

    def __contains__(self, key: str) -> bool:
        return key in self._runs

    def runs(self) -> list:
        return list(self._runs.values())

    def labels(self) -> list[str]:
        return [r.label for r in self._runs.values()]

    def summary(self) -> pd.DataFrame:
        """One row per run: its config, parameter count, final metrics and training time."""
        rows = []
        for run in self._runs.values():
            last, c = run.history.iloc[-1], run.config
            rows.append({
                "Run": run.label, "Cell": CELL_NAMES[c.cell], "Units": c.units, "Timesteps": c.timesteps, "Features": c.features,
                "Epochs": c.epochs, "Sequences": c.sequences, "Batch": c.batch_size, "Learning rate": c.learning_rate,
                "Seed": c.seed, "Parameters": run.params["total"], "Final loss": round(float(last["loss"]), 3),
                "Final accuracy": round(float(last["accuracy"]), 3), "Final val accuracy": round(float(last["val_accuracy"]), 3),
                "Training time (s)": round(run.timings["total"], 2),
            })
        return pd.DataFrame(rows)

    def differing(self) -> tuple[pd.DataFrame, dict]:
        """The summary with only the settings that differ across the runs (and the outcomes), and the
        settings every run shares, {column: value}: with one run, all of its settings (a phone could not
        show 14 columns)."""
        table = self.summary()
        same = [c for c in table.columns
                if c != "Run" and c not in OUTCOME_COLUMNS and table[c].nunique(dropna=False) == 1]
        return table.drop(columns=same), {c: table[c].iloc[0] for c in same}

    def verdict(self) -> str:
        """One line on which run did best on held-out sequences and whether it is more than noise;
        with one run, what to train next; empty with none."""
        runs = self.runs()
        if len(runs) == 1:
            return suggestion(runs[0].config)
        return verdict([r.outcome() for r in runs])

    def histories(self) -> pd.DataFrame:
        """Every run's history, long form, with a 'run' column for colouring."""
        frames = [run.history.assign(run=run.label) for run in self._runs.values()]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
