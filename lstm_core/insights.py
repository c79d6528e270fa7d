"""Key insights for each tab, quoting numbers from the current run where it can."""

from __future__ import annotations

import numpy as np

from lstm_core.text import SEED_INSIGHT

__all__ = ["SEED_INSIGHT", "pipeline_insight", "training_insight", "trace_insight"]


def pipeline_insight(run) -> str:
    c, p = run.config, run.params
    return (
        f"The LSTM squeezes each sequence of {c.timesteps} x {c.features} = {c.timesteps * c.features} numbers "
        f"into {c.units} numbers. {p['lstm']:,} of the model's {p['total']:,} parameters "
        f"({p['lstm'] / p['total']:.0%}) live in the LSTM, and the same weights are reused at all "
        f"{c.timesteps} timesteps: a longer sequence costs time, not parameters."
    )


def training_insight(run) -> str:
    h = run.history
    first, last = h.iloc[0], h.iloc[-1]
    best = h.loc[h["val_loss"].idxmin()]
    change = (last["loss"] - first["loss"]) / first["loss"] if first["loss"] else 0.0
    text = (
        f"Loss went from {first['loss']:.2f} to {last['loss']:.2f} ({change:+.0%}) while accuracy went from "
        f"{first['accuracy']:.2f} to {last['accuracy']:.2f}. Validation accuracy, on {run.config.val_sequences} "
        f"sequences the model never trained on, ended at {last['val_accuracy']:.2f}"
    )
    if int(best["epoch"]) != int(last["epoch"]):
        return text + f"; validation loss was lowest at epoch {int(best['epoch'])} ({best['val_loss']:.2f}), so later epochs added little."
    return text + ", and validation loss was still falling at the last epoch: more epochs might help."


def trace_insight(trace) -> str:
    f = trace.gates["forget_gate"]  # (timesteps, units)
    i = trace.gates["input_gate"]
    keeper = int(np.argmax(f.mean(axis=0)))
    verdict = "correct" if trace.predicted == trace.label else "wrong"
    return (
        f"Across this sequence the forget gate averaged {f.mean():.2f} and the input gate {i.mean():.2f}: "
        f"{'units keep more of their memory than they overwrite' if f.mean() > i.mean() else 'units overwrite more than they keep'}. "
        f"Unit {keeper + 1} remembers most (forget gate {f[:, keeper].mean():.2f}). That carried memory is how the "
        f"first timesteps still shape the final score, {trace.dense_output:.2f}, which is {verdict} for label {trace.label}."
    )
