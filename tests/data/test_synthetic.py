import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset


def test_shape_dtype_range_and_balance():
    d = make_dataset(LSTMConfig())
    assert d.x.shape == (1000, 10, 5) and d.x.dtype == np.float32
    assert d.y.shape == (1000,) and set(np.unique(d.y)) == {0.0, 1.0}
    assert 0.4 < d.y.mean() < 0.6
    assert -0.5 < d.x.min() and d.x.max() < 1.5 and 0.3 < d.x.mean() < 0.7  # roughly 0 to 1
    assert "where in the sequence each value sits" in d.description and "1000" in d.description
    assert f"with values from {d.x.min():.1f} to {d.x.max():.1f}." in d.description  # measured, not "around 0 to 1"


def test_deterministic_per_seed():
    a, b, c = (make_dataset(LSTMConfig(seed=s)) for s in (4, 4, 5))
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)


def test_label_is_the_direction_of_the_trend():
    d = make_dataset(LSTMConfig(sequences=2000))
    rise = d.x[:, -1, :].mean(axis=1) - d.x[:, 0, :].mean(axis=1)
    assert ((rise > 0) == (d.y == 1)).mean() > 0.9


def test_order_blind_statistics_carry_no_label():
    """Down sequences are up sequences played backwards: sorted values look the same for both labels."""
    d = make_dataset(LSTMConfig(sequences=6000))
    sorted_values = np.sort(d.x.mean(axis=2), axis=1)  # (n, timesteps): the order thrown away
    up, down = sorted_values[d.y == 1].mean(axis=0), sorted_values[d.y == 0].mean(axis=0)
    np.testing.assert_allclose(up, down, atol=0.015)
    assert abs(d.x[d.y == 1].std() - d.x[d.y == 0].std()) < 0.005


def test_the_training_sequences_always_have_both_labels():
    """With one label there is nothing to learn and chance is 100%. Seed 45 draws 8 ones for 10 sequences."""
    for seed in range(200):
        config = LSTMConfig(sequences=10, seed=seed)
        train = make_dataset(config).y[: config.train_sequences]
        assert train.min() == 0 and train.max() == 1, seed
