"""Key insights for each tab, quoting numbers from the current run where it can."""

from __future__ import annotations

import numpy as np

from lstm_core.text import SEED_INSIGHT, counted

__all__ = ["SEED_INSIGHT", "seed_insight", "pipeline_insight", "training_insight", "trace_insight"]


def seed_insight(run) -> str:
    """The seed page's insight, and what this run showed of it: it promises falling loss and rising
    accuracy, which a run that has not learned yet does not show."""
    h = run.history
    first, last = h.iloc[0], h.iloc[-1]
    learned = len(h) > 1 and last["loss"] < first["loss"] * 0.98 and last["accuracy"] > first["accuracy"]
    if learned:
        return SEED_INSIGHT
    seen = (f"after its only epoch, loss is {last['loss']:.3f} and accuracy {last['accuracy']:.3f}, so there is no trend yet"
            if len(h) == 1 else
            f"loss went from {first['loss']:.3f} to {last['loss']:.3f} and accuracy from {first['accuracy']:.3f} to "
            f"{last['accuracy']:.3f}, so this model has not learned the pattern yet")
    return (f"{SEED_INSIGHT} In this run, {seen}: try more epochs, a higher learning rate or more units, "
            "and watch the Training tab.")


def pipeline_insight(run) -> str:
    c, p = run.config, run.params
    inputs = c.timesteps * c.features
    verb = "squeezes" if c.units < inputs else "turns"
    return (
        f"The LSTM {verb} each sequence of {c.timesteps} x {c.features} = {counted(inputs, 'number')} "
        f"into {counted(c.units, 'number')}. {p['lstm']:,} of the model's {p['total']:,} parameters "
        f"({p['lstm'] / p['total']:.0%}) live in the LSTM, and the same weights are reused at "
        f"{'all ' if c.timesteps > 2 else 'both '}{c.timesteps} timesteps: a longer sequence costs time, not parameters."
    )


def training_insight(run) -> str:
    h = run.history
    first, last = h.iloc[0], h.iloc[-1]
    if len(h) == 1:
        return (f"After one epoch, loss is {last['loss']:.3f} and accuracy {last['accuracy']:.3f}; validation accuracy, on "
                f"{counted(run.config.val_sequences, 'sequence')} the model never trained on, is {last['val_accuracy']:.3f}. "
                "One epoch shows no trend yet: train more epochs to see whether it keeps improving.")
    best = h.loc[h["val_loss"].idxmin()]
    change = (last["loss"] - first["loss"]) / first["loss"] if first["loss"] else 0.0
    text = (
        f"Loss went from {first['loss']:.3f} to {last['loss']:.3f} ({change:+.0%}) while accuracy went from "
        f"{first['accuracy']:.3f} to {last['accuracy']:.3f}. Validation accuracy, on "
        f"{counted(run.config.val_sequences, 'sequence')} the model never trained on, ended at {last['val_accuracy']:.3f}"
    )
    if int(best["epoch"]) != int(last["epoch"]):
        return text + f"; validation loss was lowest at epoch {int(best['epoch'])} ({best['val_loss']:.3f}), so later epochs added little."
    return text + ", and validation loss was still falling at the last epoch: more epochs might help."


def _memory_verdict(keeps: bool, units: int) -> str:
    who, keep, overwrite, their = ("units", "keep", "overwrite", "their") if units > 1 else ("the unit", "keeps", "overwrites", "its")
    return f"{who} {keep} more of {their} memory than {'they' if units > 1 else 'it'} {overwrite}" if keeps else \
        f"{who} {overwrite} more than {'they' if units > 1 else 'it'} {keep}"


def trace_insight(trace) -> str:
    f = trace.gates["forget_gate"]  # (timesteps, units)
    i = trace.gates["input_gate"]
    keeper = int(np.argmax(f.mean(axis=0)))
    verdict = "correct" if trace.predicted == trace.label else "wrong"
    return (
        f"Across this sequence the forget gate averaged {f.mean():.2f} and the input gate {i.mean():.2f}: "
        f"{_memory_verdict(f.mean() > i.mean(), f.shape[1])}. "
        + (f"Unit {keeper + 1} remembers most (forget gate {f[:, keeper].mean():.2f}). " if f.shape[1] > 1 else "")
        + "That carried memory is how the "
        f"first timesteps still shape the final score, {trace.dense_output:.3f}, which is {verdict} for label {trace.label}."
    )
