import pytest

from lstm_core.config import LSTMConfig
from lstm_core.serving.presets import parse_query, to_query


def test_a_good_preset():
    p = parse_query({"units": "32", "epochs": "10", "timesteps": "20", "seed": "3"})
    assert (p.config.units, p.config.epochs, p.config.timesteps, p.config.seed) == (32, 10, 20, 3)
    assert p.warnings == [] and not p.lock and p.given == ("units", "epochs", "timesteps", "seed")


def test_lock_and_list_values():
    assert parse_query({"lock": ["1"]}).lock
    assert not parse_query({"lock": "0"}).lock
    p = parse_query({"lock": "maybe"})
    assert not p.lock and "lock='maybe'" in p.warnings[0]


@pytest.mark.parametrize(
    "params,needle,used",
    [
        ({"colour": "red", "units": "8"}, "Unknown URL parameter 'colour' was ignored", {"units": 8}),
        ({"units": "lots", "epochs": "3"}, "units='lots' was not used (units = 'lots' is not a number; allowed: 1 to 256); used 20 instead",
         {"epochs": 3, "units": 20}),
        ({"units": "999", "seed": "2"}, "units='999' was not used (units = 999 is out of range; allowed: 1 to 256); used 20 instead",
         {"seed": 2, "units": 20}),
        ({"units": "256", "epochs": "100"}, "URL parameters units=256, epochs=100 together break a cap: too slow to train here (work cap)",
         {"units": 256, "epochs": 5}),
        ({"cell": "lstmm", "units": "8"}, "cell='lstmm' was not used (cell = 'lstmm' is not a cell here; allowed: one of lstm, "
         "gru, rnn); used lstm instead", {"cell": "lstm", "units": 8}),
    ],
    ids=["unknown", "text", "out-of-range", "over-the-cap", "not-a-cell"],
)
def test_bad_parameters_warn_name_the_parameter_and_keep_the_rest(params, needle, used):
    p = parse_query(params)
    assert len(p.warnings) == 1 and needle in p.warnings[0], p.warnings
    for name, value in used.items():
        assert getattr(p.config, name) == value


def test_to_query_round_trips():
    c = LSTMConfig(units=32, epochs=10, learning_rate=0.01, seed=3)
    q = to_query(c)
    assert q == "units=32&epochs=10&learning_rate=0.01&seed=3"
    assert parse_query(dict(pair.split("=") for pair in q.split("&"))).config == c
    assert to_query(LSTMConfig()) == ""
    gru = LSTMConfig(cell="gru", units=32)
    assert to_query(gru) == "cell=gru&units=32" and parse_query({"cell": "GRU", "units": "32"}).config == gru


def test_a_parameter_given_twice_says_which_value_counts():
    p = parse_query({"units": ["8", "12"], "epochs": ["3", "3"]})
    assert p.config.units == 12 and p.config.epochs == 3
    assert p.warnings == ["URL parameter units was given 2 times ('8', '12'); only the last one, '12', counts."]


def test_the_caps_are_checked_on_the_whole_link_so_their_advice_works():
    """Checked one parameter at a time, batch_size=1 would be judged with the default 1000 sequences and
    5 epochs ('set sequences <= 761, or epochs <= 3' for a link asking for 400 sequences), and following
    that advice would meet the same refusal again."""
    asked = {"units": "256", "features": "32", "batch_size": "1", "sequences": "400", "epochs": "24"}
    p = parse_query(asked)
    assert len(p.warnings) == 1 and "about 76.4 s" in p.warnings[0] and "epochs <= 9, or batch_size >= 4" in p.warnings[0]
    assert p.warnings[0].endswith("Used epochs=5 instead.") and p.config.batch_size == 1 and p.config.sequences == 400
    for fix in ({"epochs": "9"}, {"batch_size": "4"}):  # each piece of advice, followed, is enough
        assert parse_query({**asked, **fix}).warnings == []
    same = parse_query(dict(reversed(list(asked.items()))))  # and the order of the link does not matter
    assert "about 76.4 s" in same.warnings[0]


def test_values_are_quoted_as_typed_and_long_ones_cut():
    backslash = parse_query({"units": "1\\2"}).warnings[0]
    assert "units='1\\2'" in backslash and "\\\\" not in backslash  # not repr's doubled backslash
    for params in ({"units": "9" * 500}, {"units": ["1", "9" * 500]}, {"x" * 500: "1"}):
        warning = " ".join(parse_query(params).warnings)
        assert "... (500 characters)" in warning and "9" * 40 not in warning and "x" * 40 not in warning


def test_to_query_keeps_every_digit_so_a_reload_finds_the_same_run():
    """:g would write 0.001234567 as 0.00123457, and a reload (or a shared link) would train a different config."""
    c = LSTMConfig(learning_rate=0.001234567)
    assert parse_query(dict(pair.split("=") for pair in to_query(c).split("&"))).config == c
    assert to_query(LSTMConfig(learning_rate=0.00001)) == "learning_rate=1e-05"


def test_a_cap_drops_only_sizes_and_names_every_cap_met():
    """'?epochs=100&units=256&seed=3' keeps its seed: given last, it costs nothing and is not dropped. And a
    link over the data cap that also breaks the work cap says so when it loses timesteps to it."""
    p = parse_query({"epochs": "100", "units": "256", "seed": "3"})
    assert p.config.seed == 3 and p.config.epochs == 100 and p.config.units == 20
    assert p.warnings[0].endswith("Used units=20 instead.")
    room = parse_query({"lock": "1", "units": "256", "timesteps": "200", "sequences": "20000"})
    warning = room.warnings[0]
    assert "20000 sequences x 200 timesteps" in warning and "set sequences <= 430, or timesteps <= 3" in warning
    assert "Without sequences, the setup still broke the work cap. Used sequences=1000, timesteps=10 instead." in warning
    for fix in ({"sequences": "430"}, {"timesteps": "3"}):  # the advice given, followed, is enough
        assert parse_query({"units": "256", "timesteps": "200", "sequences": "20000", **fix}).warnings == []
    many = parse_query({"epochs": "100", "units": "256", "batch_size": "1", "timesteps": "200", "sequences": "20000"})
    assert many.warnings[0].count("still broke the work cap") == 1  # named once, however many drops it took


def test_the_cap_already_named_is_not_named_again_after_a_drop():
    from lstm_core.serving.presets import parse_query

    p = parse_query({"units": "256", "epochs": "100", "batch_size": "1"})  # work cap, still after batch_size goes
    assert p.warnings[0].count("work cap") == 1 and "still broke" not in p.warnings[0]
    assert "Used batch_size=" in p.warnings[0] and "epochs=" in p.warnings[0].split("Used ")[-1]


def test_mode_opens_the_guided_path_and_anything_else_is_named():
    from lstm_core.serving.presets import parse_query

    assert parse_query({"mode": "guided", "units": "8"}).guided and not parse_query({"mode": "guided"}).warnings
    assert not parse_query({"mode": "Explore"}).guided and not parse_query({"mode": "Explore"}).warnings
    bad = parse_query({"mode": "tour"})
    assert not bad.guided and bad.warnings == ["URL parameter mode='tour' is not guided or explore; the page opens in Explore."]
    assert parse_query({"mode": "guided", "step": "4"}).step == 4
    far = parse_query({"mode": "guided", "step": "9"})
    assert far.step == 1 and far.warnings == ["URL parameter step='9' is not a step from 1 to 7; the guided path starts at step 1."]
