"""Sequences worth tracing, on a real trained run: every one listed as wrong really is, by the run's own
Keras scores and by the NumPy trace; held-out sequences come first."""

import dataclasses

import numpy as np

from lstm_core.tracing.picks import counts, least_confident, misclassified, scores
from lstm_core.tracing.trace import trace_sample


def test_every_listed_sample_is_misclassified_and_every_misclassified_one_is_listed(small_run):
    run = small_run
    keras_scores, y = run.keras.scores, run.dataset.y
    wrong = misclassified(run)
    assert wrong, "a 2-epoch run on 120 sequences gets some wrong"
    for pick in wrong:
        assert (keras_scores[pick.sample] > 0.5) != (y[pick.sample] > 0.5)  # Keras's own score, wrong side of 0.5
        assert pick.score == float(keras_scores[pick.sample]) and pick.label == int(y[pick.sample])
        trace = trace_sample(run, pick.sample)  # and the trace the page shows agrees
        assert trace.predicted != trace.label
    expected = {i for i in range(len(y)) if (keras_scores[i] > 0.5) != (y[i] > 0.5)}
    assert {p.sample for p in wrong} == expected
    assert counts(run) == (len(expected), sum(i >= run.config.train_sequences for i in expected))


def test_held_out_sequences_come_first_then_the_most_confidently_wrong(small_run):
    run = small_run
    wrong = misclassified(run)
    flags = [p.held_out for p in wrong]
    assert flags == sorted(flags, reverse=True)  # every held-out one before every training one
    assert all(p.held_out == (p.sample >= run.config.train_sequences) for p in wrong)
    for part in (True, False):
        gaps = [abs(p.score - 0.5) for p in wrong if p.held_out is part]
        assert gaps == sorted(gaps, reverse=True)
    assert [p.sample for p in misclassified(run, limit=3)] == [p.sample for p in wrong[:3]]
    assert wrong[0].describe().startswith(f"Wrong: sample {wrong[0].sample} (")


def test_least_confident_are_the_nearest_to_one_half(small_run):
    run = small_run
    unsure = least_confident(run, count=5)
    assert len(unsure) == 5
    gaps = np.abs(run.keras.scores.astype(np.float64) - 0.5)
    listed = {p.sample for p in unsure}
    furthest_listed = max(gaps[i] for i in listed)
    assert all(gaps[i] >= furthest_listed for i in range(len(gaps)) if i not in listed)
    flags = [p.held_out for p in unsure]
    assert flags == sorted(flags, reverse=True)


def test_without_keras_scores_the_numpy_model_gives_the_same_list(small_run):
    numpy_only = dataclasses.replace(small_run, keras=None)
    np.testing.assert_allclose(scores(numpy_only), small_run.keras.scores, atol=1e-5)
    assert [p.sample for p in misclassified(numpy_only)] == [p.sample for p in misclassified(small_run)]


def test_a_diverged_run_lists_nothing(diverged_run):
    assert misclassified(diverged_run) == [] and least_confident(diverged_run) == []
