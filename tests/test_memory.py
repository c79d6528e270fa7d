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
    assert "the LSTM is ahead by only 0.030: it has not learned" in explanation(0.68, 0.65, True, 10)
    assert "the LSTM is behind by 0.020" in explanation(0.66, 0.68, True, 10)
    csv = [explanation(0.74, 0.71, False, 10), explanation(0.80, 0.60, False, 10), explanation(0.70, 0.80, False, 10)]
    assert not any("up-trend" in text for text in csv)
    assert "about the same (0.030 apart)" in csv[0] and "LSTM does better, by 0.200" in csv[1]
    assert "baseline does better, by 0.100" in csv[2]


def test_an_lstm_at_chance_is_not_credited_with_memory():
    """lr 0.00001: both at chance. The success story would explain a gap the LSTM did not earn."""
    from lstm_core.memory import explanation

    for synthetic in (True, False):
        text = explanation(0.580, 0.510, synthetic, 10, chance=0.5)
        assert "carries a memory" not in text and "does better" not in text
        assert "the LSTM itself is not clearly above chance: validation accuracy 0.580, against 0.500" in text
    assert "not clearly above chance" in explanation(0.70, 0.60, False, 10, chance=0.65)  # chance from its labels


# M27: time_shuffled drops the CSV target
def test_the_time_shuffled_copy_keeps_the_csv_target():
    from pathlib import Path

    from lstm_core.config import LSTMConfig
    from lstm_core.csvdata import make_csv_dataset, parse_csv
    from lstm_core.memory import time_shuffled

    table = parse_csv((Path(__file__).parent / "data" / "good_tab.csv").read_bytes())
    dataset, _, _ = make_csv_dataset(table, "reading", [], LSTMConfig(timesteps=5))
    shuffled = time_shuffled(dataset, 0)
    assert shuffled.target == "reading" and shuffled.feature_names == dataset.feature_names
