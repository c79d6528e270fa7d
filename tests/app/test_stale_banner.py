"""Moving a control trains nothing until Train, and the page says so: a quiet banner above the tabs that the
results are for the previous settings, gone once the controls match the run on screen again or Train has
trained them. (The controls are not an st.form: a form's values reach the server only when it is submitted.)"""

from tests.app.conftest import new_app, settle, shown

STALE = "These results are for the previous settings"


def banners(at) -> list[str]:
    return [i.value for i in at.main.info if i.value.startswith(STALE)]


def test_a_moved_slider_says_the_results_are_old_until_it_moves_back():
    at = new_app()
    before = shown(at)
    assert banners(at) == []
    at.sidebar.slider(key="units").set_value(40).run()
    assert banners(at) == [f"{STALE} (Units 20 → 40). Press **Train** to apply the new ones."]
    assert shown(at) is before and trainer_idle(at)  # nothing trains
    at.sidebar.number_input(key="learning_rate").set_value(0.01).run()
    assert banners(at) == [f"{STALE} (Units 20 → 40, Learning rate 0.005 → 0.01). Press **Train** to apply the new ones."]
    at.sidebar.slider(key="units").set_value(20).run()
    at.sidebar.number_input(key="learning_rate").set_value(0.005).run()
    assert banners(at) == [] and shown(at) is before
    at.sidebar.radio(key="cell").set_value("gru").run()
    assert banners(at) == [f"{STALE} (Cell LSTM → GRU). Press **Train** to apply the new ones."]  # as the radio names them


def test_train_applies_the_new_settings_and_the_banner_goes():
    at = new_app()
    at.sidebar.slider(key="epochs").set_value(2).run()
    assert banners(at) == [f"{STALE} (Epochs 5 → 2). Press **Train** to apply the new ones."]
    at.button(key="train").click().run()
    settle(at)
    assert shown(at).config.epochs == 2 and banners(at) == [] and not at.error
    at.run()
    assert banners(at) == []


def test_with_a_file_chosen_sequences_and_features_are_the_files_so_they_do_not_count():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Example: CO2").run()
    at.sidebar.number_input(key="sequences").set_value(500).run()
    assert banners(at) == []  # the file sets them; the data note says Train uses the file
    assert any(i.value.startswith("The results below are from the synthetic lesson data") for i in at.main.info)
    at.sidebar.slider(key="timesteps").set_value(12).run()
    assert banners(at) == [f"{STALE} (Timesteps 10 → 12). Press **Train** to apply the new ones."]


def trainer_idle(at) -> bool:
    from tests.app.conftest import trainer

    return trainer(at).pending is None
