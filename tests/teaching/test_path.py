"""The "Next:" lines: one per view, naming tabs and buttons that exist, in the order of the path."""

import re

from lstm_core.teaching.path import NEXT, next_step

TABS = {"Pipeline", "Training", "Prediction trace", "Quiz", "Compare"}
BUTTONS = {"Train", "Train the two comparison models"}


def test_each_line_names_only_tabs_and_buttons_the_page_has():
    for view, line in NEXT.items():
        named = set(re.findall(r"\*\*(.+?)\*\*", line))
        assert named and named <= TABS | BUTTONS, (view, named)


def test_training_points_to_the_order_test_until_it_has_run():
    assert "comparison models" in next_step("training", ordered=False)
    assert next_step("training", ordered=True) == f"**Next:** {NEXT['training']}"


def test_compare_with_one_run_leaves_the_suggestion_to_its_own_verdict():
    assert next_step("compare", runs=1) is None and next_step("compare", runs=2).startswith("**Next:**")


def test_the_path_visits_every_tab():
    lines = [next_step(view) for view in ("training", "pipeline", "trace", "quiz")]
    assert [re.findall(r"\*\*(Pipeline|Prediction trace|Quiz|Compare)\*\*", line)[0] for line in lines] == [
        "Pipeline", "Prediction trace", "Quiz", "Compare"]
