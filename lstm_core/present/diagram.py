"""A labelled diagram of one recurrent cell (LSTM, GRU or SimpleRNN), drawn with Altair: boxes for the parts,
arrows for the equations.

Positions are fixed. LSTM: the memory line c(t-1) -> × f -> + i·g -> c(t) runs along the top, the inputs
x(t) and h(t-1) enter at the bottom left, the four blocks computed from them sit in the middle, and h(t) =
o × tanh(c(t)) leaves at the right. GRU: its memory is h itself, so h(t-1) -> × z -> + (1 - z)·h~ -> h(t)
runs along the top; z and r come from x(t) and h(t-1) below it, and h(t-1) reaches the candidate h~ only
through r's ×. SimpleRNN: x(t) and h(t-1) meet, pass through tanh, and are h(t).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from lstm_core.config import CELL_NAMES
from lstm_core.teaching.cell import PARTS

# What is drawn: the cell's parts (teaching.cell.PARTS), the operations between them, and wires (arrows).
# node -> (x, y, kind, label): "state" is held by each unit, "block" is computed at each step from x(t) and
# h(t-1), "op" is an operation; the inputs meet in one node, as Keras concatenates them.
NODES = {
    "lstm": {
        "c_prev": (0.0, 4.0, "state", None), "mul_f": (2.6, 4.0, "op", "×"), "add": (4.7, 4.0, "op", "+"),
        "c": (7.2, 4.0, "state", None), "tanh": (8.6, 3.1, "op", "tanh"), "mul_o": (8.6, 2.2, "op", "×"),
        "h": (8.6, 0.6, "state", None),
        "f": (2.6, 2.2, "block", None), "i": (3.9, 2.2, "block", None), "g": (5.5, 2.2, "block", None),
        "mul_ig": (4.7, 3.1, "op", "×"), "o": (7.1, 2.2, "block", None),
        "x": (0.0, 1.2, "state", None), "h_prev": (0.0, 0.0, "state", None), "xh": (1.9, 0.6, "op", "[h, x]"),
    },
    "gru": {
        "h_prev": (0.0, 4.0, "state", None), "mul_z": (4.0, 4.0, "op", "×"), "add": (6.6, 4.0, "op", "+"),
        "h": (8.6, 4.0, "state", None),
        "z": (4.0, 2.7, "block", None), "one_minus": (5.3, 2.7, "op", "1 −"), "mul_c": (6.6, 2.7, "op", "×"),
        "x": (0.0, 0.0, "state", None), "xh": (1.6, 1.5, "op", "[h, x]"),
        "r": (3.0, 1.2, "block", None), "mul_r": (4.6, 1.2, "op", "×"), "h~": (6.6, 1.2, "block", None),
    },
    "rnn": {
        "h_prev": (0.0, 3.4, "state", None), "x": (0.0, 0.6, "state", None), "xh": (2.6, 2.0, "op", "[h, x]"),
        "tanh": (5.0, 2.0, "op", "tanh"), "h": (7.6, 2.0, "state", None),
    },
}
WIRES = {
    "lstm": (
        ("x", "xh"), ("h_prev", "xh"), ("xh", "f"), ("xh", "i"), ("xh", "g"), ("xh", "o"),
        ("c_prev", "mul_f"), ("f", "mul_f"), ("mul_f", "add"), ("i", "mul_ig"), ("g", "mul_ig"), ("mul_ig", "add"),
        ("add", "c"), ("c", "tanh"), ("tanh", "mul_o"), ("o", "mul_o"), ("mul_o", "h"),
    ),
    "gru": (
        ("x", "xh"), ("h_prev", "xh"), ("xh", "z"), ("xh", "r"),
        ("h_prev", "mul_r"), ("r", "mul_r"), ("mul_r", "h~"), ("x", "h~"),  # reset_after: r scales U·h(t-1) only
        ("h_prev", "mul_z"), ("z", "mul_z"), ("mul_z", "add"),
        ("z", "one_minus"), ("one_minus", "mul_c"), ("h~", "mul_c"), ("mul_c", "add"), ("add", "h"),
    ),
    "rnn": (("x", "xh"), ("h_prev", "xh"), ("xh", "tanh"), ("tanh", "h")),
}
HALF = {"state": (0.62, 0.3), "block": (0.62, 0.3), "op": (0.28, 0.22)}  # half width, half height of a box
KIND_COLOURS = {"state": "#4c78a8", "block": "#f58518", "op": "#9d9d9d"}
KIND_NAMES = {"state": "held by each unit", "block": "computed at each step", "op": "operation"}
X_DOMAIN, Y_DOMAIN = [-0.8, 9.6], [-0.5, 4.5]


def _border(x0: float, y0: float, x1: float, y1: float, kind: str) -> tuple[float, float]:
    """Where the line from (x0, y0) to the box of ``kind`` centred at (x1, y1) meets that box's border."""
    dx, dy = x1 - x0, y1 - y0
    half_w, half_h = HALF[kind]
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return x1 - dx * scale, y1 - dy * scale


def diagram_frames(cell: str = "lstm") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(nodes, wires): one row per box (node, label, sentence, x, y, kind), one per arrow (from, to, its ends)."""
    parts, placed = PARTS[cell], NODES[cell]
    nodes = pd.DataFrame([{"node": n, "label": label or parts[n][0], "sentence": parts[n][1] if n in parts else "",
                           "x": x, "y": y, "kind": kind} for n, (x, y, kind, label) in placed.items()])
    rows = []
    for a, b in WIRES[cell]:
        (xa, ya, ka, _), (xb, yb, kb, _) = placed[a], placed[b]
        x0, y0 = _border(xb, yb, xa, ya, ka)  # leave a's border
        x1, y1 = _border(xa, ya, xb, yb, kb)  # reach b's border
        angle = math.degrees(math.atan2(x1 - x0, y1 - y0))  # Vega's triangle points up at 0 degrees, clockwise
        rows.append({"from": a, "to": b, "x": x0, "y": y0, "x2": x1, "y2": y1, "angle": angle})
    return nodes, pd.DataFrame(rows)


def cell_diagram(cell: str = "lstm") -> alt.LayerChart:
    """The cell, as wide as its column; every part's box has its plain sentence as a tooltip."""
    nodes, wires = diagram_frames(cell)
    x_scale, y_scale = alt.Scale(domain=X_DOMAIN), alt.Scale(domain=Y_DOMAIN)
    lines = alt.Chart(wires).mark_rule(color="#888", strokeWidth=1.2).encode(
        x=alt.X("x:Q", axis=None, scale=x_scale), y=alt.Y("y:Q", axis=None, scale=y_scale), x2="x2:Q", y2="y2:Q")
    heads = alt.Chart(wires).mark_point(shape="triangle", filled=True, size=40, color="#888").encode(
        x=alt.X("x2:Q", axis=None, scale=x_scale), y=alt.Y("y2:Q", axis=None, scale=y_scale),
        angle=alt.Angle("angle:Q", scale=None))
    half_w = nodes["kind"].map(lambda k: HALF[k][0])
    half_h = nodes["kind"].map(lambda k: HALF[k][1])
    boxes = nodes.assign(x0=nodes["x"] - half_w, x1=nodes["x"] + half_w, y0=nodes["y"] - half_h, y1=nodes["y"] + half_h,
                         kind_name=nodes["kind"].map(KIND_NAMES))
    colour = alt.Color("kind_name:N", scale=alt.Scale(domain=list(KIND_NAMES.values()), range=list(KIND_COLOURS.values())),
                       legend=alt.Legend(title=None, orient="bottom"))
    rects = alt.Chart(boxes).mark_rect(cornerRadius=4).encode(
        x=alt.X("x0:Q", axis=None, scale=x_scale), x2="x1:Q", y=alt.Y("y0:Q", axis=None, scale=y_scale), y2="y1:Q",
        color=colour, tooltip=[alt.Tooltip("label:N", title="part"), alt.Tooltip("sentence:N", title="what it is")])
    labels = alt.Chart(nodes).mark_text(color="white", fontWeight="bold", fontSize=12).encode(
        x=alt.X("x:Q", axis=None, scale=x_scale), y=alt.Y("y:Q", axis=None, scale=y_scale), text="label:N")
    return (alt.layer(lines, heads, rects, labels)
            .properties(width="container", height=280, title=f"One {CELL_NAMES[cell]} cell, at one timestep",
                        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
            .configure_view(stroke=None))
