import numpy as np
import pandas as pd
import pytest

from lstm_core.present.charts import (
    DIVERGING,
    SEQUENTIAL,
    compare_charts,
    epoch_domain,
    heatmap,
    history_charts,
    history_long,
    state_scale,
)
from lstm_core.tracing.cells import STATES

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
    assert loss["width"] == "container"  # fits its column: a fixed width is cut off on a 1024 px screen
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
    spec = heatmap(values, "Forget gate", "forget_gate").to_dict()
    assert spec["mark"]["type"] == "rect" and spec["title"] == "Forget gate"
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 6
    assert {"timestep": 1, "unit": 2, "value": 0.9} in data
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["timestep", "unit", "value"]


def _colour(values, state, value_range=None) -> dict:
    return heatmap(np.asarray(values, dtype=float), "t", state, value_range).to_dict()["encoding"]["color"]


# Each state drawn from a narrow stretch of its range, as a trained model's often are: the scale must not follow it.
NARROW = {"input_gate": (0.40, 0.60), "forget_gate": (0.66, 0.94), "output_gate": (0.05, 0.20),
          "update_gate": (0.30, 0.35), "reset_gate": (0.85, 0.99),
          "candidate": (0.10, 0.30), "hidden_state": (-0.25, -0.05), "cell_state": (-0.5, 2.0)}
FIXED = {"input_gate": ([0, 1], "viridis", None), "forget_gate": ([0, 1], "viridis", None),
         "update_gate": ([0, 1], "viridis", None), "reset_gate": ([0, 1], "viridis", None),
         "output_gate": ([0, 1], "viridis", None), "candidate": ([-1, 1], "blueorange", 0),
         "hidden_state": ([-1, 1], "blueorange", 0), "cell_state": ([-2.0, 2.0], "blueorange", 0)}


@pytest.mark.parametrize("state", sorted(set(sum(STATES.values(), ()))))
def test_every_gate_and_state_heatmap_has_the_colour_scale_of_what_it_shows(state):
    low, high = NARROW[state]
    colour = _colour(np.linspace(low, high, 12).reshape(4, 3), state)
    domain, scheme, mid = FIXED[state]
    assert colour["scale"]["domain"] == domain and colour["scale"]["scheme"] == scheme
    assert colour["scale"].get("domainMid") == mid  # diverging ones centre on 0; a gate's 0 is its dark end
    assert colour["legend"]["title"] and colour["legend"]["values"][0] == domain[0]  # a legend, ends labelled
    assert colour["legend"]["values"][-1] == domain[1]


def test_a_forget_gate_from_066_to_094_is_not_drawn_as_closed_to_open():
    colour = _colour([[0.66, 0.94], [0.80, 0.70]], "forget_gate")
    assert colour["scale"]["domain"] == [0, 1] and colour["legend"]["values"] == [0, 0.5, 1]
    assert colour["legend"]["title"] == "0 shut, 1 open"


def test_the_cell_state_scale_is_symmetric_around_0():
    assert state_scale("cell_state", np.array([[0.2, 3.5]])) == (-3.5, 3.5)  # all positive: still centred on 0
    assert state_scale("cell_state", np.array([[-0.7, 0.1]])) == (-0.7, 0.7)
    low, high = state_scale("cell_state", np.zeros((3, 2)))
    assert low == -high and high > 0  # a scale of some width even for zeros
    assert state_scale("cell_state", np.array([[np.nan, -1.5]])) == (-1.5, 1.5)


def test_before_and_after_heatmaps_share_one_colour_scale():
    before, after = np.array([[0.1, 0.5]]), np.array([[-3.0, 2.0]])
    shared = state_scale("cell_state", before, after)
    assert shared == (-3.0, 3.0)  # covers both, symmetric
    domains = [_colour(a, "cell_state", shared)["scale"]["domain"] for a in (before, after)]
    assert domains[0] == domains[1] == [-3.0, 3.0]
    assert _colour(before, "cell_state")["scale"]["domain"] == [-0.5, 0.5]  # on its own it would differ
    for state in ("forget_gate", "hidden_state"):  # fixed scales are shared already
        assert state_scale(state, before, after) == state_scale(state) == tuple(FIXED[state][0])


def test_an_unknown_state_has_no_scale():
    with pytest.raises(ValueError, match="unknown state 'gate'"):
        state_scale("gate", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown state 'gate'"):
        heatmap(np.zeros((2, 2)), "t", "gate", value_range=(0.0, 1.0))


def test_one_legend_drawn_as_lines_for_training_and_validation():
    enc = history_charts(HISTORY)[0].to_dict()["encoding"]
    assert enc["color"]["legend"]["symbolType"] == "stroke" and enc["strokeDash"]["field"] == "split"
    assert "legend" not in enc["strokeDash"] or enc["strokeDash"]["legend"] is not None  # merged, not hidden


def test_a_long_sequence_keeps_its_heatmap_readable():
    short, tall = (heatmap(np.zeros((n, 4)), "f", "forget_gate").to_dict() for n in (10, 200))
    assert short["height"] == {"step": 20}
    assert tall["height"] == 600  # not 200 x 20 = 4,000 px
    assert tall["encoding"]["y"]["axis"]["values"][:3] == [1, 8, 15]  # every 7th timestep labelled


def test_compare_legend_shows_whole_run_names_once():
    histories = pd.concat([HISTORY.assign(run="timesteps=2, units=1, epochs=3, learning_rate=0.01"), HISTORY.assign(run="b")])
    loss, accuracy = (chart.to_dict() for chart in compare_charts(histories))
    assert loss["encoding"]["color"]["legend"] is None  # one legend, under the last chart
    assert accuracy["encoding"]["color"]["legend"]["labelLimit"] == 0
    assert loss["width"] == accuracy["width"] == "container"


def test_compare_gives_each_run_its_own_distinct_colour_in_both_charts():
    """Streamlit's palette opens with two blues: two runs drew four near-identical lines."""
    runs = [f"run {k}" for k in range(8)]  # a session keeps at most 8
    histories = pd.concat([HISTORY.assign(run=r) for r in runs])
    loss, accuracy = (chart.to_dict() for chart in compare_charts(histories))
    for spec in (loss, accuracy):
        scale = spec["encoding"]["color"]["scale"]
        assert scale["domain"] == runs and len(set(scale["range"])) == len(runs)
        assert spec["encoding"]["strokeDash"]["field"] == "split"  # training solid, validation dashed
    assert loss["encoding"]["color"]["scale"]["range"][:2] == ["#0072B2", "#E69F00"]  # Okabe–Ito: blue, then orange


def test_compare_runs_differ_without_colour_too():
    """A colour-blind learner, or a grey printout, tells the runs apart by their points' shapes, named in the legend."""
    runs = [f"run {k}" for k in range(8)]
    loss, accuracy = (chart.to_dict() for chart in compare_charts(pd.concat([HISTORY.assign(run=r) for r in runs])))
    for spec in (loss, accuracy):
        shape = spec["encoding"]["shape"]
        assert shape["field"] == "run" and shape["scale"]["domain"] == runs and len(set(shape["scale"]["range"])) == len(runs)
        assert spec["mark"]["point"]["size"] >= 50  # big enough to see the shape
    assert loss["encoding"]["shape"]["legend"] is None and accuracy["encoding"]["shape"]["legend"]["labelLimit"] == 0
    assert "symbolType" not in accuracy["encoding"]["color"]["legend"]  # a stroke symbol would hide the shape


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


# The two continuous schemes as Vega draws them (vega-scale's "viridis" and "blueOrange" stops, the same in the
# Vega bundle Streamlit 1.67 ships), and Machado, Oliveira and Fernandes's (2009) simulation of full
# protanopia, deuteranopia and tritanopia, in linear RGB.
VEGA_STOPS = {
    "viridis": "440154470e61481a6c482575472f7d443a834144873d4e8a39568c35608d31688e2d708e2a788e27818e23888e21918d1f988b"
               "1fa08822a8842ab07f35b77943bf7154c56866cc5d7ad1518fd744a5db36bcdf27d2e21be9e51afde725",
    "blueorange": "134b852f78b35da2cb9dcae1d2e5eff2f0ebfce0bafbbf74e8932fc5690d994a07",
}
CVD = {"protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
       "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
       "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]}


def _seen_as(scheme: str, deficiency: str) -> np.ndarray:
    """Each stop of ``scheme`` in CIELAB as someone with ``deficiency`` sees it: (stops, 3)."""
    hexes = VEGA_STOPS[scheme]
    srgb = np.array([[int(hexes[i + k:i + k + 2], 16) / 255 for k in (0, 2, 4)] for i in range(0, len(hexes), 6)])
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    seen = np.clip(linear @ np.array(CVD[deficiency]).T, 0, 1)
    xyz = seen @ np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]).T
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


@pytest.mark.parametrize("deficiency", CVD)
def test_the_colour_scales_read_the_same_with_each_colour_vision_deficiency(deficiency):
    """A gate's 0 to 1 keeps getting lighter; a signed value's -x and +x stay apart (ΔE at least 20, where 2 is
    just noticeable) and both get darker away from 0, so sign and size both survive without full colour vision."""
    assert SEQUENTIAL == "viridis" and DIVERGING == "blueorange"
    lightness = _seen_as("viridis", deficiency)[:, 0]
    assert (np.diff(lightness) > 0).all()
    lab = _seen_as("blueorange", deficiency)
    middle = len(lab) // 2
    for k in range(1, middle + 1):
        assert np.linalg.norm(lab[middle - k] - lab[middle + k]) >= 20, (deficiency, k)
    assert (np.diff(lab[:middle + 1, 0]) > 0).all() and (np.diff(lab[middle:, 0]) < 0).all()
