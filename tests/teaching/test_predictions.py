"""Predict, then reveal: the learner's answers checked as typed, and set against the run's numbers."""

import math

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.pipeline.noise import yardstick_of
from lstm_core.teaching.predictions import (
    DIVERGED_PREDICTION,
    DOWN,
    SAME,
    UP,
    Prediction,
    accuracy_direction,
    accuracy_feedback,
    calibration,
    parse_accuracy,
    parse_count,
    parse_direction,
    predict,
    reveal,
    said,
    score_direction,
    skip,
)
from lstm_core.tracing.force import force_gate, summary
from lstm_core.tracing.probe import movement

ACCURACY_HOW = "type a number from 0 to 1, such as 0.8, or a percentage, such as 80%."
COUNT_HOW = "type a whole number of 0 or more, such as 560 (commas between thousands are fine: 12,345)."


@pytest.mark.parametrize("typed,value", [("0.8", 0.8), (" 80% ", 0.8), ("80 %", 0.8), ("0,8", 0.8), ("1", 1.0),
                                         ("0", 0.0), (0.75, 0.75), ("100%", 1.0), (".9", 0.9)])
def test_an_accuracy_is_a_number_from_0_to_1_or_a_percentage(typed, value):
    assert parse_accuracy(typed) == pytest.approx(value)


@pytest.mark.parametrize("typed,message", [
    ("", "Nothing typed yet: " + ACCURACY_HOW),
    ("   ", "Nothing typed yet: " + ACCURACY_HOW),
    ("high", "'high' is not a number: " + ACCURACY_HOW),
    ("nan", "'nan' is not a number: " + ACCURACY_HOW),
    (float("nan"), "'nan' is not a number: " + ACCURACY_HOW),
    ("inf", "'inf' is not a number: " + ACCURACY_HOW),
    ("80", "'80' is more than 1: " + ACCURACY_HOW),
    ("-0.2", "'-0.2' is outside 0 to 1: " + ACCURACY_HOW),
    ("150", "'150' is outside 0 to 1: " + ACCURACY_HOW),
    ("120%", "'120%' is outside 0% to 100%: " + ACCURACY_HOW),
    (True, "'True' is not a number: " + ACCURACY_HOW),
])
def test_a_bad_accuracy_gets_one_message_saying_what_to_type(typed, message):
    with pytest.raises(ValueError) as caught:
        parse_accuracy(typed)
    assert str(caught.value) == message


@pytest.mark.parametrize("typed,value", [("560", 560), ("2,080", 2080), ("1,000,000", 1_000_000), ("560.0", 560),
                                         (12, 12), ("0", 0), (" 84 ", 84)])
def test_a_count_is_a_whole_number(typed, value):
    assert parse_count(typed) == value and isinstance(parse_count(typed), int)


@pytest.mark.parametrize("typed,message", [
    ("", "Nothing typed yet: " + COUNT_HOW),
    ("many", "'many' is not a number: " + COUNT_HOW),
    ("12.5", "'12.5' is not a whole number: " + COUNT_HOW),
    ("-3", "'-3' is below 0: " + COUNT_HOW),
    ("1,5", "'1,5' is not a number: " + COUNT_HOW),
    ("nan", "'nan' is not a number: " + COUNT_HOW),
    ("a very long answer that goes on", "'a very long answer t'... (31 characters) is not a number: " + COUNT_HOW),
])
def test_a_bad_count_gets_one_message_saying_what_to_type(typed, message):
    with pytest.raises(ValueError) as caught:
        parse_count(typed)
    assert str(caught.value) == message


def test_a_direction_is_one_of_three_answers():
    assert parse_direction("Go Up") == UP and parse_direction(" stay  about the SAME ") == SAME
    assert parse_direction("go down") == DOWN
    with pytest.raises(ValueError) as caught:
        parse_direction("sideways")
    assert str(caught.value) == "'sideways' is not one of the answers: choose go up, go down or stay about the same."
    with pytest.raises(ValueError, match="^Nothing typed yet: choose go up"):
        parse_direction("")


def test_a_prediction_records_the_guess_the_truth_and_the_gap():
    p = predict("Final validation accuracy?", "accuracy", "80%")
    assert p.guess == 0.8 and not p.revealed and p.gap is None and not p.skipped
    shown = reveal(p, 0.935)
    assert shown.gap == pytest.approx(-0.135) and shown.right is None
    assert said(shown) == "You predicted 0.800; it is 0.935: 0.135 too low."
    count = reveal(predict("LSTM parameters?", "count", "2,000"), LSTMConfig().recurrent_parameters)
    assert count.gap == -80 and said(count) == "You predicted 2,000; it is 2,080: 80 too low."
    assert said(reveal(predict("LSTM parameters?", "count", "2080"), 2080)).endswith(": spot on.")
    direction = reveal(predict("Forget gate = 0?", "direction", "go down"), SAME)
    assert direction.right is False and direction.gap is None
    assert said(direction) == "You predicted it would go down; it stayed about the same: not this time."
    skipped = reveal(skip("Final validation accuracy?", "accuracy"), 0.9)
    assert skipped.skipped and skipped.gap is None and said(skipped) == "You skipped this one; the answer is 0.900."
    with pytest.raises(ValueError, match="must be one of go up, go down, stay about the same"):
        reveal(direction, "up")
    with pytest.raises(ValueError, match="the true accuracy must be a number"):
        reveal(p, float("nan"))
    with pytest.raises(ValueError, match="unknown kind 'colour'"):
        Prediction("?", "colour", "red")


def test_the_parameter_count_is_the_one_keras_counts(small_run, default_run):
    for run in (small_run, default_run):
        assert run.config.recurrent_parameters == run.params["recurrent"]
    assert LSTMConfig().recurrent_parameters == 4 * 20 * (5 + 20 + 1) == 2080


def test_a_score_moving_less_than_the_captions_barely_moved_is_about_the_same():
    assert score_direction(0.50, 0.54) == SAME and score_direction(0.54, 0.50) == SAME
    assert score_direction(0.50, 0.60) == UP and score_direction(0.90, 0.20) == DOWN
    with pytest.raises(ValueError) as caught:
        score_direction(0.5, math.nan)
    assert str(caught.value) == DIVERGED_PREDICTION


def test_the_decision_agrees_with_what_the_page_says_of_a_real_forced_gate(small_run, default_run):
    for run in (small_run, default_run):
        for label in ("forget gate = 0 (forget everything at every step)", "input gate = 0 (write nothing)",
                      "output gate = 1 (expose the whole cell)"):
            s = summary(force_gate(run, 0, label))
            outcome = score_direction(s.score_before, s.score_after)
            assert (outcome == SAME) == (movement(s.score_after - s.score_before) == "barely moved")
            assert outcome == SAME or (outcome == UP) == (s.score_after > s.score_before)


def test_an_accuracy_change_within_its_noise_is_about_the_same():
    assert accuracy_direction(0.80, 0.85, 200) == SAME  # 2 standard errors of the gap: about 0.08
    assert accuracy_direction(0.70, 0.90, 200) == UP and accuracy_direction(0.90, 0.70, 200) == DOWN
    assert accuracy_direction(0.80, 0.85, 20_000) == UP  # the same gap, measured on far more sequences


def test_the_final_accuracy_reveal_gives_the_gap_and_its_noise(default_run):
    actual, n = default_run.history["val_accuracy"].iloc[-1], yardstick_of(default_run).n_val
    close = accuracy_feedback(round(actual, 2), default_run)
    assert close.startswith(f"You predicted {round(actual, 2):.3f}; the final validation accuracy is {actual:.3f}, "
                            f"on {n} held-out sequences: your guess was ")
    assert "within the validation set's noise" in close and f"as close as {n} held-out sequences can measure" in close
    far = accuracy_feedback(0.5, default_run)
    assert f"your guess was {actual - 0.5:.3f} too low" in far and "more than the validation set's noise" in far
    assert accuracy_feedback(float(actual), default_run).count("spot on") == 1


def test_a_diverged_run_has_nothing_to_reveal(diverged_run):
    assert accuracy_feedback(0.5, diverged_run) == DIVERGED_PREDICTION


def test_calibration_over_many_predictions():
    made = [
        reveal(predict("a", "accuracy", "0.9"), 0.8),
        reveal(predict("b", "accuracy", "0.7"), 0.8),
        reveal(predict("c", "accuracy", "95%"), 0.8),
        reveal(predict("d", "count", "500"), 400),
        reveal(predict("e", "direction", "go up"), UP),
        reveal(predict("f", "direction", "go up"), DOWN),
        reveal(skip("g", "accuracy"), 0.5),
        predict("h", "accuracy", "0.5"),  # not revealed yet: not counted
    ]
    c = calibration(made)
    assert (c.answered, c.skipped, c.accuracies, c.counts, c.right, c.directions) == (6, 1, 3, 1, 1, 2)
    assert c.accuracy_off == pytest.approx((0.1 + 0.1 + 0.15) / 3) and c.accuracy_bias == pytest.approx(0.05)
    assert c.count_off == pytest.approx(0.25)
    assert c.said() == ("You answered 6 of 7 predictions and skipped 1. Accuracies: 3 guesses, off by 0.117 on "
                        "average, on balance 0.050 too high. Counts: 1 guess, off by 25% on average. Directions: 1 of "
                        "2 right.")
    empty = calibration([])
    assert empty.accuracy_off is None and empty.said() == "You answered 0 of 0 predictions."


def test_the_parameter_prediction_names_the_cell_and_is_kept_apart_per_cell():
    from lstm_core.teaching.predictions import params_question

    lstm, gru, rnn = (params_question(LSTMConfig(units=6, features=5, cell=cell)) for cell in ("lstm", "gru", "rnn"))
    assert lstm.key == "params|6|5" and lstm.label == "How many LSTM parameters? (the weights the LSTM layer learns)"
    assert lstm.question == "LSTM parameters for 6 units reading 5 features:" and "4 blocks" in lstm.hint
    assert gru.question == "GRU parameters for 6 units reading 5 features:" and "two biases" in gru.hint
    assert rnn.label == "How many SimpleRNN parameters? (the weights the SimpleRNN layer learns)" and "no gates" in rnn.hint
    assert len({lstm.key, gru.key, rnn.key}) == 3  # a guess for one cell is never revealed against another's count
