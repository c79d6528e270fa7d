import math

import pandas as pd

from lstm_core.observations import chance_level, observe


def H(*rows):
    """rows of (loss, accuracy, val_loss, val_accuracy)"""
    return pd.DataFrame(
        [dict(epoch=i + 1, loss=a, accuracy=b, val_loss=c, val_accuracy=d) for i, (a, b, c, d) in enumerate(rows)]
    )


def test_starting_point_near_chance_and_past_chance():
    assert observe(H((0.69, 0.52, 0.69, 0.5)))[0].startswith(
        "Starting point: accuracy 0.520 is not yet clearly above chance (0.500)")
    assert "already past chance (0.500)" in observe(H((0.5, 0.75, 0.45, 0.8)))[0]


def test_a_first_epoch_that_learned_as_it_went_says_so():
    """The default run's first epoch: training accuracy 0.60 is averaged over the epoch, while the
    validation accuracy taken at its end is 0.785. 'No better than chance' would contradict the row."""
    first = observe(H((0.66, 0.60, 0.63, 0.785)), chance=0.53)[0]
    assert "not yet clearly above chance" not in first and "0.785" in first and "found the pattern during this first pass" in first
    # 2 held-out sequences both right by luck: the validation loss is still the coin's (ln 2 = 0.693)
    lucky = observe(H((0.696, 0.5, 0.687, 1.0)))[0]
    assert "during this first pass" not in lucky and lucky.endswith("the model has not found the pattern yet.")


def test_chance_is_the_more_common_class_when_labels_are_unbalanced():
    """Up three times in four: always guessing 'up' scores 0.75, which is not learning anything."""
    assert chance_level([1, 1, 1, 0]) == 0.75 and chance_level([0, 1]) == 0.5
    always_up = H((0.56, 0.75, 0.56, 0.75), (0.56, 0.75, 0.56, 0.75), (0.56, 0.76, 0.56, 0.75))
    assert "already past chance" in observe(always_up)[0]  # judged against 0.5, it looked like learning
    obs = observe(always_up, chance=0.75)
    assert obs[0].startswith("Starting point: accuracy 0.750 is not yet clearly above chance (0.750)")
    assert obs[2].startswith("Stuck at chance: accuracy 0.760 and validation 0.750, neither more than 0.08 above chance (0.750) for 3 epochs")


def test_an_unchanged_loss_reads_zero_percent_not_minus_zero():
    obs = observe(H((0.6, 0.7, 0.6, 0.7), (0.6, 0.7, 0.6, 0.7)))
    assert "(0.0%)" in obs[1] or "by only 0.0%" in obs[1]
    assert "-0.0%" not in obs[1]


def test_fast_and_steady_improvement():
    obs = observe(H((0.65, 0.6, 0.6, 0.62), (0.45, 0.78, 0.44, 0.8), (0.42, 0.8, 0.41, 0.82)))
    assert obs[1].startswith("Fast improvement: loss fell 31%")
    assert obs[2].startswith("Steady improvement: loss fell 7%")


def test_converging_when_flat_and_accurate():
    obs = observe(H((0.3, 0.9, 0.3, 0.9), (0.295, 0.92, 0.29, 0.91)))
    assert obs[1].startswith("Converging")


def test_plateau_when_flat_and_mediocre():
    obs = observe(H((0.6, 0.7, 0.6, 0.7), (0.598, 0.7, 0.6, 0.7)))
    assert obs[1].startswith("Plateau")


def test_a_flat_loss_with_rising_accuracy_is_not_a_plateau():
    """CO2 at the defaults: loss moved 0.6% while accuracy made its biggest jump of the run."""
    obs = observe(H((0.68, 0.57, 0.68, 0.6), (0.676, 0.587, 0.68, 0.6), (0.672, 0.617, 0.679, 0.63)), chance=0.52)
    assert obs[2].startswith("Slow going") and "rose to 0.617 (from 0.587)" in obs[2]


def test_a_falling_loss_at_chance_is_not_called_picking_up_the_trend():
    obs = observe(H((0.99, 0.52, 0.70, 0.5), (0.664, 0.533, 0.69, 0.52)), chance=0.546)
    assert obs[1].startswith("Loss fell 33% to 0.664, but accuracy 0.533 is below chance (0.546)")


def test_a_flat_training_loss_while_validation_improves_is_not_a_plateau():
    obs = observe(H((0.70, 0.52, 0.701, 0.467), (0.694, 0.517, 0.579, 0.750)), chance=0.52)
    assert obs[1].startswith("Slow going: training loss changed by only -0.9%") and "0.701 to 0.579" in obs[1]
    assert "stopped improving" not in obs[1]


def test_not_stuck_while_validation_is_clearly_above_chance():
    """Training accuracy near chance for 3 epochs, but validation 0.63 at one of them: not 'stuck'."""
    rows = [(0.69, 0.58, 0.68, 0.6), (0.688, 0.59, 0.67, 0.63), (0.687, 0.59, 0.68, 0.55)]
    assert not observe(H(*rows), chance=0.52)[2].startswith("Stuck")


def test_overfitting_needs_validation_loss_rising_two_epochs():
    rows = [(0.5, 0.8, 0.4, 0.85), (0.3, 0.9, 0.35, 0.86), (0.2, 0.95, 0.45, 0.84), (0.1, 0.98, 0.6, 0.8)]
    obs = observe(H(*rows))
    assert obs[2].startswith("Validation wobble")
    assert obs[3].startswith("Overfitting") and "0.600" in obs[3] and "0.350" in obs[3]


def test_stuck_at_chance():
    obs = observe(H((0.693, 0.5, 0.693, 0.49), (0.692, 0.51, 0.693, 0.5), (0.692, 0.49, 0.693, 0.5)))
    assert obs[2].startswith("Stuck at chance")
    below = observe(H(*[(0.692, 0.52, 0.70, 0.40)] * 3), chance=0.52)[2]  # validation below chance: not 'within'
    assert below.startswith("Stuck at chance: accuracy 0.520, not more than 0.08 above chance (0.520) for 3 epochs, "
                            "and validation 0.400, below chance:")
    edge = observe(H(*[(0.692, 0.52, 0.70, 0.44)] * 3), chance=0.52)[2]  # 0.08 below: within the band, as above it
    assert edge.startswith("Stuck at chance: accuracy 0.520 and validation 0.440, neither more than 0.08 above")


def test_loss_rising_and_divergence():
    obs = observe(H((0.5, 0.7, 0.5, 0.7), (0.9, 0.6, 0.9, 0.6), (math.nan, 0.5, math.nan, 0.5)))
    assert obs[1].startswith("Loss rose 80%")
    assert obs[2].startswith("Loss is not a number")


def test_one_sentence_per_epoch_from_numbers_not_index():
    # Same numbers at different epochs give the same rule; different numbers at the same epoch do not.
    a = observe(H((0.6, 0.7, 0.6, 0.7), (0.3, 0.9, 0.3, 0.9)))
    b = observe(H((0.6, 0.7, 0.6, 0.7), (0.59, 0.7, 0.6, 0.7)))
    assert a[1].split(":")[0] != b[1].split(":")[0]
    earlier = [(0.9, 0.6, 0.9, 0.6)] * 4  # above chance, worse validation: no rule looks back past them
    for pair in (((0.6, 0.7, 0.6, 0.7), (0.3, 0.9, 0.3, 0.9)), ((0.6, 0.7, 0.6, 0.7), (0.59, 0.7, 0.6, 0.7)),
                 ((0.4, 0.9, 0.4, 0.9), (0.399, 0.9, 0.399, 0.9))):
        assert observe(H(*pair))[-1] == observe(H(*earlier, *pair))[-1]


def test_slow_going_when_only_the_validation_loss_improves():
    obs = observe(H((0.60, 0.70, 0.60, 0.70), (0.595, 0.70, 0.55, 0.70)))  # training flat, validation loss -8%
    assert obs[1] == ("Slow going: training loss changed by only -0.8%, but on the validation sequences loss went "
                      "from 0.600 to 0.550 and accuracy from 0.700 to 0.700.")


def test_no_claim_the_table_cannot_show():
    # validation loss 0.0068 -> 0.0072 reads 0.007 -> 0.007 in the table: no "jumped to"
    flat = observe(H((0.0100, 0.999, 0.0068, 0.998), (0.0090, 0.999, 0.0072, 0.998)))
    assert "jumped" not in flat[1]
    # a 4.6% rise in loss did not "barely move"
    rose = observe(H((0.100, 0.97, 0.10, 0.97), (0.1046, 0.97, 0.10, 0.97)))
    assert rose[1].startswith("Loss rose 5% this epoch")
    # accuracy falling 0.056 with a flat loss is not a plateau
    slipped = observe(H((0.60, 0.70, 0.60, 0.70), (0.598, 0.644, 0.60, 0.70)))
    assert slipped[1].startswith("Slipped back: loss changed by only -0.3%, but accuracy fell to 0.644 (from 0.700)")


def test_changes_the_table_cannot_show_are_not_claimed_and_a_falling_loss_with_falling_accuracy_is_named():
    # 0.0024 -> 0.0017 is a 29% fall, but the table reads 0.002 -> 0.002
    tiny = observe(H((0.0024, 0.999, 0.004, 0.998), (0.0017, 0.999, 0.004, 0.998)))
    assert "fell" not in tiny[1] and "rose" not in tiny[1] and tiny[1].startswith("Converging: loss barely moved (0.0%)")
    # validation 0.3000, 0.3001, 0.3003 read 0.300 three times: no "rose two epochs running"
    flat = observe(H((0.50, 0.8, 0.3000, 0.8), (0.45, 0.8, 0.3001, 0.8), (0.40, 0.8, 0.3003, 0.8), (0.35, 0.8, 0.3200, 0.8)))
    assert not flat[3].startswith("Overfitting") and flat[3].startswith("Validation wobble")
    # learning rate 0.5: loss fell 10% while accuracy and validation fell
    mixed = observe(H((0.815, 0.579, 0.70, 0.550), (0.734, 0.522, 0.69, 0.450)))
    assert mixed[1].startswith("Loss fell 10% to 0.734, but accuracy fell to 0.522 (from 0.579) and validation to 0.450")
    # validation loss nearly doubling is not 'slow going'
    worse = observe(H((0.60, 0.70, 0.500, 0.78), (0.594, 0.70, 0.950, 0.80)))
    assert not worse[1].startswith("Slow going")


def test_no_slow_going_while_validation_loss_rises():
    obs = observe(H((0.5, 0.7, 0.5, 0.7), (0.499, 0.7, 0.505, 0.73)))
    assert not obs[1].startswith("Slow going")


def test_an_accuracy_below_chance_is_called_below_it():
    """'accuracy 0.514 is not yet clearly above chance (0.534)' hid that it is under chance."""
    first = observe(H((0.69, 0.514, 0.69, 0.5)), chance=0.534)[0]
    assert first.startswith("Starting point: accuracy 0.514 is below chance (0.534)")
    assert "is not yet clearly above chance (0.534)" in observe(H((0.69, 0.56, 0.69, 0.5)), chance=0.534)[0]


# M23: 0.95 * COIN_LOSS -> 0.99 * COIN_LOSS
def test_a_first_epoch_a_few_percent_under_the_coins_loss_is_still_no_pattern():
    from lstm_core.observations import observe
    from lstm_core.train import history_frame

    rows = [{"epoch": 1, "loss": 0.696, "accuracy": 0.5, "val_loss": 0.67, "val_accuracy": 1.0}]  # 0.97 x ln 2
    first = observe(history_frame(rows))[0]
    assert "during this first pass" not in first and first.endswith("the model has not found the pattern yet.")
    rows[0]["val_loss"] = 0.64  # 0.92 x ln 2: a real step away from the coin
    assert "found the pattern during this first pass" in observe(history_frame(rows))[0]
