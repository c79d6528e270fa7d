import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.pipeline.model import build_model, param_counts

# Keras's own counts, written out: the LSTM's 4 blocks, the GRU's 3 with two biases each (reset_after=True),
# the SimpleRNN's one.
FORMULAS = {"lstm": lambda u, f: 4 * u * (f + u + 1), "gru": lambda u, f: 3 * u * (f + u + 2),
            "rnn": lambda u, f: u * (f + u + 1)}


@pytest.mark.parametrize("cell", FORMULAS)
@pytest.mark.parametrize("units,features", [(20, 5), (1, 1), (7, 3), (32, 12)])
def test_param_counts_match_keras_count_params(cell, units, features):
    c = LSTMConfig(units=units, features=features, cell=cell)
    model = build_model(c)
    counts = param_counts(model, c)
    assert counts == {
        "recurrent": FORMULAS[cell](units, features),
        "dense": units + 1,
        "total": model.count_params(),
    }
    assert counts["recurrent"] == model.get_layer(cell).count_params() == c.recurrent_parameters


@pytest.mark.parametrize("cell", FORMULAS)
def test_shapes(cell):
    c = LSTMConfig(timesteps=7, features=2, units=3, cell=cell)
    model = build_model(c)
    assert model.input_shape == (None, 7, 2) and model.output_shape == (None, 1)
    assert type(model.layers[1]).__name__ == {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}[cell]
    assert build_model(c, return_sequences=True).get_layer(cell).output.shape == (None, 7, 3)


def test_the_same_seed_gives_the_same_weights_and_another_seed_others():
    c = LSTMConfig(units=5)
    w1 = build_model(c).get_weights()
    np.random.seed(123)  # a global seed must not matter
    w2 = build_model(c).get_weights()
    w3 = build_model(c.replace(seed=1)).get_weights()
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(w1[0], w3[0])


def test_training_and_tracing_never_touch_process_global_random_state_or_reset_keras(monkeypatch):
    """Sessions train in threads of one process: a global seed or a clear_session() in one of them
    changes every other. Seeding goes through the initializers and a NumPy Generator instead."""
    import random

    import tensorflow as tf

    from lstm_core.pipeline._keras import keras
    from lstm_core.pipeline.train import train
    from lstm_core.tracing.trace import trace_sample

    calls = []
    for owner, name in [(keras.utils, "set_random_seed"), (keras.backend, "clear_session"), (tf.random, "set_seed"),
                        (tf.keras.utils, "set_random_seed"), (np.random, "seed"), (random, "seed")]:
        monkeypatch.setattr(owner, name, lambda *a, _name=name, **k: calls.append(_name))
    numpy_state, python_state = np.random.get_state()[1].copy(), random.getstate()
    run = train(LSTMConfig(sequences=40, timesteps=3, features=2, units=3, epochs=1, batch_size=20, seed=7))
    trace_sample(run, 1)  # the trace's Keras twin too: it runs in the session's thread
    assert calls == []
    assert np.array_equal(np.random.get_state()[1], numpy_state) and random.getstate() == python_state  # no global draws
    cell = run.model.get_layer("lstm").cell
    assert (cell.kernel_initializer.seed, cell.recurrent_initializer.seed) == (7, 8)


def test_unit_forget_bias_starts_at_one():
    bias = build_model(LSTMConfig(units=4)).get_layer("lstm").get_weights()[2]
    np.testing.assert_array_equal(bias[4:8], 1.0)  # the f block of i | f | c | o
    np.testing.assert_array_equal(np.delete(bias, range(4, 8)), 0.0)
