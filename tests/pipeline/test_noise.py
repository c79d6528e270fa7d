"""The noise of an accuracy on n sequences, and the verdicts bounded by it."""

import math

import numpy as np

from lstm_core.pipeline.noise import Yardstick, above_chance, compare, margin_over_chance, standard_error, yardstick


def test_four_of_four_is_not_above_chance_but_two_hundred_can_be():
    assert not above_chance(1.0, 0.5, 4) and not above_chance(0.75, 0.5, 4)
    assert margin_over_chance(0.5, 200) == 2 * math.sqrt(0.25 / 200)
    assert above_chance(0.58, 0.5, 200) and not above_chance(0.56, 0.5, 200)


def test_the_standard_error_never_claims_no_noise():
    """4 of 4 right is not a certainty: the error is computed as if one more were right and one wrong."""
    assert standard_error(1.0, 4) > 0.15
    assert abs(standard_error(0.5, 10_000) - 0.005) < 1e-4


def test_a_gap_of_0_05_on_200_sequences_is_too_close_to_call():
    verdict = compare(0.80, 0.75, 200)
    assert not verdict.clear and verdict.sign == 0 and 0.06 < verdict.noise < 0.13
    assert "too close to call" in verdict.said()
    assert compare(0.95, 0.55, 200).sign == 1 and compare(0.55, 0.95, 200).sign == -1


def test_each_part_has_its_own_chance():
    labels = np.r_[np.arange(800) % 2, np.ones(150), np.zeros(50)]
    yard = yardstick(labels, 800)
    assert (yard.train_chance, yard.val_chance, yard.n_train, yard.n_val) == (0.5, 0.75, 800, 200)
    assert not yard.val_above(0.80) and yard.val_above(0.90)
    assert Yardstick(0.5, 0.5, 800, 200).val_below(0.40)


def test_a_gap_within_its_noise_never_reads_as_equal_to_it():
    from lstm_core.pipeline.noise import Verdict

    said = Verdict(0.0349, 0.0351).said()
    assert said == "too close to call: 0.0349 apart, within the noise of ±0.0351"
    assert Verdict(0.12, 0.045).said() == "0.120 apart, more than the noise of ±0.045"
