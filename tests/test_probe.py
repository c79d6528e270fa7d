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
        (dict(edit="edit", timestep=0, values=[1, 2]), "give 3 finite values"),
        (dict(edit="edit", timestep=0, values=[1, 2, float("inf")]), "give 3 finite values"),
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
