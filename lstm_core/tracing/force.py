"""Force a gate: run the trained cell again over one sequence with one gate held at 0 or 1 at every step.

An experiment on the trained weights in NumPy: Keras has no such switch, so nothing forced is checked
against Keras. The forced value replaces the gate after its sigmoid, and the states follow from it.
The SimpleRNN has no gate: its only choice is the cell as trained.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from lstm_core.data.synthetic import label_name
from lstm_core.tracing.cells import forward
from lstm_core.tracing.probe import movement
from lstm_core.tracing.trace import Trace, dense_head, trace_sample


@dataclass(frozen=True)
class Force:
    """One gate held at one value at every step (gate None: the cell as trained)."""

    words: str  # the gate in plain words, or the whole choice for the cell as trained
    why: str  # what holding it there means
    gate: str | None = None  # a name in cells.FORCEABLE
    value: float | None = None
    effect: str = ""  # what it does to the cell's equations

    @property
    def label(self) -> str:
        return self.words if self.gate is None else f"{self.words} = {self.value:g} ({self.why})"


AS_TRAINED = Force("as trained", "", effect="Every gate as the trained weights compute it.")
FORCES = {"lstm": (
    AS_TRAINED,
    Force("forget gate", "forget everything at every step", "forget_gate", 0.0,
          "c = i·g: each step's cell state holds only what that step wrote, so nothing is carried along the cell."),
    Force("forget gate", "keep everything", "forget_gate", 1.0,
          "c = c_prev + i·g: nothing is ever cleared, so every step's write piles up in the cell."),
    Force("input gate", "write nothing", "input_gate", 0.0,
          "c = f·c_prev: with nothing written the cell stays at 0, so h is 0 and the score rests on the Dense "
          "layer's bias alone."),
    Force("output gate", "expose the whole cell", "output_gate", 1.0,
          "h = tanh(c): every unit shows all of its squashed cell state, whatever the gate would have hidden."),
), "gru": (
    AS_TRAINED,
    Force("update gate", "keep the old state", "update_gate", 1.0,
          "h = h_prev: every step keeps the state it was given, so h stays at its start, 0, and the score rests "
          "on the Dense layer's bias alone."),
    Force("update gate", "take the new candidate", "update_gate", 0.0,
          "h = candidate: every step replaces the state with what it just computed; the old h reaches it only "
          "through the candidate's recurrent weights."),
    Force("reset gate", "ignore the old state", "reset_gate", 0.0,
          "candidate = tanh(x·W + b): the candidate is built from this step's input alone; the old h is carried "
          "only by the update gate's mix."),
), "rnn": (AS_TRAINED,)}
FORCE_LABELS = {cell: tuple(force.label for force in forces) for cell, forces in FORCES.items()}
NOT_KERAS = ("Keras has no switch for this: the NumPy cell runs the trained weights with this one gate overwritten "
             "after its sigmoid at every step, so the forced numbers are not checked against Keras.")
DIVERGED_FORCE = ("The model's weights are not numbers (training diverged), so forcing a gate shows nothing: every "
                  "score is not a number. Lower the learning rate and train again.")


def force_of(label: str, cell: str = "lstm") -> Force:
    """The choice with this label for ``cell``."""
    for force in FORCES[cell]:
        if force.label == label:
            return force
    raise ValueError(f"unknown choice {label!r}; choose one of: {'; '.join(FORCE_LABELS[cell])}")


@dataclass(frozen=True)
class Forced:
    """One sequence as trained (checked against Keras) and with the gate forced (NumPy only)."""

    force: Force
    before: Trace
    after: Trace  # keras_max_diff None: Keras cannot compute it
    synthetic: bool  # the lesson's ramps, which name the classes up and down

    @property
    def diverged(self) -> bool:
        return not all(math.isfinite(t.dense_output) and all(np.isfinite(g).all() for g in t.gates.values())
                       for t in (self.before, self.after))


def force_gate(run, sample: int, force: Force | str) -> Forced:
    """Trace ``sample`` as trained and again with ``force`` (a Force or its label) at every step."""
    force = force_of(force, run.config.cell) if isinstance(force, str) else force
    before = trace_sample(run, sample)
    after = before
    if force.gate is not None:
        w = run.weights()
        gates = forward(run.config.cell, before.input, w, force=(force.gate, force.value))
        h_last = gates["hidden_state"][-1]  # (units,)
        score = float(dense_head(h_last, w["dense_kernel"], w["dense_bias"]))
        after = replace(before, gates=gates, recurrent_output=h_last, dense_output=score, keras_max_diff=None,
                        initial_gates=None)
    return Forced(force, before, after, run.dataset.synthetic)


@dataclass(frozen=True)
class Summary:
    """Before against after, with one sentence for the learner (classes None when the scores are not numbers)."""

    score_before: float
    score_after: float
    class_before: int | None
    class_after: int | None
    sentence: str


def _judged(trace: Trace, synthetic: bool) -> str:
    if trace.predicted == trace.label:
        return "which is right for this sequence"
    return f"which is wrong: this sequence is {label_name(trace.label, synthetic)}"


def summary(forced: Forced) -> Summary:
    """The score and the predicted class before and after, and what changed, said from the numbers."""
    before, after = forced.before, forced.after
    if forced.diverged:
        return Summary(before.dense_output, after.dense_output, None, None, DIVERGED_FORCE)
    was, now = label_name(before.predicted, forced.synthetic), label_name(after.predicted, forced.synthetic)
    if forced.force.gate is None:
        sentence = (f"As trained, the score is {before.dense_output:.3f}: {was}, {_judged(before, forced.synthetic)}. "
                    "Force a gate to see how much the score depends on it.")
        return Summary(before.dense_output, after.dense_output, before.predicted, after.predicted, sentence)
    delta = after.dense_output - before.dense_output
    held = f"With the {forced.force.words} forced to {forced.force.value:g} at every step, the score "
    if f"{abs(delta):.3f}" == "0.000":
        sentence = held + f"stayed at {before.dense_output:.3f}"
    else:
        sentence = (held + f"{movement(delta)} ({delta:+.3f}), from {before.dense_output:.3f} to "
                    f"{after.dense_output:.3f}")
    if after.predicted != before.predicted:
        sentence += f", and the prediction changed from {was} to {now}, {_judged(after, forced.synthetic)}."
    else:
        sentence += f", and the prediction stayed {was}."
    return Summary(before.dense_output, after.dense_output, before.predicted, after.predicted, sentence)
