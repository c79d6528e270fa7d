"""Sequences drawn as lines: the Start here examples (one label-1 and one label-0 sequence of the learner's
data) and the Pipeline tab's small multiples of the first sequences through each stage. Plain functions
that return alt.Chart, tested through to_dict(); the data is inline values, so no pandas is needed."""

from __future__ import annotations

import altair as alt
import numpy as np

from lstm_core.data.synthetic import label_name
from lstm_core.present.charts import FIT_WIDTH

AVERAGE = "average"  # the bold line of a lesson example: its features' mean at each timestep
LABEL_COLOURS = {1: "#e45756", 0: "#4c78a8"}  # up, down: the same in every example chart
# The stage cards are three columns, about 140 px inside at 1024 px with the sidebar open: a faceted chart
# cannot fit its column, so the small multiples are stacked, each narrow enough for that card.
SPARK_WIDTH, SPARK_HEIGHT = 100, 34
EXAMPLE_HEIGHT = 160  # a Start here chart's; its width is its column's


def example_name(index: int, label: int, synthetic: bool) -> str:
    """A legend and panel name: 'sample 4: label 1 (up)'."""
    return f"sample {index}: {label_name(label, synthetic)}"


NEUTRAL = "#767676"  # one grey for both examples when their colour must not give the label away (4.5:1 on white)


def example_charts(chosen, synthetic: bool, feature_names=(), target: str = "", neutral: bool = False) -> list[alt.Chart]:
    """One chart per example (task.Example), as wide as its column: in two columns on a wide screen, one
    above the other on a phone. Each is titled with its sample and label, drawn in its label's colour.
    The lesson's: every feature thin and faint, their average thick, all on one y range (shared_domain
    of both). A CSV's: the target in the file's own units with the next row as a hollow dot, each on its
    own range (two windows can lie far apart in time). ``neutral``: both in NEUTRAL, untitled, for a
    question on which one goes up."""
    domain = shared_domain(np.stack([e.values for e in chosen])) if synthetic and chosen else None
    return [_example_chart(e, synthetic, feature_names, target, domain, neutral) for e in chosen]


def _example_chart(e, synthetic: bool, feature_names, target: str, domain, neutral: bool = False) -> alt.Chart:
    name, colour = example_name(e.index, e.label, synthetic), NEUTRAL if neutral else LABEL_COLOURS[e.label]
    records = []
    if synthetic:
        for step, row in enumerate(np.asarray(e.values, dtype=float), 1):
            records += [{"step": step, "line": str(f), "value": float(v)} for f, v in zip(feature_names, row)]
            records.append({"step": step, "line": AVERAGE, "value": float(row.mean())})
        x = alt.X("step:Q", title="Timestep", axis=alt.Axis(tickMinStep=1))
        y = alt.Y("value:Q", title="Value", scale=alt.Scale(domain=domain))
        faint = (alt.Chart().mark_line(strokeWidth=1, opacity=0.35, color=colour)
                 .transform_filter(alt.datum.line != AVERAGE).encode(x=x, y=y, detail="line:N"))
        bold = (alt.Chart().mark_line(strokeWidth=3.5, color=colour).transform_filter(alt.datum.line == AVERAGE)
                .encode(x=x, y=y, tooltip=["step:Q", alt.Tooltip("value:Q", format=".2f", title="average")]))
        layers = (faint, bold)
    else:
        records = [{"step": step, "kind": "window", "value": float(v)} for step, v in enumerate(e.target, 1)]
        if e.next_value is not None:
            records.append({"step": len(e.target) + 1, "kind": "next row", "value": float(e.next_value)})
        x = alt.X("step:Q", title="Row of the window (the last + 1: the next row)", axis=alt.Axis(tickMinStep=1))
        y = alt.Y("value:Q", title=target, scale=alt.Scale(zero=False))
        tip = ["step:Q", alt.Tooltip("value:Q", format=",.5g", title=target)]
        line = (alt.Chart().mark_line(strokeWidth=2.5, point=True, color=colour)
                .transform_filter(alt.datum.kind == "window").encode(x=x, y=y, tooltip=tip))
        after = (alt.Chart().mark_point(filled=False, size=90, strokeWidth=2, color=colour)
                 .transform_filter(alt.datum.kind == "next row").encode(x=x, y=y, tooltip=tip))
        layers = (line, after)
    # fit-x: as wide as the column, and EXAMPLE_HEIGHT tall (without it the column's width squeezed the plot flat)
    return alt.layer(*layers, data=alt.Data(values=records), title="" if neutral else name).properties(
        width="container", height=EXAMPLE_HEIGHT, autosize=FIT_WIDTH)


def shared_domain(values: np.ndarray, step: float = 0.1) -> list[float]:
    """One y range for every small multiple: the values' range, widened to whole steps."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if not values.size:
        return [0.0, 1.0]
    low, high = np.floor(values.min() / step) * step, np.ceil(values.max() / step) * step
    return [round(float(low), 6), round(float(high if high > low else low + step), 6)]


def _small_multiples(layer: alt.Chart, records: list[dict], names: list[str]) -> alt.Chart:
    row = alt.Row("sample:N", title=None, sort=names,
                  header=alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0, labelFontSize=11, labelPadding=1))
    return (layer.properties(data=alt.Data(values=records), width=SPARK_WIDTH, height=SPARK_HEIGHT)
            .facet(row=row, spacing=4).resolve_scale(y="shared"))


def sequence_sparklines(rows: np.ndarray, feature_names, domain: list[float], first: int = 0) -> alt.Chart:
    """Each sequence (rows: (sequences, timesteps, features)) a small line chart, one line per feature, all on
    the same fixed y range ``domain``; panels are named by sample number from ``first``."""
    rows = np.asarray(rows, dtype=float)
    names = [f"sample {first + i}" for i in range(len(rows))]
    records = [{"sample": name, "step": step, "feature": str(f), "value": float(v)}
               for name, seq in zip(names, rows) for step, row in enumerate(seq, 1) for f, v in zip(feature_names, row)]
    layer = alt.Chart().mark_line(strokeWidth=1.2).encode(
        x=alt.X("step:Q", title=None, axis=alt.Axis(labels=False, ticks=False, grid=False)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=domain, clamp=True), axis=alt.Axis(tickCount=3)),
        color=alt.Color("feature:N", title=None, legend=None, sort=[str(f) for f in feature_names]),
        tooltip=["sample:N", "feature:N", "step:Q", alt.Tooltip("value:Q", format=".2f")],
    )
    return _small_multiples(layer, records, names)


def state_sparklines(rows: np.ndarray, first: int = 0, domain: tuple[float, float] = (-1.0, 1.0)) -> alt.Chart:
    """Each sequence's vector (rows: (sequences, units)), e.g. its last hidden state, a small bar chart of its
    units on the fixed y range ``domain`` (a hidden state lies in -1 to 1)."""
    rows = np.asarray(rows, dtype=float)
    names = [f"sample {first + i}" for i in range(len(rows))]
    records = [{"sample": name, "unit": unit, "value": float(v)} for name, row in zip(names, rows) for unit, v in enumerate(row, 1)]
    layer = alt.Chart().mark_bar().encode(
        x=alt.X("unit:O", title=None, axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(domain=list(domain)), axis=alt.Axis(tickCount=3)),
        color=alt.condition(alt.datum.value >= 0, alt.value("#4c78a8"), alt.value("#e45756")),
        tooltip=["sample:N", "unit:O", alt.Tooltip("value:Q", format=".3f")],
    )
    return _small_multiples(layer, records, names)
