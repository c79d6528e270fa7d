"""The cell diagrams (LSTM, GRU, SimpleRNN): every part drawn with its sentence, and every equation drawn as a path of arrows."""

from collections import defaultdict

import pytest

from lstm_core.config import CELLS
from lstm_core.present.diagram import NODES as CELL_NODES
from lstm_core.present.diagram import WIRES as CELL_WIRES
from lstm_core.present.diagram import cell_diagram, diagram_frames
from lstm_core.teaching.cell import FLOWS as CELL_FLOWS
from lstm_core.teaching.cell import PARTS as CELL_PARTS
from lstm_core.teaching.cell import TITLES

NODES, WIRES, FLOWS, PARTS = CELL_NODES["lstm"], CELL_WIRES["lstm"], CELL_FLOWS["lstm"], CELL_PARTS["lstm"]


def test_every_part_of_the_cell_is_a_box_with_its_label_and_sentence():
    nodes, _ = diagram_frames()
    drawn = nodes.set_index("node")
    for part, (label, sentence) in PARTS.items():
        assert drawn.loc[part, "label"] == label and drawn.loc[part, "sentence"] == sentence


def test_each_equation_of_the_cell_is_a_path_of_arrows_through_operations_only():
    """f, i, g and o come from x and h(t-1); c from c(t-1), f, i and g; h from c and o: and nothing else
    reaches a part without passing through another part."""
    after = defaultdict(set)
    for a, b in WIRES:
        after[a].add(b)

    def parts_reached(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in after[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    if NODES[nxt][2] == "op":  # an operation passes its value on; a part ends the path
                        todo.append(nxt)
        return {n for n in seen if n in PARTS}

    drawn = {(a, b) for a in PARTS for b in parts_reached(a)}
    assert drawn == set(FLOWS)


def test_the_arrows_end_on_their_boxes_and_the_chart_has_no_axes():
    nodes, wires = diagram_frames()
    at = nodes.set_index("node")
    for wire in wires.itertuples():
        assert abs(wire.x2 - at.loc[wire.to, "x"]) <= 0.63 and abs(wire.y2 - at.loc[wire.to, "y"]) <= 0.31
    spec = cell_diagram().to_dict()
    assert all(layer["encoding"]["x"]["axis"] is None for layer in spec["layer"])
    assert spec["title"] == "One LSTM cell, at one timestep"


def _parts_reached(cell: str) -> set[tuple[str, str]]:
    """(part, part) for every path of arrows from one part to another through operations only."""
    after = defaultdict(set)
    for a, b in CELL_WIRES[cell]:
        after[a].add(b)
    pairs = set()
    for start in CELL_PARTS[cell]:
        seen, todo = set(), [start]
        while todo:
            for nxt in after[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    if CELL_NODES[cell][nxt][2] == "op":
                        todo.append(nxt)
        pairs |= {(start, n) for n in seen if n in CELL_PARTS[cell]}
    return pairs


@pytest.mark.parametrize("cell", CELLS)
def test_each_cells_diagram_draws_its_own_parts_and_equations_and_names_the_cell(cell):
    nodes, wires = diagram_frames(cell)
    drawn = nodes.set_index("node")
    assert set(CELL_PARTS[cell]) <= set(drawn.index)
    for part, (label, sentence) in CELL_PARTS[cell].items():
        assert drawn.loc[part, "label"] == label and drawn.loc[part, "sentence"] == sentence
    assert _parts_reached(cell) == set(CELL_FLOWS[cell])
    for wire in wires.itertuples():
        assert abs(wire.x2 - drawn.loc[wire.to, "x"]) <= 0.63 and abs(wire.y2 - drawn.loc[wire.to, "y"]) <= 0.31
    name = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}[cell]
    assert cell_diagram(cell).to_dict()["title"] == f"One {name} cell, at one timestep"
    assert TITLES[cell].startswith(f"How one {name} cell works")


def test_the_gru_candidate_sees_the_old_state_only_through_the_reset_gate():
    """reset_after: h~ = tanh(x·W + b + r·(h_prev·U + b')), so every arrow path from h(t-1) to h~ passes r's ×."""
    assert ("h_prev", "xh") in CELL_WIRES["gru"] and ("xh", "h~") not in CELL_WIRES["gru"]
    into_candidate = {a for a, b in CELL_WIRES["gru"] if b == "h~"}
    assert into_candidate == {"x", "mul_r"} and {a for a, b in CELL_WIRES["gru"] if b == "mul_r"} == {"h_prev", "r"}
    assert not any(part in CELL_PARTS["rnn"] for part in ("f", "z", "r", "c"))  # the SimpleRNN draws no gate
