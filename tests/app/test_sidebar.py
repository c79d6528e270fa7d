"""The sidebar: the hyperparameter form (only Train retrains), links that preset and lock it, share and export."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from lstm_core.formats import literal
from tests.app.conftest import new_app, pipeline, preset_app, show, shown, texts, train_with


def test_moving_a_slider_without_train_does_not_retrain():
    at = new_app()
    before = shown(at)
    at.sidebar.slider(key="units").set_value(40)
    at.run()
    assert shown(at) is before
    page = pipeline(at)
    assert "1000 sequences x 20 units" in page and "1000 sequences x 40 units" not in page


def test_invalid_advanced_value_shows_the_error_and_keeps_the_old_results():
    at = new_app()
    before = shown(at)
    train_with(at, units=256, epochs=100, sequences=20000)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "work cap" in errors[0] and "30 s" in errors[0]
    assert shown(at) is before
    assert "1000 sequences x 20 units" in pipeline(at)
    train_with(at, units=8, epochs=2, timesteps=10, sequences=1000)  # and the app keeps working
    assert not at.error and "1000 sequences x 8 units" in pipeline(at)


OUT_OF_RANGE = [
    ("learning_rate", 5.0, "Learning rate = 5.0 is out of range; allowed: 1e-05 to 1."),
    ("sequences", 50000, "Sequences = 50000 is out of range; allowed: 10 to 20000."),
    ("batch_size", 0, "Batch size = 0 is out of range; allowed: 1 to 1024."),
]


def test_an_out_of_range_advanced_number_is_named_not_silently_dropped():
    """The number boxes have no min or max (the browser would refuse such an entry without a word, and
    Train would train the old values): the config check names the value and its range. One session
    tries each in turn, putting the box back before the next."""
    at = new_app()
    before = shown(at)
    for field, value, message in OUT_OF_RANGE:
        kept = at.sidebar.number_input(key=field).value
        train_with(at, **{field: value})
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and literal(message) in errors[0], errors  # shown as typed
        assert shown(at) is before
        at.sidebar.number_input(key=field).set_value(kept).run()


def test_a_preset_url_prefills_the_form_and_trains_it():
    at = preset_app(units="8", epochs="3", timesteps="6", seed="3")
    assert "1000 sequences x 6 timesteps x 5 features" in pipeline(at) and "1000 sequences x 8 units" in texts(at)
    assert at.sidebar.slider(key="units").value == 8 and at.sidebar.number_input(key="seed").value == 3
    assert not at.warning
    assert list(show(at, "Training").table[0].value["Epoch"]) == [1, 2, 3]
    assert not at.sidebar.code  # the share expander is lazy
    at.session_state["share"] = True
    link, room = (urlsplit(c.value) for c in at.run().sidebar.code)
    assert link.query == "units=8&epochs=3&timesteps=6&seed=3"  # the size and training first, as config.SETTABLE
    assert parse_qsl(room.query) == [*parse_qsl(link.query), ("lock", "1")]


def test_the_default_setup_shares_a_valid_lock_link():
    at = new_app()
    at.session_state["share"] = True
    assert at.run().sidebar.code[1].value.endswith("?lock=1")  # not "&lock=1" on a bare address


def test_the_link_warnings_go_once_the_learner_trains():
    at = preset_app(units="eight", epochs="2", colour="red")
    assert len(at.warning) == 2
    train_with(at, units=6, epochs=2)
    assert not at.warning and shown(at).config.units == 6


@pytest.mark.parametrize(
    "params,needle,expect",
    [
        ({"units": "8", "colour": "red"}, "Unknown URL parameter 'colour' was ignored", {"units": 8}),
        ({"units": "eight", "epochs": "2"}, "URL parameter units='eight' was not used", {"units": 20, "epochs": 2}),
        ({"units": "0", "epochs": "2"}, "URL parameter units='0' was not used (units = 0 is out of range; allowed: 1 to 256)",
         {"units": 20, "epochs": 2}),
        ({"units": "4", "epochs": "2", "timesteps": "100", "sequences": "20000"},
         "URL parameters units=4, epochs=2, timesteps=100, sequences=20000 together break a cap: too much data to train here (data cap)",
         {"units": 4, "timesteps": 100, "sequences": 1000}),
    ],
    ids=["unknown", "text", "out-of-range", "over-the-cap"],
)
def test_a_bad_preset_parameter_warns_and_the_rest_applies(params, needle, expect):
    at = preset_app(**params)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and literal(needle) in warnings[0], warnings  # the URL's text shown as typed
    assert "instead" in warnings[0] or "Unknown" in warnings[0]
    run = shown(at)
    assert {k: getattr(run.config, k) for k in expect} == expect
    assert "Layer 1" in "".join(m.value for m in show(at, "Prediction trace").tabs[2].markdown)  # still working


def test_lock_disables_the_controls():
    at = preset_app(units="4", epochs="2", lock="1")
    assert at.sidebar.slider(key="units").disabled and at.button(key="train").disabled
    assert at.sidebar.radio(key="source").disabled  # the room trains on the lesson's data too
    assert all(at.sidebar.number_input(key=name).disabled for name in ("sequences", "batch_size", "learning_rate", "seed"))
    assert any("locked by the link" in c.value for c in at.sidebar.caption)
    assert "1000 sequences x 4 units" in pipeline(at)


def test_the_address_keeps_the_setup_so_a_reload_brings_it_back():
    """A reload starts a new session: the address bar brings the learner's run back, not the default."""
    at = new_app()
    train_with(at, units=8, epochs=2)
    assert dict(at.query_params) == {"units": "8", "epochs": "2"}
    reloaded = preset_app(**dict(at.query_params))
    assert shown(reloaded).config == shown(at).config and not reloaded.warning
    train_with(at, units=20, epochs=5)  # back to the defaults: a plain address
    assert dict(at.query_params) == {}


def test_a_link_that_falls_back_shows_what_was_used_so_a_reload_does_not_warn_again():
    at = preset_app(units="eight", epochs="2", colour="red", lock="1")
    assert len(at.warning) == 2 and dict(at.query_params) == {"epochs": "2", "lock": "1"}  # the room's lock stays
    reloaded = preset_app(**dict(at.query_params))
    assert not reloaded.warning and reloaded.session_state["preset"].lock
    assert shown(reloaded).config == shown(at).config
    clean = preset_app(units="8", epochs="2", lock="1")
    assert dict(clean.query_params) == {"units": "8", "epochs": "2", "lock": "1"}  # a good link is left as it is
    spelled = preset_app(units="20", epochs="2")  # a default spelled out: still left as it is
    assert not spelled.warning and dict(spelled.query_params) == {"units": "20", "epochs": "2"}
    assert dict(preset_app(units="eight", epochs="2").query_params) == {"epochs": "2"}  # no lock it did not have


def test_exports_are_offered_for_the_run():
    at = new_app()
    assert not at.get("download_button")  # a closed expander is lazy, like the tabs
    at.session_state["export"] = True
    at.run()
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["History (CSV)", "Whole run (JSON)", "Trained model (.keras)", "Python script to reproduce it"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)  # each file is made only on click
    # and a click does not rerun the app: a rerun renews every deferred id, so a quick second click would fail
    assert all(b.proto.ignore_rerun for b in buttons)
