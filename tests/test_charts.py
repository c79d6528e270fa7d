import numpy as np
import pandas as pd

from lstm_core.charts import heatmap, history_chart, history_long

HISTORY = pd.DataFrame(
    {"epoch": [1, 2, 3], "loss": [0.65, 0.48, 0.35], "accuracy": [0.6, 0.75, 0.82],
     "val_loss": [0.6, 0.5, 0.4], "val_accuracy": [0.62, 0.7, 0.8]}
)


def test_history_long_has_every_metric_and_split():
    long = history_long(HISTORY)
    assert len(long) == 3 * 4
    assert set(long["metric"]) == {"Loss", "Accuracy"} and set(long["split"]) == {"Training", "Validation"}
    row = long[(long.metric == "Loss") & (long.split == "Validation") & (long.epoch == 2)]
    assert float(row["value"].iloc[0]) == 0.5


def test_history_chart_spec():
    spec = history_chart(HISTORY, total_epochs=5).to_dict()
    inner = spec["spec"]
    assert inner["mark"]["type"] == "line"
    assert inner["encoding"]["x"]["field"] == "epoch"
    assert inner["encoding"]["x"]["scale"]["domain"] == [1, 5]  # room for the epochs still to come
    assert inner["encoding"]["color"]["field"] == "split"
    assert spec["facet"]["column"]["field"] == "metric"
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 12


def test_history_chart_grows_with_rows():
    one = history_chart(HISTORY.iloc[:1], total_epochs=5).to_dict()
    assert len(next(iter(one["datasets"].values()))) == 4


def test_heatmap_spec():
    values = np.array([[0.1, 0.9, 0.5], [0.2, 0.3, 0.4]])
    spec = heatmap(values, "Forget gate").to_dict()
    assert spec["mark"]["type"] == "rect" and spec["title"] == "Forget gate"
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 6
    assert {"timestep": 1, "unit": 2, "value": 0.9} in data
    assert spec["encoding"]["color"]["scale"]["scheme"] == "viridis"
    assert heatmap(-values, "c").to_dict()["encoding"]["color"]["scale"]["scheme"] == "redblue"


def test_one_legend_drawn_as_lines_for_training_and_validation():
    enc = history_chart(HISTORY).to_dict()["spec"]["encoding"]
    assert enc["color"]["legend"]["symbolType"] == "stroke" and enc["strokeDash"]["field"] == "split"
    assert "legend" not in enc["strokeDash"] or enc["strokeDash"]["legend"] is not None  # merged, not hidden


def test_a_long_sequence_keeps_its_heatmap_readable():
    short, tall = heatmap(np.zeros((10, 4)), "f").to_dict(), heatmap(np.zeros((200, 4)), "f").to_dict()
    assert short["height"] == {"step": 20}
    assert tall["height"] == 600  # not 200 x 20 = 4,000 px
    assert tall["encoding"]["y"]["axis"]["values"][:3] == [1, 8, 15]  # every 7th timestep labelled


def test_compare_legend_shows_whole_run_names():
    from lstm_core.charts import compare_chart

    histories = pd.concat([HISTORY.assign(run="timesteps=2, units=1, epochs=3, learning_rate=0.01"), HISTORY.assign(run="b")])
    assert compare_chart(histories).to_dict()["spec"]["encoding"]["color"]["legend"]["labelLimit"] == 0
