"""Altair chart builders: plain functions that return alt.Chart, tested through to_dict()."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from lstm_core.tracing.cells import SHARES, STATES

METRIC_LABELS = {"loss": "Loss", "accuracy": "Accuracy"}
SPLIT_LABELS = {"": "Training", "val_": "Validation"}
SPLIT_NOTE = "Solid lines: training sequences. Dashed lines: validation sequences the model never trains on."
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")  # as wide as the column; the height is the plot's
MAX_ROWS_AT_FULL_SIZE = 30  # a heatmap with more rows than this keeps the height of 30 rows
# Compare's run colours: Okabe and Ito's eight, which stay apart with any colour blindness (as MODEL_COLOURS;
# Streamlit's own palette opens with two blues), one per run a session keeps; yellow, the faintest on white, last.
RUN_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
# Each run's points also have a shape of their own, so runs differ without colour too (a colour-blind learner,
# a grey printout); the legend shows both.
RUN_SHAPES = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right", "triangle-left")


def history_long(history: pd.DataFrame) -> pd.DataFrame:
    """Epoch history in long form: epoch, metric (Loss/Accuracy), split (Training/Validation), value."""
    rows = []
    for prefix, split in SPLIT_LABELS.items():
        for key, metric in METRIC_LABELS.items():
            for epoch, value in zip(history["epoch"], history[prefix + key]):
                rows.append({"epoch": int(epoch), "metric": metric, "split": split, "value": float(value)})
    return pd.DataFrame(rows, columns=["epoch", "metric", "split", "value"])


def epoch_domain(epochs: int) -> list[float]:
    """The x range for ``epochs`` epochs; one epoch sits in the middle, not on an axis that runs to 2."""
    return [1, epochs] if epochs > 1 else [0.5, 1.5]


def metric_chart(history: pd.DataFrame, metric: str, total_epochs: int | None = None,
                 guess: float | None = None) -> alt.Chart:
    """One metric ("Loss" or "Accuracy") per epoch, training (solid) against validation (dashed); ``guess``
    (the learner's predicted final validation accuracy) as a grey dotted line across it.

    As wide as its column: two of these sit side by side, and stack on a narrow screen. (A faceted
    chart has a fixed width and was cut off on a 1024 px projector.)
    """
    data = history_long(history)
    data = data[data["metric"] == metric]
    epochs = max(total_epochs or 0, int(data["epoch"].max()) if len(data) else 1)
    data, title = _finite(data, metric, lambda bad: f"Not a number from epoch {int(bad['epoch'].min())} on: training diverged")
    diverged = history["epoch"][~np.isfinite(history["loss"].to_numpy(dtype=float))]
    if metric != "Loss" and len(diverged):  # a model of NaN weights still gets an accuracy: every score is class 0
        title = alt.TitleParams(metric, subtitle=f"Meaningless from epoch {int(diverged.min())} on: training diverged")
    splits = alt.Scale(domain=list(SPLIT_LABELS.values()))
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title="Epoch", scale=alt.Scale(domain=epoch_domain(epochs)), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=None),
            # one legend for both, drawn as lines: solid Training, dashed Validation
            color=alt.Color("split:N", title=None, scale=splits, legend=alt.Legend(symbolType="stroke", orient="bottom")),
            strokeDash=alt.StrokeDash("split:N", title=None, scale=splits),
            tooltip=["epoch:Q", "split:N", alt.Tooltip("value:Q", title=metric, format=".3f")],
        )
    )
    if guess is not None:
        line = pd.DataFrame({"value": [guess], "label": [f"your prediction: {guess:.3f}"]})
        rule = alt.Chart(line).mark_rule(color="gray", strokeDash=[2, 2], strokeWidth=2).encode(y="value:Q")
        text = alt.Chart(line).mark_text(align="left", dx=4, dy=-7, color="gray").encode(
            y="value:Q", x=alt.value(0), text="label:N")
        chart = alt.layer(chart, rule, text)
    return chart.properties(title=title, width="container", height=220, autosize=FIT_WIDTH)


def _finite(points: pd.DataFrame, metric: str, why) -> tuple[pd.DataFrame, str | alt.TitleParams]:
    """The points with a number to draw, and the chart's title, which says (``why`` of the others) when some
    have none: a diverged run's NaN draws nothing, and an inf would stretch the axis."""
    bad = ~np.isfinite(points["value"])
    return points[~bad], (alt.TitleParams(metric, subtitle=why(points[bad])) if bad.any() else metric)


def history_charts(history: pd.DataFrame, total_epochs: int | None = None, guess: float | None = None) -> list[alt.Chart]:
    """Loss, then accuracy: one chart each; ``guess``, the learner's predicted final validation accuracy,
    is a grey horizontal line on the accuracy chart."""
    return [metric_chart(history, metric, total_epochs, guess if metric == "Accuracy" else None)
            for metric in METRIC_LABELS.values()]


# Each array gets the colour scale of what it is, never its own min and max: a forget gate running
# from 0.66 to 0.94 would otherwise span the whole ramp, and its darkest colour would look closed.
SEQUENTIAL = "viridis"  # the gates (i, f, o; z, r): 0 to 1, dark to bright; both schemes read the same with red-green colour blindness
DIVERGING = "blueorange"  # g, h, c: negative blue, positive orange, 0 pale in the middle
SQUASHED = ("candidate", "hidden_state")  # tanh (times o for h): always -1 to 1
MIN_CELL_REACH = 1e-3  # a cell state of zeros still gets a scale of some width
LEGEND_TITLES = {
    **{gate: "0 shut, 1 open" for gate in SHARES},
    "candidate": "-1 to 1, 0 in the middle",
    "hidden_state": "-1 to 1, 0 in the middle",
    "cell_state": "0 in the middle",
    "difference": "after - before (beyond ±1 as ±1)",
}
DIFFERENCE = "difference"  # an edit's change to h: after minus before, on a fixed -1 to 1 scale, never stretched


def state_scale(state: str, *arrays: np.ndarray) -> tuple[float, float]:
    """The colour domain for ``state`` (one of cells.STATES, or DIFFERENCE): 0 to 1 for a gate, -1 to 1
    for g, h and a difference of h, and for c -m to m, m the largest |value| in all ``arrays``. Give every
    array shown side by side (before and after an edit) so that equal values get equal colours."""
    if state in SHARES:
        return 0.0, 1.0
    if state in SQUASHED or state == DIFFERENCE:  # a difference on its own scale would make 0.001 look like 1
        return -1.0, 1.0
    if state != "cell_state":
        raise ValueError(f"unknown state {state!r}; choose one of {', '.join(dict.fromkeys(sum(STATES.values(), ())))}")
    finite = [np.abs(a[np.isfinite(a)]) for a in map(np.asarray, arrays)]
    reach = max([float(a.max()) for a in finite if a.size] + [MIN_CELL_REACH])
    return -reach, reach


def heatmap(values: np.ndarray, title: str, state: str,
            value_range: tuple[float, float] | None = None, marked: int | None = None) -> alt.Chart:
    """A (timesteps x units) gate or state array as a heatmap; rows count from 1. ``state`` (one of
    cells.STATES) fixes the colours (see state_scale); ``value_range`` is state_scale over the
    arrays shown together, by default over this one alone."""
    values = np.asarray(values)
    own = state_scale(state, values)  # also refuses an unknown state
    low, high = own if value_range is None else value_range
    rows, cols = np.indices(values.shape)
    data = pd.DataFrame({"timestep": rows.ravel() + 1, "unit": cols.ravel() + 1, "value": values.ravel()})
    tall = values.shape[0] > MAX_ROWS_AT_FULL_SIZE  # 200 timesteps at 20 px each would be 4,000 px tall
    every = -(-values.shape[0] // MAX_ROWS_AT_FULL_SIZE)  # with a tall one, label every n-th timestep
    if state in SHARES:
        scale, ticks = alt.Scale(scheme=SEQUENTIAL, domain=[low, high]), [low, (low + high) / 2, high]
    else:
        clamp = {"clamp": True} if state == DIFFERENCE else {}  # beyond ±1: the darkest colour, as the legend says
        scale, ticks = alt.Scale(scheme=DIVERGING, domain=[low, high], domainMid=0, **clamp), [low, 0.0, high]
    legend = alt.Legend(title=LEGEND_TITLES[state], values=ticks, format=".3~g")
    chart = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("unit:O", title="Unit"),
            y=alt.Y("timestep:O", title="Timestep",
                    axis=alt.Axis(values=list(range(1, values.shape[0] + 1, every))) if tall else alt.Axis()),
            color=alt.Color("value:Q", scale=scale, legend=legend),
            tooltip=["timestep:O", "unit:O", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=MAX_ROWS_AT_FULL_SIZE * 20 if tall else alt.Step(20))
    )
    if marked is None:
        return chart.properties(title=title)
    # The focus cue of Step through time: a frame around the row of the timestep shown below (counted from 0).
    frame = alt.Chart(pd.DataFrame({"timestep": [marked + 1]})).mark_rect(fill=None, stroke="black", strokeWidth=2.5)
    return alt.layer(chart, frame.encode(y=alt.Y("timestep:O")), title=title)


def compare_charts(histories: pd.DataFrame) -> list[alt.Chart]:
    """Several runs' loss, then accuracy, overlaid, each run in a colour and a point shape of its own
    (validation dashed). Each is as wide as the page; only the last has the legend, with whole run names,
    one per line under it."""
    frames = []
    for run, history in histories.groupby("run", sort=False):
        frames.append(history_long(history).assign(run=run))
    data = pd.concat(frames, ignore_index=True)
    runs = list(dict.fromkeys(data["run"]))
    charts = []
    for i, metric in enumerate(METRIC_LABELS.values()):
        last = i == len(METRIC_LABELS) - 1
        legend = alt.Legend(labelLimit=0, orient="bottom", direction="vertical") if last else None
        points, title = _finite(data[data["metric"] == metric], metric,
                                lambda bad: f"Not a number (training diverged): {', '.join(dict.fromkeys(bad['run']))}")
        charts.append(
            alt.Chart(points, title=title)
            .mark_line(point=alt.OverlayMarkDef(size=60))  # big enough to tell the shapes apart
            .encode(
                x=alt.X("epoch:Q", title="Epoch", scale=alt.Scale(domain=epoch_domain(int(data["epoch"].max()))),
                        axis=alt.Axis(tickMinStep=1)),
                y=alt.Y("value:Q", title=None),
                color=alt.Color("run:N", title="Run", sort=runs, legend=legend,
                                scale=alt.Scale(domain=runs, range=[RUN_COLORS[k % len(RUN_COLORS)] for k in range(len(runs))])),
                shape=alt.Shape("run:N", title="Run", sort=runs, legend=legend,
                                scale=alt.Scale(domain=runs, range=[RUN_SHAPES[k % len(RUN_SHAPES)] for k in range(len(runs))])),
                strokeDash=alt.StrokeDash("split:N", title=None, scale=alt.Scale(domain=list(SPLIT_LABELS.values())),
                                          legend=None),  # SPLIT_NOTE says it in words: a dash legend drew no symbols
                detail="split:N",
                tooltip=["run:N", "epoch:Q", "split:N", alt.Tooltip("value:Q", title=metric, format=".3f")],
            )
            .properties(width="container", height=200, autosize=FIT_WIDTH)
        )
    return charts


def gradient_chart(flow) -> alt.Chart:
    """The gradient flow through time (pipeline.gradients.GradientFlow): ‖∂loss/∂x_t‖ relative to the last
    timestep, on a log scale, for the model as built and as trained."""
    rows = [{"timestep": t + 1, "model": name, "value": float(v)}
            for name, values in (("as built", flow.init), ("trained", flow.trained))
            for t, v in enumerate(values) if np.isfinite(v) and v > 0]  # a log scale has no 0
    return (
        alt.Chart(pd.DataFrame(rows), title="Gradient reaching each timestep, relative to the last")
        .mark_line(point=True)
        .encode(
            x=alt.X("timestep:Q", title="Timestep", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title="relative gradient (log)", scale=alt.Scale(type="log")),
            color=alt.Color("model:N", title=None, scale=alt.Scale(domain=["as built", "trained"],
                                                                   range=["#999999", "#4c78a8"])),
            strokeDash=alt.StrokeDash("model:N", title=None, scale=alt.Scale(domain=["as built", "trained"],
                                                                              range=[[4, 3], [1, 0]])),
            tooltip=["timestep:Q", "model:N", alt.Tooltip("value:Q", format=".2g")],
        )
        .properties(width="container", height=220, autosize=FIT_WIDTH)
    )



# Okabe and Ito's colour-blind-safe palette, one colour (and one dash) per model: never colour alone.
MODEL_COLOURS = {"LSTM": "#0072B2", "GRU": "#E69F00", "SimpleRNN": "#009E73", "LSTM, forget bias 0": "#CC79A7"}
MODEL_DASHES = {"LSTM": [1, 0], "GRU": [6, 3], "SimpleRNN": [2, 2], "LSTM, forget bias 0": [8, 2, 2, 2]}


def cells_chart(rows: list[dict], title: str) -> alt.Chart:
    """The gradient reaching each timestep, relative to the last, one line per model and seed, on a log scale.
    ``rows``: {"timestep", "model" (a key of MODEL_COLOURS), "seed", "value"} (values > 0: a log scale has no 0)."""
    shown = [m for m in MODEL_COLOURS if any(r["model"] == m for r in rows)]
    return (
        alt.Chart(pd.DataFrame(rows), title=title)
        .mark_line(point=True, opacity=0.85)
        .encode(
            x=alt.X("timestep:Q", title="Timestep", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title="relative gradient (log)", scale=alt.Scale(type="log")),
            color=alt.Color("model:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=shown, range=[MODEL_COLOURS[m] for m in shown])),
            strokeDash=alt.StrokeDash("model:N", title=None, scale=alt.Scale(domain=shown, range=[MODEL_DASHES[m] for m in shown])),
            detail="seed:N",
            tooltip=["model:N", "seed:N", "timestep:Q", alt.Tooltip("value:Q", format=".2g")],
        )
        .properties(width="container", height=240, autosize=FIT_WIDTH)
    )


def horizon_chart(rows: list[dict], chance: float) -> alt.Chart:
    """Validation accuracy against lag, one line per cell (colour and dash, MODEL_COLOURS), chance dotted.
    ``rows``: {"lag", "model", "val_accuracy"}."""
    shown = [m for m in MODEL_COLOURS if any(r["model"] == m for r in rows)]
    lines = (
        alt.Chart(pd.DataFrame(rows), title="Validation accuracy against lag")
        .mark_line(point=True)
        .encode(
            x=alt.X("lag:Q", title="Lag (steps of noise after the first)", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("val_accuracy:Q", title="Validation accuracy", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("model:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=shown, range=[MODEL_COLOURS[m] for m in shown])),
            strokeDash=alt.StrokeDash("model:N", title=None, scale=alt.Scale(domain=shown, range=[MODEL_DASHES[m] for m in shown])),
            tooltip=["model:N", "lag:Q", alt.Tooltip("val_accuracy:Q", format=".3f")],
        )
    )
    floor = alt.Chart(pd.DataFrame({"chance": [chance]})).mark_rule(strokeDash=[2, 4], color="#666666").encode(y="chance:Q")
    return (lines + floor).properties(width="container", height=240, autosize=FIT_WIDTH)
