"""Altair chart builders: plain functions that return alt.Chart, tested through to_dict()."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

METRIC_LABELS = {"loss": "Loss", "accuracy": "Accuracy"}
SPLIT_LABELS = {"": "Training", "val_": "Validation"}
MAX_ROWS_AT_FULL_SIZE = 30  # a heatmap with more rows than this keeps the height of 30 rows


def history_long(history: pd.DataFrame) -> pd.DataFrame:
    """Epoch history in long form: epoch, metric (Loss/Accuracy), split (Training/Validation), value."""
    rows = []
    for prefix, split in SPLIT_LABELS.items():
        for key, metric in METRIC_LABELS.items():
            for epoch, value in zip(history["epoch"], history[prefix + key]):
                rows.append({"epoch": int(epoch), "metric": metric, "split": split, "value": float(value)})
    return pd.DataFrame(rows, columns=["epoch", "metric", "split", "value"])


def history_chart(history: pd.DataFrame, total_epochs: int | None = None) -> alt.Chart:
    """Loss and accuracy per epoch, training (solid) against validation (dashed), side by side."""
    data = history_long(history)
    domain = [1, max(total_epochs or 0, int(data["epoch"].max()) if len(data) else 1, 2)]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title="Epoch", scale=alt.Scale(domain=domain), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=None),
            # one legend for both, drawn as lines: solid Training, dashed Validation
            color=alt.Color("split:N", title=None, scale=alt.Scale(domain=list(SPLIT_LABELS.values())),
                            legend=alt.Legend(symbolType="stroke")),
            strokeDash=alt.StrokeDash("split:N", title=None, scale=alt.Scale(domain=list(SPLIT_LABELS.values()))),
            tooltip=["epoch:Q", "metric:N", "split:N", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=260, height=220)
        .facet(column=alt.Facet("metric:N", title=None, sort=list(METRIC_LABELS.values())))
        .resolve_scale(y="independent")
    )


def heatmap(values: np.ndarray, title: str, row_name: str = "timestep", col_name: str = "unit") -> alt.Chart:
    """A (timesteps x units) gate or state array as a heatmap; rows count from 1."""
    values = np.asarray(values)
    rows, cols = np.indices(values.shape)
    data = pd.DataFrame({row_name: rows.ravel() + 1, col_name: cols.ravel() + 1, "value": values.ravel()})
    diverging = float(values.min()) < 0
    tall = values.shape[0] > MAX_ROWS_AT_FULL_SIZE  # 200 timesteps at 20 px each would be 4,000 px tall
    every = -(-values.shape[0] // MAX_ROWS_AT_FULL_SIZE)  # with a tall one, label every n-th timestep
    scale = alt.Scale(scheme="redblue", domainMid=0, reverse=True) if diverging else alt.Scale(scheme="viridis")
    return (
        alt.Chart(data, title=title)
        .mark_rect()
        .encode(
            x=alt.X(f"{col_name}:O", title=col_name.capitalize()),
            y=alt.Y(f"{row_name}:O", title=row_name.capitalize(),
                    axis=alt.Axis(values=list(range(1, values.shape[0] + 1, every))) if tall else alt.Axis()),
            color=alt.Color("value:Q", title=None, scale=scale),
            tooltip=[f"{row_name}:O", f"{col_name}:O", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(height=MAX_ROWS_AT_FULL_SIZE * 20 if tall else alt.Step(20))
    )


def compare_chart(histories: pd.DataFrame) -> alt.Chart:
    """Several runs' loss and accuracy curves overlaid, coloured by run (validation dashed)."""
    frames = []
    for run, history in histories.groupby("run", sort=False):
        frames.append(history_long(history).assign(run=run))
    data = pd.concat(frames, ignore_index=True)
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", title="Epoch", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("run:N", title="Run", sort=list(dict.fromkeys(data["run"])),
                            legend=alt.Legend(labelLimit=0, symbolType="stroke", orient="bottom", direction="vertical")),
                            # whole run names, one per line under the chart, where the page's width is theirs
            strokeDash=alt.StrokeDash("split:N", title=None, scale=alt.Scale(domain=list(SPLIT_LABELS.values()))),
            detail="split:N",
            tooltip=["run:N", "epoch:Q", "metric:N", "split:N", alt.Tooltip("value:Q", format=".3f")],
        )
        .properties(width=300, height=240)
        .facet(column=alt.Facet("metric:N", title=None, sort=list(METRIC_LABELS.values())))
        .resolve_scale(y="independent")
    )
