"""The Pipeline tab: the shapes through the layers follow the run on screen."""

from app import resources
from tests.app.conftest import new_app, pipeline, show, shown, texts, train_with, trainer


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
