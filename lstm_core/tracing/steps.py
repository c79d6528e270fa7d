"""Step through time: one timestep of a trace, unit by unit, with the cell's equations filled in.

Arguments count from 0, as the trace's arrays do; what a learner reads (the Unit column, messages) counts
from 1, as the heatmaps label timesteps and units.
"""

from __future__ import annotations

import numbers

import numpy as np

from lstm_core.formats import decimals
from lstm_core.tracing.trace import Trace

# The table's columns per cell, in the order of the cell's arithmetic: the gates, then what they make of the
# state before. STEP_COLUMNS is the LSTM's.
STEP_COLUMNS = ("Unit", "i", "f", "g", "o", "c_prev", "c", "h")
COLUMNS = {
    "lstm": STEP_COLUMNS,
    "gru": ("Unit", "z", "r", "h~", "h_prev", "h"),
    "rnn": ("Unit", "h_prev", "a", "h"),  # a = x·W + b + h_prev·U, the pre-activation: h = tanh(a)
}
SOURCES = {  # column -> the trace's array at this timestep (the _prev columns are the step before's)
    "lstm": {"i": "input_gate", "f": "forget_gate", "g": "candidate", "o": "output_gate", "c": "cell_state",
             "h": "hidden_state"},
    "gru": {"z": "update_gate", "r": "reset_gate", "h~": "candidate", "h": "hidden_state"},
    "rnn": {"h": "hidden_state"},
}
PREVIOUS = {"lstm": ("c_prev", "cell_state"), "gru": ("h_prev", "hidden_state"), "rnn": ("h_prev", "hidden_state")}
DIVERGED_STEPS = ("The gates are not numbers (training diverged), so there is no step to walk through. Lower the "
                  "learning rate and train again.")


def _checked(what: str, value, count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be a whole number from 1 to {count}, not {value!r}")
    if not 0 <= value < count:
        raise ValueError(f"{what} {value + 1} is outside 1 to {count}")
    return int(value)


def _step(trace: Trace, timestep: int, weights: dict | None = None) -> dict[str, np.ndarray]:
    """Each column's values at ``timestep``: (units,) float64, the _prev column zero at the first step (Keras
    starts every sequence from a zero state). The SimpleRNN's a needs the run's ``weights``."""
    cell = trace.cell
    timestep = _checked("timestep", timestep, len(trace.gates["hidden_state"]))
    values = {name: np.asarray(trace.gates[source][timestep], dtype=np.float64) for name, source in SOURCES[cell].items()}
    name, source = PREVIOUS[cell]
    held = trace.gates[source]
    values[name] = np.asarray(held[timestep - 1], dtype=np.float64) if timestep else np.zeros(held.shape[1])
    if cell == "rnn":
        if weights is None:
            raise ValueError("the SimpleRNN's a = x·W + b + h_prev·U needs the run's weights")
        kernel, recurrent, bias = (np.asarray(weights[k], dtype=np.float64) for k in ("kernel", "recurrent_kernel", "bias"))
        values["a"] = np.asarray(trace.input[timestep], dtype=np.float64) @ kernel + bias + values["h_prev"] @ recurrent
    if not all(np.isfinite(v).all() for v in values.values()):
        raise ValueError(DIVERGED_STEPS)
    return values


def step_table(trace: Trace, timestep: int, weights: dict | None = None) -> dict[str, np.ndarray]:
    """One row per unit at ``timestep``: COLUMNS[trace.cell] -> values (Unit from 1; the rest float64,
    unrounded), ready for pandas.DataFrame. A SimpleRNN trace needs the run's ``weights`` (for a)."""
    values = _step(trace, timestep, weights)
    columns = COLUMNS[trace.cell]
    units = len(values["h"])
    return {"Unit": np.arange(1, units + 1), **{name: values[name] for name in columns[1:]}}


def unit_equations(trace: Trace, timestep: int, unit: int, weights: dict | None = None) -> tuple[str, ...]:
    """The cell's equations with one unit's numbers at ``timestep``, to 3 decimals, each result the true
    value rounded. LSTM: ('c = f × c_prev + i × g = c', 'h = o × tanh(c) = h'); GRU:
    ('h = z × h_prev + (1 − z) × h~ = h',); SimpleRNN: ('h = tanh(a) = h',)."""
    values = _step(trace, timestep, weights)
    unit = _checked("unit", unit, len(values["h"]))
    v = {name: decimals(float(values[name][unit])) for name in COLUMNS[trace.cell][1:]}
    if trace.cell == "gru":
        return (f"h = {v['z']} × {v['h_prev']} + (1 − {v['z']}) × {v['h~']} = {v['h']}",)
    if trace.cell == "rnn":
        return (f"h = tanh({v['a']}) = {v['h']}",)
    return (f"c = {v['f']} × {v['c_prev']} + {v['i']} × {v['g']} = {v['c']}",
            f"h = {v['o']} × tanh({v['c']}) = {v['h']}")
