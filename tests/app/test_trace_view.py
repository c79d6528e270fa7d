"""The Prediction trace tab: one sequence through the layers, the gate inspector, What if? and its Keras check."""

import json
import re
import time

import pytest

from app import resources
from app.views.common import numbers_key
from lstm_core.serving.jobs import TrainingJob
from lstm_core.tracing.trace import trace_sample
from tests.app.conftest import TIMEOUT, new_app, preset_app, show, shown, skip_prediction, train_with

CHECKING = "After the edit: checking against Keras in a worker..."


def test_gate_inspector_and_numpy_check():
    at = show(new_app(), "Prediction trace")
    at.radio(key="gate").set_value("forget_gate")
    at.run()
    captions = " ".join(c.value for c in at.tabs[2].caption)
    assert "Forget gate f (0 to 1)" in captions
    assert "Checked: our step-by-step recomputation agrees with Keras" in captions
    diff = re.search(r"Largest difference between NumPy and Keras: (\d\.\de[+-]\d+)", captions)
    assert diff and float(diff.group(1)) < 1e-5
    flow = next(e for e in at.tabs[2].expander if e.label.startswith("Why the cell state helps gradients"))
    assert [json.loads(c.proto.spec)["title"] for c in flow.get("vega_lite_chart")] == [
        "Gradient reaching each timestep, relative to the last"]  # measured in the worker, drawn here
    assert f"{shown(at).gradient_flow.trained[0]:.2g} times its gradient" in flow.markdown[0].value
    hidden = next(c for c in at.tabs[2].get("vega_lite_chart") if json.loads(c.proto.spec)["title"] == "Hidden state h")
    said = hidden.proto.alt  # the text alternative, for screen readers (the browser makes it the chart's description)
    assert said.startswith("Heatmap of Hidden state h: 10 timesteps (rows) by 20 units")
    assert "description" not in json.loads(hidden.proto.spec)  # alt alone: both would log a warning per chart
    assert not [e for e in at.tabs[2].expander if e.label == "Show the numbers" and e.dataframe]  # lazy: none sent
    at.session_state[numbers_key(said)] = True  # the learner opens the numbers under h's heatmap
    at.run()
    numbers = next(e for e in at.tabs[2].expander if e.label == "Show the numbers" and e.dataframe).dataframe[0].value
    h = trace_sample(shown(at), 0).gates["hidden_state"]
    assert numbers.shape == h.shape and abs(numbers.to_numpy() - h).max() <= 5e-4  # to 3 decimals
    at.number_input(key="sample").set_value(7)
    at.run()
    assert not at.exception
    run = shown(at)
    assert at.tabs[2].metric[2].value == str(int(run.dataset.y[7]))
    score = at.tabs[2].metric[0].value
    at.number_input(key="sample").set_value(1000)  # one past the last: named, and sample 7 stays
    at.run()
    assert not at.exception and [e.value for e in at.error] == [
        "Sample (which sequence to trace): 1000 is out of range; allowed: 0 to 999. Showing 7 instead."]
    assert at.tabs[2].metric[0].value == score
    at.number_input(key="sample").set_value(900).run()
    train_with(at, sequences=100, epochs=1)  # a smaller run: the kept sample moves inside its range, no error
    show(at, "Prediction trace")
    assert not at.error and at.number_input(key="sample").value == 99


def test_a_probe_changes_the_shown_prediction_and_its_keras_check_arrives():
    at = show(new_app(), "Prediction trace")
    at.selectbox(key="edit").set_value("reverse")
    at.run()
    assert not at.exception
    assert not any(m.label == "After: score" for m in at.tabs[2].metric)  # a prediction first
    skip_prediction(at, "whatif")
    metrics = {m.label: m for m in at.tabs[2].metric}
    before, after = metrics["Before: score"], metrics["After: score"]
    assert before.value != after.value
    charts = [json.loads(c.proto.spec) for c in at.tabs[2].get("vega_lite_chart")]
    titles = [c["title"] for c in charts]
    first = titles.index("Change in h (after - before)")  # What-if's first chart
    assert titles[first + 1:first + 5] == ["Before: hidden state h", "After: hidden state h", "Before: cell state c",
                                           "After: cell state c"]  # the pairs follow, folded away
    assert charts[first]["encoding"]["color"]["scale"]["domain"] == [-1.0, 1.0]  # fixed, never stretched
    assert any(c.value.startswith("Orange: the edit raised h") and "The largest change is" in c.value
               for c in at.tabs[2].caption)
    assert "Reversing turns an up-trend into a down-trend" in " ".join(m.value for m in at.tabs[2].markdown)
    deadline = time.monotonic() + TIMEOUT  # the check runs in a worker; each rerun reads it afresh, as the timer would
    while any(CHECKING in c.value for c in at.tabs[2].caption):
        assert time.monotonic() < deadline, "waited too long for the Keras check"
        time.sleep(0.1)
        at.run()
    check = next(c.value for c in at.tabs[2].caption if c.value.startswith("Before the edit:"))
    assert "After the edit: Checked" in check, check
    at.selectbox(key="edit").set_value("edit")
    at.run()
    skip_prediction(at, "whatif")  # the box as it came (rounded for reading) is no edit at all
    metrics = {m.label: m for m in at.tabs[2].metric}
    assert metrics["After: score"].value == metrics["Before: score"].value and metrics["After: score"].delta == "+0.000"
    box = next(t for t in at.text_input if t.key.startswith("probe_values"))
    box.set_value("1, 2, oops").run()
    assert any("Values must be 5 numbers" in e.value for e in at.error)  # a clear message, still working
    assert not at.exception


def test_a_diverged_run_on_screen_shows_a_warning_in_the_trace_tab_not_nan_gates(diverged_run):
    """The board already holds the diverged run (as if trained by another session): a link to its setup shows it."""
    resources.job_board("lstm").job(diverged_run.key, lambda on_done: TrainingJob(diverged_run.config, run=diverged_run))
    c = diverged_run.config
    at = preset_app(sequences=str(c.sequences), timesteps=str(c.timesteps), features=str(c.features),
                    units=str(c.units), epochs=str(c.epochs), batch_size=str(c.batch_size))
    assert shown(at) is diverged_run
    at = show(at, "Prediction trace")
    tab = at.tabs[2]
    assert any(w.value.startswith("Training diverged: the loss stopped being a number at epoch 4") for w in tab.warning)
    shown_text = " ".join(m.value for m in tab.markdown)
    assert "Checked" not in shown_text and not tab.get("vega_lite_chart")


def test_find_one_the_model_gets_wrong_lists_only_misclassified_sequences_and_picking_one_traces_it():
    at = show(new_app(), "Prediction trace")
    run = shown(at)
    scores, y = run.keras.scores, run.dataset.y
    pick = at.selectbox(key="pick")
    assert pick.label == "Find one the model gets wrong" and pick.value is None
    wrong = [s for s in range(len(y)) if (scores[s] > 0.5) != (y[s] > 0.5)]
    assert wrong, "the default run gets some sequences wrong"
    listed = [line for line in pick.options if line.startswith("Wrong: ")]
    assert len(listed) == min(len(wrong), 50)
    samples = [int(re.match(r"Wrong: sample (\d+) \((held out|training)\)", line).group(1)) for line in listed]
    assert all((scores[s] > 0.5) != (y[s] > 0.5) for s in samples)  # every listed one really is wrong, by Keras
    held = [int(s >= run.config.train_sequences) for s in samples]
    assert held == sorted(held, reverse=True)  # held-out ones first
    assert all(("(held out)" in line) == bool(h) for line, h in zip(listed, held))
    assert any(line.startswith("Unsure: ") for line in pick.options)
    note = next(c.value for c in at.tabs[2].caption if "on the wrong side of 0.5" in c.value)
    assert note.startswith(f"{len(wrong)} of 1000 sequences")
    target = samples[-1]
    pick.set_value(target).run()
    assert not at.exception and not at.error
    assert at.number_input(key="sample").value == target  # the pick is traced: the Sample box shows it
    assert at.selectbox(key="pick").value is None  # and the list is ready for another
    label = next(m for m in at.tabs[2].metric if m.label == "True label")
    assert label.value == str(int(y[target])) and label.delta == "wrong"


def test_the_gate_inspector_opens_with_a_drawing_of_one_cell_named_part_by_part():
    import json

    at = show(new_app(), "Prediction trace")
    cell = next(e for e in at.tabs[2].expander if e.label.startswith("How one LSTM cell works"))
    spec = json.loads(cell.get("vega_lite_chart")[0].proto.spec)
    assert spec["title"] == "One LSTM cell, at one timestep"
    words = " ".join(m.value for m in cell.markdown)
    for part in ("**forget gate f**", "**input gate i**", "**candidate g**", "**output gate o**", "**c(t)**", "**h(t)**"):
        assert part in words


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_the_trace_tab_of_a_gru_or_simplernn_run_shows_its_own_states_steps_and_gates(cell):
    import numpy as np

    from lstm_core.teaching.text import GRADIENT_TITLES, NO_GATE, gate_label
    from lstm_core.tracing.cells import STATES
    from lstm_core.tracing.force import FORCE_LABELS
    from lstm_core.tracing.steps import COLUMNS

    at = preset_app(cell=cell, units="6", epochs="2", sequences="200")
    at.session_state["kept-gate"] = "forget_gate"  # chosen on an LSTM run earlier: not this cell's, so its first
    at = show(at, "Prediction trace")
    run, tab = shown(at), at.tabs[2]
    assert run.config.cell == cell
    assert at.radio(key="gate").options == [gate_label(cell, state) for state in STATES[cell]]  # shown as labels
    assert at.radio(key="gate").value == STATES[cell][0]
    name = {"gru": "GRU", "rnn": "SimpleRNN"}[cell]
    assert any(m.value.startswith(f"**Layer 2 · {name}**") for m in tab.markdown)
    assert any(e.label.startswith(f"How one {name} cell works") for e in tab.expander)
    assert any(e.label == GRADIENT_TITLES[cell] for e in tab.expander)
    at.button(key="step_next").click().run()
    assert not at.exception and at.slider(key="step_t").value == 2
    table = next(d.value for d in at.tabs[2].dataframe if list(d.value.columns) == list(COLUMNS[cell]))
    h = run.weights()  # recomputed here from the shown numbers, not read from the app's own equation
    if cell == "gru":
        np.testing.assert_allclose(table["h"], table["z"] * table["h_prev"] + (1 - table["z"]) * table["h~"], atol=1e-6)
        assert at.selectbox(key="force").options == list(FORCE_LABELS["gru"])
    else:
        np.testing.assert_allclose(table["h"], np.tanh(table["a"]), atol=1e-6)
        np.testing.assert_allclose(table["a"], run.dataset.x[0, 1] @ h["kernel"] + h["bias"]
                                   + table["h_prev"].to_numpy() @ h["recurrent_kernel"], atol=1e-5)
        assert NO_GATE in [m.value for m in at.tabs[2].markdown]
        assert not [s for s in at.selectbox if s.key == "force"]  # nothing to force
    said = " ".join(m.value for m in at.tabs[2].markdown) + " ".join(i.value for i in at.tabs[2].info)
    assert "forget gate f averaged" not in said and "Along the cell path" not in said
