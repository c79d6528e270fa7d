import numpy as np
import pytest

from lstm_core.probe import apply_edit, run_probe

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


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        (dict(edit="zero", timestep=4), "timestep 5 is outside 1 to 4"),
        (dict(edit="edit", timestep=0, values=[1, 2]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="edit", timestep=0, values=[1, 2, float("inf")]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="edit", timestep=0, values=[1, 2, 1e308]), "give 3 numbers between -1,000,000 and 1,000,000"),
        (dict(edit="scramble"), "unknown edit 'scramble'"),
    ],
)
def test_bad_edits_say_what_is_allowed(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        apply_edit(X, **kwargs)


@pytest.mark.parametrize("edit", ["zero", "reverse", "shuffle"])
def test_before_and_after_match_keras(default_run, edit):
    p = run_probe(default_run, 3, edit, timestep=4)
    assert p.keras_max_diff < 1e-5
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


def _trace(score, forget=0.1, steps=5, units=2):
    from types import SimpleNamespace

    return SimpleNamespace(dense_output=score, predicted=int(score > 0.5),
                           gates={"forget_gate": np.full((steps, units), forget)})


@pytest.mark.parametrize("before,after,forget,needle", [
    (0.97, 0.00, 0.1, "the change came through the steps after it"),  # swung, though little survives directly
    (0.97, 0.96, 0.1, "which is why the score barely moved"),
    (0.97, 0.50, 0.95, "survives to the end, so changing it can move the score"),
    (0.97, 0.96, 0.95, "too small to move the score much"),
])
def test_the_edit_caption_agrees_with_what_the_score_did(before, after, forget, needle):
    from lstm_core.probe import explain

    text = explain(_trace(before, forget), _trace(after, forget), "edit", 0)
    assert needle in text
    if abs(after - before) >= 0.25:
        assert "discounted" not in text


def test_the_shuffle_and_reverse_captions_follow_the_score_and_the_data():
    from lstm_core.probe import explain

    assert "fell towards 0.5" in explain(_trace(0.97), _trace(0.6), "shuffle", 0)
    assert "did not get less sure" in explain(_trace(0.97), _trace(0.98), "shuffle", 0)
    assert "as this one did" in explain(_trace(0.9), _trace(0.1), "reverse", 0)
    assert "should flip its answer; this one has not" in explain(_trace(0.9), _trace(0.8), "reverse", 0)
    csv = explain(_trace(0.6), _trace(0.59), "reverse", 0, synthetic=False)
    assert "up-trend" not in csv and "relies on order in your data: here, little." in csv


@pytest.mark.parametrize("before,after,needle,absent", [
    (0.992, 0.030, "the answer flipped: order carried the label", "fell towards 0.5"),  # sample 1 of the default run
    (0.991, 0.009, "the answer flipped", "did not get less sure"),  # sample 9
    (0.97, 0.60, "confidence fell towards 0.5", "flipped"),
    (0.90, 0.97, "did not get less sure", "flipped"),
    (0.990, 0.930, "somewhat less sure but kept its answer", "order carried"),  # sample 2: a 0.06 dip proves little
    (0.990, 0.975, "about as sure as before", "order carried"),
])
def test_the_shuffle_caption_agrees_with_what_the_score_did(before, after, needle, absent):
    from lstm_core.probe import explain

    text = explain(_trace(before), _trace(after), "shuffle", 0)
    assert needle in text and absent not in text
