"""Key insights for each tab, quoting numbers from the current run where it can."""

from __future__ import annotations

import math

import numpy as np

from lstm_core.observations import CHANCE_BAND, chance_level
from lstm_core.text import DIVERGED, DIVERGED_GATES, SEED_INSIGHT, counted
from lstm_core.trace import carried_after

__all__ = ["SEED_INSIGHT", "chance_of", "diverged_text", "seed_insight", "pipeline_insight", "training_insight",
           "trace_insight"]


def diverged_text(run) -> str:
    """What a diverged run (``run.diverged``) shows instead of its insights: when, and what to change."""
    h = run.history
    bad = ~np.isfinite(h["loss"].to_numpy())
    epoch = int(h["epoch"].iloc[int(np.argmax(bad))] if bad.any() else h["epoch"].iloc[-1])
    return DIVERGED.format(epoch=epoch, learning_rate=run.config.learning_rate)


def chance_of(run) -> float:
    """The accuracy of always guessing the run's more common training label (what its observations use)."""
    return chance_level(run.dataset.y[: run.config.train_sequences])


def seed_insight(run) -> str:
    """The seed page's insight, and what this run showed of it: it promises falling loss and rising
    accuracy, which a run that has not learned yet does not show; nor does one that learned only its
    training sequences (validation at chance)."""
    if run.diverged:
        why = diverged_text(run)
        return f"{SEED_INSIGHT} In this run, {why[0].lower()}{why[1:]}"
    h = run.history
    first, last = h.iloc[0], h.iloc[-1]
    chance = chance_of(run)
    carries = last["val_accuracy"] > chance + CHANCE_BAND
    # Training accuracy is averaged over the epoch, so it lags: it must be clear of chance only when validation
    # is not (0.485 -> 0.494 against chance 0.534, validation 0.45, is no learning at all).
    learned = (len(h) > 1 and last["loss"] < first["loss"] * 0.98 and last["accuracy"] > first["accuracy"]
               and (last["accuracy"] > chance + CHANCE_BAND or carries))
    if learned and carries:
        return SEED_INSIGHT
    trend = (f"loss went from {first['loss']:.3f} to {last['loss']:.3f} and accuracy from {first['accuracy']:.3f} to "
             f"{last['accuracy']:.3f}")
    if len(h) == 1:
        seen = f"after its only epoch, loss is {last['loss']:.3f} and accuracy {last['accuracy']:.3f}, so there is no trend yet"
    elif learned:
        seen = (f"{trend}, but validation accuracy ended at {last['val_accuracy']:.3f}, not clearly above chance "
                f"({chance:.3f}): what it learned does not carry over to sequences it has not seen")
    else:
        seen = f"{trend}, so this model has not learned the pattern yet"
    return (f"{SEED_INSIGHT} In this run, {seen}. Try more epochs, a different learning rate or more units, "
            "and watch the Training tab.")


def pipeline_insight(run) -> str:
    c, p = run.config, run.params
    inputs = c.timesteps * c.features
    verb = "squeezes" if c.units < inputs else "turns"
    return (
        f"The LSTM {verb} each sequence of {c.timesteps} x {c.features} = {counted(inputs, 'number')} "
        f"into {counted(c.units, 'number')}. {p['lstm']:,} of the model's {p['total']:,} parameters "
        f"({_share(p['lstm'], p['total'])}) live in the LSTM, and the same weights are reused at "
        f"{f'all {c.timesteps}' if c.timesteps > 2 else 'both'} timesteps: a longer sequence costs time, not parameters."
    )


def _share(part: int, whole: int) -> str:
    """part / whole as a whole percent that never rounds to 100% or 0% when it is not."""
    share = part / whole
    return ("over 99%" if 0.995 <= share < 1 else "under 1%" if 0 < share < 0.005 else f"{share:.0%}")


def training_insight(run) -> str:
    if run.diverged:
        return diverged_text(run)
    h = run.history
    first, last = h.iloc[0], h.iloc[-1]
    if len(h) == 1:
        return (f"After one epoch, loss is {last['loss']:.3f} and accuracy {last['accuracy']:.3f}; validation accuracy, on "
                f"{counted(run.config.val_sequences, 'sequence')} the model never trained on, is {last['val_accuracy']:.3f}. "
                "One epoch shows no trend yet: train more epochs to see whether it keeps improving.")
    best = h.loc[h["val_loss"].idxmin()]
    change = (last["loss"] - first["loss"]) / first["loss"] if first["loss"] else 0.0
    text = (
        f"Loss went from {first['loss']:.3f} to {last['loss']:.3f} ({percent(change)}) while accuracy went from "
        f"{first['accuracy']:.3f} to {last['accuracy']:.3f}. Validation accuracy, on "
        f"{counted(run.config.val_sequences, 'sequence')} the model never trained on, ended at {last['val_accuracy']:.3f}"
    )
    chance = chance_of(run)
    if max(h["accuracy"].max(), h["val_accuracy"].max()) <= chance + CHANCE_BAND:  # what the table calls stuck
        return text + (f". Neither accuracy ever got clearly above chance ({chance:.3f}), so whatever the loss did, "
                       "the model has not learned the pattern: try a different learning rate or more units.")
    if int(best["epoch"]) != int(last["epoch"]):
        lowest = f"; validation loss was lowest at epoch {int(best['epoch'])} ({best['val_loss']:.3f})"
        only_last = int(best["epoch"]) == int(last["epoch"]) - 1  # one epoch after the best: the table's 'wobble'
        if round(last["val_loss"], 3) > round(best["val_loss"], 3):  # a rise the table shows
            if only_last:
                return text + (f"{lowest} and rose to {last['val_loss']:.3f} in the last epoch: one rise is not yet "
                               "overfitting, but that epoch did not help on sequences the model never trained on.")
            return text + f"{lowest} and ended at {last['val_loss']:.3f}: the later epochs made validation worse, not better."
        return text + f"{lowest}, so {'the last epoch' if only_last else 'later epochs'} added little."
    if round(last["val_accuracy"], 3) == 1:  # nothing left to get right: a lower loss only means surer scores
        return text + (", and validation loss was still falling at the last epoch: with every held-out sequence "
                       "already right, more epochs would only make the scores more sure.")
    return text + ", and validation loss was still falling at the last epoch: more epochs might help."


def percent(change: float) -> str:
    """A signed change to the precision it needs: -43%, -0.14% (not -0%), -99.8% (not -100%)."""
    whole = f"{change:+.0%}"
    if change in (0.0, 1.0, -1.0) or whole not in ("+0%", "-0%", "+100%", "-100%"):
        return whole
    if abs(change) < 0.5:  # it rounds to 0%
        digits = max(1, 1 - math.floor(math.log10(abs(change) * 100)))  # two significant figures, no exponent
        return f"{change * 100:+.{digits}f}%"
    if abs(change) < 1:  # -99.96% would round to -100%, which is a different thing: a loss of 0
        return f"{math.copysign(min(abs(change), 0.999), change):+.1%}"
    return f"{change:+.1%}"  # just over 100%


def _memory_verdict(keeps: bool, units: int) -> str:
    who, keep, overwrite, their = ("units", "keep", "overwrite", "their") if units > 1 else ("the unit", "keeps", "overwrites", "its")
    return f"{who} {keep} more of {their} memory than {'they' if units > 1 else 'it'} {overwrite}" if keeps else \
        f"{who} {overwrite} more than {'they' if units > 1 else 'it'} {keep}"


def trace_insight(trace) -> str:
    f = trace.gates["forget_gate"]  # (timesteps, units)
    if not (np.isfinite(f).all() and math.isfinite(trace.dense_output)):
        return DIVERGED_GATES
    i = trace.gates["input_gate"]
    keeper = int(np.argmax(f.mean(axis=0)))
    verdict = "correct" if trace.predicted == trace.label else "wrong"
    return (
        f"Across this sequence the forget gate averaged {f.mean():.2f} and the input gate {i.mean():.2f}: "
        f"{_memory_verdict(f.mean() > i.mean(), f.shape[1])}. "
        + (f"Unit {keeper + 1} remembers most (forget gate {f[:, keeper].mean():.2f}). " if f.shape[1] > 1 else "")
        + _carried(f, trace.dense_output, f"{verdict} for label {trace.label}")
    )


def _carried(f: np.ndarray, score: float, verdict: str) -> str:
    """How much of what timestep 1 wrote reaches the end (the forget gates after it, multiplied, as the
    What-if probe reports it), and so what the score rests on."""
    kept = carried_after(f, 0)
    if kept >= 0.3:
        return (f"Of what timestep 1 wrote, the forget gates after it keep {kept:.2f} on average to the end: that "
                f"carried memory is how the first timesteps still shape the final score, {score:.3f}, which is {verdict}.")
    return (f"The forget gates after timestep 1 multiply to {kept:.2f} on average, so little of what it wrote "
            f"reaches the end directly: the final score, {score:.3f} ({verdict}), rests mostly on the later "
            "timesteps, and on what each step passed to the next through the hidden state.")
