"""Key insights for each tab, quoting numbers from the current run and judged against their noise."""

from __future__ import annotations

import math

import numpy as np

from lstm_core.config import CELL_NAMES
from lstm_core.formats import counted
from lstm_core.pipeline.noise import Yardstick, yardstick_of
from lstm_core.teaching.observations import LOSS_FLOOR, OVERFIT_RISE, val_loss_noise
from lstm_core.teaching.text import DIVERGED, DIVERGED_GATES, KEY_INSIGHT
from lstm_core.tracing.trace import carried_after

__all__ = ["KEY_INSIGHT", "diverged_text", "key_insight", "key_insight_of", "pipeline_insight", "training_insight",
           "trace_insight", "yardstick_of"]


def diverged_text(run) -> str:
    """What a diverged run (``run.diverged``) shows instead of its insights: when, and what to change."""
    h = run.history
    bad = ~np.isfinite(h["loss"].to_numpy())
    epoch = int(h["epoch"].iloc[int(np.argmax(bad))] if bad.any() else h["epoch"].iloc[-1])
    return DIVERGED.format(epoch=epoch, learning_rate=run.config.learning_rate)


def _validation(acc: float, yard: Yardstick, value: bool = True) -> str:
    """'0.955 on 200 held-out sequences, above chance (0.500) by more than its noise (±0.071)'; without
    the value (shown elsewhere on the page), 'above chance (0.500) by more than its noise (±0.071) on 200
    held-out sequences'."""
    where = ("above chance" if yard.val_above(acc) else "below chance" if yard.val_below(acc)
             else "not clearly above chance")
    noise = "by more than its noise" if yard.val_above(acc) or yard.val_below(acc) else "within its noise"
    verdict = f"{where} ({yard.val_chance:.3f}) {noise} (±{yard.val_margin:.3f})"
    held_out = counted(yard.n_val, "held-out sequence")
    return f"{acc:.3f} on {held_out}, {verdict}" if value else f"{verdict} on {held_out}"


# The lesson's key insight (text.KEY_INSIGHT) is the LSTM's; a GRU or SimpleRNN run reads its own cell's.
CELL_KEY_INSIGHTS = {
    "gru": (
        "A GRU reads a sequence one timestep at a time and carries a hidden state from each step to the next (it has "
        "no separate cell state: its update gate sets how much of the old state each step keeps), so its output can "
        "depend on the order of the steps, not only on which values appear. Training adjusts the weights that set its "
        "gates. A falling loss shows the optimiser working, as it would for any trainable model. Only beating its own "
        "copy trained on time-shuffled sequences shows that this model uses the order; a Dense layer that sees the "
        "whole window at once shows whether memory is needed to read it (both are in the Training tab, \"Does order "
        "matter?\")."
    ),
    "rnn": (
        "A SimpleRNN reads a sequence one timestep at a time and carries a hidden state from each step to the next (it "
        "has no gates: the same weights mix the old state with every new step), so its output can depend on the order "
        "of the steps, not only on which values appear. Training adjusts those weights. A falling loss shows the "
        "optimiser working, as it would for any trainable model. Only beating its own copy trained on time-shuffled "
        "sequences shows that this model uses the order; a Dense layer that sees the whole window at once shows "
        "whether memory is needed to read it (both are in the Training tab, \"Does order matter?\")."
    ),
}


def key_insight_of(cell: str) -> str:
    """The key insight for a run of ``cell``: the lesson's for the LSTM."""
    return CELL_KEY_INSIGHTS.get(cell, KEY_INSIGHT)


def key_insight(run) -> str:
    """The cell's key insight, then what this run showed of it, each claim bounded by its noise."""
    lesson = key_insight_of(run.config.cell)
    if run.diverged:
        why = diverged_text(run)
        return f"{lesson} In this run, {why[0].lower()}{why[1:]}"
    h, yard = run.history, yardstick_of(run)
    first, last = h.iloc[0], h.iloc[-1]
    fell = len(h) > 1 and first["loss"] - last["loss"] > LOSS_FLOOR / 2
    loss = (f"the training loss fell from {first['loss']:.3f} to {last['loss']:.3f}" if fell else
            f"the training loss went from {first['loss']:.3f} to {last['loss']:.3f}, no clear fall" if len(h) > 1 else
            f"after its only epoch the training loss is {last['loss']:.3f}, so there is no trend yet")
    val = f"validation accuracy ended at {_validation(last['val_accuracy'], yard)}"
    if not yard.val_decidable:
        verdict = (f"{yard.n_val} held-out sequences are too few to tell whether it learned anything that carries "
                   "over. Use more sequences.")
    elif yard.val_above(last["val_accuracy"]):
        verdict = "what it learned carries over to sequences it never trained on."
    elif any(yard.memorising(a, v) for a, v in zip(h["accuracy"], h["val_accuracy"])):
        verdict = "it learned its training sequences, but that does not carry over: it is memorising."
    else:
        verdict = ("it has not shown that it learned the pattern yet. Try more epochs, a different learning rate or "
                   "more units.")
    return f"{lesson} In this run, {loss}, and {val}: {verdict}"


def pipeline_insight(run) -> str:
    c, p = run.config, run.params
    inputs, name = c.timesteps * c.features, CELL_NAMES[c.cell]
    verb = "squeezes" if c.units < inputs else "turns"
    return (
        f"The {name} {verb} each sequence of {c.timesteps} x {c.features} = {counted(inputs, 'number')} "
        f"into {counted(c.units, 'number')}. {p['recurrent']:,} of the model's {p['total']:,} parameters "
        f"({_share(p['recurrent'], p['total'])}) live in the {name}, and the same weights are reused at "
        f"{f'all {c.timesteps}' if c.timesteps > 2 else 'both'} timesteps: a longer sequence costs time, not parameters."
    )


def _share(part: int, whole: int) -> str:
    """part / whole as a whole percent that never rounds to 100% or 0% when it is not."""
    share = part / whole
    return ("over 99%" if 0.995 <= share < 1 else "under 1%" if 0 < share < 0.005 else f"{share:.0%}")


def training_insight(run) -> str:
    if run.diverged:
        return diverged_text(run)
    h, yard = run.history, yardstick_of(run)
    last = h.iloc[-1]
    # The metric cards above give the final values and their change: this says what they mean.
    text = f"At the last epoch, validation accuracy is {_validation(last['val_accuracy'], yard, value=False)}"
    if len(h) == 1:
        return text + ". One epoch shows no trend yet: train more epochs to see where it goes."
    val_up = [yard.val_above(a) for a in h["val_accuracy"]]
    if not yard.val_decidable:
        return text + (f". {yard.n_val} held-out sequences are too few to tell whether anything learned carries over: "
                       "even all of them right would be within luck. Use more sequences.")
    if not any(val_up) and not any(yard.train_above(a) for a in h["accuracy"]):
        return text + (". Neither accuracy ever got clearly above chance, so whatever the loss did, the model has not "
                       "learned the pattern: try a different learning rate or more units.")
    if not any(val_up) and any(yard.memorising(a, v) for a, v in zip(h["accuracy"], h["val_accuracy"])):
        return text + (". Training accuracy rose above chance and clearly above validation, which never did: the "
                       "model is memorising its training sequences, and what it learns does not carry over.")
    if not any(val_up):
        return text + (". Training accuracy is above chance but validation never clearly was, and the two are too "
                       "close to call apart: whatever was learned is weak so far.")
    best = h.loc[h["val_loss"].idxmin()]
    if int(best["epoch"]) != int(last["epoch"]):
        lowest = f"; validation loss was lowest at epoch {int(best['epoch'])} ({best['val_loss']:.3f})"
        only_last = int(best["epoch"]) == int(last["epoch"]) - 1  # one epoch after the best: the table's 'wobble'
        rise = last["val_loss"] - best["val_loss"]
        needed, said = val_loss_noise(last.to_dict(), "best", best["val_loss"], OVERFIT_RISE)
        if rise > needed and round(last["val_loss"], 3) > round(best["val_loss"], 3):
            if only_last:
                return text + (f"{lowest} and rose to {last['val_loss']:.3f} in the last epoch, {said}: one rise is "
                               "not yet overfitting, but that epoch did not help on sequences the model never trained on.")
            return text + (f"{lowest} and ended at {last['val_loss']:.3f}, up {said}: the later epochs made validation "
                           "worse, not better. The traced model is the last epoch's.")
        return text + (f"{lowest}; it ended at {last['val_loss']:.3f}, a rise within {said.removeprefix('by more than ')}, "
                       "so the difference is too close to call.")
    return text + (", and validation loss was still falling at the last epoch. More epochs may help, or may start to "
                   "overfit: the table would show validation loss rising while training loss falls.")


START_FORGET = 1 / (1 + math.exp(-1))  # sigmoid(1) = 0.731: Keras's unit_forget_bias starts the forget bias at 1
MOVED = 0.02  # a mean gate moved by less than this since initialisation is still where it started
SATURATED = 0.9  # |h| beyond this: tanh's slope 1 - h² is under 0.19, so little of a gradient passes back


def trace_insight(trace) -> str:
    """The gates of one traced sequence: f and i each on their own, where f started, and what the
    forget gates' product allows (the What-if measures what actually happens). The GRU's z and r in
    their place; the SimpleRNN, which has no gates, its tanh's slopes."""
    cell = getattr(trace, "cell", "lstm")
    if cell == "gru":
        return _gru_trace_insight(trace)
    if cell == "rnn":
        return _rnn_trace_insight(trace)
    f = trace.gates["forget_gate"]  # (timesteps, units)
    if not (np.isfinite(f).all() and math.isfinite(trace.dense_output)):
        return DIVERGED_GATES
    i = trace.gates["input_gate"]
    units = f.shape[1]
    parts = [f"Across this sequence the forget gate f averaged {f.mean():.2f} and the input gate i {i.mean():.2f}. "
             "They are separate gates: f is the share of the old cell state kept at each step, i how much of the "
             "candidate g is added to it (i·g); nothing makes them add up to 1."]
    start = getattr(trace, "initial_gates", None)
    if start is not None and np.isfinite(start["forget_gate"]).all():
        f0 = float(start["forget_gate"].mean())
        moved = f.mean() - f0
        parts.append(f" Before training, on the same sequence, f averaged {f0:.2f} (Keras starts the forget bias at 1, "
                     f"so f starts near sigmoid(1) = {START_FORGET:.2f}): "
                     + (f"training moved it by {moved:+.2f}." if abs(moved) >= MOVED else
                        f"training has barely moved it ({moved:+.2f}), so its value is mostly the starting bias."))
    if units > 1:
        per_unit = f.mean(axis=0)  # (units,)
        low, high = int(np.argmin(per_unit)), int(np.argmax(per_unit))
        parts.append(f" Per unit, f averaged from {per_unit[low]:.2f} (unit {low + 1}) to {per_unit[high]:.2f} "
                     f"(unit {high + 1}).")
    kept = carried_after(f, 0)
    verdict = "correct" if trace.predicted == trace.label else "wrong"
    parts.append(f" The forget gates after timestep 1 multiply to {kept:.2f} on average: at most that share of what "
                 "timestep 1 wrote to the cell can reach the end along the cell path (the hidden state is another route, "
                 "which this number does not cover). Whether it matters is measured by the What-if below. "
                 f"The final score, {trace.dense_output:.3f}, is {verdict} for label {trace.label}.")
    return "".join(parts)


def _verdict(trace) -> str:
    return (f"The final score, {trace.dense_output:.3f}, is {'correct' if trace.predicted == trace.label else 'wrong'} "
            f"for label {trace.label}.")


def _gru_trace_insight(trace) -> str:
    """z and r each on their own, where z started (every GRU bias starts at 0), and what the update gates'
    product allows along h."""
    z, r = trace.gates["update_gate"], trace.gates["reset_gate"]  # (timesteps, units)
    if not (np.isfinite(z).all() and np.isfinite(r).all() and math.isfinite(trace.dense_output)):
        return DIVERGED_GATES
    parts = [f"Across this sequence the update gate z averaged {z.mean():.2f} and the reset gate r {r.mean():.2f}. "
             "They are separate gates: z is the share of the old hidden state kept at each step (1 - z the share of "
             "the candidate h~ written in its place), r how much of the old state goes into that candidate."]
    start = getattr(trace, "initial_gates", None)
    if start is not None and np.isfinite(start["update_gate"]).all():
        z0 = float(start["update_gate"].mean())
        moved = z.mean() - z0
        parts.append(f" Before training, on the same sequence, z averaged {z0:.2f} (Keras starts every GRU bias at 0): "
                     + (f"training moved it by {moved:+.2f}." if abs(moved) >= MOVED else
                        f"training has barely moved it ({moved:+.2f})."))
    if z.shape[1] > 1:
        per_unit = z.mean(axis=0)  # (units,)
        low, high = int(np.argmin(per_unit)), int(np.argmax(per_unit))
        parts.append(f" Per unit, z averaged from {per_unit[low]:.2f} (unit {low + 1}) to {per_unit[high]:.2f} "
                     f"(unit {high + 1}).")
    parts.append(f" The update gates after timestep 1 multiply to {carried_after(z, 0):.2f} on average: at most that "
                 "share of what timestep 1 wrote to h can reach the end along the update-gate path, h = z·h_prev + ... "
                 "(the later candidates, which read h through their weights, are another route, which this number does "
                 "not cover). Whether it matters is measured by the What-if below. " + _verdict(trace))
    return "".join(parts)


def _rnn_trace_insight(trace) -> str:
    """No gates: h rewritten whole at every step, and how much tanh's slope passes back at each step."""
    h = trace.gates["hidden_state"]  # (timesteps, units)
    if not (np.isfinite(h).all() and math.isfinite(trace.dense_output)):
        return DIVERGED_GATES
    slope = 1 - h ** 2  # tanh's slope at each step and unit: what it passes back, before U
    parts = ["The SimpleRNN has no gates: at every step each unit rewrites h = tanh(x·W + b + h_prev·U) whole, so "
             "nothing holds the old state steady, and what timestep 1 wrote reaches the end only through the recurrent "
             f"weights U and tanh at each of the {counted(len(h) - 1, 'later step')}."
             if len(h) > 1 else "The SimpleRNN has no gates: each unit computes h = tanh(x·W + b + h_prev·U) whole.",
             f" Across this sequence tanh's slope 1 - h² averaged {slope.mean():.2f}, and "
             f"{(np.abs(h) > SATURATED).mean():.0%} of the values of h are beyond ±{SATURATED:g}, where the slope is "
             f"under {1 - SATURATED ** 2:.2f}. Each step back multiplies the gradient by this slope, and by U."]
    parts.append(" Whether early steps still matter is measured by the What-if below. " + _verdict(trace))
    return "".join(parts)
