import numpy as np
import pandas as pd

from lstm_core.charts import compare_charts, epoch_domain, heatmap, history_charts, history_long, shared_range

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


def test_history_charts_spec():
    loss, accuracy = (chart.to_dict() for chart in history_charts(HISTORY, total_epochs=5))
    assert (loss["title"], accuracy["title"]) == ("Loss", "Accuracy")
    assert loss["mark"]["type"] == "line" and loss["encoding"]["x"]["field"] == "epoch"
    assert loss["encoding"]["x"]["scale"]["domain"] == [1, 5]  # room for the epochs still to come
    assert loss["encoding"]["color"]["field"] == "split"
    assert loss["width"] == "container"  # fits its column: a fixed width was cut off on a 1024 px screen
    data = next(iter(loss["datasets"].values()))
    assert len(data) == 6 and {d["metric"] for d in data} == {"Loss"}


def test_history_charts_grow_with_rows():
    one = history_charts(HISTORY.iloc[:1], total_epochs=5)[0].to_dict()
    assert len(next(iter(one["datasets"].values()))) == 2


def test_a_one_epoch_run_has_no_epoch_2_on_its_axis():
    assert epoch_domain(1) == [0.5, 1.5] and epoch_domain(5) == [1, 5]
    one = history_charts(HISTORY.iloc[:1], total_epochs=1)[0].to_dict()
    assert one["encoding"]["x"]["scale"]["domain"] == [0.5, 1.5]


def test_heatmap_spec():
    values = np.array([[0.1, 0.9, 0.5], [0.2, 0.3, 0.4]])
    spec = heatmap(values, "Forget gate").to_dict()
    assert spec["mark"]["type"] == "rect" and spec["title"] == "Forget gate"
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 6
    assert {"timestep": 1, "unit": 2, "value": 0.9} in data
    assert spec["encoding"]["color"]["scale"]["scheme"] == "viridis"
    assert heatmap(-values, "c").to_dict()["encoding"]["color"]["scale"]["scheme"] == "redblue"


def test_before_and_after_heatmaps_can_share_one_colour_range():
    before, after = np.array([[0.1, 0.5]]), np.array([[0.1, 2.0]])
    low, high = shared_range(before, after)
    assert (low, high) == (0.1, 2.0)
    scale = heatmap(before, "b", value_range=(low, high)).to_dict()["encoding"]["color"]["scale"]
    assert scale["domain"] == [0.1, 2.0] and scale["scheme"] == "viridis"
    assert heatmap(before, "b", value_range=(-1.0, 2.0)).to_dict()["encoding"]["color"]["scale"]["scheme"] == "redblue"


def test_one_legend_drawn_as_lines_for_training_and_validation():
    enc = history_charts(HISTORY)[0].to_dict()["encoding"]
    assert enc["color"]["legend"]["symbolType"] == "stroke" and enc["strokeDash"]["field"] == "split"
    assert "legend" not in enc["strokeDash"] or enc["strokeDash"]["legend"] is not None  # merged, not hidden


def test_a_long_sequence_keeps_its_heatmap_readable():
    short, tall = heatmap(np.zeros((10, 4)), "f").to_dict(), heatmap(np.zeros((200, 4)), "f").to_dict()
    assert short["height"] == {"step": 20}
    assert tall["height"] == 600  # not 200 x 20 = 4,000 px
    assert tall["encoding"]["y"]["axis"]["values"][:3] == [1, 8, 15]  # every 7th timestep labelled


def test_compare_legend_shows_whole_run_names_once():
    histories = pd.concat([HISTORY.assign(run="timesteps=2, units=1, epochs=3, learning_rate=0.01"), HISTORY.assign(run="b")])
    loss, accuracy = (chart.to_dict() for chart in compare_charts(histories))
    assert loss["encoding"]["color"]["legend"] is None  # one legend, under the last chart
    assert accuracy["encoding"]["color"]["legend"]["labelLimit"] == 0
    assert loss["width"] == accuracy["width"] == "container"


def test_a_diverged_run_says_so_on_the_chart_instead_of_drawing_an_empty_one():
    diverged = HISTORY.assign(loss=[0.65, np.inf, np.nan], val_loss=[0.6, np.nan, np.nan])
    loss, accuracy = (chart.to_dict() for chart in history_charts(diverged, total_epochs=3))
    assert loss["title"] == {"text": "Loss", "subtitle": "Not a number from epoch 2 on: training diverged"}
    points = next(iter(loss["datasets"].values()))
    assert [(p["epoch"], p["split"]) for p in points] == [(1, "Training"), (1, "Validation")]  # no inf on the axis
    assert accuracy["title"]["subtitle"] == "Meaningless from epoch 2 on: training diverged"  # drawn, but said
    assert len(next(iter(accuracy["datasets"].values()))) == 6
    assert history_charts(HISTORY)[1].to_dict()["title"] == "Accuracy"
    later = HISTORY.assign(loss=[0.65, np.nan, np.nan], val_loss=[0.6, 0.5, np.nan])  # dated by the training loss
    assert history_charts(later)[1].to_dict()["title"]["subtitle"] == "Meaningless from epoch 2 on: training diverged"


def test_compare_names_the_diverged_run_it_cannot_draw():
    histories = pd.concat([HISTORY.assign(run="fine"), HISTORY.assign(run="lr=0.5", loss=np.nan, val_loss=np.nan)])
    loss, accuracy = (chart.to_dict() for chart in compare_charts(histories))
    assert loss["title"] == {"text": "Loss", "subtitle": "Not a number (training diverged): lr=0.5"}
    assert {p["run"] for p in next(iter(loss["datasets"].values()))} == {"fine"}
    assert accuracy["title"] == "Accuracy"
    assert loss["encoding"]["color"]["scale"]["domain"] == ["fine", "lr=0.5"]  # its colour stays the same in both
