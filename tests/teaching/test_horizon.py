"""The memory-horizon experiment's data, its checks of bad input, and its sentences for every outcome."""

import math

import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.horizon import Horizon, HorizonError, checked, lags_up_to, make_horizon
from lstm_core.pipeline.run import HorizonPoint, HorizonResult
from lstm_core.teaching.horizon import cell_line, longest_said, said


def test_the_label_is_the_first_steps_sign_and_the_rest_is_noise_of_the_given_level():
    data = make_horizon(Horizon(30, 0.8, 3))
    assert data.x.shape == (1000, 31, 1) and set(np.unique(data.y)) == {0.0, 1.0}
    np.testing.assert_array_equal(data.x[:, 0, 0], 2 * data.y - 1)
    assert np.std(data.x[:, 1:]) == pytest.approx(0.8, rel=0.02) and abs(np.mean(data.x[:, 1:])) < 0.01
    np.testing.assert_array_equal(make_horizon(Horizon(30, 0.8, 3)).x, data.x)  # the seed fixes it


@pytest.mark.parametrize("lag,noise,message", [
    (0, 0.5, "Longest lag = 0 is out of range; allowed: a whole number from 1 to 100."),
    (101, 0.5, "Longest lag = 101 is out of range"), (2.5, 0.5, "Longest lag = 2.5 is out of range"),
    (10, -0.1, "Noise level = -0.1 is out of range; allowed: 0 to 2."), (10, 2.5, "Noise level = 2.5 is out of range"),
    (None, 0.5, "Longest lag is empty; enter a whole number from 1 to 100."), ("abc", 0.5, "Longest lag = 'abc' is not a number"),
    (10, float("nan"), "Noise level = nan is out of range"), (float("inf"), 0.5, "Longest lag = inf is out of range"),
])
def test_a_lag_or_noise_out_of_range_is_named_with_what_is_allowed(lag, noise, message):
    with pytest.raises(HorizonError) as err:
        checked(lag, noise)
    assert str(err.value).startswith(message)


def test_the_lags_are_an_eighth_a_quarter_a_half_and_all():
    assert lags_up_to(50) == (6, 12, 25, 50) and lags_up_to(3) == (1, 3) and lags_up_to(1) == (1,)
    assert checked("20", "0.5") == (20, 0.5)


def result(**accuracies):
    """accuracies[cell] = [(lag, accuracy, first_share), ...] on 200 held-out sequences."""
    points = tuple(HorizonPoint(cell, lag, acc, 200, g, 1.0) for cell, rows in accuracies.items() for lag, acc, g in rows)
    return HorizonResult(LSTMConfig(epochs=10, learning_rate=0.01), Horizon(50, 0.5, 0), points)


PLANNING = result(lstm=[(5, 1.0, 3.4), (20, 1.0, 0.041), (50, 0.53, 0.01)],
                  gru=[(5, 1.0, 7.4), (20, 1.0, 0.035), (50, 0.565, 4.7e-07)],
                  rnn=[(5, 1.0, 2.7), (20, 1.0, 7.5e-08), (50, 1.0, 5.0)])


def test_each_cell_gets_the_lags_it_solves_and_those_it_does_not():
    assert cell_line(PLANNING.points, "lstm", 0.5) == ("**LSTM**: clearly above chance at lags 5 and 20; not above chance "
                                                       "at lag 50 (0.53).")
    assert cell_line(PLANNING.points, "rnn", 0.5) == "**SimpleRNN**: clearly above chance at lags 5, 20 and 50."


def test_the_winner_at_the_longest_lag_is_whoever_wins_and_a_close_call_is_said():
    text = longest_said(PLANNING.points, 0.5)
    assert text.startswith("At lag 50 the SimpleRNN does best: 1.00 against the LSTM's 0.53 (0.470 apart, more than the noise")
    assert "The GRU is at chance and its gradient at timestep 1 has faded" in text
    assert "The LSTM is at chance although its gradient still reaches timestep 1" in text  # 0.01: not faded
    assert "SimpleRNN is at chance" not in text
    close = result(lstm=[(50, 0.99, 1.0)], gru=[(50, 0.55, 1e-4)], rnn=[(50, 1.0, 1e-6)])
    assert longest_said(close.points, 0.5).startswith("At lag 50 the SimpleRNN is highest, not clearly ahead of every cell")
    none = result(lstm=[(50, 0.52, 1e-5)], gru=[(50, 0.51, 1e-9)], rnn=[(50, 0.53, 0.2)])
    assert longest_said(none.points, 0.5).startswith("At lag 50 every cell is at chance (the best, the SimpleRNN, reached 0.53).")
    diverged = result(lstm=[(50, 0.5, math.nan)], rnn=[(50, 1.0, 1.0)])
    assert "the LSTM's training diverged" in longest_said(diverged.points, 0.5)


def test_the_experiment_reads_as_its_settings_say():
    lines = said(PLANNING, 0.5)
    assert lines[0].startswith("The label is the sign of the first step; 50 steps of noise (standard deviation 0.5)")
    assert "(20 units, 10 epochs, learning rate 0.01); chance is 0.50." in lines[0]
    assert len(lines) == 6 and lines[-1].startswith("Each of these can change the outcome")
