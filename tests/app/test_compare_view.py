"""The Compare tab: every finished run of the session side by side; removing and clearing never retrain."""

import json
from dataclasses import replace

from lstm_core.pipeline.noise import gap_noise
from tests.app.conftest import new_app, show, shown, train_with


def test_two_trainings_make_two_runs_in_compare_and_remove_clear_work():
    at = new_app()
    train_with(at, units=8, epochs=2)
    show(at, "Compare")
    table = at.tabs[5].table[0].value
    assert list(table["Run"]) == ["default", "units=8, epochs=2"]
    spec = json.loads(at.tabs[5].get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["color"]["field"] == "run"
    runs_before = shown(at)
    at.selectbox(key="remove_which").set_value("default")
    at.button(key="remove_run").click()
    at.run()
    assert list(at.tabs[5].table[0].value["Run"]) == ["units=8, epochs=2"]
    at.button(key="clear_runs").click()
    at.run()
    assert not at.tabs[5].table and "Runs you train appear here" in at.tabs[5].info[0].value
    assert shown(at) is runs_before  # comparing never retrains
    at.button(key="readd_run").click()  # Train cannot bring back the run on screen: this button can
    at.run()
    assert list(at.tabs[5].table[0].value["Run"]) == ["units=8, epochs=2"]
    assert "readd_run" not in [b.key for b in at.button]


def test_compare_concludes_against_the_noise_shows_what_differs_and_colours_runs_apart():
    at = new_app()
    show(at, "Compare")
    assert [i.value for i in at.tabs[5].info] == ["Train another setup — e.g. units=8 or epochs=10 — to compare."]
    default = shown(at)
    train_with(at, units=8, epochs=2)
    small = shown(at)
    store = at.session_state["runs"]
    n = default.config.val_sequences
    # Real runs with their last validation accuracy set, so the verdict is known: a clear win ...
    store.add(replace(small, history=small.history.assign(val_accuracy=0.70)))
    store.add(replace(default, history=default.history.assign(val_accuracy=0.95)))
    at.run()
    tab = at.tabs[5]
    said = tab.markdown[0].value.replace("\\", "")  # the page escapes Markdown (a label can name a file)
    noise = gap_noise(0.95, 0.70, n)
    assert said.startswith("**The default beat units=8, epochs=2 by 0.250 on validation accuracy") and not tab.info
    assert f"±{noise:.3f}" in said and f"same {n} held" in said
    table = tab.table[0].value
    assert list(table.columns) == ["Run", "Units", "Epochs", "Parameters", "Final loss", "Final accuracy",
                                   "Final val accuracy", "Training time (s)"]  # Timesteps, Seed ... are the same
    assert "The same in every run: Cell LSTM, Timesteps 10" in tab.caption[-1].value
    loss, accuracy = (json.loads(c.proto.spec) for c in tab.get("vega_lite_chart"))
    colours = loss["encoding"]["color"]["scale"]["range"]
    assert len(set(colours)) == 2 and colours == accuracy["encoding"]["color"]["scale"]["range"]
    # ... and a gap within the noise of 200 held-out sequences
    store.add(replace(small, history=small.history.assign(val_accuracy=0.93)))
    at.run()
    said = at.tabs[5].markdown[0].value.replace("\\", "")
    assert said.startswith("**Too close to call: the default (0.950) and units=8, epochs=2 (0.930) are 0.020 apart")
    assert "beat" not in said
