import pytest

from lstm_core.config import LSTMConfig
from lstm_core.presets import parse_query, to_query


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
        ({"units": "lots", "epochs": "3"}, "units='lots' was not used (units = 'lots' is not a number; allowed: 1 to 256.); used 20 instead",
         {"epochs": 3, "units": 20}),
        ({"units": "999", "seed": "2"}, "units='999' was not used (units = 999 is out of range; allowed: 1 to 256.); used 20 instead",
         {"seed": 2, "units": 20}),
        ({"units": "256", "epochs": "100"}, "epochs='100' was not used (with the other values it breaks a cap: work cap",
         {"units": 256, "epochs": 5}),
    ],
    ids=["unknown", "text", "out-of-range", "over-the-cap"],
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


def test_a_parameter_given_twice_says_which_value_counts():
    p = parse_query({"units": ["8", "12"], "epochs": ["3", "3"]})
    assert p.config.units == 12 and p.config.epochs == 3
    assert p.warnings == ["URL parameter units was given 2 times ('8', '12'); only the last one, '12', counts."]
