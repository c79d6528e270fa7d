import math

import numpy as np
import pytest

from lstm_core.pipeline._keras import keras
from lstm_core.tracing.cells import STATES, forward
from lstm_core.tracing.trace import trace_sample

# Keras's golden values (keras/src/layers/rnn/lstm_test.py, test_correctness): 3 units, constant
# initializers 0.01 / 0.02 / 0.03 on np.arange(72).reshape(3, 6, 4).
SEQUENCE = np.arange(72).reshape((3, 6, 4)).astype("float32")
GOLDEN = {
    "unit_forget_bias": [0.6288687, 0.86899155, 0.9460773],
    "no_forget_bias": [0.57019705, 0.8661914, 0.9459622],
    "no_bias": [0.54986924, 0.86226785, 0.9443936],
}


def constant_weights(units=3, features=4, bias=0.03, forget_bias=1.0):
    kernel = np.full((features, 4 * units), 0.01)
    recurrent_kernel = np.full((units, 4 * units), 0.02)
    b = np.full(4 * units, bias)
    b[units : 2 * units] = forget_bias  # the f block of i | f | c | o
    return {"kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": b}


@pytest.mark.parametrize(
    "case,bias,forget_bias",
    [("unit_forget_bias", 0.03, 1.0), ("no_forget_bias", 0.03, 0.03), ("no_bias", 0.0, 0.0)],
)
def test_numpy_cell_reproduces_keras_golden_values(case, bias, forget_bias):
    gates = forward("lstm", SEQUENCE, constant_weights(bias=bias, forget_bias=forget_bias))
    h_last = gates["hidden_state"][:, -1, :]  # (3, 3)
    np.testing.assert_allclose(h_last, np.repeat(np.array(GOLDEN[case])[:, None], 3, axis=1), atol=1e-5, rtol=1e-5)


def test_golden_values_still_hold_in_this_keras():
    layer = keras.layers.LSTM(
        3,
        kernel_initializer=keras.initializers.Constant(0.01),
        recurrent_initializer=keras.initializers.Constant(0.02),
        bias_initializer=keras.initializers.Constant(0.03),
    )
    np.testing.assert_allclose(np.asarray(layer(SEQUENCE))[:, 0], GOLDEN["unit_forget_bias"], atol=1e-5)


def test_gate_shapes_and_ranges(small_run):
    t = trace_sample(small_run, 3)
    T, U = small_run.config.timesteps, small_run.config.units
    assert tuple(t.gates) == t.states == STATES["lstm"]
    for name in t.states:
        assert t.gates[name].shape == (T, U)
    for name in ("input_gate", "forget_gate", "output_gate"):
        assert ((t.gates[name] > 0) & (t.gates[name] < 1)).all()
    assert (np.abs(t.gates["candidate"]) < 1).all() and (np.abs(t.gates["hidden_state"]) < 1).all()
    np.testing.assert_array_equal(t.recurrent_output, t.gates["hidden_state"][-1])
    assert t.sample == 3 and t.label == int(small_run.dataset.y[3])


def test_cell_and_hidden_state_follow_the_equations(small_run):
    g = trace_sample(small_run, 0).gates
    c_prev = np.vstack([np.zeros((1, g["cell_state"].shape[1])), g["cell_state"][:-1]])
    np.testing.assert_allclose(g["cell_state"], g["forget_gate"] * c_prev + g["input_gate"] * g["candidate"], atol=1e-12)
    np.testing.assert_allclose(g["hidden_state"], g["output_gate"] * np.tanh(g["cell_state"]), atol=1e-12)


@pytest.mark.parametrize("sample", [0, 7, 50])
def test_trace_matches_keras_per_timestep_and_predict(default_run, sample):
    t = trace_sample(default_run, sample)
    lstm = default_run.model.get_layer("lstm")
    twin = keras.Sequential([keras.Input((10, 5)), keras.layers.LSTM(lstm.units, return_sequences=True)])
    twin.layers[-1].set_weights(lstm.get_weights())
    x = default_run.dataset.x[sample : sample + 1]
    np.testing.assert_allclose(t.gates["hidden_state"], twin.predict(x, verbose=0)[0], atol=1e-5)
    np.testing.assert_allclose(t.dense_output, default_run.model.predict(x, verbose=0)[0, 0], atol=1e-5)
    assert t.keras_max_diff < 1e-5


def test_trace_of_an_edited_input_is_checked_only_where_keras_computed_it(small_run):
    from lstm_core.tracing.trace import keras_reference

    x = np.zeros((small_run.config.timesteps, small_run.config.features), dtype=np.float32)
    x[0] = 1.0
    unchecked = trace_sample(small_run, 0, x=x)
    np.testing.assert_array_equal(unchecked.input, x)
    np.testing.assert_allclose(unchecked.dense_output, small_run.model.predict(x[None], verbose=0)[0, 0], atol=1e-5)
    assert unchecked.keras_max_diff is None and unchecked.agrees
    assert unchecked.agreement == "Not checked against Keras: Keras has not computed this input."
    checked = trace_sample(small_run, 0, x=x, reference=keras_reference(small_run.model, x))
    assert checked.keras_max_diff < 1e-5 and checked.agreement.startswith("Checked: our step-by-step recomputation")


def test_a_run_without_its_model_still_traces_and_checks(small_run):
    """The web server gets a pickled run: NumPy weights and Keras's kept outputs, no model."""
    import pickle

    served = pickle.loads(pickle.dumps(small_run))
    assert served.model is None and small_run.model is not None
    assert served.keras.samples == small_run.config.sequences and len(served.keras.scores) == small_run.config.sequences
    t = trace_sample(served, 3)
    assert t.keras_max_diff < 1e-5 and "every step's hidden state" in t.agreement
    assert served.keras_bytes[:2] == b"PK"  # a .keras file is a zip


def test_beyond_the_kept_sequences_only_the_score_is_checked(small_run):
    from dataclasses import replace

    from lstm_core.pipeline.run import KerasCheck

    run = replace(small_run, keras=KerasCheck(small_run.keras.hidden[:2], small_run.keras.scores))
    assert "every step's hidden state" in trace_sample(run, 1).agreement
    far = trace_sample(run, 5)
    assert far.keras_max_diff < 1e-5 and "the score (every step is kept for the first 2 sequences)" in far.agreement


def test_the_kept_outputs_are_bounded_at_the_largest_configs():
    from lstm_core.pipeline.run import KERAS_CHECK_VALUES

    assert KERAS_CHECK_VALUES // (200 * 256) >= 4  # 200 timesteps x 256 units: at least 4 sequences, 1 MB


def test_a_wrong_numpy_cell_is_caught_by_the_keras_check(small_run, monkeypatch):
    """The check is what tells a learner the gates on screen are right: it must be able to say no.
    Here the cell reads Keras's blocks in the wrong order (c and o swapped)."""
    import lstm_core.tracing.cells as cells
    import lstm_core.tracing.trace as trace

    right = cells.STEPS["lstm"]

    def swapped(x_t, state, kernel, recurrent_kernel, bias, force=None):
        def swap(w):
            i, f, c, o = np.split(w, 4, axis=-1)
            return np.concatenate([i, f, o, c], axis=-1)

        return right(x_t, state, swap(kernel), swap(recurrent_kernel), swap(bias), force)

    assert trace_sample(small_run, 0).agrees
    monkeypatch.setitem(cells.STEPS, "lstm", swapped)
    wrong = trace_sample(small_run, 0)
    assert not wrong.agrees and wrong.keras_max_diff > trace.AGREEMENT
    assert "does NOT agree" in wrong.agreement


def test_the_agreement_sentence_is_plain_and_its_numbers_are_in_the_detail():
    """A learner reads 'Checked'; the difference and the tolerance wait in a Details expander. A
    disagreement keeps its numbers in the sentence itself: it is an error."""
    from lstm_core.tracing.trace import agreement, agreement_detail

    assert agreement(3e-8) == ("Checked: our step-by-step recomputation agrees with Keras on every step's "
                               "hidden state and the score.")
    assert agreement_detail(3e-8).startswith("Largest difference between NumPy and Keras: 3.0e-08. Up to 1e-04")
    wrong = agreement(0.02)
    assert "does NOT agree" in wrong and "2.0e-02" in wrong and "over the 1e-04 allowed" in wrong
    assert agreement_detail(None) is None and agreement_detail(float("nan")) is None


def test_a_diverged_model_is_not_reported_as_a_numpy_mismatch(diverged_run):
    from lstm_core.tracing.trace import agreement

    trace = trace_sample(diverged_run, 0)
    assert math.isnan(trace.keras_max_diff)  # NaN on both sides
    assert agreement(trace.keras_max_diff) == (
        "The model's weights are not numbers (training diverged), so there is nothing to compare with Keras.")


def test_a_score_of_one_half_is_class_0_as_keras_counts_it(small_run):
    from dataclasses import replace

    trace = trace_sample(small_run, 0)
    assert replace(trace, dense_output=0.5).predicted == 0 and replace(trace, dense_output=0.5000001).predicted == 1
