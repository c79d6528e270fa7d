"""The "Next:" lines: one per view, naming tabs and buttons that exist, in the order of the path."""

import re

from lstm_core.teaching.path import NEXT, NEXT_CELL, next_step

TABS = {"Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare"}
BUTTONS = {"Train", "Train the two comparison models"}


def test_each_line_names_only_tabs_and_buttons_the_page_has():
    for view, line in [*NEXT.items(), *((v, line) for lines in NEXT_CELL.values() for v, line in lines.items())]:
        named = set(re.findall(r"\*\*(.+?)\*\*", line))
        assert named and named <= TABS | BUTTONS, (view, named)


def test_training_points_to_the_order_test_until_it_has_run():
    assert "comparison models" in next_step("training", ordered=False)
    assert next_step("training", ordered=True) == f"**Next:** {NEXT['training']}"


def test_compare_with_one_run_leaves_the_suggestion_to_its_own_verdict():
    assert next_step("compare", runs=1) is None and next_step("compare", runs=2).startswith("**Next:**")


def test_the_path_visits_every_tab():
    lines = [next_step(view) for view in ("training", "pipeline", "trace", "why_gates", "quiz")]
    assert [re.findall(r"\*\*(Pipeline|Prediction trace|Why gates\?|Quiz|Compare)\*\*", line)[0] for line in lines] == [
        "Pipeline", "Prediction trace", "Why gates?", "Quiz", "Compare"]


def test_a_simplernn_run_is_not_sent_to_follow_gates_it_does_not_have():
    assert next_step("pipeline") == next_step("pipeline", cell="gru") == f"**Next:** {NEXT['pipeline']}"
    rnn = next_step("pipeline", cell="rnn")
    assert "gate" not in rnn and "step by step" in rnn and "**Prediction trace**" in rnn
    for cell in ("gru", "rnn"):  # Why gates? trains all three cells, the run's own among them
        assert "an LSTM, a GRU and a SimpleRNN" in next_step("trace", cell=cell)
    assert next_step("trace") == f"**Next:** {NEXT['trace']}"
