"""The LSTM cell diagram: every part drawn with its sentence, and every equation drawn as a path of arrows."""

from collections import defaultdict

from lstm_core.present.diagram import NODES, WIRES, cell_diagram, diagram_frames
from lstm_core.teaching.cell import FLOWS, PARTS


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
