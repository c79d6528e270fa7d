"""Step through time: one timestep's numbers, unit by unit, and the cell's equations filled in."""

import re

import numpy as np
import pandas as pd
import pytest

from lstm_core.tracing.steps import DIVERGED_STEPS, STEP_COLUMNS, step_table, unit_equations
from lstm_core.tracing.trace import trace_sample

NUMBER = r"(-?\d+\.\d{3})"
CELL = re.compile(rf"c = {NUMBER} × {NUMBER} \+ {NUMBER} × {NUMBER} = {NUMBER}")
HIDDEN = re.compile(rf"h = {NUMBER} × tanh\({NUMBER}\) = {NUMBER}")


@pytest.fixture(scope="module")
def trace(small_run):
    return trace_sample(small_run, 3)


def test_every_row_follows_the_cell_equations_at_every_timestep(trace):
    for t in range(len(trace.gates["cell_state"])):
        row = step_table(trace, t)
        np.testing.assert_allclose(row["c"], row["f"] * row["c_prev"] + row["i"] * row["g"], atol=1e-6, rtol=0)
        np.testing.assert_allclose(row["h"], row["o"] * np.tanh(row["c"]), atol=1e-6, rtol=0)


def test_the_table_is_the_traces_gates_with_c_prev_the_step_before(trace):
    steps, units = trace.gates["cell_state"].shape
    names = {"i": "input_gate", "f": "forget_gate", "g": "candidate", "o": "output_gate", "c": "cell_state",
             "h": "hidden_state"}
    for t in range(steps):
        row = step_table(trace, t)
        assert tuple(row) == STEP_COLUMNS == ("Unit", "i", "f", "g", "o", "c_prev", "c", "h")
        assert row["Unit"].tolist() == list(range(1, units + 1))  # as the heatmaps number units
        for column, gate in names.items():
            assert row[column].dtype == np.float64
            np.testing.assert_array_equal(row[column], trace.gates[gate][t])
        expected_prev = trace.gates["cell_state"][t - 1] if t else np.zeros(units)  # Keras starts from a zero state
        np.testing.assert_array_equal(row["c_prev"], expected_prev)
    assert list(pd.DataFrame(step_table(trace, 0)).columns) == list(STEP_COLUMNS)


def test_the_equations_show_the_true_values_rounded(trace):
    steps, units = trace.gates["cell_state"].shape
    for t in (0, 1, steps - 1):
        row = step_table(trace, t)
        for u in range(units):
            cell, hidden = unit_equations(trace, t, u)
            shown = [float(v) for v in CELL.fullmatch(cell).groups()]
            assert shown == [round(float(row[k][u]), 3) for k in ("f", "c_prev", "i", "g", "c")], cell
            shown = [float(v) for v in HIDDEN.fullmatch(hidden).groups()]
            assert shown == [round(float(row[k][u]), 3) for k in ("o", "c", "h")], hidden
    assert unit_equations(trace, 0, 0)[0].startswith("c = ") and " × 0.000 + " in unit_equations(trace, 0, 0)[0]


def test_a_timestep_or_unit_out_of_range_says_what_is_allowed(trace):
    steps, units = trace.gates["cell_state"].shape
    with pytest.raises(ValueError, match=rf"^timestep {steps + 1} is outside 1 to {steps}$"):
        step_table(trace, steps)
    with pytest.raises(ValueError, match=rf"^timestep 0 is outside 1 to {steps}$"):
        unit_equations(trace, -1, 0)
    with pytest.raises(ValueError, match=rf"^unit {units + 1} is outside 1 to {units}$"):
        unit_equations(trace, 0, units)
    with pytest.raises(ValueError, match=rf"^timestep must be a whole number from 1 to {steps}, not 1.5$"):
        step_table(trace, 1.5)
    with pytest.raises(ValueError, match=rf"^unit must be a whole number from 1 to {units}, not True$"):
        unit_equations(trace, 0, True)
    assert step_table(trace, np.int64(1))["Unit"].tolist() == list(range(1, units + 1))  # a slider's NumPy integer


def test_a_diverged_run_has_no_step_to_walk_through(diverged_run):
    trace = trace_sample(diverged_run, 0)
    with pytest.raises(ValueError, match="training diverged"):
        step_table(trace, 0)
    with pytest.raises(ValueError) as caught:
        unit_equations(trace, 1, 0)
    assert str(caught.value) == DIVERGED_STEPS


GRU_HIDDEN = re.compile(rf"h = {NUMBER} × {NUMBER} \+ \(1 − {NUMBER}\) × {NUMBER} = {NUMBER}")
RNN_HIDDEN = re.compile(rf"h = tanh\({NUMBER}\) = {NUMBER}")


def test_every_gru_and_simplernn_row_follows_its_cells_equation_at_every_timestep(other_cell_run):
    from lstm_core.tracing.steps import COLUMNS

    trace, w = trace_sample(other_cell_run, 3), other_cell_run.weights()
    steps, units = trace.gates["hidden_state"].shape
    for t in range(steps):
        row = step_table(trace, t, w)
        assert tuple(row) == COLUMNS[trace.cell] and row["Unit"].tolist() == list(range(1, units + 1))
        np.testing.assert_array_equal(row["h"], trace.gates["hidden_state"][t])
        np.testing.assert_array_equal(row["h_prev"], trace.gates["hidden_state"][t - 1] if t else np.zeros(units))
        if trace.cell == "gru":
            assert tuple(row) == ("Unit", "z", "r", "h~", "h_prev", "h")
            for column, state in (("z", "update_gate"), ("r", "reset_gate"), ("h~", "candidate")):
                np.testing.assert_array_equal(row[column], trace.gates[state][t])
            np.testing.assert_allclose(row["h"], row["z"] * row["h_prev"] + (1 - row["z"]) * row["h~"], atol=1e-6, rtol=0)
        else:  # a from the weights, independently of the trace's h: tanh(a) must give it back
            assert tuple(row) == ("Unit", "h_prev", "a", "h")
            a = trace.input[t] @ w["kernel"] + w["bias"] + row["h_prev"] @ w["recurrent_kernel"]
            np.testing.assert_allclose(row["a"], a, atol=1e-6, rtol=0)
            np.testing.assert_allclose(row["h"], np.tanh(row["a"]), atol=1e-6, rtol=0)


def test_the_gru_and_simplernn_equations_show_the_true_values_rounded(other_cell_run):
    trace, w = trace_sample(other_cell_run, 3), other_cell_run.weights()
    steps, units = trace.gates["hidden_state"].shape
    for t in (0, 1, steps - 1):
        row = step_table(trace, t, w)
        for u in range(units):
            (line,) = unit_equations(trace, t, u, w)
            if trace.cell == "gru":
                z, h_prev, z_again, candidate, h = (float(v) for v in GRU_HIDDEN.fullmatch(line).groups())
                assert [z, h_prev, candidate, h] == [round(float(row[k][u]), 3) for k in ("z", "h_prev", "h~", "h")]
                assert z_again == z
            else:
                shown = [float(v) for v in RNN_HIDDEN.fullmatch(line).groups()]
                assert shown == [round(float(row[k][u]), 3) for k in ("a", "h")], line
    if trace.cell == "rnn":  # a needs the weights: said, not guessed
        with pytest.raises(ValueError, match="needs the run's weights"):
            step_table(trace, 0)
