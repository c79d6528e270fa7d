"""Sequences worth tracing: the ones the trained model gets wrong, and the ones it is least sure of.

Read from Keras's own scores for every sequence, kept with the run (pipeline.run.KerasCheck), or, for a
run without them, from the NumPy model. Held-out sequences (the last ``val_sequences``, which Keras's
validation_split keeps out of training) come first: a mistake there is the model's, not a memory's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.tracing.cells import forward
from lstm_core.tracing.trace import dense_head


@dataclass(frozen=True)
class Pick:
    """One sequence, with the model's score for it and its true label."""

    sample: int
    score: float
    label: int
    held_out: bool  # in the validation part, never trained on

    @property
    def predicted(self) -> int:
        return int(self.score > 0.5)  # as Keras's binary accuracy (and the trace) count it

    @property
    def wrong(self) -> bool:
        return self.predicted != self.label

    def describe(self) -> str:
        """One line for a list to pick from."""
        part = "held out" if self.held_out else "training"
        return (f"{'Wrong' if self.wrong else 'Unsure'}: sample {self.sample} ({part}), "
                f"score {self.score:.3f}, true label {self.label}")


def scores(run) -> np.ndarray:
    """Every sequence's score: Keras's own, kept with the run, else the NumPy model's."""
    kept = getattr(run, "keras", None)
    if kept is not None and len(kept.scores) == len(run.dataset.y):
        return np.asarray(kept.scores, dtype=np.float64)
    w = run.weights()
    h_last = forward(run.config.cell, run.dataset.x, w)["hidden_state"][:, -1]
    return dense_head(h_last, w["dense_kernel"], w["dense_bias"])


def _picks(run, order: np.ndarray, s: np.ndarray) -> list[Pick]:
    first_held = run.config.train_sequences
    return [Pick(int(i), float(s[i]), int(run.dataset.y[i]), bool(i >= first_held)) for i in order]


def misclassified(run, limit: int | None = None) -> list[Pick]:
    """The sequences whose score is on the wrong side of 0.5: held-out ones first, and within each part
    the most confidently wrong first. A diverged run (scores not numbers) has none to show."""
    s = scores(run)
    y = np.asarray(run.dataset.y) > 0.5
    wrong = np.flatnonzero(np.isfinite(s) & ((s > 0.5) != y))
    held = wrong >= run.config.train_sequences
    order = wrong[np.lexsort((-np.abs(s[wrong] - 0.5), ~held))]  # held out first, then furthest from 0.5
    return _picks(run, order[:limit], s)


def least_confident(run, count: int = 10) -> list[Pick]:
    """The ``count`` sequences whose score is nearest 0.5, right or wrong: held-out ones first."""
    s = scores(run)
    finite = np.flatnonzero(np.isfinite(s))
    nearest = finite[np.argsort(np.abs(s[finite] - 0.5), kind="stable")[:count]]
    held = nearest >= run.config.train_sequences
    order = nearest[np.lexsort((np.abs(s[nearest] - 0.5), ~held))]
    return _picks(run, order, s)


def counts(run) -> tuple[int, int]:
    """(misclassified sequences, of which held out)."""
    wrong = misclassified(run)
    return len(wrong), sum(p.held_out for p in wrong)
