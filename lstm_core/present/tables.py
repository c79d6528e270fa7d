"""Tables and figures the page shows, computed from a run (the UI only lays them out)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lstm_core.config import CELL_NAMES, LSTMConfig
from lstm_core.formats import counted, decimals
from lstm_core.pipeline.noise import BALANCED, Yardstick, compare
from lstm_core.teaching.observations import LOSS_FLOOR, observed

TABLE_COLUMNS = {
    "epoch": "Epoch", "loss": "Loss", "accuracy": "Accuracy", "val_loss": "Val loss",
    "val_accuracy": "Val accuracy", "observation": "Observation",
}


def epoch_table(history: pd.DataFrame, yard: Yardstick = BALANCED) -> pd.DataFrame:
    """The seed's epoch table: Epoch, Loss, Accuracy, Val loss, Val accuracy, Observation (each epoch's
    numbers judged against the noise of the run's own held-out labels, ``yard``)."""
    return observed(history, yard)[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS).round(3)


# What each cell's weight blocks are, and how many biases each unit keeps per block (Keras's counts).
BLOCK_WORDS = {"lstm": "4 weight blocks (3 gates and the candidate)",
               "gru": "3 weight blocks (2 gates and the candidate)", "rnn": "1 weight block (no gates)"}
BIASES = {"lstm": 1, "gru": 2, "rnn": 1}


def param_ledger(config: LSTMConfig, params: dict[str, int]) -> pd.DataFrame:
    """Each layer's output shape and parameter count, with the formula worked for this config."""
    u, f, t, n, cell = config.units, config.features, config.timesteps, config.sequences, config.cell
    bias = counted(BIASES[cell], "bias")
    return pd.DataFrame(
        [
            {"Layer": "Input", "Output shape": f"({n}, {t}, {f})", "Parameters": 0, "Formula": "no weights"},
            {"Layer": CELL_NAMES[cell], "Output shape": f"({n}, {u})", "Parameters": params["recurrent"],
             "Formula": f"{BLOCK_WORDS[cell]} x {counted(u, 'unit')} x ({counted(f, 'feature')} + "
                        f"{counted(u, 'recurrent input')} h(t-1) + {bias}) = {config.recurrent_parameters:,}"},
            {"Layer": "Dense", "Output shape": f"({n}, 1)", "Parameters": params["dense"],
             "Formula": f"{counted(u, 'weight')} + 1 bias = {u + 1:,}"},
            {"Layer": "Total", "Output shape": "", "Parameters": params["total"],
             "Formula": f"{params['recurrent']:,} + {params['dense']:,} = {params['total']:,}"},
        ]
    )


def ledger_note(config: LSTMConfig) -> str:
    """Where the recurrent row's formula comes from, in one sentence for the cell."""
    u, f, n = config.units, config.features, config.recurrent_parameters
    if config.cell == "gru":
        return (f"Each of the 3 blocks (update gate z, reset gate r, candidate; Keras's order z | r | h) gives each "
                f"of its {counted(u, 'unit')} one weight per input feature, one per recurrent input h(t-1) and two "
                f"biases: Keras's GRU (reset_after=True, its default) adds one bias to x·W and another to h(t-1)·U "
                f"before the reset gate scales it, 3 x {u} x ({f} + {u} + 2) = {n:,}; with reset_after=False it would "
                f"keep one, 3 x {u} x ({f} + {u} + 1) = {3 * u * (f + u + 1):,}.")
    if config.cell == "rnn":
        return (f"A SimpleRNN has one block and no gates, h(t) = tanh(x(t)·W + h(t-1)·U + b), so each of its "
                f"{counted(u, 'unit')} has one weight per input feature, one per recurrent input h(t-1) and a bias: "
                f"{u} x ({f} + {u} + 1) = {n:,}, a quarter of an LSTM with as many units ({4 * n:,}).")
    return (f"Each of the 4 blocks (input gate i, forget gate f, candidate g, output gate o; Keras's order "
            f"i | f | c | o) gives each of its {counted(u, 'unit')} one weight per input feature, one per recurrent "
            f"input h(t-1) and a bias: Keras keeps one bias per unit in each block, 4 x {u} x ({f} + {u} + 1) = {n:,}, "
            f"while PyTorch's nn.LSTM keeps two (`b_ih` and `b_hh`), 4 x {u} x ({f} + {u} + 2) = {4 * u * (f + u + 2):,}.")


DELTA_NOTE = "Under each final value: its change since epoch 1 (grey when within its noise)."  # short deltas fit a 1024 px screen


def final_metrics(history: pd.DataFrame, yard: Yardstick = BALANCED) -> list[dict]:
    """Final loss and accuracy (training and validation) with their change since epoch 1. A change within
    its noise (2 standard errors for an accuracy; the loss floor for a loss) is shown grey, as no news."""
    first, last = history.iloc[0], history.iloc[-1]
    out = []
    for key, label in (("loss", "Loss"), ("accuracy", "Accuracy"), ("val_loss", "Val loss"), ("val_accuracy", "Val accuracy")):
        change = last[key] - first[key]
        shown = len(history) > 1 and np.isfinite(change)  # one epoch: no change; a NaN loss: no number to compare
        n = yard.n_val if key.startswith("val_") else yard.n_train
        clear = abs(change) > LOSS_FLOOR if "loss" in key else compare(last[key], first[key], n).clear
        out.append({
            "label": f"Final {label.lower()}" if not label.startswith("Val") else f"Final {label[0].lower()}{label[1:]}",
            "value": f"{last[key]:.3f}",
            "delta": f"{change:+.3f}".replace("-0.000", "+0.000") if shown else None,  # since epoch 1 (DELTA_NOTE)
            "inverse": "loss" in key,  # a falling loss is good news
            "flat": shown and (round(change, 3) == 0 or not clear),  # within noise is neither good nor bad news
        })
    return out


def sequence_frame(x: np.ndarray, feature_names: Iterable[str]) -> pd.DataFrame:
    """A (timesteps, features) sequence with named columns and timesteps counted from 1."""
    frame = pd.DataFrame(np.asarray(x), columns=list(feature_names)).round(3)
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="timestep")
    return frame


def sample_text(values: np.ndarray, keep: int = 3) -> str:
    """Values the way the seed page prints them: [[0.12, -0.05, ..., 0.33], ..., [0.07, 0.01, ..., -0.12]]."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:
        return decimals(float(values), 2)
    items = [sample_text(v, keep) for v in values] if values.ndim > 1 else [decimals(v, 2) for v in values]
    if values.ndim == 1 and len(items) > keep:
        items = items[: keep - 1] + ["...", items[-1]]
    elif values.ndim > 1 and len(items) > 2:
        items = [items[0], "...", items[-1]]
    return "[" + ", ".join(items) + "]"

