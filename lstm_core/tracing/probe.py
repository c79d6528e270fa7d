"""What-if probes: edit one sample's sequence, then trace it again and compare before and after."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.data.synthetic import LABEL_WORDS
from lstm_core.formats import counted
from lstm_core.tracing.trace import Trace, carried_after, trace_sample

MAX_VALUE = 1e6  # inputs are about -0.5 to 1.5; far beyond that only saturates every gate (1e308 overflows float32)
EDITS = {
    "zero": "Set one timestep's features to zero",
    "mean": "Replace one timestep with the sequence's mean",
    "edit": "Edit one timestep's values",
    "reverse": "Reverse the time order",
    "shuffle": "Shuffle the timesteps",
}
TIMESTEP_EDITS = ("zero", "mean", "edit")  # the edits that change one timestep, which the user picks
EDIT_NOTES = {
    "zero": "Zero is not the same as removing the timestep: 0 is a value. The lesson's inputs run from about "
            "-0.3 to 1.3, so 0 is a low one: late in a sequence it looks like a fall (towards 'down') and early on "
            "like a rise after it (towards 'up'). To blank a timestep more gently, replace it with the sequence's "
            "mean.",
    "mean": "The timestep takes this sequence's own average, feature by feature: a level the sequence already "
            "has, rather than an arbitrary one. This is the closest to leaving the step out, but not the same: the "
            "model still reads a value there.",
    "edit": "Type new values for one timestep. The lesson's inputs run from about -0.3 to 1.3; values far outside "
            "that only push the gates to their limits.",
    "reverse": "The same values in the opposite order.",
    "shuffle": "The same values in a random order.",
}
# On a CSV run every column is scaled min-max with the training rows' minimum and maximum, so 0 and 1
# mean those rows' lowest and highest values, not the lesson's ramps.
CSV_EDIT_NOTES = {
    **EDIT_NOTES,
    "zero": "Zero is not the same as removing the timestep: 0 is a value. Each column is scaled with the minimum "
            "and maximum of the training rows, so 0 puts every column at its lowest value in those rows, not at a "
            "zero of your file. To blank a timestep more gently, replace it with the sequence's mean.",
    "edit": "Type new values for one timestep, on the scaled values: for each column 0 is its lowest value in the "
            "training rows and 1 its highest. Values far outside that only push the gates to their limits.",
}
# With changes on, each row also holds each column's change from the row before it in the file, computed
# once from the file before the windows are cut: an edit never recomputes them.
CHANGES_EDIT_NOTES = {
    "zero": "For a change column, 0 is its lowest change in the training rows: its steepest fall (its smallest "
            "rise, for a column that never fell there), not 'no change'. The edit sets the levels and the changes "
            "each on its own, so this step's changes need not match its move in level from the row before.",
    "mean": "The change columns take their own average too, which need not match this step's move in level from "
            "the row before.",
    "edit": "A level and its change column are separate inputs: typing one does not update the other.",
    "reverse": "Each row keeps its change from the row before it in the file: the changes are not recomputed or "
               "negated. So a rise in the file reads as a fall in the reversed levels, while its change column "
               "still records a rise.",
    "shuffle": "Each row keeps its change from the row before it in the file, so the change columns describe the "
               "file's moves, not the moves between the shuffled rows.",
}
OPEN_PATH = 0.3  # a product of keeping gates (f, or the GRU's z) from here up leaves the path open; below it, narrow
PATH_GATES = {"lstm": "forget_gate", "gru": "update_gate"}  # the gate that keeps the old state: c = f·c_prev + ..., h = z·h_prev + ...
PATH_WORDS = {  # how each cell's path, its gate and what else carries a change are said
    "lstm": {"path": "cell path", "gate": "forget gate", "holder": "cell", "content": "cell content",
             "decide": "what was written (i·g), the output gate and the Dense weights",
             "count": "what was written (i·g), the hidden state, the output gate and the Dense weights",
             "other": "the edited step also changes the hidden state, which feeds every later gate",
             "another": "the edited step changes the hidden state, which feeds every later gate"},
    "gru": {"path": "update-gate path", "gate": "update gate", "holder": "hidden state", "content": "hidden state",
            "decide": "what was written ((1 - z)·h~), the later candidates and the Dense weights",
            "count": "what was written ((1 - z)·h~), the later candidates and the Dense weights",
            "other": "the edited step's h also feeds every later gate and candidate through the recurrent weights",
            "another": "the edited step's h feeds every later gate and candidate through the recurrent weights"},
}
BARELY_MOVED, SWUNG = 0.05, 0.25  # a score change (0 to 1) under 0.05 barely moved it; 0.25 or more swung it


def movement(delta: float) -> str:
    """How far a score moved, in the words every caption uses: 'barely moved', 'moved' or 'swung'."""
    return "barely moved" if abs(delta) < BARELY_MOVED else "moved" if abs(delta) < SWUNG else "swung"


def edit_note(edit: str, synthetic: bool, changes: bool = False) -> str:
    """What an edit does to this run's inputs: the lesson's ramps, or a CSV's scaled columns (and,
    with ``changes``, its change columns)."""
    if synthetic:
        return EDIT_NOTES[edit]
    return CSV_EDIT_NOTES[edit] + (" " + CHANGES_EDIT_NOTES[edit] if changes else "")


def apply_edit(x: np.ndarray, edit: str, timestep: int = 0, values=None, seed: int = 0) -> np.ndarray:
    """A copy of x (timesteps, features) with one edit applied. ``timestep`` counts from 0."""
    x = np.array(x, dtype=np.float32, copy=True)
    if edit in TIMESTEP_EDITS and not 0 <= timestep < len(x):
        raise ValueError(f"timestep {timestep + 1} is outside 1 to {len(x)}")
    if edit == "zero":
        x[timestep] = 0.0
    elif edit == "mean":
        x[timestep] = x.mean(axis=0)  # (features,): over the timesteps, this one's old value included
    elif edit == "edit":
        values = np.asarray(values, dtype=np.float64)  # checked before the cast to float32, which would overflow
        if values.shape != x[timestep].shape or not (np.isfinite(values) & (np.abs(values) <= MAX_VALUE)).all():
            raise ValueError(f"give {x.shape[1]} numbers between -{MAX_VALUE:,.0f} and {MAX_VALUE:,.0f} for timestep {timestep + 1}")
        x[timestep] = values
    elif edit == "reverse":
        x = x[::-1].copy()
    elif edit == "shuffle":
        rng, order = np.random.default_rng(seed), np.arange(len(x))
        while len(x) > 1 and (order == np.arange(len(x))).all():  # never hand back the order unchanged
            order = rng.permutation(len(x))
        x = x[order]
    else:
        raise ValueError(f"unknown edit {edit!r}; choose one of {', '.join(EDITS)}")
    return x


@dataclass(frozen=True)
class Probe:
    before: Trace
    after: Trace
    caption: str

    @property
    def agrees(self) -> bool:
        return self.before.agrees and self.after.agrees


def run_probe(run, sample: int, edit: str, timestep: int = 0, values=None, seed: int = 0, check=None) -> Probe:
    """Trace the sample as it is and as edited, in NumPy. The sample is checked against the Keras outputs
    kept with the run; the edited input only if ``check(x)`` returns Keras's (every step's h, score) for
    it, computed where the model lives (None: not checked yet)."""
    before = trace_sample(run, sample)
    x = apply_edit(before.input, edit, timestep, values, seed)
    after = trace_sample(run, sample, x=x, reference=check(x) if check is not None else None)
    return Probe(before, after, explain(before, after, edit, timestep, synthetic=run.dataset.synthetic,
                                        changes=run.dataset.changes))


def trend(x: np.ndarray) -> float:
    """The rise, first step to last, of a straight line fitted (least squares) through the sequence's
    timesteps, its features averaged: how a (timesteps, features) sequence drifts, as a number."""
    level = np.asarray(x, dtype=np.float64).mean(axis=1)  # (timesteps,)
    steps = np.arange(len(level)) - (len(level) - 1) / 2
    return float(steps @ (level - level.mean()) / (steps @ steps) * (len(level) - 1)) if len(level) > 1 else 0.0


def _trend_words(value: float) -> str:
    shown = round(value, 2) + 0.0  # + 0.0: no "-0.00"
    return f"a rise of {shown:.2f}" if shown > 0 else f"a fall of {-shown:.2f}" if shown < 0 else "no rise or fall"


def explain(before: Trace, after: Trace, edit: str, timestep: int, synthetic: bool = True, changes: bool = False) -> str:
    """What changed, from the numbers. For a one-timestep edit: how much of that step's content the keeping
    gates (the LSTM's f along the cell path, the GRU's z along h) let through to the end (a bound on that path
    only), then the score's measured move; the text never says one caused the other. The SimpleRNN has no such
    gate: its caption measures how far the edit moved the last hidden state. A reorder speaks of this one
    sequence only."""
    delta = after.dense_output - before.dense_output
    moved = movement(delta)
    flip = after.predicted != before.predicted
    head = (f"The score {moved} ({delta:+.3f}), from {before.dense_output:.3f} to {after.dense_output:.3f}"
            + (f", flipping the prediction to class {after.predicted}." if flip else ", and the predicted class held."))
    if edit in TIMESTEP_EDITS:
        if before.cell == "rnn":
            return _no_gate_path(before, after, timestep) + " " + head
        gate = PATH_GATES[before.cell]
        return _cell_path(before.gates[gate], timestep, before.cell) + " " + head + " " + _path_and_score(
            before.gates[gate], timestep, moved, before.cell)
    closer = abs(after.dense_output - 0.5) < abs(before.dense_output - 0.5)
    if not synthetic:
        what = "reverses" if edit == "reverse" else "shuffles"
        text = head + (f" The edit keeps every value and {what} their order, so the move shows how much the order of "
                       "the rows counts for this model on this sequence" + (
                           ": here, a lot." if moved == "swung" else ": here, little." if moved == "barely moved" else ".")
                       + " Other sequences can differ.")
        return text + (" " + CHANGES_EDIT_NOTES[edit] if changes else "")
    if edit == "reverse":
        return head + (" Reversing turns an up-trend into a down-trend: the same values in the opposite order. "
                       + ("A model that reads order flips its answer, as this one did." if flip else
                          "Its answer on this sequence was already wrong, so the trend it reads here is too weak to "
                          "show much: try a sequence it gets right." if before.predicted != before.label else
                          "A model that reads order should flip its answer; on this sequence it did not, so more than "
                          "the trend carries its answer here. Other sequences can differ."))
    was, now = trend(before.input), trend(after.input)
    head += (f" Shuffling keeps the values but changes their order. A straight line fitted through the timesteps "
             f"(features averaged) shows {_trend_words(was)} from the first step to the last before the shuffle, "
             f"and {_trend_words(now)} after it.")
    sign_was, sign_now = np.sign(round(was, 2)), np.sign(round(now, 2))  # as the caption shows them
    kept = bool(sign_was) and sign_was == sign_now
    if flip:
        line = "rises" if sign_now > 0 else "falls" if sign_now < 0 else "is flat"
        agrees = sign_now == (1 if after.predicted == 1 else -1)  # class 1 is up
        return head + " The answer flipped: order carried the label." + ("" if agrees else (
            f" The line {line} after the shuffle, yet the model now answers class {after.predicted} "
            f"({LABEL_WORDS[True][after.predicted]}), so its answer is not this line's direction alone."))
    if closer and moved == "swung":
        return head + " The model's confidence fell towards 0.5: order carried much of the label."
    if closer and moved == "moved":  # 0.990 -> 0.930: less sure, but far from undecided
        held = " The model got somewhat less sure but kept its answer."
    else:
        held = " The model is about as sure as before." if closer else " The model did not get less sure."
    if kept:
        return head + held + " This shuffle left a trend in the same direction; another shuffle may leave less."
    if sign_was:
        return head + held + (" The line no longer runs the same way, so this measure of the trend does not explain "
                              "why the answer held.")
    return head + held + " The line showed no trend before the shuffle, so it does not explain the answer."


def _kept(keep_gate: np.ndarray, timestep: int) -> np.ndarray:
    """(units,): the product of each unit's keeping gates (f, or the GRU's z) after ``timestep`` (1 for the last)."""
    return np.prod(keep_gate[timestep + 1:], axis=0) if timestep + 1 < len(keep_gate) else np.ones(keep_gate.shape[1])


def _cell_path(keep_gate: np.ndarray, timestep: int, cell: str = "lstm") -> str:
    """What the keeping gates allow: the share of the step's content that can reach the end along the path."""
    words = PATH_WORDS[cell]
    step = timestep + 1
    if step == len(keep_gate):
        return f"Timestep {step} is the last, so no {words['gate']} discounts its {words['content']} before the end."
    units = keep_gate.shape[1]
    spread = f", on average over the units ({_kept(keep_gate, timestep).max():.2f} in the most open one)" if units > 1 else ""
    return (f"Along the {words['path']}, at most {carried_after(keep_gate, timestep):.2f} of what timestep {step} left in "
            f"the {words['holder']} can reach the end{spread}: that is what the {words['gate']}s after it multiply to.")


def _path_and_score(keep_gate: np.ndarray, timestep: int, moved: str, cell: str = "lstm") -> str:
    """The measured move set against what the path allowed, claiming no cause that was not measured.
    Narrow means narrow in every unit: one open unit could carry the change on its own."""
    words = PATH_WORDS[cell]
    kept = _kept(keep_gate, timestep)
    if kept.max() >= OPEN_PATH:
        path = f"The {words['path']} was open" + (" in at least one unit" if kept.mean() < OPEN_PATH else "")
        if moved == "barely moved":
            return (f"{path}, but this change made little difference to the score: {words['decide']} decide how much "
                    f"of a change reaches the score, not the {words['gate']}s alone.")
        return (f"{path}, so the change could have reached the end along it; the numbers here do not say it did, "
                f"because {words['other']}.")
    if moved == "barely moved":
        return (f"The {words['path']} was narrow and the score barely moved, but the {words['gate']}s alone do not show "
                f"why: {words['count']} all count.")
    return f"With the {words['path']} this narrow, the change most likely travelled another way: {words['another']}."


def _no_gate_path(before: Trace, after: Trace, timestep: int) -> str:
    """The SimpleRNN has no keeping gate: no path to read off, so say how far the edit measurably moved the
    last hidden state, the summary vector the Dense layer reads."""
    step, steps = timestep + 1, len(before.input)
    moved = np.abs(after.gates["hidden_state"][-1] - before.gates["hidden_state"][-1])  # (units,)
    measured = (f"the edit moved the last hidden state, the summary vector the Dense layer reads, by up to "
                f"{moved.max():.3f} (unit {int(np.argmax(moved)) + 1})" if np.isfinite(moved).all() else
                "the last hidden state is not a number here")
    if step == steps:
        return f"Timestep {step} is the last, so its h is the summary vector itself: {measured}."
    return (f"The SimpleRNN has no gate that keeps the old state, so there is no path to read off: what timestep {step} "
            f"wrote reaches the end only through the {counted(steps - step, 'later step')}, each rewriting h = "
            f"tanh(x·W + b + h_prev·U). Measured: {measured}.")
