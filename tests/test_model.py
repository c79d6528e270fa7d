import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.model import build_model, param_counts


@pytest.mark.parametrize("units,features", [(20, 5), (1, 1), (7, 3), (32, 12)])
def test_param_counts_match_the_formulas(units, features):
    c = LSTMConfig(units=units, features=features)
    model = build_model(c)
    counts = param_counts(model, c)
    assert counts == {
        "lstm": 4 * units * (features + units + 1),
        "dense": units + 1,
        "total": model.count_params(),
    }
    assert counts["total"] == counts["lstm"] + counts["dense"]


def test_shapes():
    c = LSTMConfig(timesteps=7, features=2, units=3)
    model = build_model(c)
    assert model.input_shape == (None, 7, 2) and model.output_shape == (None, 1)
    assert build_model(c, return_sequences=True).get_layer("lstm").output.shape == (None, 7, 3)


def test_seeded_through_initializers_not_globally():
    c = LSTMConfig(units=5)
    w1 = build_model(c).get_weights()
    np.random.seed(123)  # a global seed must not matter
    w2 = build_model(c).get_weights()
    w3 = build_model(c.replace(seed=1)).get_weights()
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(w1[0], w3[0])


def test_unit_forget_bias_starts_at_one():
    bias = build_model(LSTMConfig(units=4)).get_layer("lstm").get_weights()[2]
    np.testing.assert_array_equal(bias[4:8], 1.0)  # the f block of i | f | c | o
    np.testing.assert_array_equal(np.delete(bias, range(4, 8)), 0.0)
