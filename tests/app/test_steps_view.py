"""Step through time and Switch a gate off, on the Prediction trace tab: the step table follows the trace
(and the forced gate), and forcing asks for a prediction before it reveals."""

import numpy as np

from lstm_core.tracing.force import FORCE_LABELS as LABELS
from lstm_core.tracing.steps import STEP_COLUMNS
from lstm_core.tracing.trace import trace_sample
from tests.app.conftest import new_app, show, shown

FORCE_LABELS = LABELS["lstm"]


def step_table(at):
    return next(d.value for d in at.tabs[2].dataframe if list(d.value.columns) == list(STEP_COLUMNS))


def guess_key(at, prefix: str) -> str:
    return next(w.key for w in [*at.radio, *at.button] if w.key and w.key.startswith(prefix))


def test_the_step_table_is_the_traced_timestep_and_next_moves_it():
    at = show(new_app(), "Prediction trace")
    trace = trace_sample(shown(at), 0)
    assert at.slider(key="step_t").value == 1
    at.button(key="step_next").click().run()
    at.button(key="step_next").click().run()
    assert at.slider(key="step_t").value == 3
    table = step_table(at)
    for column, gate in zip("ifgohc", ("input_gate", "forget_gate", "candidate", "output_gate", "hidden_state",
                                       "cell_state")):
        np.testing.assert_allclose(table[column], trace.gates[gate][2], atol=1e-6)
    np.testing.assert_allclose(table["c_prev"], trace.gates["cell_state"][1], atol=1e-6)
    np.testing.assert_allclose(table["c"], table["f"] * table["c_prev"] + table["i"] * table["g"], atol=1e-6)
    assert any(m.value.startswith("Unit 1: `c = ") for m in at.tabs[2].markdown)
    at.button(key="step_back").click().run()
    assert at.slider(key="step_t").value == 2 and not at.exception


def test_forcing_a_gate_asks_first_then_the_step_table_follows_the_forced_cell():
    at = show(new_app(), "Prediction trace")
    at.selectbox(key="force").set_value(FORCE_LABELS[1]).run()  # forget gate = 0
    assert not any(m.label == "Forced: score" for m in at.tabs[2].metric)  # nothing revealed before a prediction
    assert np.all(step_table(at)["f"] > 0)  # still as trained
    at.button(key=guess_key(at, "reveal-")).click().run()  # Reveal with nothing picked: named, nothing lost
    assert [e.value for e in at.tabs[2].error] == ["Pick go up, go down or stay about the same first, or press Skip."]
    at.radio(key=guess_key(at, "guess-")).set_value("go down").run()
    at.button(key=guess_key(at, "reveal-")).click().run()
    assert not at.exception
    said = next(m.value for m in at.tabs[2].markdown if m.value.startswith("You predicted it would go down; it "))
    metrics = {m.label: float(m.value) for m in at.tabs[2].metric if m.label.endswith(": score")}
    moved = metrics["Forced: score"] - metrics["As trained: score"]
    assert said.endswith("right.") == (moved <= -0.05)  # the verdict follows the scores
    table = step_table(at)
    assert np.all(table["f"] == 0) and np.allclose(table["c"], table["i"] * table["g"], atol=1e-6)  # c = i·g
    assert any("not checked against Keras" in c.value for c in at.tabs[2].caption)
    at.selectbox(key="force").set_value(FORCE_LABELS[2]).run()  # forget gate = 1: a new question; Skip still shows
    at.button(key=guess_key(at, "skip-")).click().run()
    assert any(m.value.startswith("You skipped this one; the answer is it would") for m in at.tabs[2].markdown)
    assert np.all(step_table(at)["f"] == 1)
