"""The task said with the learner's data: its sentence, its examples, and a CSV's values in the file's units."""

import numpy as np

from lstm_core.config import LSTMConfig
from lstm_core.data.csvfile import make_csv_dataset, parse_csv
from lstm_core.data.synthetic import make_dataset
from lstm_core.teaching.task import example_caption, examples, in_file_units, output_sentence, task_sentence
from tests.support import ROOT


def test_the_lesson_task_names_its_sizes_and_labels():
    config = LSTMConfig(sequences=40, timesteps=6, features=3)
    data = make_dataset(config)
    said = task_sentence(data, config.timesteps)
    assert "40 sequences is 6 timesteps of 3 features" in said and "**1** if the sequence drifts up" in said
    assert "The LSTM reads one in time order" in said
    assert "The GRU reads one in time order" in task_sentence(data, config.timesteps, "gru")  # the run's own layer
    assert "between 0 and 1; above 0.5 counts as label 1 (up)" in output_sentence(data)
    up, down = examples(data, config.train_sequences)
    assert (up.label, down.label) == (1, 0) and data.y[up.index] == 1 and data.y[down.index] == 0
    assert up.index == int(np.flatnonzero(data.y == 1)[0]) and down.index == int(np.flatnonzero(data.y == 0)[0])
    assert f"sample {up.index} (label 1, drifts up)" in example_caption(data, [up, down])


def test_a_csv_task_names_its_target_and_shows_the_file_units():
    table = parse_csv((ROOT / "data" / "co2.csv").read_bytes())
    target = "co2"
    data, config, _ = make_csv_dataset(table, target, [], LSTMConfig(timesteps=5), name="my.csv")
    said = task_sentence(data, config.timesteps)
    assert "window of 5 consecutive rows of my\\.csv" in said and f"**1** if '{target}' rises in the next row" in said
    up, down = examples(data, config.train_sequences)
    raw = table.frame[target].to_numpy()
    for e in (up, down):
        assert e.target is not None and np.allclose(e.target, in_file_units(data, e.values[:, 0]), atol=1e-3)
        start = next(i for i in range(len(raw) - 4) if np.allclose(raw[i:i + 5], e.target, atol=1e-3))  # a stretch of the file
        assert (raw[start + 5] > raw[start + 4]) == bool(e.label)
        if e.next_value is not None:
            assert np.isclose(e.next_value, raw[start + 5], atol=1e-3)
    assert "in the file's own units" in example_caption(data, [up, down])
