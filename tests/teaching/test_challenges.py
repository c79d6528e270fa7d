"""Challenges, each checked against a real run's numbers (done and not done)."""

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.pipeline.noise import yardstick_of
from lstm_core.teaching.challenges import (
    CHALLENGES,
    MAX_PARAMETERS,
    MIN_ACCURACY,
    check,
    check_order,
    check_small,
    check_stuck,
)
from tests.support import SMALL

# 4 units on 3 features: 4 x 4 x (3 + 4 + 1) = 128 LSTM parameters, and a learning rate high enough to get
# there in 8 epochs (about 3 s).
SMALL_AND_GOOD = LSTMConfig(sequences=300, timesteps=6, features=3, units=4, epochs=8, batch_size=16, learning_rate=0.03)


@pytest.fixture(scope="module")
def small_good_run():
    from lstm_core.pipeline.train import train

    return train(SMALL_AND_GOOD)


@pytest.fixture(scope="module")
def small_shuffled(small_run):
    """small_run's time-shuffled copy, as pipeline.order trains it (without the Dense baseline)."""
    from lstm_core.pipeline.order import time_shuffled
    from lstm_core.pipeline.train import train

    return train(SMALL, dataset=time_shuffled(small_run.dataset, SMALL.seed))


def final(run):
    return float(run.history["val_accuracy"].iloc[-1])


def test_three_challenges_with_a_goal_and_a_hint():
    assert [c.key for c in CHALLENGES] == ["small", "stuck", "order"]
    assert all(c.title and c.goal and c.hint for c in CHALLENGES)


def test_a_small_model_that_reaches_the_target_is_done(small_good_run):
    assert small_good_run.config.recurrent_parameters <= MAX_PARAMETERS and final(small_good_run) >= MIN_ACCURACY
    result = check_small(small_good_run)
    assert result.done, result.said
    assert result.said.startswith(f"Done: 4 × 4 × (3 + 4 + 1) = 128 LSTM parameters reached a final validation "
                                  f"accuracy of {final(small_good_run):.3f} on 60 held-out sequences")


def test_a_big_model_or_a_weak_one_is_not_done(default_run, small_run):
    big = check_small(default_run)
    assert final(default_run) >= MIN_ACCURACY and not big.done  # good, but 2,080 parameters
    assert "the LSTM has 4 × 20 × (5 + 20 + 1) = 2,080 parameters, over the 300 allowed" in big.said
    assert "Fewer units" in big.said
    weak = check_small(small_run)
    assert not weak.done and f"the final validation accuracy is {final(small_run):.3f}, under 0.90" in weak.said
    assert "over the 300 allowed" not in weak.said and "more epochs or a higher learning rate" in weak.said


def test_a_run_at_chance_is_stuck_and_the_text_says_why_from_its_settings(small_run):
    yard, acc = yardstick_of(small_run), final(small_run)
    assert yard.val_decidable and not yard.val_above(acc) and not yard.val_below(acc)  # really at chance
    result = check_stuck(small_run)
    assert result.done, result.said
    assert f"final validation accuracy, {acc:.3f} on 24 held-out sequences, against {yard.val_chance:.3f}" in result.said
    updates = SMALL.epochs * -(-SMALL.train_sequences // SMALL.batch_size)  # 2 epochs x 6 batches
    assert f"{updates} updates at learning rate 0.005 let Adam move each weight by at most about 0.06 in total" \
        in result.said
    assert "(the most any weight moved was 0.0" in result.said  # measured, and within the reach


def test_a_run_that_learned_is_not_stuck(default_run):
    result = check_stuck(default_run)
    assert not result.done and result.said.startswith("Not stuck:") and "This run learned." in result.said


def test_a_diverged_run_is_neither_stuck_nor_small(diverged_run):
    stuck = check_stuck(diverged_run)
    assert not stuck.done and "diverged, which is a different failure" in stuck.said
    assert not check_small(diverged_run).done


def test_the_lesson_lstm_beats_its_shuffled_copy_by_more_than_the_noise(default_run, baselines):
    result = check("order", default_run, baselines.shuffled)
    assert result.done, result.said
    shuffled = final(baselines.shuffled)
    assert result.said.startswith(f"Done: the LSTM {final(default_run):.3f}, its time-shuffled copy {shuffled:.3f}: ")
    assert "more than the noise" in result.said and "only the order tells up from down" in result.said


def test_an_lstm_at_chance_does_not_beat_its_shuffled_copy(small_run, small_shuffled):
    result = check_order(small_run, small_shuffled)
    assert not result.done and "the LSTM itself is not clearly above chance" in result.said


def test_a_shuffled_copy_of_other_settings_is_refused(small_run, baselines):
    with pytest.raises(ValueError, match="trained for other settings or data"):
        check_order(small_run, baselines.shuffled)
    with pytest.raises(ValueError, match="needs the time-shuffled copy"):
        check("order", small_run)
    with pytest.raises(ValueError, match="unknown challenge 'fast'; one of small, stuck, order"):
        check("fast", small_run)


def test_a_gru_or_simplernn_run_is_checked_with_its_own_count_and_named(other_cell_run):
    from lstm_core.config import CELL_NAMES
    from lstm_core.teaching.challenges import challenges_for

    run = other_cell_run
    c, name = run.config, CELL_NAMES[run.config.cell]
    small, stuck, order = challenges_for(c.cell)
    assert [x.key for x in (small, stuck, order)] == [x.key for x in CHALLENGES]
    assert f"at most 300 {name} parameters" in small.goal and "LSTM" not in small.goal + small.hint + order.goal
    assert order.goal.startswith(f"Train a {name} that beats")
    assert check_small(run).challenge == small and "LSTM" not in check_small(run).said
    assert challenges_for("lstm") == CHALLENGES
    from lstm_core.pipeline.train import train

    big = train(SMALL.replace(cell=c.cell, units=16, epochs=1))  # GRU 3 x 16 x 21 = 1,008; SimpleRNN 16 x 20 = 320
    u, f = 16, c.features
    formula = f"3 × {u} × ({f} + {u} + 2)" if c.cell == "gru" else f"{u} × ({f} + {u} + 1)"
    said = check_small(big).said
    assert f"the {name} has {formula} = {big.model.get_layer(c.cell).count_params():,} parameters, over the 300" in said
    assert "Fewer units" in said and not check_small(big).done
