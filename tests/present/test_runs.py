from dataclasses import replace
from types import SimpleNamespace

import pytest

from lstm_core.data.keys import run_key
from lstm_core.pipeline.train import train
from lstm_core.present.charts import compare_charts
from lstm_core.present.runs import RunRecord, RunStore, run_label
from tests.support import SMALL


@pytest.fixture(scope="module")
def three_runs():
    return [train(SMALL.replace(units=u)) for u in (2, 3, 4)]


def test_labels_name_what_differs_from_the_defaults():
    from lstm_core.config import LSTMConfig

    assert run_label(LSTMConfig()) == "default"
    assert run_label(LSTMConfig(units=32, learning_rate=0.01)) == "units=32, learning_rate=0.01"


def test_store_is_bounded_newest_last_and_deduplicated(three_runs):
    store = RunStore(limit=2)
    for run in three_runs:
        store.add(run)
    assert [r.config.units for r in store.runs()] == [3, 4]  # the oldest dropped out
    store.add(three_runs[1])  # the same config again moves to the end, no duplicate
    assert [r.config.units for r in store.runs()] == [4, 3]


def test_remove_and_clear(three_runs):
    store = RunStore()
    for run in three_runs:
        store.add(run)
    store.remove(run_label(three_runs[0].config))
    assert [r.config.units for r in store.runs()] == [3, 4]
    store.clear()
    assert len(store) == 0 and store.summary().empty


def test_summary_and_overlay(three_runs):
    store = RunStore()
    for run in three_runs:
        store.add(run)
    table = store.summary()
    assert list(table["Units"]) == [2, 3, 4]
    assert list(table["Parameters"]) == [r.params["total"] for r in three_runs]
    assert {"Final loss", "Final accuracy", "Final val accuracy", "Training time (s)"} <= set(table.columns)
    loss, accuracy = (chart.to_dict() for chart in compare_charts(store.histories()))
    data = next(iter(loss["datasets"].values()))
    assert {row["run"] for row in data} == set(store.labels())
    assert len(data) == 3 * SMALL.epochs * 2  # 3 runs x epochs x (training, validation) of one metric
    assert loss["encoding"]["color"]["field"] == "run" and accuracy["title"] == "Accuracy"


def test_csv_runs_on_different_targets_get_different_labels():
    """Two targets of one file sharing a label would draw one line in the chart, and Remove would take both."""
    from lstm_core.data.csvfile import config_for_file, make_csv_dataset, parse_csv
    from lstm_core.present.runs import label_of

    table = parse_csv(b"temp,humidity\n" + b"".join(f"{i % 7},{(i * 3) % 5}\n".encode() for i in range(40)))
    labels = set()
    for target in ("temp", "humidity"):
        dataset, config, _ = make_csv_dataset(table, target, [], config_for_file({"timesteps": 5}), name="w.csv")
        labels.add(label_of(SimpleNamespace(config=config, dataset=dataset)))
    assert labels == {"sequences=30, timesteps=5, features=1 on w.csv (temp)",
                      "sequences=30, timesteps=5, features=1 on w.csv (humidity)"}


def test_two_uploads_with_one_name_get_two_labels_and_remove_takes_one():
    """Same file name, columns and config, different bytes: two runs, two lines, one removed."""
    from lstm_core.data.csvfile import config_for_file, make_csv_dataset, parse_csv

    store = RunStore()
    for step in (3, 4):
        table = parse_csv(b"v\n" + b"".join(f"{(i * step) % 7}\n".encode() for i in range(40)))
        dataset, config, _ = make_csv_dataset(table, "v", [], config_for_file({"timesteps": 5}), name="data.csv")
        run = SimpleNamespace(config=config, dataset=dataset, key=run_key(config, dataset.key),
                              history=three_runs_history(), params={"total": 1}, timings={"total": 1.0})
        store.add(run)
        store.add(run)  # the same run again keeps its label
    first, second = store.labels()
    assert second == first + " #2" and len(store) == 2
    store.remove(second)
    assert store.labels() == [first]


def three_runs_history():
    import pandas as pd

    return pd.DataFrame({"epoch": [1], "loss": [0.5], "accuracy": [0.5], "val_loss": [0.5], "val_accuracy": [0.5]})


def test_the_store_does_not_pin_models_or_data(three_runs):
    """Each session keeps its own store: holding whole runs would keep up to 8 models and their data per learner."""
    import gc
    import weakref

    run = train(SMALL.replace(units=5))
    store = RunStore()
    store.add(run)
    model, dataset = weakref.ref(run.model), weakref.ref(run.dataset.x)
    label = store.labels()[0]
    del run
    gc.collect()
    assert store.labels() == [label] and len(store.histories()) == SMALL.epochs
    assert dataset() is None and model() is None


def test_only_the_settings_that_differ_are_shown_with_the_outcomes(three_runs):
    store = RunStore()
    store.add(three_runs[0])
    alone, same = store.differing()
    assert list(alone.columns) == ["Run", "Final loss", "Final accuracy", "Final val accuracy", "Training time (s)"]
    assert same["Units"] == three_runs[0].config.units  # one run: its settings are said once, beside the table
    for run in three_runs[1:]:
        store.add(run)
    table, same = store.differing()
    assert list(table.columns) == ["Run", "Units", "Parameters", "Final loss", "Final accuracy",
                                   "Final val accuracy", "Training time (s)"]
    assert same["Timesteps"] == SMALL.timesteps and same["Seed"] == SMALL.seed and "Units" not in same


def test_runs_on_the_same_data_share_their_held_out_set_and_another_seed_does_not(three_runs):
    records = [RunRecord.of(run) for run in three_runs]
    assert {r.n_val for r in records} == {SMALL.val_sequences} and len({r.held_out for r in records}) == 1
    other = RunRecord.of(train(SMALL.replace(seed=1)))
    assert other.held_out != records[0].held_out and other.n_val == records[0].n_val


def test_the_store_verdict_suggests_another_run_then_compares_with_the_noise(three_runs):
    store = RunStore()
    store.add(three_runs[0])
    assert store.verdict() == "Train another setup — e.g. units=8 or epochs=10 — to compare."
    won = replace(three_runs[1], history=three_runs[1].history.assign(val_accuracy=1.0))
    lost = replace(three_runs[0], history=three_runs[0].history.assign(val_accuracy=0.2))
    store.add(lost)
    store.add(won)
    n = SMALL.val_sequences
    assert store.verdict().startswith(f"{won_label(won)} beat {won_label(lost)} by 0.800")
    assert store.verdict().endswith(f"on the same {n} held-out sequences.")
    store.add(replace(lost, history=lost.history.assign(val_accuracy=0.95)))  # a gap of 0.05 on 24 sequences
    assert store.verdict().startswith("Too close to call:")


def won_label(run):
    return run_label(run.config)
