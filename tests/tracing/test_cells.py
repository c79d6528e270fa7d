"""The GRU and SimpleRNN NumPy cells: Keras's own golden values, every step against Keras on trained
weights, and what forcing their gates does (the LSTM's cell has its own tests in test_trace and test_force)."""

import math

import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.pipeline._keras import keras
from lstm_core.tracing.cells import FORCEABLE, STATES, forward
from lstm_core.tracing.force import FORCES, force_gate
from lstm_core.tracing.trace import trace_sample

# Keras's golden values (keras/src/layers/rnn/gru_test.py and simple_rnn_test.py, test_correctness): constant
# initializers 0.01 / 0.02 / 0.03; every unit ends the same, so one value per sequence.
GOLDEN = {
    "gru": (np.arange(72).reshape((3, 6, 4)), 3, [0.5217289, 0.6371659, 0.39384964]),
    "rnn": (np.arange(24).reshape((2, 3, 4)), 4, [0.405432, 0.73605347]),
}


def constant_weights(cell: str, units: int, features: int) -> dict[str, np.ndarray]:
    blocks = {"gru": 3, "rnn": 1}[cell]
    bias_shape = (2, 3 * units) if cell == "gru" else (units,)  # the GRU's input and recurrent biases
    return {"kernel": np.full((features, blocks * units), 0.01),
            "recurrent_kernel": np.full((units, blocks * units), 0.02), "bias": np.full(bias_shape, 0.03)}


@pytest.mark.parametrize("cell", GOLDEN)
def test_numpy_cell_reproduces_keras_golden_values(cell):
    sequence, units, golden = GOLDEN[cell]
    h_last = forward(cell, sequence.astype("float32"), constant_weights(cell, units, sequence.shape[-1]))["hidden_state"][:, -1]
    np.testing.assert_allclose(h_last, np.repeat(np.array(golden)[:, None], units, axis=1), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("cell", GOLDEN)
def test_golden_values_still_hold_in_this_keras(cell):
    sequence, units, golden = GOLDEN[cell]
    layer = getattr(keras.layers, {"gru": "GRU", "rnn": "SimpleRNN"}[cell])(
        units, kernel_initializer=keras.initializers.Constant(0.01),
        recurrent_initializer=keras.initializers.Constant(0.02), bias_initializer=keras.initializers.Constant(0.03))
    np.testing.assert_allclose(np.asarray(layer(sequence.astype("float32")))[:, 0], golden, atol=1e-5)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("shape", [(3, 2, 1), (7, 3, 5), (12, 5, 16)], ids=lambda s: "x".join(map(str, s)))
def test_every_step_agrees_with_keras_on_random_weights(cell, shape):
    """Random (not constant) weights, so a block read in the wrong order or a bias added in the wrong place
    shows: the NumPy cell against a Keras layer with return_sequences, every step's h to 1e-5."""
    timesteps, features, units = shape
    c = LSTMConfig(cell=cell, timesteps=timesteps, features=features, units=units, seed=timesteps)
    from lstm_core.pipeline.model import recurrent_layer

    layer = recurrent_layer(c, return_sequences=True)
    x = np.random.default_rng(units).normal(size=(4, timesteps, features)).astype("float32")
    layer.build(x.shape)
    rng = np.random.default_rng(features)
    layer.set_weights([rng.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()])
    kernel, recurrent_kernel, bias = layer.get_weights()
    ours = forward(cell, x, {"kernel": kernel, "recurrent_kernel": recurrent_kernel, "bias": bias})
    np.testing.assert_allclose(ours["hidden_state"], np.asarray(layer(x)), atol=1e-5)
    assert tuple(ours) == STATES[cell]


def test_trained_runs_agree_with_keras_and_keep_their_gates(other_cell_run):
    cell, c = other_cell_run.config.cell, other_cell_run.config
    trace = trace_sample(other_cell_run, 2)
    assert trace.agrees and trace.keras_max_diff < 1e-5 and trace.agreement.startswith("Checked")
    assert trace.states == STATES[cell] and all(trace.gates[s].shape == (c.timesteps, c.units) for s in trace.states)
    for gate in ("update_gate", "reset_gate"):
        if gate in trace.gates:
            assert ((trace.gates[gate] > 0) & (trace.gates[gate] < 1)).all()


def test_a_gru_with_its_update_gate_held_at_1_never_leaves_its_zero_start(other_cell_run):
    """z = 1 keeps h_prev at every step, so h stays at its start, 0, and the score is the Dense bias's."""
    if other_cell_run.config.cell != "gru":
        assert FORCES["rnn"] == FORCES["rnn"][:1] and FORCEABLE["rnn"] == ()  # no gates: only 'as trained'
        with pytest.raises(ValueError, match="cannot force 'candidate' in the rnn cell; force nothing: it has no gates"):
            forward("rnn", other_cell_run.dataset.x[0], other_cell_run.weights(), force=("candidate", 0.0))
        return
    w = other_cell_run.weights()
    forced = force_gate(other_cell_run, 1, "update gate = 1 (keep the old state)")
    assert (forced.after.gates["hidden_state"] == 0).all() and forced.after.keras_max_diff is None
    assert forced.after.dense_output == pytest.approx(1 / (1 + math.exp(-float(w["dense_bias"][0]))))
    took = force_gate(other_cell_run, 1, "update gate = 0 (take the new candidate)").after.gates
    np.testing.assert_array_equal(took["hidden_state"], took["candidate"])  # h = candidate at every step
    reset = force_gate(other_cell_run, 1, "reset gate = 0 (ignore the old state)").after.gates
    x = other_cell_run.dataset.x[1].astype(np.float64)
    b = w["bias"].astype(np.float64)
    alone = np.tanh(x @ w["kernel"][:, 2 * other_cell_run.config.units:] + b[0, 2 * other_cell_run.config.units:])
    np.testing.assert_allclose(reset["candidate"], alone, atol=1e-6)  # the candidate from this step's input alone
