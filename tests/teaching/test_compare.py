"""Compare's verdict: the best run's final validation accuracy against the others, judged against the noise."""

import math

from lstm_core.config import LSTMConfig
from lstm_core.pipeline.noise import gap_noise
from lstm_core.teaching.compare import Outcome, suggestion, verdict

SAME = "same-200"


def test_a_clear_win_names_the_winner_the_gap_and_the_noise():
    noise = gap_noise(0.9, 0.7, 200)
    said = verdict([Outcome("default", 0.7, 200, SAME), Outcome("units=32", 0.9, 200, SAME)])
    assert said == (f"units=32 beat the default by 0.200 on validation accuracy (0.900 against 0.700): more than "
                    f"the noise of ±{noise:.3f} on the same 200 held-out sequences.")
    assert 0.2 > noise  # the sentence's claim holds


def test_a_gap_within_the_noise_is_too_close_to_call():
    noise = gap_noise(0.82, 0.80, 200)
    said = verdict([Outcome("default", 0.80, 200, SAME), Outcome("units=8", 0.82, 200, SAME)])
    assert 0.02 < noise
    assert said == (f"Too close to call: units=8 (0.820) and the default (0.800) are 0.020 apart in "
                    f"validation accuracy, within the noise of ±{noise:.3f} on the same 200 held-out sequences.")
    assert "beat" not in said


def test_the_same_gap_is_clear_on_many_sequences_and_not_on_few():
    few = verdict([Outcome("a", 0.80, 50, SAME), Outcome("b", 0.70, 50, SAME)])
    many = verdict([Outcome("a", 0.80, 5000, SAME), Outcome("b", 0.70, 5000, SAME)])
    assert few.startswith("Too close to call") and many.startswith("a beat b by 0.100")


def test_three_runs_name_the_next_best_and_who_is_clearly_beaten():
    clear = verdict([Outcome("a", 0.95, 1000, SAME), Outcome("b", 0.70, 1000, SAME), Outcome("c", 0.60, 1000, SAME)])
    assert clear.startswith("a beat the others, 0.250 ahead of the next best, b, on validation accuracy (0.950 against 0.700)")
    tie = verdict([Outcome("a", 0.80, 200, SAME), Outcome("b", 0.79, 200, SAME), Outcome("c", 0.50, 200, SAME)])
    assert tie.startswith("Too close to call: a (0.800) and b (0.790) are 0.010 apart in validation accuracy")
    three = verdict([Outcome("a", 0.80, 200, SAME), Outcome("b", 0.79, 200, SAME), Outcome("c", 0.78, 200, SAME)])
    assert three.startswith("Too close to call: a (0.800), b (0.790) and c (0.780) are 0.020 apart at most")
    assert "beat" not in three
    assert tie.endswith("Both beat c by more than noise.")


def test_different_held_out_sets_are_said_and_judged_as_two_samples():
    said = verdict([Outcome("sequences=500", 0.90, 100, "x"), Outcome("default", 0.70, 200, "y")])
    assert "on different held-out sets (100 and 200 sequences), so not like for like" in said
    assert f"±{gap_noise(0.9, 0.7, 100, 200):.3f}" in said
    seeds = verdict([Outcome("seed=1", 0.90, 200, "x"), Outcome("default", 0.70, 200, "y")])
    assert "on different held-out sets (200 sequences each), so not like for like" in seeds


def test_a_diverged_run_is_left_out_and_said():
    said = verdict([Outcome("lr=0.5", math.nan, 200, SAME), Outcome("a", 0.9, 200, SAME), Outcome("b", 0.6, 200, SAME)])
    assert said.startswith("a beat b by 0.300") and said.endswith(" lr=0.5 diverged: no accuracy to compare.")
    assert verdict([Outcome("lr=0.5", math.nan, 200, SAME), Outcome("a", 0.9, 200, SAME)]) == \
        "Nothing to compare: lr=0.5 diverged: no accuracy to compare."


def test_fewer_than_two_runs_have_no_verdict_and_one_run_gets_a_suggestion():
    assert verdict([]) == verdict([Outcome("a", 0.9, 200, SAME)]) == ""
    assert suggestion(LSTMConfig()) == "Train another setup — e.g. units=8 or epochs=10 — to compare."
    assert suggestion(LSTMConfig(units=8, epochs=10)) == "Train another setup — e.g. units=32 or epochs=5 — to compare."
