"""Force a gate: the trained cell re-run with one gate held at 0 or 1, against a recomputation written here."""

import math
from dataclasses import replace

import numpy as np
import pytest

from lstm_core.tracing.cells import forward
from lstm_core.tracing.force import (
    AS_TRAINED,
    DIVERGED_FORCE,
    FORCE_LABELS,
    FORCES,
    Forced,
    force_gate,
    force_of,
    summary,
)
from lstm_core.tracing.probe import movement
from lstm_core.tracing.trace import trace_sample

BLOCKS = ("input_gate", "forget_gate", "candidate", "output_gate")  # Keras's i | f | c | o


def by_hand(x, w, gate=None, value=None):
    """The LSTM equations unit by unit in plain Python floats: no NumPy cell, no lstm_step."""
    kernel, recurrent, bias = w["kernel"].tolist(), w["recurrent_kernel"].tolist(), w["bias"].tolist()
    units = len(recurrent)
    h, c = [0.0] * units, [0.0] * units
    rows = {name: [] for name in (*BLOCKS, "cell_state", "hidden_state")}
    for x_t in x.tolist():
        z = [[sum(x_t[k] * kernel[k][b * units + j] for k in range(len(x_t)))
              + sum(h[m] * recurrent[m][b * units + j] for m in range(units)) + bias[b * units + j]
              for j in range(units)] for b in range(4)]
        values = {"input_gate": [1 / (1 + math.exp(-v)) for v in z[0]],
                  "forget_gate": [1 / (1 + math.exp(-v)) for v in z[1]],
                  "candidate": [math.tanh(v) for v in z[2]],
                  "output_gate": [1 / (1 + math.exp(-v)) for v in z[3]]}
        if gate is not None:
            values[gate] = [value] * units
        i, f, g, o = (values[name] for name in BLOCKS)
        c = [f[j] * c[j] + i[j] * g[j] for j in range(units)]
        h = [o[j] * math.tanh(c[j]) for j in range(units)]
        for name in BLOCKS:
            rows[name].append(values[name])
        rows["cell_state"].append(c)
        rows["hidden_state"].append(h)
    dense = w["dense_kernel"][:, 0].tolist()
    score = 1 / (1 + math.exp(-(sum(h[j] * dense[j] for j in range(units)) + float(w["dense_bias"][0]))))
    return {name: np.array(v) for name, v in rows.items()}, score


def test_the_choices_in_order():
    assert FORCE_LABELS["lstm"] == (
        "as trained",
        "forget gate = 0 (forget everything at every step)",
        "forget gate = 1 (keep everything)",
        "input gate = 0 (write nothing)",
        "output gate = 1 (expose the whole cell)",
    )
    assert force_of("input gate = 0 (write nothing)").gate == "input_gate"
    with pytest.raises(ValueError, match="unknown choice 'forget gate = 0.5'; choose one of: as trained; forget gate = 0"):
        force_of("forget gate = 0.5")


@pytest.mark.parametrize("force", FORCES["lstm"][1:], ids=lambda f: f.label)
def test_each_forced_gate_matches_a_recomputation_by_hand(small_run, force):
    forced = force_gate(small_run, 5, force.label)
    gates, score = by_hand(small_run.dataset.x[5], small_run.weights(), force.gate, force.value)
    for name, expected in gates.items():
        np.testing.assert_allclose(forced.after.gates[name], expected, atol=1e-9, rtol=0, err_msg=name)
    assert forced.after.dense_output == pytest.approx(score, abs=1e-9)
    np.testing.assert_array_equal(forced.after.recurrent_output, forced.after.gates["hidden_state"][-1])
    assert (forced.after.gates[force.gate] == force.value).all()  # reads exactly 0.000 or 1.000
    assert forced.after.keras_max_diff is None and forced.after.initial_gates is None  # Keras cannot compute it
    assert forced.before.keras_max_diff < 1e-5  # the trained one is still checked


def test_the_recomputation_by_hand_is_the_trained_cell_when_nothing_is_forced(small_run):
    gates, score = by_hand(small_run.dataset.x[5], small_run.weights())
    trace = trace_sample(small_run, 5)
    np.testing.assert_allclose(trace.gates["hidden_state"], gates["hidden_state"], atol=1e-9, rtol=0)
    assert trace.dense_output == pytest.approx(score, abs=1e-9)


def test_as_trained_is_the_trace(small_run):
    forced = force_gate(small_run, 2, AS_TRAINED)
    trace = trace_sample(small_run, 2)
    for t in (forced.before, forced.after):
        for name, values in trace.gates.items():
            np.testing.assert_array_equal(t.gates[name], values)
        assert t.dense_output == trace.dense_output and t.keras_max_diff == trace.keras_max_diff
    assert "As trained, the score is" in summary(forced).sentence


def test_forget_gate_zero_leaves_only_this_steps_write(default_run):
    forced = force_gate(default_run, 0, "forget gate = 0 (forget everything at every step)")
    g = forced.after.gates
    assert (g["forget_gate"] == 0).all()
    np.testing.assert_array_equal(g["cell_state"], g["input_gate"] * g["candidate"])


def test_input_gate_zero_leaves_only_the_dense_bias(small_run):
    w = small_run.weights()
    forced = force_gate(small_run, 1, "input gate = 0 (write nothing)")
    assert (forced.after.gates["cell_state"] == 0).all() and (forced.after.gates["hidden_state"] == 0).all()
    assert forced.after.dense_output == pytest.approx(1 / (1 + math.exp(-float(w["dense_bias"][0]))))


def test_the_states_cannot_be_forced(small_run):
    w = small_run.weights()
    with pytest.raises(ValueError, match="cannot force 'cell_state'"):
        forward("lstm", small_run.dataset.x[0], w, force=("cell_state", 0.0))


def test_the_summary_is_said_from_the_numbers(default_run):
    forced = force_gate(default_run, 0, "output gate = 1 (expose the whole cell)")
    s = summary(forced)
    assert (s.score_before, s.score_after) == (forced.before.dense_output, forced.after.dense_output)
    assert (s.class_before, s.class_after) == (forced.before.predicted, forced.after.predicted)
    assert f"from {s.score_before:.3f} to {s.score_after:.3f}" in s.sentence or f"stayed at {s.score_before:.3f}" in s.sentence
    before = forced.before
    confident = replace(before, dense_output=0.93, label=1)
    cases = {
        0.2: "With the output gate forced to 1 at every step, the score swung (-0.730), from 0.930 to 0.200, and the "
             "prediction changed from label 1 (up) to label 0 (down), which is wrong: this sequence is label 1 (up).",
        0.9: "With the output gate forced to 1 at every step, the score barely moved (-0.030), from 0.930 to 0.900",
        0.8: "With the output gate forced to 1 at every step, the score moved (-0.130), from 0.930 to 0.800",
        0.9301: "With the output gate forced to 1 at every step, the score stayed at 0.930, and the prediction stayed "
                "label 1 (up).",
    }
    for after, expected in cases.items():
        said = summary(Forced(forced.force, confident, replace(confident, dense_output=after), True)).sentence
        assert said.startswith(expected), said
    assert movement(-0.03) == "barely moved" and movement(-0.13) == "moved"  # the What-if caption's words
    file_run = summary(Forced(forced.force, confident, replace(confident, dense_output=0.2), False)).sentence
    assert "from label 1 (rises next) to label 0 (does not rise next)" in file_run
    wrong = replace(confident, label=0)
    assert summary(Forced(forced.force, wrong, replace(wrong, dense_output=0.2), True)).sentence.endswith(
        "the prediction changed from label 1 (up) to label 0 (down), which is right for this sequence.")
    assert summary(Forced(AS_TRAINED, wrong, wrong, True)).sentence.startswith(
        "As trained, the score is 0.930: label 1 (up), which is wrong: this sequence is label 0 (down). Force a gate")


def test_a_diverged_run_says_so_instead_of_showing_nan(diverged_run):
    forced = force_gate(diverged_run, 0, "forget gate = 1 (keep everything)")
    assert forced.diverged
    s = summary(forced)
    assert s.sentence == DIVERGED_FORCE and s.class_before is None and s.class_after is None
    assert "training diverged" in DIVERGED_FORCE
