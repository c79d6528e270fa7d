"""Each epoch's sentence follows the numbers, and every judgement is bounded by the validation set's noise."""

import math

import numpy as np
import pandas as pd

from lstm_core.data.synthetic import Dataset, make_dataset
from lstm_core.pipeline.noise import BALANCED, Yardstick, chance_level, yardstick_of
from lstm_core.pipeline.train import train
from lstm_core.teaching.observations import observe, observed
from tests.support import SMALL


def H(*rows):
    """rows of (loss, accuracy, val_loss, val_accuracy)"""
    return pd.DataFrame(
        [dict(epoch=i + 1, loss=a, accuracy=b, val_loss=c, val_accuracy=d) for i, (a, b, c, d) in enumerate(rows)]
    )


def test_four_validation_sequences_all_right_are_not_above_chance():
    """A coin scores 4 of 4 one time in 16: n = 4 can show nothing, with 3 or 4 right."""
    tiny = Yardstick(0.5, 0.5, 16, 4)
    for right in (0.75, 1.0):
        for obs in observe(H((0.69, 0.5, 0.60, right), (0.6, 0.9, 0.55, right)), tiny):
            assert "found the pattern" not in obs and "carr" not in obs and "Memorising" not in obs
            assert "only 4 held-out sequences, too few to tell whether the model is above chance" in obs


def test_a_held_out_part_with_one_label_is_too_few_to_judge_not_zero_noise():
    """sequences=20: all 4 held-out labels were 1, so chance there is 1.000 and nothing can beat it."""
    obs = observe(H((0.69, 0.5, 0.6, 1.0), (0.65, 0.625, 0.6, 0.75)), Yardstick(0.625, 1.0, 16, 4))
    assert all("too few to tell" in o for o in obs) and "±0.000" not in " ".join(obs)
    assert not any(o.startswith(("Memorising", "Stuck")) for o in obs)


def test_weak_learning_is_not_called_memorising():
    """Training 0.600 against validation 0.590: the two are within noise of each other."""
    obs = observe(H((0.68, 0.60, 0.68, 0.59)), Yardstick(0.5, 0.55, 800, 200))
    assert not obs[0].startswith("Memorising")


def test_a_first_epoch_that_learned_as_it_went_says_so():
    """Training accuracy is averaged over the epoch; validation is taken at its end."""
    first = observe(H((0.69, 0.52, 0.63, 0.785)))[0]
    assert "0.785" in first and "found the pattern during this first pass" in first
    assert "±0.071 on 200 held-out sequences" in first  # 2 x sqrt(0.25 / 200)
    both = observe(H((0.66, 0.598, 0.63, 0.785)))[0]  # the default run's first epoch: both above chance
    assert "above training accuracy 0.598: that one is averaged over the epoch" in both


def test_chance_is_the_more_common_class_and_each_part_has_its_own():
    assert chance_level([1, 1, 1, 0]) == 0.75 and chance_level([0, 1]) == 0.5
    always_up = H((0.56, 0.75, 0.56, 0.75), (0.56, 0.75, 0.56, 0.75), (0.56, 0.76, 0.56, 0.75))
    obs = observe(always_up, Yardstick(0.75, 0.75, 800, 200))
    assert obs[0].startswith("Starting point: validation accuracy 0.750 is not clearly above chance (0.750")
    assert obs[2].startswith("Stuck at chance: accuracy 0.760 (chance 0.750) and validation 0.750 (chance 0.750")
    # the held-out part of a series can go up less often than the training part: 0.62 is chance there
    assert "not clearly above chance (0.620" in observe(H((0.6, 0.7, 0.66, 0.64)), Yardstick(0.5, 0.62, 800, 200))[0]


def test_a_memorising_history_is_called_memorising_from_its_first_epoch():
    """Training accuracy rising while validation sits at chance (a CSV series can do this)."""
    rows = [(0.66, 0.60, 0.70, 0.51), (0.55, 0.72, 0.71, 0.50), (0.40, 0.85, 0.74, 0.52)]
    obs = observe(H(*rows), Yardstick(0.52, 0.52, 1000, 200))
    assert all(o.startswith("Memorising: training accuracy") for o in obs)
    assert "does not carry over" in obs[0]


def test_a_tiny_loss_rise_is_not_a_jump():
    """0.050 -> 0.055 is +10%, and noise: no wobble, no overfitting."""
    obs = observe(H((0.10, 0.97, 0.050, 0.98), (0.08, 0.98, 0.055, 0.98), (0.07, 0.985, 0.058, 0.98)))
    assert not any(o.startswith(("Validation wobble", "Overfitting")) for o in obs)
    assert "jumped" not in " ".join(obs)


def test_an_unchanged_loss_reads_zero_percent_not_minus_zero():
    obs = observe(H((0.6, 0.7, 0.6, 0.7), (0.6, 0.7, 0.6, 0.7)))
    assert "(0.0%)" in obs[1] or "by only 0.0%" in obs[1]
    assert "-0.0%" not in obs[1]


def test_fast_and_steady_improvement_with_validation_agreeing():
    obs = observe(H((0.65, 0.6, 0.6, 0.62), (0.45, 0.78, 0.44, 0.8), (0.42, 0.8, 0.41, 0.82)))
    assert obs[1].startswith("Fast improvement: loss fell 31%") and "validation agrees: loss 0.600 to 0.440" in obs[1]
    assert obs[2].startswith("Steady improvement: loss fell 7%")


def test_validation_agreeing_by_its_loss_does_not_call_a_small_fall_in_accuracy_agreement():
    """Validation loss 0.343 -> 0.229 agrees; accuracy 0.910 -> 0.900 is within its noise, and said so."""
    obs = observe(H((0.51, 0.875, 0.343, 0.91), (0.259, 0.926, 0.229, 0.90)))
    assert obs[1].endswith("validation agrees: loss 0.343 to 0.229, accuracy 0.900, within its noise of the 0.910 before.")


def test_a_training_loss_falling_while_validation_holds_is_not_improvement():
    """Default run, epoch 3: training loss -50%, validation 0.910 -> 0.900 (within noise)."""
    obs = observe(H((0.666, 0.598, 0.63, 0.785), (0.512, 0.85, 0.30, 0.910), (0.259, 0.93, 0.29, 0.900)))
    assert obs[2].startswith("Training loss fell fast: 49% to 0.259; validation held at accuracy 0.900")
    assert "improvement" not in obs[2]


def test_a_validation_accuracy_drop_beyond_noise_is_reported():
    """CO2-like: training accuracy up, validation 0.631 -> 0.549 (0.082, more than its noise)."""
    obs = observe(H((0.69, 0.52, 0.68, 0.60), (0.68, 0.538, 0.67, 0.631), (0.675, 0.576, 0.69, 0.549)),
                  Yardstick(0.52, 0.52, 1600, 400))
    assert obs[2].startswith("Slipped back:") and "validation accuracy fell to 0.549 (from 0.631)" in obs[2]


def test_a_small_training_loss_still_counts_as_falling_for_overfitting():
    """Losses near 0.01 fall by less than the loss floor, yet validation rising twice while they fall is overfitting."""
    rows = [(0.016, 0.99, 0.040, 0.98), (0.012, 0.995, 0.050, 0.975), (0.0105, 0.996, 0.075, 0.97), (0.009, 0.997, 0.100, 0.97)]
    obs = observe(H(*rows))
    assert obs[3].startswith("Overfitting") and "more epochs would add little" not in " ".join(obs)


def test_validation_loss_noise_is_measured_when_the_trainer_gives_it():
    """With per-sequence losses, a rise is judged against 2 standard errors of the paired difference."""
    rows = H((0.5, 0.8, 0.20, 0.9), (0.3, 0.9, 0.10, 0.95), (0.2, 0.95, 0.16, 0.95)).to_dict("records")
    rows[2].update(val_loss_se_prev=0.04, val_loss_se_best=0.04)  # a rise of 0.06 within ±0.08
    from lstm_core.teaching.observations import observe_epoch

    assert not observe_epoch(rows).startswith("Validation wobble")
    rows[2].update(val_loss_se_prev=0.01, val_loss_se_best=0.01)  # the same rise, beyond ±0.02
    wobble = observe_epoch(rows)
    assert wobble.startswith("Validation wobble") and "by more than its noise (±0.020)" in wobble


def test_converging_when_flat_and_accurate():
    obs = observe(H((0.3, 0.9, 0.3, 0.9), (0.295, 0.92, 0.29, 0.91)))
    assert obs[1].startswith("Converging")


def test_plateau_when_flat_and_mediocre():
    obs = observe(H((0.6, 0.7, 0.6, 0.7), (0.598, 0.71, 0.6, 0.7)))
    assert obs[1].startswith("Plateau") and "within its noise" in obs[1]


def test_a_rise_in_training_accuracy_must_pass_its_noise():
    """On 800 training sequences, 0.587 -> 0.617 is within noise (2 SE of a difference is about 0.05)."""
    small = observe(H((0.68, 0.587, 0.68, 0.70), (0.676, 0.617, 0.68, 0.70)))
    assert not small[1].startswith("Slow going")
    big = observe(H((0.68, 0.587, 0.68, 0.70), (0.676, 0.667, 0.68, 0.70)))
    assert big[1].startswith("Slow going") and "rose to 0.667 (from 0.587, more than its noise)" in big[1]


def test_a_flat_training_loss_while_validation_improves_is_not_a_plateau():
    obs = observe(H((0.70, 0.52, 0.701, 0.467), (0.694, 0.517, 0.579, 0.750)))
    assert obs[1].startswith("Slow going: training loss changed by only -0.9%") and "0.701 to 0.579" in obs[1]


def test_not_stuck_while_validation_is_clearly_above_chance():
    rows = [(0.69, 0.52, 0.68, 0.6), (0.688, 0.52, 0.67, 0.63), (0.687, 0.52, 0.68, 0.55)]
    assert not observe(H(*rows))[2].startswith("Stuck")


def test_overfitting_needs_validation_loss_rising_two_epochs_beyond_its_noise():
    rows = [(0.5, 0.8, 0.4, 0.85), (0.3, 0.9, 0.35, 0.86), (0.2, 0.95, 0.45, 0.84), (0.1, 0.98, 0.6, 0.8)]
    obs = observe(H(*rows))
    assert obs[2].startswith("Validation wobble")
    assert obs[3].startswith("Overfitting") and "0.600" in obs[3] and "0.350" in obs[3]


def test_stuck_at_chance():
    obs = observe(H((0.693, 0.5, 0.693, 0.49), (0.692, 0.51, 0.693, 0.5), (0.692, 0.49, 0.693, 0.5)))
    assert obs[2].startswith("Stuck at chance")
    below = observe(H(*[(0.692, 0.52, 0.70, 0.40)] * 3), Yardstick(0.52, 0.52, 800, 200))[2]
    assert below.startswith("Stuck at chance: accuracy 0.520 (chance 0.520) for 3 epochs, and validation 0.400 below "
                            "its chance")
    edge = observe(H(*[(0.692, 0.52, 0.70, 0.47)] * 3), Yardstick(0.52, 0.52, 800, 200))[2]  # within noise below
    assert edge.startswith("Stuck at chance: accuracy 0.520 (chance 0.520) and validation 0.470 (chance 0.520")


def test_loss_rising_and_divergence():
    obs = observe(H((0.5, 0.7, 0.5, 0.7), (0.9, 0.6, 0.9, 0.6), (math.nan, 0.5, math.nan, 0.5)))
    assert obs[1].startswith("Loss rose 80%")
    assert obs[2].startswith("Loss is not a number")


def test_one_sentence_per_epoch_from_numbers_not_index():
    a = observe(H((0.6, 0.7, 0.6, 0.7), (0.3, 0.9, 0.3, 0.9)))
    b = observe(H((0.6, 0.7, 0.6, 0.7), (0.59, 0.7, 0.6, 0.7)))
    assert a[1].split(":")[0] != b[1].split(":")[0]
    earlier = [(0.9, 0.6, 0.9, 0.8)] * 4  # validation above chance already: no rule looks back past them
    for pair in (((0.6, 0.7, 0.6, 0.7), (0.3, 0.9, 0.3, 0.9)), ((0.6, 0.7, 0.6, 0.7), (0.59, 0.7, 0.6, 0.7)),
                 ((0.4, 0.9, 0.4, 0.9), (0.399, 0.9, 0.399, 0.9))):
        assert observe(H(*pair))[-1] == observe(H(*earlier, *pair))[-1]


def test_changes_the_table_cannot_show_are_not_claimed():
    tiny = observe(H((0.0024, 0.999, 0.004, 0.998), (0.0017, 0.999, 0.004, 0.998)))
    assert "fell" not in tiny[1] and "rose" not in tiny[1] and tiny[1].startswith("Converging: loss barely moved")
    flat = observe(H((0.50, 0.8, 0.3000, 0.8), (0.45, 0.8, 0.3001, 0.8), (0.40, 0.8, 0.3003, 0.8), (0.35, 0.8, 0.3300, 0.8)))
    assert not flat[3].startswith("Overfitting") and flat[3].startswith("Validation wobble")
    mixed = observe(H((0.815, 0.679, 0.70, 0.750), (0.734, 0.622, 0.69, 0.650)))
    assert mixed[1].startswith("Slipped back: accuracy fell to 0.622 (from 0.679) and validation accuracy fell to 0.650")
    worse = observe(H((0.60, 0.70, 0.500, 0.78), (0.594, 0.70, 0.950, 0.80)))
    assert not worse[1].startswith("Slow going")


def test_the_default_yardstick_is_the_lessons_split():
    assert (BALANCED.n_train, BALANCED.n_val, BALANCED.val_chance) == (800, 200, 0.5)


def test_observations_measure_chance_on_the_runs_own_labels():
    """Three in four training labels are 1: always guessing 1 scores 0.750, and the sentences say so."""
    base = make_dataset(SMALL)
    n_train = SMALL.train_sequences
    y = (np.arange(SMALL.sequences) % 4 != 0).astype(np.float32)
    dataset = Dataset(base.x, y, "three in four go up", base.feature_names, name="unbalanced", key="unbalanced")
    run = train(SMALL.replace(epochs=1), dataset=dataset)
    chance = max(y[:n_train].mean(), 1 - y[:n_train].mean())
    assert round(chance, 3) == 0.75
    assert "chance (0.750" in observed(run.history, yardstick_of(run))["observation"][0]


def test_a_tiny_loss_moving_under_the_floor_is_not_read_as_a_big_share():
    """0.0046 -> 0.0074 is +61%, but under LOSS_FLOOR: the sentence gives the values, not '+61%'."""
    rows = [(0.30, 0.90, 0.30, 0.90), (0.05, 0.99, 0.06, 0.98), (0.0046, 1.0, 0.05, 0.985), (0.0074, 1.0, 0.05, 0.985)]
    said = observe(H(*rows))[-1]
    assert "61" not in said and "0.0046 to 0.0074" in said, said
