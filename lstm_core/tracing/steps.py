"""Step through time: one timestep of a trace, unit by unit, with the cell's two equations filled in.

Arguments count from 0, as the trace's arrays do; what a learner reads (the Unit column, messages) counts
from 1, as the heatmaps label timesteps and units.
"""

from __future__ import annotations

import numbers

import numpy as np

from lstm_core.formats import decimals
from lstm_core.tracing.trace import Trace

# The table's columns, in the order of the cell's arithmetic: the gates, then what they make of c_prev.
STEP_COLUMNS = ("Unit", "i", "f", "g", "o", "c_prev", "c", "h")
SOURCES = {"i": "input_gate", "f": "forget_gate", "g": "candidate", "o": "output_gate", "c": "cell_state",
           "h": "hidden_state"}
DIVERGED_STEPS = ("The gates are not numbers (training diverged), so there is no step to walk through. Lower the "
                  "learning rate and train again.")


def _checked(what: str, value, count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{what} must be a whole number from 1 to {count}, not {value!r}")
    if not 0 <= value < count:
        raise ValueError(f"{what} {value + 1} is outside 1 to {count}")
    return int(value)


def _step(trace: Trace, timestep: int) -> dict[str, np.ndarray]:
    """Each column's values at ``timestep``: (units,) float64, c_prev zero at the first step (Keras starts
    every sequence from a zero state)."""
    timestep = _checked("timestep", timestep, len(trace.gates["cell_state"]))
    values = {name: np.asarray(trace.gates[source][timestep], dtype=np.float64) for name, source in SOURCES.items()}
    cell = trace.gates["cell_state"]
    values["c_prev"] = np.asarray(cell[timestep - 1], dtype=np.float64) if timestep else np.zeros(cell.shape[1])
    if not all(np.isfinite(v).all() for v in values.values()):
        raise ValueError(DIVERGED_STEPS)
    return values


def step_table(trace: Trace, timestep: int) -> dict[str, np.ndarray]:
    """One row per unit at ``timestep``: STEP_COLUMNS -> values (Unit from 1; the rest float64, unrounded),
    ready for pandas.DataFrame."""
    values = _step(trace, timestep)
    units = len(values["c"])
    return {"Unit": np.arange(1, units + 1), **{name: values[name] for name in STEP_COLUMNS[1:]}}


def unit_equations(trace: Trace, timestep: int, unit: int) -> tuple[str, str]:
    """The cell's two equations with one unit's numbers at ``timestep``, to 3 decimals, each result the true
    value rounded: ('c = f × c_prev + i × g = c', 'h = o × tanh(c) = h')."""
    values = _step(trace, timestep)
    unit = _checked("unit", unit, len(values["c"]))
    v = {name: decimals(float(values[name][unit])) for name in STEP_COLUMNS[1:]}
    return (f"c = {v['f']} × {v['c_prev']} + {v['i']} × {v['g']} = {v['c']}",
            f"h = {v['o']} × tanh({v['c']}) = {v['h']}")
