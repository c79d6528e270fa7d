import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data import make_dataset
from lstm_core.memory import time_shuffled, train_memoryless


def test_time_shuffled_keeps_each_sequences_values_and_labels():
    d = make_dataset(LSTMConfig(sequences=50))
    s = time_shuffled(d, seed=0)
    for i in range(len(d.x)):  # the same timestep rows (features stay together), in another order
        assert sorted(map(tuple, s.x[i])) == sorted(map(tuple, d.x[i]))
    np.testing.assert_array_equal(s.y, d.y)
    assert not np.array_equal(s.x, d.x)


@pytest.mark.slow
def test_the_memoryless_baseline_does_clearly_worse_on_the_default(default_run):
    baseline = train_memoryless(LSTMConfig())
    lstm, base = default_run.history["val_accuracy"].iloc[-1], baseline.history["val_accuracy"].iloc[-1]
    assert base < 0.62 and lstm - base > 0.3


def test_the_explanation_follows_the_scores_and_the_data():
    from lstm_core.memory import EXPLANATION, explanation

    assert explanation(0.95, 0.55, True, 10) == EXPLANATION
    assert "not yet clearly ahead (+0.010)" in explanation(0.56, 0.55, True, 10)
    csv = [explanation(0.74, 0.71, False, 10), explanation(0.80, 0.60, False, 10), explanation(0.60, 0.80, False, 10)]
    assert not any("up-trend" in text for text in csv)
    assert "about the same (+0.030)" in csv[0] and "does better (+0.200)" in csv[1] and "baseline does better (-0.200)" in csv[2]
