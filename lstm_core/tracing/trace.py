"""One sample through the model in NumPy (the cells are in tracing.cells), checked against Keras's own outputs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lstm_core.tracing.cells import STATES, forward, sigmoid

DIVERGED_CHECK = "The model's weights are not numbers (training diverged), so there is nothing to compare with Keras."


def carried_after(forget_gate: np.ndarray, timestep: int) -> float:
    """How much of what ``timestep`` wrote to the cell reaches the end: the forget gates after it,
    multiplied, averaged over the units (1.0 for the last timestep). forget_gate: (timesteps, units)."""
    return float(np.prod(forget_gate[timestep + 1:], axis=0).mean()) if timestep + 1 < len(forget_gate) else 1.0


AGREEMENT = 1e-4  # float32 sums in another order differ by about 1e-7; beyond this the NumPy cell is wrong


def agreement(max_diff: float | None, what: str = "every step's hidden state and the score") -> str:
    """How the NumPy recomputation compares with Keras, in one sentence for the page. ``max_diff`` is
    None when Keras has not computed this input: then nothing is claimed."""
    if max_diff is None:
        return "Not checked against Keras: Keras has not computed this input."
    if not math.isfinite(max_diff):  # NaN weights give NaN on both sides: nothing disagrees, nothing to compare
        return DIVERGED_CHECK
    if max_diff <= AGREEMENT:
        return f"Checked: our step-by-step recomputation agrees with Keras on {what}."
    return (f"Our step-by-step recomputation does NOT agree with Keras on {what}: largest difference "
            f"{max_diff:.1e}, over the {AGREEMENT:.0e} allowed. The gates shown may be wrong.")


def agreement_detail(max_diff: float | None) -> str | None:
    """The check's numbers, for a Details expander: None when there is nothing measured to show."""
    if max_diff is None or not math.isfinite(max_diff):
        return None
    return (f"Largest difference between NumPy and Keras: {max_diff:.1e}. Up to {AGREEMENT:.0e} counts as agreeing: "
            "the same float32 sums added in another order differ by about 1e-7.")


@dataclass(frozen=True)
class Trace:
    """One sample through the 3 layers, with every gate, checked against Keras."""

    sample: int
    label: int
    input: np.ndarray  # (timesteps, features)
    gates: dict[str, np.ndarray]  # cells.STATES[cell] -> (timesteps, units)
    recurrent_output: np.ndarray  # (units,): the last hidden state
    dense_output: float  # the sigmoid score
    keras_max_diff: float | None  # largest |NumPy - Keras| over what Keras computed; None: not checked
    initial_gates: dict[str, np.ndarray] | None = None  # the same input through the weights before training
    checked: str = "every step's hidden state and the score"  # what keras_max_diff compared
    cell: str = "lstm"  # config.cell: which gates ``gates`` holds

    @property
    def states(self) -> tuple[str, ...]:
        """The cell's gates and states, in the order the trace shows them."""
        return STATES[self.cell]

    @property
    def predicted(self) -> int:
        return int(self.dense_output > 0.5)  # as Keras's binary accuracy counts it: a score of 0.5 is class 0

    @property
    def agrees(self) -> bool:
        """Not a mismatch: checked and within AGREEMENT, or not checked at all (nothing claimed)."""
        return self.keras_max_diff is None or not self.keras_max_diff > AGREEMENT

    @property
    def agreement(self) -> str:
        return agreement(self.keras_max_diff, self.checked)

    @property
    def agreement_detail(self) -> str | None:
        return agreement_detail(self.keras_max_diff)


def dense_head(h: np.ndarray, dense_kernel: np.ndarray, dense_bias: np.ndarray) -> np.ndarray:
    """Dense(1, sigmoid) on the last hidden state: (..., units) -> (...,)."""
    return sigmoid(h @ dense_kernel[:, 0] + dense_bias[0])


def trace_sample(run, sample: int = 0, x: np.ndarray | None = None,
                 reference: tuple[np.ndarray, float] | None = None) -> Trace:
    """Trace sample ``sample`` of the run's data (or a given (timesteps, features) array) in NumPy,
    and check it against Keras's own outputs: those kept with the run for its own sequences, or
    ``reference`` (every step's h, and the score) computed by Keras for a given x. Unchecked when
    Keras has computed neither."""
    w, own, cell = run.weights(), x is None, run.config.cell
    x = run.dataset.x[sample] if own else np.asarray(x, dtype=np.float32)  # (timesteps, features)
    gates = forward(cell, x, w)
    h_last = gates["hidden_state"][-1]  # (units,)
    score = float(dense_head(h_last, w["dense_kernel"], w["dense_bias"]))
    diff, checked = None, "every step's hidden state and the score"
    kept = getattr(run, "keras", None)
    if reference is None and kept is not None and own:
        if sample < kept.samples:
            reference = kept.hidden[sample], float(kept.scores[sample])
        else:  # beyond the sequences whose every step was kept: the score alone
            diff, checked = abs(float(kept.scores[sample]) - score), "the score (every step is kept for the first " \
                f"{kept.samples} sequences)"
    if reference is not None:
        keras_h, keras_score = reference
        diff = max(float(np.abs(np.asarray(keras_h) - gates["hidden_state"]).max()), abs(keras_score - score))
    w0 = getattr(run, "initial_weights", None)
    initial = forward(cell, x, w0) if w0 else None
    return Trace(sample, int(run.dataset.y[sample]), x, gates, h_last, score, diff, initial, checked, cell)


def keras_reference(model, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Keras's own h at every step and its score for one (timesteps, features) input: run where the
    model lives (a worker process), since it imports TensorFlow."""
    from lstm_core.pipeline.train import keras_hidden, keras_scores

    batch = np.asarray(x, dtype=np.float32)[None]
    return keras_hidden(model, batch)[0], float(keras_scores(model, batch)[0])
