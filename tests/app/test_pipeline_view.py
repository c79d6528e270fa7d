"""The Pipeline tab: the shapes through the layers follow the run on screen."""

from app import resources
from tests.app.conftest import new_app, pipeline, show, shown, texts, train_with, trainer
from tests.app.test_start_here import chart_rows


def test_units_32_and_train_changes_the_shapes_and_the_table():
    at = new_app()
    train_with(at, units=32, epochs=3)
    assert not at.exception
    assert list(at.table[0].value["Epoch"]) == [1, 2, 3]
    assert "1000 sequences x 32 units" in pipeline(at)
    assert shown(at).config.units == 32


def test_a_tab_shows_the_previous_run_while_a_new_one_trains_and_going_back_gives_it_up():
    at = show(new_app(), "Pipeline")
    before = shown(at)
    at.sidebar.slider(key="epochs").set_value(50)  # long enough to be still training after this run
    at.button(key="train").click()
    at.run()
    pending = trainer(at).pending
    assert pending is not None and shown(at) is before
    assert at.main.info[0].value.startswith(("Queued", "Starting", "Training 20 units"))  # the line above the tabs
    assert at.tabs[0].caption[0].value == "Showing the previous run while the new one trains."
    assert "1000 sequences x 20 units" in texts(at)
    assert resources.job_board("lstm").watchers(pending) == 1
    at.sidebar.slider(key="epochs").set_value(5)  # Train on the run on screen: the new training is given up
    at.button(key="train").click()
    at.run()
    assert trainer(at).pending is None and shown(at) is before
    assert resources.job_board("lstm").watchers(pending) == 0
    assert not at.tabs[0].caption[0].value.startswith("Showing the previous run")


def test_the_stage_cards_draw_as_many_sequences_as_they_say():
    import json

    from lstm_core.teaching.text import INPUT_STAGE_NOTE

    at = show(new_app(), "Pipeline")
    tab, run = at.tabs[0], shown(at)
    said = " ".join(c.value for c in tab.caption)
    assert "The first 3 training sequences (in training order), every timestep" in said
    assert INPUT_STAGE_NOTE in texts(at) and "→ **1000 sequences x 10 timesteps" not in texts(at)  # not mapped to itself
    input_chart, hidden_chart = tab.get("vega_lite_chart")[:2]
    input_spec = json.loads(input_chart.proto.spec)
    for chart in (input_chart, hidden_chart):
        assert sorted({r["sample"] for r in chart_rows(chart)}) == ["sample 0", "sample 1", "sample 2"]
    drawn = [r["value"] for r in chart_rows(input_chart) if r["sample"] == "sample 2" and r["feature"] == "feature 1"]
    assert abs(sum(drawn) - float(run.dataset.x[2, :, 0].sum())) < 1e-4
    low, high = input_spec["spec"]["encoding"]["y"]["scale"]["domain"]
    assert low <= run.dataset.x[:3].min() and high >= run.dataset.x[:3].max()
    scores = [m.value for m in tab.markdown if m.value.startswith("sample ")]
    assert len(scores) == 1 and scores[0].count("sample ") == 3 and "(true label" in scores[0]
