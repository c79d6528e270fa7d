"""Does order matter? The models the LSTM is set against: a time-shuffled LSTM and a whole-window Dense model."""

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset
from lstm_core.pipeline.order import time_shuffled
from tests.support import FILES


def test_time_shuffled_keeps_each_sequences_values_and_labels():
    d = make_dataset(LSTMConfig(sequences=50))
    s = time_shuffled(d, seed=0)
    for i in range(len(d.x)):  # the same timestep rows (features stay together), in another order
        assert sorted(map(tuple, s.x[i])) == sorted(map(tuple, d.x[i]))
    np.testing.assert_array_equal(s.y, d.y)
    assert not np.array_equal(s.x, d.x)


def test_the_time_shuffled_copy_keeps_the_csv_target():
    from lstm_core.data.csvfile import make_csv_dataset, parse_csv

    table = parse_csv((FILES / "good_tab.csv").read_bytes())
    dataset, _, _ = make_csv_dataset(table, "reading", [], LSTMConfig(timesteps=5))
    shuffled = time_shuffled(dataset, 0)
    assert shuffled.target == "reading" and shuffled.feature_names == dataset.feature_names


def test_on_the_lesson_order_matters_but_memory_is_not_needed(default_run, baselines):
    """The ramps are linear in the whole window: a Dense layer over all timesteps reads them with no memory."""
    lstm = default_run.history["val_accuracy"].iloc[-1]
    shuffled = baselines.shuffled.history["val_accuracy"].iloc[-1]
    window = baselines.window.history["val_accuracy"].iloc[-1]
    assert window >= 0.9 and shuffled < 0.62 and lstm - shuffled > 0.3
    assert baselines.window.params == 10 * 5 + 1  # one weight per timestep and feature, and a bias


def test_the_shuffled_copy_is_the_runs_own_cell_and_named_so():
    """A GRU run is set against a time-shuffled GRU, built as the run's model is (pipeline.model.build_model)."""
    from lstm_core.pipeline.order import ordered_label, shuffled_label, train_baselines
    from tests.support import SMALL

    config = SMALL.replace(cell="gru", epochs=1)
    baselines = train_baselines(config)
    layer = baselines.shuffled.model.get_layer("gru")
    assert type(layer).__name__ == "GRU" and layer.count_params() == config.recurrent_parameters
    assert baselines.shuffled.config == config and baselines.shuffled.dataset.key.endswith(":shuffled")
    assert shuffled_label("gru") == "Same GRU, time order shuffled" and ordered_label("rnn") == "SimpleRNN, time in order"
    assert shuffled_label() == "Same LSTM, time order shuffled"
