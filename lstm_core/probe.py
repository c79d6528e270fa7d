"""What-if probes: edit one sample's sequence, then trace it again and compare before and after."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_core.trace import Trace, carried_after, trace_sample

MAX_VALUE = 1e6  # inputs are scaled to about 0..1; far beyond that only saturates every gate (1e308 overflows float32)
EDITS = {
    "zero": "Set one timestep's features to zero",
    "edit": "Edit one timestep's values",
    "reverse": "Reverse the time order",
    "shuffle": "Shuffle the timesteps",
}


def apply_edit(x: np.ndarray, edit: str, timestep: int = 0, values=None, seed: int = 0) -> np.ndarray:
    """A copy of x (timesteps, features) with one edit applied. ``timestep`` counts from 0."""
    x = np.array(x, dtype=np.float32, copy=True)
    if edit in ("zero", "edit") and not 0 <= timestep < len(x):
        raise ValueError(f"timestep {timestep + 1} is outside 1 to {len(x)}")
    if edit == "zero":
        x[timestep] = 0.0
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
    def keras_max_diff(self) -> float:
        return max(self.before.keras_max_diff, self.after.keras_max_diff)


def run_probe(run, sample: int, edit: str, timestep: int = 0, values=None, seed: int = 0) -> Probe:
    """Trace the sample as it is and as edited (NumPy cell, each checked against Keras)."""
    before = trace_sample(run, sample)
    after = trace_sample(run, sample, x=apply_edit(before.input, edit, timestep, values, seed))
    return Probe(before, after, explain(before, after, edit, timestep, synthetic=run.dataset.key == "synthetic"))


def explain(before: Trace, after: Trace, edit: str, timestep: int, synthetic: bool = True) -> str:
    """One or two sentences on what changed and why, from the numbers: the reason given always
    agrees with what the score did."""
    delta = after.dense_output - before.dense_output
    moved = "barely moved" if abs(delta) < 0.05 else "moved" if abs(delta) < 0.25 else "swung"
    flip = after.predicted != before.predicted
    head = (f"The score {moved} from {before.dense_output:.3f} to {after.dense_output:.3f}"
            + (f", flipping the prediction to class {after.predicted}." if flip else ", and the predicted class held."))
    if edit in ("zero", "edit"):
        f = before.gates["forget_gate"]  # (timesteps, units)
        kept = carried_after(f, timestep)
        gates = (f" After timestep {timestep + 1}, the forget gates multiply to {kept:.2f} on average"
                 if timestep + 1 < len(f) else f" Timestep {timestep + 1} is the last, so nothing is forgotten after it")
        if kept >= 0.3:
            why = (": a good part of what that step wrote survives to the end, so changing it can move the score."
                   if moved != "barely moved" else
                   ": a good part of what that step wrote survives to the end, but this change to it was too small "
                   "to move the score much.")
        elif moved == "barely moved":
            why = ": most of what that step wrote is discounted by the end, which is why the score barely moved."
        else:
            why = (": little of what that step wrote survives directly, so the change came through the steps after "
                   "it: every later gate reads the hidden state the edited step changed.")
        return head + gates + why
    closer = abs(after.dense_output - 0.5) < abs(before.dense_output - 0.5)
    if not synthetic:
        what = "reverses" if edit == "reverse" else "shuffles"
        return head + (f" The edit keeps every value and {what} their order, so the change measures how much this model "
                       "relies on order in your data" + (": here, a lot." if moved == "swung" else
                                                         ": here, little." if moved == "barely moved" else "."))
    if edit == "reverse":
        return head + (" Reversing turns an up-trend into a down-trend: the same values in the opposite order. "
                       + ("A model that reads order flips its answer, as this one did." if flip else
                          "A model that reads order should flip its answer; this one has not learned the trend well "
                          "enough to, yet."))
    if flip:
        return head + (" Shuffling keeps the values but breaks the trend, and the answer flipped: order carried the "
                       "label. A shuffle can also leave an accidental trend of its own, which the model reads like any "
                       "other (compare the first and last timesteps).")
    left = ("this shuffle left enough of the trend in place (the start and end values decide it, and they may "
            "have stayed near their ends). Another sample's shuffle may break it.")
    if closer and moved == "swung":
        tail = "and the model's confidence fell towards 0.5: order carried much of the label."
    elif closer and moved == "moved":  # 0.990 -> 0.930: less sure, but far from undecided
        tail = ("and the model got somewhat less sure but kept its answer: it reads order, yet " + left)
    else:
        tail = ("yet the model is about as sure as before: " if closer else "yet the model did not get less sure: ") + left
    return head + " Shuffling keeps the values but breaks the trend, " + tail
