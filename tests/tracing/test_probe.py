import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.csvfile import make_csv_dataset, parse_csv
from lstm_core.tracing.cells import STATES
from lstm_core.tracing.probe import (
    CHANGES_EDIT_NOTES,
    EDIT_NOTES,
    EDITS,
    OPEN_PATH,
    TIMESTEP_EDITS,
    apply_edit,
    edit_note,
    explain,
    run_probe,
    trend,
)
from lstm_core.tracing.trace import Trace, carried_after

X = np.arange(12, dtype=np.float32).reshape(4, 3)


def test_edits():
    z = apply_edit(X, "zero", timestep=2)
    assert (z[2] == 0).all() and (z[[0, 1, 3]] == X[[0, 1, 3]]).all() and (X[2] != 0).all()  # a copy
    e = apply_edit(X, "edit", timestep=0, values=[1, 2, 3])
    assert e[0].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(apply_edit(X, "reverse"), X[::-1])
    s = apply_edit(X, "shuffle", seed=1)
    assert sorted(map(tuple, s)) == sorted(map(tuple, X)) and not np.array_equal(s, X)
    np.testing.assert_array_equal(s, apply_edit(X, "shuffle", seed=1))  # seeded


def test_the_mean_edit_puts_the_sequences_own_average_in_one_timestep():
    m = apply_edit(X, "mean", timestep=1)
    assert m[1].tolist() == [4.5, 5.5, 6.5]  # per feature, over the 4 timesteps (the old row included)
    assert (m[[0, 2, 3]] == X[[0, 2, 3]]).all() and X[1].tolist() == [3, 4, 5]  # a copy


def test_every_edit_has_a_note_and_the_zero_note_says_zero_is_a_value():
    assert list(EDIT_NOTES) == list(EDITS) and set(TIMESTEP_EDITS) <= set(EDITS)
    assert "not the same as removing" in EDIT_NOTES["zero"] and "0 is a value" in EDIT_NOTES["zero"]
    assert "sequence's mean" in EDIT_NOTES["zero"] and "mean" in EDITS


def test_zero_pushes_the_lessons_ramps_as_its_note_says_and_the_mean_barely_does(default_run):
    """EDIT_NOTES["zero"]: a 0 early reads as a rise after it (towards up), late as a fall (towards down)."""
    x, y = default_run.dataset.x[:200], default_run.dataset.y[:200]

    def shift(edit, timestep):  # (200,): each sample's score change
        edited = np.stack([apply_edit(s, edit, timestep) for s in x])
        return default_run.model(edited).numpy()[:, 0] - default_run.model(x).numpy()[:, 0]

    assert shift("zero", 1)[y == 0].mean() > 0.1  # down ramps get pushed up
    assert shift("zero", 7)[y == 1].mean() < -0.1  # up ramps get pushed down
    for timestep in (1, 7):
        assert np.abs(shift("mean", timestep)).mean() < np.abs(shift("zero", timestep)).mean() / 3


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        (dict(edit="zero", timestep=4), "timestep 5 is outside 1 to 4"),
        (dict(edit="mean", timestep=-1), "timestep 0 is outside 1 to 4"),
        (dict(edit="edit", timestep=0, values=[1, 2]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="edit", timestep=0, values=[1, 2, float("inf")]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="edit", timestep=0, values=[1, 2, 1e308]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="scramble"), "unknown edit 'scramble'"),
    ],
)
def test_bad_edits_say_what_is_allowed(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        apply_edit(X, **kwargs)


@pytest.mark.parametrize("edit", ["zero", "mean", "reverse", "shuffle"])
def test_before_and_after_match_keras(default_run, edit):
    from lstm_core.tracing.trace import keras_reference

    p = run_probe(default_run, 3, edit, timestep=4, check=lambda x: keras_reference(default_run.model, x))
    assert p.before.keras_max_diff < 1e-5 and p.after.keras_max_diff < 1e-5 and p.agrees
    assert run_probe(default_run, 3, edit, timestep=4).after.keras_max_diff is None  # no check: nothing claimed
    for side in (p.before, p.after):  # and against Keras's own predict, apart from the trace's check
        np.testing.assert_allclose(side.dense_output, default_run.model.predict(side.input[None], verbose=0)[0, 0],
                                   atol=1e-5)
    assert p.before.gates["hidden_state"].shape == p.after.gates["hidden_state"].shape == (10, 20)
    assert not np.array_equal(p.before.input, p.after.input)
    assert f"{p.before.dense_output:.2f}" in p.caption and f"{p.after.dense_output:.2f}" in p.caption


def test_reversing_an_up_trend_flips_a_confident_prediction(default_run):
    confident = next(i for i in range(50) if abs(default_run.model(default_run.dataset.x[i:i + 1]).numpy()[0, 0] - 0.5) > 0.4)
    p = run_probe(default_run, confident, "reverse")
    assert p.after.predicted != p.before.predicted
    assert "flipping the prediction" in p.caption


def test_zeroing_caption_speaks_of_the_forget_gate(default_run):
    p = run_probe(default_run, 0, "zero", timestep=0)
    f = p.before.gates["forget_gate"]
    assert f"{np.prod(f[1:], axis=0).mean():.2f}" in p.caption


def _trace(score, forget=0.1, steps=5, units=2, x=None) -> Trace:
    """A hand-made Trace: every gate constant, the forget gate ``forget`` (a number, or one per unit),
    the input ``x`` (zeros unless given)."""
    forget = np.broadcast_to(np.asarray(forget, dtype=float), (units,))
    gates = {name: np.full((steps, units), 0.5) for name in STATES["lstm"]} | {"forget_gate": np.tile(forget, (steps, 1))}
    return Trace(0, 1, np.zeros((steps, 3)) if x is None else x, gates, np.zeros(units), score, 0.0)


OPEN = "The cell path was open"
ONE_OPEN = "The cell path was open in at least one unit"
NARROW_BARELY = "The cell path was narrow and the score barely moved, but the forget gates alone do not show why"
ANOTHER_WAY = "the change most likely travelled another way"
OPEN_BARELY = "but this change made little difference to the score"
OPEN_MOVED = "so the change could have reached the end along it; the numbers here do not say it did"
RULES = (NARROW_BARELY, ANOTHER_WAY, OPEN_BARELY, OPEN_MOVED)
CAUSAL = ("which is why", "survives", "so changing it can move", "discounted", "came through", "too small to move",
          "because the forget")  # stories the forget gates alone cannot tell


@pytest.mark.parametrize("before,after,forget,timestep,needle", [
    (0.97, 0.00, 0.1, 0, ANOTHER_WAY),  # swung, though 0.1 ** 4 of the cell content can reach the end
    (0.97, 0.80, 0.1, 0, ANOTHER_WAY),  # moved
    (0.97, 0.96, 0.1, 0, NARROW_BARELY),
    (0.97, 0.96, 0.95, 0, OPEN_BARELY),  # 0.95 ** 4 = 0.81 could reach the end, yet the score barely moved
    (0.97, 0.50, 0.95, 0, OPEN_MOVED),
    (0.97, 0.96, 0.1, 4, OPEN_BARELY),  # the last timestep: no forget gate after it
    (0.97, 0.10, 0.1, 4, OPEN_MOVED),
    (0.97, 0.10, [0.95, 0.1, 0.1], 0, OPEN_MOVED),  # one open unit (0.81) could carry it alone, the mean is 0.27
])
@pytest.mark.parametrize("edit", TIMESTEP_EDITS)
def test_each_timestep_caption_says_what_the_cell_path_allows_then_what_was_measured(
        before, after, forget, timestep, needle, edit):
    units = np.size(forget) if np.ndim(forget) else 2
    text = explain(_trace(before, forget, units=units), _trace(after, forget, units=units), edit, timestep)
    assert needle in text and [rule in text for rule in RULES].count(True) == 1
    assert not any(claim in text for claim in CAUSAL)
    assert f"({after - before:+.3f}), from {before:.3f} to {after:.3f}" in text  # the measured move, with its sign
    assert ("flipping the prediction" in text) == ((before > 0.5) != (after > 0.5))
    if timestep == 4:
        assert text.startswith("Timestep 5 is the last, so no forget gate discounts its cell content")
    else:  # the bound comes first, then the measurement
        kept = np.prod(np.tile(np.broadcast_to(forget, (units,)), (4, 1)), axis=0)
        assert text.startswith(f"Along the cell path, at most {kept.mean():.2f} of what timestep 1 left in the cell "
                               f"can reach the end, on average over the units ({kept.max():.2f} in the most open one)")
        assert text.index("Along the cell path") < text.index("The score")


def test_one_open_unit_is_said_as_one_and_one_unit_has_no_average():
    text = explain(_trace(0.97, [0.95, 0.1, 0.1], units=3), _trace(0.10, [0.95, 0.1, 0.1], units=3), "zero", 0)
    assert ONE_OPEN in text and "0.27 of what timestep 1" in text and "(0.81 in the most open one)" in text
    assert ONE_OPEN not in explain(_trace(0.97, 0.95), _trace(0.10, 0.95), "zero", 0)
    single = explain(_trace(0.97, 0.5, units=1), _trace(0.96, 0.5, units=1), "mean", 2)
    assert "at most 0.25 of what timestep 3 left in the cell can reach the end: that is" in single
    assert "on average" not in single and NARROW_BARELY in single  # 0.5 * 0.5 = 0.25 in every unit


@pytest.mark.parametrize("forget,needle", [(OPEN_PATH, OPEN_BARELY), (OPEN_PATH - 0.01, NARROW_BARELY)])
def test_the_cell_path_is_open_from_a_product_of_OPEN_PATH(forget, needle):
    assert needle in explain(_trace(0.97, forget, steps=2), _trace(0.96, forget, steps=2), "zero", 0)
def test_the_shuffle_and_reverse_captions_follow_the_score_and_the_data():
    assert "fell towards 0.5" in explain(_trace(0.97), _trace(0.6), "shuffle", 0)
    assert "did not get less sure" in explain(_trace(0.97), _trace(0.98), "shuffle", 0)
    assert "as this one did" in explain(_trace(0.9), _trace(0.1), "reverse", 0)
    assert "should flip its answer; on this sequence it did not" in explain(_trace(0.9), _trace(0.8), "reverse", 0)
    wrong = explain(_trace(0.1), _trace(0.2), "reverse", 0)  # label 1 scored 0.1: already wrong before the edit
    assert "already wrong" in wrong and "try a sequence it gets right" in wrong and "should flip" not in wrong
    csv = explain(_trace(0.6), _trace(0.59), "reverse", 0, synthetic=False)
    assert "up-trend" not in csv and "for this model on this sequence: here, little." in csv


@pytest.mark.parametrize("edit", ["reverse", "shuffle"])
@pytest.mark.parametrize("before,after", [(0.6, 0.59), (0.6, 0.45), (0.9, 0.1)])
def test_a_csv_reorder_speaks_of_this_sequence_only(edit, before, after):
    """One sequence measures this sequence: nothing about 'your data' as a whole."""
    text = explain(_trace(before), _trace(after), edit, 0, synthetic=False)
    assert "on this sequence" in text and "your data" not in text and "Other sequences can differ." in text
    assert CHANGES_EDIT_NOTES[edit] not in text
    with_changes = explain(_trace(before), _trace(after), edit, 0, synthetic=False, changes=True)
    assert with_changes == text + " " + CHANGES_EDIT_NOTES[edit]
    assert ("not recomputed or negated" in with_changes) == (edit == "reverse")


RAMP = np.linspace(0.2, 0.45, 5)[:, None] + np.array([[-0.05, 0.0, 0.05]])  # (5, 3): features average a 0.25 rise


@pytest.mark.parametrize("before,after,needle,absent", [
    (0.992, 0.030, "The answer flipped: order carried the label", "fell towards 0.5"),  # sample 1 of the default run
    (0.991, 0.009, "The answer flipped", "did not get less sure"),  # sample 9
    (0.97, 0.60, "confidence fell towards 0.5", "flipped"),
    (0.90, 0.97, "did not get less sure", "flipped"),
    (0.990, 0.930, "somewhat less sure but kept its answer", "order carried"),  # sample 2: a 0.06 dip proves little
    (0.990, 0.975, "about as sure as before", "order carried"),
])
def test_the_shuffle_caption_agrees_with_what_the_score_did(before, after, needle, absent):
    text = explain(_trace(before, x=RAMP), _trace(after, x=RAMP[[1, 0, 2, 4, 3]]), "shuffle", 0)
    assert needle in text and absent not in text


def test_trend_is_the_rise_of_a_least_squares_line_through_the_steps():
    assert trend(RAMP) == pytest.approx(0.25) and trend(RAMP[::-1]) == pytest.approx(-0.25)
    rng = np.random.default_rng(0)
    for steps in (2, 3, 10):
        x = rng.uniform(0, 1, (steps, 4))
        slope = np.polyfit(np.arange(steps), x.mean(axis=1), 1)[0]
        assert trend(x) == pytest.approx(slope * (steps - 1))


@pytest.mark.parametrize("order,before_words,after_words,reading", [
    ([1, 0, 2, 4, 3], "a rise of 0.25", "a rise of 0.20", "This shuffle left a trend in the same direction"),
    ([4, 1, 2, 3, 0], "a rise of 0.25", "a fall of 0.15", "The line no longer runs the same way"),
])
def test_the_synthetic_shuffle_caption_measures_the_trend_left(order, before_words, after_words, reading):
    """The trend before and after the shuffle is measured, not assumed to have stayed."""
    shuffled = RAMP[order]
    assert f"{trend(shuffled):.2f}".lstrip("-") == after_words.split()[-1]
    text = explain(_trace(0.97, x=RAMP), _trace(0.98, x=shuffled), "shuffle", 0)
    assert (f"shows {before_words} from the first step to the last before the shuffle, and {after_words} after it."
            in text), text
    assert reading in text and "enough of the trend" not in text and "may have stayed" not in text
    flipped = explain(_trace(0.97, x=RAMP), _trace(0.03, x=shuffled), "shuffle", 0)
    assert "The answer flipped: order carried the label." in flipped
    still_rises = "The line rises after the shuffle, yet the model now answers class 0 (down)"
    assert (still_rises in flipped) == reading.startswith("This shuffle left")  # a fall agrees with class 0
    flat = explain(_trace(0.97), _trace(0.98), "shuffle", 0)  # zeros: no trend either side
    assert "no rise or fall from the first step" in flat and "showed no trend before the shuffle" in flat


def test_a_real_shuffle_caption_gives_its_own_sequences_trend(default_run):
    for sample in range(6):
        p = run_probe(default_run, sample, "shuffle", seed=sample)
        for x, when in ((p.before.input, "before the shuffle"), (p.after.input, "after it")):
            rise = round(np.polyfit(np.arange(len(x)), x.mean(axis=1), 1)[0] * (len(x) - 1), 2) + 0.0
            words = f"a rise of {rise:.2f}" if rise > 0 else f"a fall of {-rise:.2f}" if rise < 0 else "no rise or fall"
            assert f"{words} " + ("from the first step to the last " if when.startswith("before") else "") + when in p.caption


def test_every_edit_has_a_note_for_each_data_source():
    for edit in EDITS:
        assert edit_note(edit, synthetic=True, changes=False) == EDIT_NOTES[edit]
        levels, changes = edit_note(edit, False, False), edit_note(edit, False, True)
        assert "ramps" not in levels and changes == levels + " " + CHANGES_EDIT_NOTES[edit]
    zero = edit_note("zero", synthetic=False, changes=False)
    assert "lowest value in those rows" in zero and "training rows" in zero and "0 is a value" in zero
    zero_changes = edit_note("zero", synthetic=False, changes=True)
    assert "steepest fall" in zero_changes and "not 'no change'" in zero_changes
    assert "training rows" in edit_note("edit", synthetic=False, changes=False)


WALK = np.cumsum(np.random.default_rng(3).normal(0, 1, 160))  # rises and falls, each by varying amounts


@pytest.fixture(scope="module")
def csv_run():
    from lstm_core.pipeline.train import train

    rows = "\n".join(f"{i},{v:.4f},{abs(v):.4f}" for i, v in enumerate(WALK))
    table = parse_csv(f"step,walk,size\n{rows}\n".encode())
    dataset, config, _ = make_csv_dataset(table, "walk", ["size"], LSTMConfig(timesteps=6, units=4, epochs=1,
                                                                             batch_size=32), changes=True)
    return train(config, dataset)


def test_the_csv_notes_say_what_zero_and_a_reverse_are_in_this_data(csv_run):
    """Min-max on the training rows: 0 is each column's lowest value there, and for a change column its
    steepest fall. Changes are made from the file before the windows: a reverse keeps them as they were."""
    ds, n_train = csv_run.dataset, csv_run.config.train_sequences
    assert not ds.synthetic and ds.changes and ds.feature_names[2] == "change in walk"
    train_x = ds.x[:n_train]
    np.testing.assert_allclose(train_x.min(axis=(0, 1)), 0, atol=1e-6)  # the training minimum of every column
    rise = np.diff(train_x[:, :, 0], axis=1).ravel()  # the level's scaled move into steps 2.., and its change
    change = train_x[:, 1:, 2].ravel()
    a, b = np.polyfit(rise, change, 1)  # each change is the level's move, on its own scale: change = a·move + b
    np.testing.assert_allclose(change, a * rise + b, atol=1e-4)
    assert a > 0 and b > 0.05  # 'no change' sits at b, above 0
    assert rise[np.argmin(change)] == rise.min() < 0  # change 0 is the steepest fall
    x = ds.x[0]
    reversed_x = apply_edit(x, "reverse")
    np.testing.assert_array_equal(reversed_x[:, 2], x[::-1, 2])  # each row keeps its change: not negated
    up = next(k for k in range(1, len(x)) if x[k, 0] > x[k - 1, 0])  # a rise in the file...
    j = len(x) - 1 - up
    assert reversed_x[j + 1, 0] < reversed_x[j, 0] and reversed_x[j, 2] > b  # ...reads as a fall, its change a rise
    caption = run_probe(csv_run, 0, "reverse").caption
    assert "on this sequence" in caption and "your data" not in caption
    assert caption.endswith(CHANGES_EDIT_NOTES["reverse"])


def _rule(probe, timestep) -> str:
    """The sentence the caption should hold, from the traced forget gates and the measured score."""
    kept = np.prod(probe.before.gates["forget_gate"][timestep + 1:], axis=0)  # (units,): all 1 after the last step
    barely = abs(probe.after.dense_output - probe.before.dense_output) < 0.05
    if kept.max() >= OPEN_PATH:
        return OPEN_BARELY if barely else OPEN_MOVED
    return NARROW_BARELY if barely else ANOTHER_WAY


@pytest.mark.parametrize("edit", TIMESTEP_EDITS)
def test_a_real_caption_follows_its_traced_gates_and_measured_score(small_run, edit):
    for timestep in (0, 3, 5):
        p = run_probe(small_run, 1, edit, timestep, values=[1.0, 0.0, 1.0] if edit == "edit" else None)
        assert _rule(p, timestep) in p.caption and not any(claim in p.caption for claim in CAUSAL)
        assert f"({p.after.dense_output - p.before.dense_output:+.3f})" in p.caption
        if timestep < 5:
            assert f"at most {carried_after(p.before.gates['forget_gate'], timestep):.2f} of what" in p.caption


def test_the_trained_default_run_meets_every_rule_and_each_caption_follows_its_numbers(default_run):
    # sample 0: timestep 1's path is narrow, timestep 5's open, and zeroing either barely moves the score;
    # sample 1: timestep 8's path is open and zeroing it moves the score; sample 3 (a down ramp) swings
    seen = set()
    for sample, timestep in ((0, 0), (0, 4), (1, 7), (3, 0)):
        p = run_probe(default_run, sample, "zero", timestep)
        rule = _rule(p, timestep)
        assert rule in p.caption and not any(claim in p.caption for claim in CAUSAL), (sample, timestep, p.caption)
        seen.add(rule)
    assert seen == set(RULES)


def _gru_trace(score, update=0.1, steps=5, units=2) -> Trace:
    """A hand-made GRU Trace: every state constant 0.5, the update gate ``update`` (a number, or one per unit)."""
    update = np.broadcast_to(np.asarray(update, dtype=float), (units,))
    gates = {name: np.full((steps, units), 0.5) for name in STATES["gru"]} | {"update_gate": np.tile(update, (steps, 1))}
    return Trace(0, 1, np.zeros((steps, 3)), gates, np.zeros(units), score, 0.0, cell="gru")


GRU_RULES = ("The update-gate path was narrow and the score barely moved, but the update gates alone do not show why",
             "With the update-gate path this narrow, the change most likely travelled another way",
             "The update-gate path was open, but this change made little difference to the score",
             "The update-gate path was open, so the change could have reached the end along it")


@pytest.mark.parametrize("before,after,update,timestep,rule", [
    (0.97, 0.96, 0.1, 0, 0), (0.97, 0.50, 0.1, 0, 1), (0.97, 0.96, 0.95, 0, 2), (0.97, 0.50, 0.95, 0, 3),
    (0.97, 0.10, 0.1, 4, 3),  # the last timestep: no update gate after it
])
def test_a_gru_caption_reads_the_update_gates_path_not_a_forget_gate(before, after, update, timestep, rule):
    text = explain(_gru_trace(before, update), _gru_trace(after, update), "zero", timestep)
    assert [r in text for r in GRU_RULES] == [i == rule for i in range(4)]
    assert "forget" not in text and "cell" not in text and not any(claim in text for claim in CAUSAL)
    if timestep < 4:
        assert text.startswith(f"Along the update-gate path, at most {update ** 4:.2f} of what timestep 1 left in the "
                               "hidden state can reach the end")
    else:
        assert text.startswith("Timestep 5 is the last, so no update gate discounts its hidden state before the end.")


def test_a_real_caption_of_each_other_cell_follows_its_own_numbers(other_cell_run):
    for timestep in (0, 5):
        p = run_probe(other_cell_run, 1, "zero", timestep)
        barely = abs(p.after.dense_output - p.before.dense_output) < 0.05
        assert f"({p.after.dense_output - p.before.dense_output:+.3f})" in p.caption
        assert "forget" not in p.caption and "cell path" not in p.caption
        if p.before.cell == "gru":
            z = p.before.gates["update_gate"]
            kept = np.prod(z[timestep + 1:], axis=0) if timestep < 5 else np.ones(z.shape[1])
            opened = kept.max() >= OPEN_PATH
            assert GRU_RULES[2 * opened + (not barely)] in p.caption, p.caption
            if timestep < 5:
                assert f"at most {carried_after(z, timestep):.2f} of what timestep {timestep + 1}" in p.caption
        else:  # no gate: what the edit measurably did to the summary vector, and no path claimed
            moved = np.abs(p.after.gates["hidden_state"][-1] - p.before.gates["hidden_state"][-1])
            assert f"by up to {moved.max():.3f} (unit {int(np.argmax(moved)) + 1})" in p.caption
            assert "path was" not in p.caption
            assert ("no gate that keeps the old state" in p.caption) == (timestep < 5)
