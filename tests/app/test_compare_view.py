"""The Compare tab: every finished run of the session side by side; removing and clearing never retrain."""

import json

from tests.app.conftest import new_app, show, shown, train_with


def test_two_trainings_make_two_runs_in_compare_and_remove_clear_work():
    at = new_app()
    train_with(at, units=8, epochs=2)
    show(at, "Compare")
    table = at.tabs[4].table[0].value
    assert list(table["Run"]) == ["default", "units=8, epochs=2"]
    spec = json.loads(at.tabs[4].get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["color"]["field"] == "run"
    runs_before = shown(at)
    at.selectbox(key="remove_which").set_value("default")
    at.button(key="remove_run").click()
    at.run()
    assert list(at.tabs[4].table[0].value["Run"]) == ["units=8, epochs=2"]
    at.button(key="clear_runs").click()
    at.run()
    assert not at.tabs[4].table and "Runs you train appear here" in at.tabs[4].info[0].value
    assert shown(at) is runs_before  # comparing never retrains
    at.button(key="readd_run").click()  # Train cannot bring back the run on screen: this button can
    at.run()
    assert list(at.tabs[4].table[0].value["Run"]) == ["units=8, epochs=2"]
    assert "readd_run" not in [b.key for b in at.button]
