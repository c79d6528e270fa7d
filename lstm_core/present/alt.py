"""Text alternatives for the page's charts, written from each chart's data: one or two plain sentences that say
what is plotted and its main fact (the page gives them to screen readers as the chart's alt text and its
Vega-Lite description), and the numbers behind a chart as a table (shown under "Show the numbers").

Numbers are written as the page writes them: 3 decimals for metrics and states, teaching.gradients.share for
gradient ratios, 2 decimals for a lesson example's values (its tooltip's), a file's own units to 5 figures.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lstm_core.config import CELL_NAMES
from lstm_core.data.synthetic import label_name
from lstm_core.formats import counted, decimals
from lstm_core.present.charts import DIFFERENCE, state_scale
from lstm_core.present.diagram import diagram_frames
from lstm_core.teaching.gradients import share
from lstm_core.teaching.task import in_units

NOT_A_NUMBER = "not a number"

# What each chart draws, said once; the facts are filled in from its data.
CURVE = "Line chart of training (solid) and validation (dashed) {metric} per epoch."
HEATMAP = ("Heatmap of {title}: {rows} (rows) by {cols} (columns), coloured on a fixed scale from {low} to {high}"
           "{clamp}.")
CLAMPED = ", values beyond it drawn as its ends"
GRADIENT = ("Line chart, on a log scale, of the loss's gradient reaching each timestep relative to timestep {last}'s, "
            "as built (grey, dashed) and after training (solid).")
CELLS = ("Line chart, on a log scale, of the loss's gradient reaching each timestep relative to timestep {last}'s, "
         "{phase}, one line per model and seed.")
HORIZON = "Line chart of validation accuracy against lag, one line per cell, with chance ({chance}) as a dotted line."
EXAMPLE = "Line chart of {name}: its {features} (thin lines) and their average (thick line) over {steps}."
EXAMPLE_FILE = "Line chart of {name}: the file's {target} over the window's {rows}, in the file's own units."
COMPARE = ("Line chart of {metric} per epoch for {runs}, one colour per run, training solid and validation dashed "
           "(the colour legend and the numbers below name each run).")
INPUT_SPARKS = ("Small line charts of {samples}, one per sequence: each of its {features} over {steps} as a line, "
                "all on one scale from {low} to {high}.")
STATE_SPARKS = ("Small bar charts of the last hidden state of {samples}, one per sequence, one bar per unit ({units}), "
                "on the fixed scale -1 to 1: bars above 0 blue, below 0 red.")
DIAGRAM = "Diagram of one {cell} cell at one timestep, its parts as boxes joined by arrows and coloured by kind."
DIAGRAM_GROUPS = {"state": "Held by each unit", "block": "computed at each step", "op": "operations"}  # diagram.KIND_NAMES


def _f3(value: float) -> str:
    return decimals(value) if math.isfinite(value) else NOT_A_NUMBER


def _ratio(value: float) -> str:
    """A gradient ratio as the page writes it; a log scale draws no 0 and no NaN, so say those."""
    value = float(value)
    if not math.isfinite(value):
        return NOT_A_NUMBER
    return share(value) if value > 0 else "0 (not drawn on the log scale)"


def _moved(first: str, last: str, lower: bool) -> str:
    """'fell from 0.672 to 0.071', 'rose ...', or 'stayed at 0.693' when the page would show the same number."""
    if first == last:
        return f"stayed at {first}"
    return f"{'fell' if lower else 'rose'} from {first} to {last}"


def training_curve(history: pd.DataFrame, metric: str, total_epochs: int | None = None,
                   guess: float | None = None) -> str:
    """The Training tab's loss or accuracy chart (``metric`` "Loss" or "Accuracy"), from its history: how the
    training value moved, and the validation's best epoch. A diverged run says from which epoch. ``guess``, as
    present.charts.history_charts takes it: the accuracy chart draws it."""
    key = metric.lower()
    epochs = [int(e) for e in history["epoch"]]
    train = history[key].to_numpy(dtype=float)
    val = history[f"val_{key}"].to_numpy(dtype=float)
    loss = history["loss"].to_numpy(dtype=float)
    head = CURVE.format(metric=key)
    if not epochs:
        return head + " No epoch has ended yet."
    total = max(total_epochs or 0, epochs[-1])
    bad = [e for e, v in zip(epochs, loss) if not math.isfinite(v)]
    if key == "loss":  # a NaN loss draws nothing from there on
        shown = [(e, v) for e, v in zip(epochs, train) if not bad or e < bad[0]]
        diverged = f"; it was not a number from epoch {bad[0]} on: training diverged" if bad else ""
    else:  # a model of NaN weights still gets an accuracy: every score is class 0
        shown = list(zip(epochs, train))
        diverged = f"; it is meaningless from epoch {bad[0]} on: training diverged" if bad else ""
    if not shown:
        return f"{head} {metric} was not a number from epoch {epochs[0]}: training diverged."
    span = counted(len(shown), "epoch") if len(shown) == total else f"the first {len(shown)} of {total} epochs"
    if len(shown) == 1:
        moved = f"{metric} after epoch {shown[0][0]} was {_f3(shown[0][1])}"
    else:
        moved = f"{metric} {_moved(_f3(shown[0][1]), _f3(shown[-1][1]), shown[-1][1] < shown[0][1])} over {span}"
    finite = np.isfinite(val)
    if not finite.any():
        best = f"validation {key} was {NOT_A_NUMBER}"
    elif len(val) == 1:
        best = f"validation {key} {_f3(val[0])}"
    else:
        i = int(np.nanargmin(val) if key == "loss" else np.nanargmax(val))
        best = f"validation {key} was {'lowest' if key == 'loss' else 'highest'} at epoch {epochs[i]} ({_f3(val[i])})"
    said = f"{head} {moved}{diverged}; {best}."
    if guess is not None and key == "accuracy":
        said += f" Your prediction, {decimals(guess)}, is the grey dotted line."
    return said


def heatmap(values: np.ndarray, title: str, state: str, value_range: tuple[float, float] | None = None) -> str:
    """A gate inspector heatmap (present.charts.heatmap with the same arguments): what it shows and on which
    scale, its mean, and its lowest and highest value with where they are."""
    values = np.asarray(values, dtype=float)
    low, high = state_scale(state, values) if value_range is None else value_range
    head = HEATMAP.format(title=title, rows=counted(values.shape[0], "timestep"), cols=counted(values.shape[1], "unit"),
                          low=f"{low:.3g}", high=f"{high:.3g}", clamp=CLAMPED if state == DIFFERENCE else "")
    finite = np.isfinite(values)
    if not finite.any():
        return f"{head} Its values are not numbers."
    masked = np.where(finite, values, np.nan)
    lo = np.unravel_index(int(np.nanargmin(masked)), values.shape)
    hi = np.unravel_index(int(np.nanargmax(masked)), values.shape)
    where = lambda at: f"{decimals(values[at])} at timestep {at[0] + 1}, unit {at[1] + 1}"  # noqa: E731
    bad = int((~finite).sum())
    missing = f" {bad} of its {values.size} values {'is not a number' if bad == 1 else 'are not numbers'}." if bad else ""
    return f"{head} Mean {decimals(float(np.nanmean(masked)))}; lowest {where(lo)}; highest {where(hi)}.{missing}"


def heatmap_numbers(values: np.ndarray) -> pd.DataFrame:
    """A heatmap's values: a row per timestep, a column per unit, 3 decimals."""
    values = np.asarray(values, dtype=float)
    return pd.DataFrame(values.round(3) + 0.0, index=pd.RangeIndex(1, len(values) + 1, name="Timestep"),
                        columns=[f"Unit {u}" for u in range(1, values.shape[1] + 1)])


def gradient_flow(flow) -> str:
    """The Prediction trace tab's gradient flow (pipeline.run.GradientFlow): timestep 1's ratio as built and trained."""
    last = len(flow.trained)
    return (GRADIENT.format(last=last) + f" Timestep 1's gradient is {_ratio(flow.init[0])} of timestep {last}'s as "
            f"built and {_ratio(flow.trained[0])} after training.")


def gradient_numbers(flow) -> pd.DataFrame:
    return pd.DataFrame({"As built": [_ratio(v) for v in flow.init], "After training": [_ratio(v) for v in flow.trained]},
                        index=pd.RangeIndex(1, len(flow.trained) + 1, name="Timestep"))


def _span(values: list[float]) -> str:
    low, high = _ratio(min(values)), _ratio(max(values))
    return low if low == high else f"{low} to {high}"


def cells_gradient(rows: list[dict], phase: str) -> str:
    """Why gates?'s gradient chart for one phase ("as built", "after training"), from the rows present.charts.
    cells_chart draws ({"timestep", "model", "seed", "value"}): each model's timestep-1 ratio over its seeds."""
    if not rows:
        return CELLS.format(last="the last", phase=phase) + " No model's gradient is a number here."
    models = list(dict.fromkeys(r["model"] for r in rows))
    firsts = {m: [r["value"] for r in rows if r["model"] == m and r["timestep"] == 1] for m in models}
    seeds = {m: len({r["seed"] for r in rows if r["model"] == m}) for m in models}
    said = "; ".join(f"{m} {_span(firsts[m])} ({counted(seeds[m], 'seed')})" if firsts[m]
                     else f"{m} not drawn (0 or not a number)" for m in models)
    last = max(r["timestep"] for r in rows)
    return CELLS.format(last=last, phase=phase) + f" Timestep 1's, {phase}: {said}."


def cells_numbers(rows: list[dict]) -> pd.DataFrame:
    """A column per model and seed, a row per timestep; a blank where the log scale drew nothing."""
    frame = pd.DataFrame(rows, columns=["timestep", "model", "seed", "value"])
    frame["line"] = frame["model"] + ", seed " + frame["seed"].astype(str)
    table = frame.pivot(index="timestep", columns="line", values="value")
    table = table[list(dict.fromkeys(frame["line"]))].map(lambda v: _ratio(v) if v == v else "")
    table.index.name, table.columns.name = "Timestep", None
    return table


def memory_horizon(rows: list[dict], chance: float) -> str:
    """Why gates?'s memory-horizon chart ({"lag", "model", "val_accuracy"}): each cell at the shortest and the
    longest lag, and chance."""
    models = list(dict.fromkeys(r["model"] for r in rows))
    parts = []
    for m in models:
        mine = sorted((r["lag"], float(r["val_accuracy"])) for r in rows if r["model"] == m)
        ends = [mine[0]] if len(mine) == 1 else [mine[0], mine[-1]]
        parts.append(f"{m} " + " and ".join(f"{_f3(acc)} at lag {lag}" for lag, acc in ends))
    return HORIZON.format(chance=decimals(chance)) + (" " + "; ".join(parts) + "." if parts else "")


def horizon_numbers(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["lag", "model", "val_accuracy"])
    table = frame.pivot(index="lag", columns="model", values="val_accuracy").round(3)
    table = table[list(dict.fromkeys(frame["model"]))]
    table.index.name, table.columns.name = "Lag", None
    return table


def example(e, synthetic: bool, feature_names=(), target: str = "", neutral: str | None = None) -> str:
    """A Start here example (teaching.task.Example): the sample, its label and how its average (a file's
    target) moved from the first timestep to the last. ``neutral``, the name a guided question gives it
    ("Sequence A"), leaves out the sample and its label, and says the numbers without "rose" or "fell"."""
    name = neutral or f"sample {e.index}: {label_name(e.label, synthetic)}"
    if synthetic:
        average = np.asarray(e.values, dtype=float).mean(axis=1)
        steps = len(average)
        head = EXAMPLE.format(name=name, features=counted(len(feature_names) or e.values.shape[1], "feature"),
                              steps=counted(steps, "timestep"))
        first, last = f"{average[0]:.2f}", f"{average[-1]:.2f}"
        if neutral:
            return f"{head} Their average is {first} at timestep 1 and {last} at timestep {steps}."
        if first == last:
            return f"{head} Their average stayed at {first} from timestep 1 to timestep {steps}."
        return (f"{head} Their average {'fell' if average[-1] < average[0] else 'rose'} from {first} at timestep 1 "
                f"to {last} at timestep {steps}.")
    values = np.asarray(e.target, dtype=float)
    head = EXAMPLE_FILE.format(name=name, target=f"'{target}'", rows=counted(len(values), "row"))
    first, last = in_units(values[0]), in_units(values[-1])
    moved = (f"It is {first} in row 1 and {last} in row {len(values)}" if neutral
             else f"It {_moved(first, last, values[-1] < values[0])} over the window")
    after = f"; the next row, the hollow dot, is {in_units(e.next_value)}" if e.next_value is not None else ""
    return f"{head} {moved}{after}."


def example_numbers(e, synthetic: bool, feature_names=(), target: str = "") -> pd.DataFrame:
    """What an example chart draws: the features' average per timestep (the thick line, first, so a narrow
    table shows it without scrolling) and each feature (2 decimals, as its tooltip), or a file's target per
    row in its own units, with the next row when drawn."""
    if synthetic:
        values = np.asarray(e.values, dtype=float)
        names = [str(f) for f in feature_names] or [f"feature {k}" for k in range(1, values.shape[1] + 1)]
        table = pd.DataFrame(values, columns=names).round(2)
        table.insert(0, "average", values.mean(axis=1).round(2))
        table.index = pd.RangeIndex(1, len(values) + 1, name="Timestep")
        return table
    drawn = [in_units(v) for v in e.target] + ([in_units(e.next_value)] if e.next_value is not None else [])
    rows = [str(k) for k in range(1, len(e.target) + 1)] + (["next row"] if e.next_value is not None else [])
    return pd.DataFrame({target or "target": drawn}, index=pd.Index(rows, name="Row"))


def compare(histories: pd.DataFrame, metric: str) -> str:
    """A Compare chart (or Does order matter?'s) of ``metric`` ("Loss", "Accuracy"), from the runs' histories
    (a "run" column): each run's final validation value."""
    key = f"val_{metric.lower()}"
    finals = [(run, float(h[key].iloc[-1])) for run, h in histories.groupby("run", sort=False)]
    said = "; ".join(f"{run}: {_f3(value)}" for run, value in finals)
    return (COMPARE.format(metric=metric.lower(), runs=counted(len(finals), "run"))
            + f" Final validation {metric.lower()}, {said}.")


def compare_numbers(histories: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Each run's ``metric`` per epoch, training and validation, 3 decimals."""
    key = metric.lower()
    return pd.DataFrame({"Run": histories["run"], "Epoch": histories["epoch"].astype(int),
                         "Training": histories[key].astype(float).round(3),
                         "Validation": histories[f"val_{key}"].astype(float).round(3)}).reset_index(drop=True)


def _samples(n: int, first: int = 0) -> str:
    return f"sample {first}" if n == 1 else f"samples {first} to {first + n - 1}"


def input_sparklines(rows: np.ndarray, domain) -> str:
    """The Pipeline tab's input stage: what its small line charts draw."""
    rows = np.asarray(rows, dtype=float)
    low, high = domain
    return INPUT_SPARKS.format(samples=_samples(len(rows)), features=counted(rows.shape[2], "feature"),
                               steps=counted(rows.shape[1], "timestep"), low=f"{low:g}", high=f"{high:g}")


def input_numbers(rows: np.ndarray, feature_names) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    index = pd.MultiIndex.from_product([range(len(rows)), range(1, rows.shape[1] + 1)], names=["Sample", "Timestep"])
    return pd.DataFrame(rows.reshape(-1, rows.shape[2]), index=index, columns=[str(f) for f in feature_names]).round(2)


def state_sparklines(rows: np.ndarray) -> str:
    """The Pipeline tab's LSTM stage: what its small bar charts draw, and each sample's lowest and highest unit."""
    rows = np.asarray(rows, dtype=float)
    ranges = "; ".join(f"sample {i} from {_f3(float(np.nanmin(r)))} to {_f3(float(np.nanmax(r)))}"
                       if np.isfinite(r).any() else f"sample {i} not a number" for i, r in enumerate(rows))
    return STATE_SPARKS.format(samples=_samples(len(rows)), units=rows.shape[1]) + f" The bars run: {ranges}."


def state_numbers(rows: np.ndarray) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    return pd.DataFrame(rows.round(3) + 0.0, index=pd.RangeIndex(len(rows), name="Sample"),
                        columns=[f"Unit {u}" for u in range(1, rows.shape[1] + 1)])


def cell_diagram(cell: str = "lstm") -> str:
    """The cell diagram: its parts by kind, as its colours and legend group them (the colour alone tells a
    state's box from a block's)."""
    nodes, _ = diagram_frames(cell)
    groups = "; ".join(f"{heading}: " + ", ".join(dict.fromkeys(nodes.loc[nodes["kind"] == kind, "label"]))
                       for kind, heading in DIAGRAM_GROUPS.items() if (nodes["kind"] == kind).any())
    return f"{DIAGRAM.format(cell=CELL_NAMES[cell])} {groups}."
