"""The cell comparison's sentences follow its numbers, whichever cell wins, and say so when none does."""

import numpy as np
import pytest

from lstm_core.pipeline.noise import Yardstick
from lstm_core.pipeline.run import GradientFlow, VariantRun
from lstm_core.teaching.why_gates import accuracy_said, cell_lines, forget_bias_said, furthest, learned, said, textbook

T = 10


def runs(**firsts):
    """Three seeds per variant: firsts[variant] = ([init shares], [trained shares], [val accuracies])."""
    out = []
    for variant, (init, trained, accuracy) in firsts.items():
        for seed, (a, b, acc) in enumerate(zip(init, trained, accuracy)):
            flow = GradientFlow(np.r_[a, np.ones(T - 1)], np.r_[b, np.ones(T - 1)])
            out.append(VariantRun(variant, seed, flow, acc, 200, 1.0))
    return out


TEXTBOOK = runs(lstm=([6e-5, 7e-5, 8e-5], [1.2, 1.5, 1.7], [1.0, 1.0, 0.99]),
                gru=([1e-10, 5e-10, 1e-9], [0.28, 0.004, 0.055], [0.965, 0.745, 0.975]),
                rnn=([5e-3, 1e-2, 2.5e-2], [1e-6, 3.5, 3.6], [0.69, 0.945, 0.93]))


@pytest.mark.parametrize("winner", ["lstm", "gru", "rnn"])
def test_the_cell_that_reaches_furthest_on_every_seed_is_named_whichever_it_is(winner):
    values = {v: ([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], [0.9] * 3) for v in ("lstm", "gru", "rnn")}
    values[winner] = ([0.4, 0.5, 0.6], [2.0, 3.0, 4.0], [0.9] * 3)
    name = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}[winner]
    r = runs(**values)
    assert furthest(r, "init") == (f"As built, the {name}'s gradient reaches timestep 1 more strongly than every other "
                                   "model's, on every seed (0.4 to 0.6 against at most 0.3).")
    assert furthest(r, "trained").startswith(f"After training, the {name}'s gradient reaches timestep 1")


def test_overlapping_seeds_rank_nobody():
    assert "no model reaches timestep 1 more strongly than all the others on every seed" in furthest(TEXTBOOK, "trained")
    assert furthest(TEXTBOOK, "init").startswith("As built, the SimpleRNN's gradient")  # the planning table's start


def test_the_textbook_claim_is_said_as_measured_both_ways():
    text = textbook(TEXTBOOK, T)
    assert text.startswith("As built, the LSTM is not ahead of the SimpleRNN here") and "0.73^9 = 0.06" in text
    assert "holds its path open on every seed (timestep 1 at 1.2 to 1.7 of the last), and the SimpleRNN, without gates, " \
           "on 2 of 3: the gates let the network learn" in text  # the SimpleRNN's first seed faded (1e-6)
    both = runs(lstm=([0.05, 0.1, 0.2], [1.8, 2.5, 3.4], [0.99] * 3), rnn=([0.16, 0.2, 0.29], [2.5, 4.0, 5.5], [0.99] * 3))
    text = textbook(both, T)  # the default run as measured: the gateless cell holds its path open too
    assert "but so does the SimpleRNN, which has no gates (2.5 to 5.5)" in text and "textbook's point" not in text
    closed = runs(lstm=([0.5, 0.6, 0.7], [0.2, 0.9, 1.1], [0.9] * 3), rnn=([0.01, 0.02, 0.03], [1, 1, 1], [0.9] * 3))
    text = textbook(closed, T)
    assert text.startswith("As built, the LSTM's first step already reaches the loss more than the SimpleRNN's")
    assert "on 2 of 3 seeds: on this run the textbook's claim does not hold on every seed" in text


def test_each_models_line_quotes_its_range_and_counts_faded_seeds():
    lines = cell_lines(TEXTBOOK, T)
    assert lines[2] == ("**SimpleRNN** (3 seeds): as built, timestep 1's gradient is 5.0e-03 to 0.025 of timestep 10's; "
                        "after training, 1.0e-06 to 3.6. Validation accuracy 0.69 to 0.94. The first step faded "
                        "(under 0.01) on 1 of 3 seeds.")


def test_accuracy_gaps_are_judged_against_the_validation_noise():
    text = accuracy_said(TEXTBOOK, 200)
    assert text.startswith("Mean validation accuracy over the seeds, on 200 held-out sequences: the LSTM's 0.997 against")
    assert "the SimpleRNN's 0.855 (0.142 apart, more than the noise of ±0.052)." in text
    close = runs(lstm=([1] * 3, [1] * 3, [0.9] * 3), gru=([1] * 3, [1] * 3, [0.89] * 3))
    assert "(too close to call: 0.010 apart" in accuracy_said(close, 200)


def test_the_forget_bias_sentence_follows_which_bias_reaches_further():
    r = runs(lstm=([0.05, 0.08, 0.19], [3.4, 2.2, 1.8], [0.955, 0.995, 0.975]),
             lstm_bias0=([0.0025, 0.0042, 0.012], [1.7, 1.6, 1.4], [0.945, 0.995, 0.995]))
    text = forget_bias_said(r, T, 200)
    assert text.startswith("As built, the forget bias of 1 lets timestep 1 reach the loss more on every seed")
    assert "After training the bias of 1 still reaches further on every seed" in text
    assert "bias 1 against 0: too close to call" in text
    flipped = runs(lstm=([0.05] * 3, [0.1, 0.2, 0.3], [0.9] * 3), lstm_bias0=([0.01] * 3, [1, 2, 3], [0.9] * 3))
    assert "After training the bias at 0 reaches further on every seed" in forget_bias_said(flipped, T, 200)
    assert forget_bias_said(TEXTBOOK, T, 200) == ""  # nothing measured with the bias at 0


def test_models_that_learned_nothing_are_flagged_before_their_gradients_are_read():
    yard = Yardstick(0.5, 0.5, 800, 200)
    assert learned(TEXTBOOK, yard) == ""
    chance = runs(lstm=([1] * 3, [1] * 3, [0.52, 0.55, 0.5]), rnn=([1] * 3, [1] * 3, [0.56, 0.49, 0.5]))
    assert learned(chance, yard).startswith("No model here is clearly above chance on the held-out sequences (chance 0.500")
    assert said(TEXTBOOK, T, 200)[0].startswith("Each model below trained on this run's sequences")
