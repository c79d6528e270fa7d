"""The teaching notes are worked from the learner's run: every number printed recomputes what the
trace holds, and a diverged run prints no NaN."""

import dataclasses
import math
import re

import numpy as np
import pytest

from lstm_core.teaching.concepts import (
    NOTHING,
    gate_equations,
    gradient_path,
    return_sequences_note,
    sigmoid_vs_tanh,
    state_and_batches,
    unit_step,
)
from lstm_core.tracing.trace import carried_after, sigmoid, trace_sample
from tests.support import ROOT

NUMBER = r"-?\d+\.\d{3}"
HALF = 5e-4  # the largest rounding error of a number printed with 3 decimals


@pytest.fixture(scope="module")
def default_trace(default_run):
    return trace_sample(default_run, 0)


@pytest.fixture(scope="module")
def small_trace(small_run):
    return trace_sample(small_run, 3)


@pytest.mark.parametrize("unit,timestep", [(0, 0), (0, 4), (7, 1), (19, 9)])
def test_unit_step_recomputes_every_gate_of_the_trace(default_run, default_trace, unit, timestep):
    s = unit_step(default_run, default_trace, unit, timestep)
    for name, key in (("input_gate", "i"), ("forget_gate", "f"), ("candidate", "g"), ("output_gate", "o"),
                      ("cell_state", "c"), ("hidden_state", "h")):
        assert s[key] == pytest.approx(default_trace.gates[name][timestep, unit], abs=1e-6), name
    for part in s["parts"].values():
        assert part["z"] == pytest.approx(part["Wx"] + part["Uh"] + part["b"], abs=1e-12)
    if timestep == 0:  # every sequence starts from zero
        assert s["c_prev"] == s["h_prev"] == 0 and all(p["Uh"] == 0 for p in s["parts"].values())
    else:  # every gate reads the previous hidden state
        assert s["h_prev"] == default_trace.gates["hidden_state"][timestep - 1, unit]
        assert all(abs(p["Uh"]) > 1e-6 for p in s["parts"].values())


def test_unit_step_refuses_a_unit_or_timestep_outside_the_trace(small_run, small_trace):
    for unit, timestep in ((-1, 0), (4, 0), (0, -1), (0, 6)):  # 4 units, 6 timesteps
        with pytest.raises(ValueError, match="unit must be 0 to 3 and timestep 0 to 5"):
            unit_step(small_run, small_trace, unit, timestep)


def parse_equations(text: str) -> dict:
    """The printed numbers back: each gate's three terms and value, then c's and h's factors."""
    out = {}
    for name, squash in (("i", "sigmoid"), ("f", "sigmoid"), ("g", "tanh"), ("o", "sigmoid")):
        line = re.search(rf"`{name} = {squash}\(W_\w·x \+ U_\w·h_prev \+ b_\w\) = {squash}\((.+?)\) = ({NUMBER})`", text)
        assert line, f"no {name} line in {text!r}"
        terms = [float(t) for t in line[1].replace(" - ", " + -").split(" + ")]
        out[name] = (terms, float(line[2]))
    c = re.search(rf"`c = f·c_prev \+ i·g = \(?({NUMBER})\)?·\(?({NUMBER})\)? \+ \(?({NUMBER})\)?·\(?({NUMBER})\)? = ({NUMBER})`", text)
    h = re.search(rf"`h = o·tanh\(c\) = \(?({NUMBER})\)?·tanh\(({NUMBER})\) = ({NUMBER})`", text)
    assert c and h, text
    out["c"], out["h"] = [float(v) for v in c.groups()], [float(v) for v in h.groups()]
    return out


@pytest.mark.parametrize("unit,timestep", [(0, 4), (12, 9), (3, 0)])
def test_the_printed_equations_recompute_themselves_and_the_trace(default_run, default_trace, unit, timestep):
    text = gate_equations(default_run, default_trace, unit, timestep)
    assert 2 <= len(text.split("  \n")) <= 7 and "nan" not in text.lower() and "+ -" not in text
    assert f"Unit {unit + 1} at timestep {timestep + 1}." in text  # counted from 1, as the heatmaps are
    p, gates = parse_equations(text), default_trace.gates
    s = unit_step(default_run, default_trace, unit, timestep)
    for name, gate, block in (("i", "input_gate", "i"), ("f", "forget_gate", "f"), ("g", "candidate", "c"),
                              ("o", "output_gate", "o")):
        terms, value = p[name]
        squash = math.tanh if name == "g" else lambda z: float(sigmoid(z))
        # three printed terms off by HALF each move the value by at most their sum (tanh' <= 1, sigmoid' <= 1/4)
        assert abs(squash(sum(terms)) - value) <= 3 * HALF + HALF + 1e-9, name
        assert abs(value - gates[gate][timestep, unit]) <= HALF + 1e-9, name
        assert terms[1] == pytest.approx(s["parts"][block]["Uh"], abs=HALF + 1e-9)  # the U·h_prev term is shown
    f, c_prev, i, g, c = p["c"]
    assert (f, i, g) == (p["f"][1], p["i"][1], p["g"][1])
    assert abs(c_prev - (gates["cell_state"][timestep - 1, unit] if timestep else 0.0)) <= HALF + 1e-9
    assert abs(f * c_prev + i * g - c) <= HALF * (abs(c_prev) + 1 + abs(g) + 1) + HALF + 1e-6
    assert abs(c - gates["cell_state"][timestep, unit]) <= HALF + 1e-9
    o, c_again, h = p["h"]
    assert o == p["o"][1] and c_again == c
    assert abs(o * math.tanh(c) - h) <= 2 * HALF + HALF + 1e-6
    assert abs(h - gates["hidden_state"][timestep, unit]) <= HALF + 1e-9


def test_the_first_step_says_the_state_starts_at_zero(small_run, small_trace):
    first, later = gate_equations(small_run, small_trace, 1, 0), gate_equations(small_run, small_trace, 1, 3)
    assert "`h_prev = c_prev = 0`" in first and "+ 0.000 +" in first
    assert "all 4 hidden-state values from timestep 3" in later and "`h_prev = c_prev = 0`" not in later


def test_the_gradient_path_quotes_this_trace_and_its_start(default_trace):
    text = gradient_path(default_trace)
    f, f0 = default_trace.gates["forget_gate"], default_trace.initial_gates["forget_gate"]
    assert 3 <= len(text.split("  \n")) <= 6
    assert f"the product is {carried_after(f, 0):.3f} on average over the 20 units" in text
    assert f"at most {carried_after(f, 0):.3f} of what timestep 1 wrote" in text
    by_unit = np.prod(f[1:], axis=0)
    assert f"({by_unit.min():.3f} to {by_unit.max():.3f} by unit)" in text
    assert f"Before training, the same input gave {carried_after(f0, 0):.3f}" in text
    assert "9 factors, `f_2·…·f_10`" in text  # 10 timesteps: the 9 after the first
    assert "0.731^9 = 0.060 against 0.5^9 = 0.002" in text  # sigmoid(1)^9 = 0.0598


def test_the_gradient_path_counts_the_steps_after_the_one_asked(small_trace):
    text = gradient_path(small_trace, 2)  # 6 timesteps: 3 after the third
    f = small_trace.gates["forget_gate"]
    assert "3 factors, `f_4·…·f_6`" in text and "0.731^3 = 0.391 against 0.5^3 = 0.125" in text
    assert f"the product is {carried_after(f, 2):.3f}" in text
    assert "no forget gate comes after it" in gradient_path(small_trace, 5)
    with pytest.raises(ValueError):
        gradient_path(small_trace, 6)


def test_the_gradient_path_without_initial_weights_and_with_a_tiny_product(small_trace):
    bare = dataclasses.replace(small_trace, initial_gates=None)
    assert "Before training" not in gradient_path(bare) and "unit_forget_bias=True" in gradient_path(bare)
    long = dataclasses.replace(small_trace, gates={**small_trace.gates, "forget_gate": np.full((40, 4), 0.5)})
    text = gradient_path(long)
    assert "the product is 1.8e-12" in text and "0.5^39 = 1.8e-12" in text  # not a misleading 0.000


def test_state_and_batches_counts_this_runs_batches(default_run, small_run):
    text = state_and_batches(default_run)
    assert "Every sequence starts from `h = c = 0` (20 zeros each)" in text
    assert "`(None, 10, 5)`" in text and "`(1000, 10, 5)`, all 1000 of them" in text
    assert "ceil(800 / 32) = 25 batches, so 25 weight updates per epoch." in text
    assert "rows of your file" not in text  # synthetic sequences are not windows of a file
    odd = dataclasses.replace(small_run, config=small_run.config.replace(batch_size=50))  # 96 training sequences
    assert "ceil(96 / 50) = 2 batches, so 2 weight updates per epoch (the last batch holds 46)." in state_and_batches(odd)


def test_a_csv_run_never_sees_more_than_its_window(small_run):
    from lstm_core.config import LSTMConfig
    from lstm_core.data.csvfile import make_csv_dataset, parse_csv

    table = parse_csv((ROOT / "data" / "co2.csv").read_bytes())
    dataset, config, _ = make_csv_dataset(table, "co2", [], LSTMConfig(timesteps=20))
    text = state_and_batches(dataclasses.replace(small_run, config=config, dataset=dataset))
    assert "never sees more than 20 rows of your file at once" in text
    assert "`(2244, 20, 1)`, all 2244 of them" in text


def test_return_sequences_shapes_are_the_ones_keras_builds(default_run):
    from lstm_core.pipeline.model import build_model

    text = return_sequences_note(default_run)
    c = default_run.config
    for flag in (False, True):
        shape = tuple(build_model(c, return_sequences=flag).get_layer("lstm").output.shape)
        assert f"`{(c.sequences, *shape[1:])}`" in text  # Keras's None is the page's number of sequences
    assert "`(1000, 20)`" in text and "`(1000, 10, 20)`" in text


def test_sigmoid_vs_tanh_quotes_the_ranges_this_trace_reached(default_trace):
    text = sigmoid_vs_tanh(default_trace)
    g = default_trace.gates
    for label, name in (("i", "input_gate"), ("f", "forget_gate"), ("o", "output_gate"), ("candidate g (here", "candidate"),
                        ("ranged", "cell_state")):
        assert f"{label} {g[name].min():.3f} to {g[name].max():.3f}" in text, name
    assert all(0 < g[n].min() and g[n].max() < 1 for n in ("input_gate", "forget_gate", "output_gate"))
    assert g["candidate"].min() < 0 < g["candidate"].max()  # signed content, as the text says


def test_a_diverged_run_shows_no_nan(diverged_run):
    trace = trace_sample(diverged_run, 0)
    assert gate_equations(diverged_run, trace, 0, 1) == NOTHING
    assert gradient_path(trace) == NOTHING and sigmoid_vs_tanh(trace) == NOTHING
    # shapes and batches do not come from the weights: still true, and still shown
    for text in (state_and_batches(diverged_run), return_sequences_note(diverged_run)):
        assert "nan" not in text.lower() and "(120, 6" in text


def test_the_gru_and_simplernn_equations_recompute_the_trace(other_cell_run):
    trace = trace_sample(other_cell_run, 3)
    g = trace.gates
    for unit, timestep in ((0, 0), (1, 2), (3, 5)):
        text = gate_equations(other_cell_run, trace, unit, timestep)
        assert f"Unit {unit + 1} at timestep {timestep + 1}." in text and "nan" not in text.lower() and "+ -" not in text
        assert "c_prev" not in text and "forget" not in text
        h_prev = g["hidden_state"][timestep - 1, unit] if timestep else 0.0
        if trace.cell == "gru":
            for name, state in (("z", "update_gate"), ("r", "reset_gate")):
                line = re.search(rf"`{name} = sigmoid\(.+?\) = sigmoid\((.+?)\) = ({NUMBER})`", text)
                terms = [float(t) for t in line[1].replace(" - ", " + -").split(" + ")]
                # four printed terms off by HALF each move a sigmoid (slope <= 1/4) by at most HALF, plus its own rounding
                assert len(terms) == 4 and abs(float(sigmoid(sum(terms))) - float(line[2])) <= 2 * HALF + 1e-9
                assert abs(float(line[2]) - g[state][timestep, unit]) <= HALF + 1e-9
            cand = re.search(rf"`h~ = tanh\(.+?\) = tanh\((.+?) \+ ({NUMBER})·\((.+?)\)\) = ({NUMBER})`", text)
            old = [float(t) for t in cand[3].replace(" - ", " + -").split(" + ")]
            new = [float(t) for t in cand[1].replace(" - ", " + -").split(" + ")]
            assert abs(float(cand[2]) - g["reset_gate"][timestep, unit]) <= HALF + 1e-9  # r scales the old part
            assert abs(math.tanh(sum(new) + float(cand[2]) * sum(old)) - float(cand[4])) <= 6 * HALF + 1e-9
            assert abs(float(cand[4]) - g["candidate"][timestep, unit]) <= HALF + 1e-9
            h = re.search(rf"`h = z·h_prev \+ \(1 - z\)·h~ = \(?({NUMBER})\)?·\(?({NUMBER})\)? \+ \(?({NUMBER})\)?·"
                          rf"\(?({NUMBER})\)? = ({NUMBER})`", text)
            z, prev, one_minus_z, candidate, value = (float(v) for v in h.groups())
            assert abs(prev - h_prev) <= HALF + 1e-9 and abs(z + one_minus_z - 1) <= 2 * HALF
            assert abs(z * prev + one_minus_z * candidate - value) <= 4 * HALF
        else:
            line = re.search(rf"`h = tanh\(W·x \+ U·h_prev \+ b\) = tanh\((.+?)\) = tanh\(({NUMBER})\) = ({NUMBER})`", text)
            terms = [float(t) for t in line[1].replace(" - ", " + -").split(" + ")]
            assert abs(sum(terms) - float(line[2])) <= 3 * HALF + HALF and abs(math.tanh(float(line[2])) - float(line[3])) <= 2 * HALF
            value = float(line[3])
            if timestep == 0:
                assert terms[1] == 0  # U·h_prev: every sequence starts from zero
        assert abs(value - g["hidden_state"][timestep, unit]) <= HALF + 1e-9


def test_the_gradient_path_of_each_other_cell_quotes_its_own_factors(other_cell_run):
    trace = trace_sample(other_cell_run, 3)
    text = gradient_path(trace)
    assert "f_2" not in text and "forget gates" not in text and "nan" not in text.lower()
    if trace.cell == "gru":
        z, z0 = trace.gates["update_gate"], trace.initial_gates["update_gate"]
        by_unit = np.prod(z[1:], axis=0)
        assert "5 factors, `z_2·…·z_6`" in text
        assert f"the product is {carried_after(z, 0):.3f} on average over the 4 units ({by_unit.min():.3f} to " \
               f"{by_unit.max():.3f} by unit)" in text
        assert f"Before training, the same input gave {carried_after(z0, 0):.3f} (its update gates averaged {z0.mean():.3f})" in text
        assert "0.5^5 = 0.031" in text and "no forget gate" not in gradient_path(trace, 5)
    else:
        h, h0 = trace.gates["hidden_state"], trace.initial_gates["hidden_state"]
        slopes = np.prod(1 - h[1:] ** 2, axis=0)
        assert "`dh_t/dh_(t-1) = (1 - h_t²)·U`" in text and "5 slopes" in text
        assert f"multiply to {slopes.mean():.3f} on average over the 4 units ({slopes.min():.3f} to {slopes.max():.3f}" in text
        assert f"slopes multiplying to {np.prod(1 - h0[1:] ** 2, axis=0).mean():.3f}" in text
    with pytest.raises(ValueError):
        gradient_path(trace, 6)


def test_sigmoid_vs_tanh_of_each_other_cell_names_only_what_it_has(other_cell_run):
    trace = trace_sample(other_cell_run, 3)
    text, g = sigmoid_vs_tanh(trace), trace.gates
    assert "cell_state" not in text and "i, f and o" not in text
    assert f"{g['hidden_state'].min():.3f} to {g['hidden_state'].max():.3f}" in text
    if trace.cell == "gru":
        for label, name in (("z", "update_gate"), ("r", "reset_gate"), ("candidate h~ (here", "candidate")):
            assert f"{label} {g[name].min():.3f} to {g[name].max():.3f}" in text, name
        assert np.abs(g["hidden_state"]).max() < 1  # h within -1 to 1 with no tanh of its own, as the text says
    else:
        assert text.startswith("The SimpleRNN uses no sigmoid")
