from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from lstm_core._keras import keras
from lstm_core.config import LSTMConfig
from lstm_core.quiz import FIXED, LEVELS, SEED_QUESTION, draw_quiz, generated_questions, grade
from lstm_core.trace import trace_sample
from lstm_core.train import history_frame, train


def test_at_least_nine_fixed_questions_in_three_levels():
    assert len(FIXED) >= 9
    for level in LEVELS[:3]:
        assert sum(q.level == level for q in FIXED) >= 3


@pytest.mark.parametrize("q", FIXED, ids=lambda q: q.id)
def test_every_fixed_question_has_four_options_one_correct_and_a_reason_for_each(q):
    assert len(q.options) == 4 and len(set(q.options)) == 4
    assert 0 <= q.answer < 4 and len(q.why) == 4 and all(len(w) > 20 for w in q.why)
    explanation = q.explanation()
    assert explanation.count("Right ") == 1 and explanation.count("Not ") == 3


def test_the_seed_question_word_for_word():
    assert SEED_QUESTION.prompt == "What does the LSTM layer output represent?"
    assert SEED_QUESTION.options == (
        "A summary vector capturing sequence patterns", "Raw input data unchanged", "Final prediction score", "Random noise")
    assert SEED_QUESTION.answer == 0


@pytest.fixture(scope="module", params=[(3, 2, 5), (8, 5, 4), (16, 1, 2)], ids=lambda p: f"u{p[0]}-f{p[1]}-e{p[2]}")
def varied_run(request):
    units, features, epochs = request.param
    return train(LSTMConfig(sequences=100, timesteps=5, features=features, units=units, epochs=epochs, batch_size=20))


def answer(q):
    return q.options[q.answer]


def test_generated_answers_agree_with_an_independent_computation(varied_run):
    run = varied_run
    trace = trace_sample(run, 2)
    qs = {q.id: q for q in generated_questions(run, trace)}
    lstm = run.model.get_layer("lstm")
    assert answer(qs["gen-params"]) == f"{lstm.count_params():,}"
    n, units = run.config.sequences, lstm.output.shape[-1]
    assert answer(qs["gen-shape"]) == f"{n} sequences x {units} units"
    if "gen-best-epoch" in qs:
        assert answer(qs["gen-best-epoch"]) == f"Epoch {int(np.argmin(run.history['val_loss'].to_numpy())) + 1}"
    else:
        assert answer(qs["gen-final-acc"]) == f"{run.history['val_accuracy'].to_numpy()[-1]:.3f}"  # as the table shows
    # The forget gate at the last step, from Keras's own hidden states and its kernel's f block.
    kernel, recurrent, bias = lstm.get_weights()
    twin = keras.layers.LSTM(lstm.units, return_sequences=True)
    x = run.dataset.x[2:3]
    twin.build(x.shape)
    twin.set_weights(lstm.get_weights())
    h_prev = np.asarray(twin(x))[0, -2]
    u = lstm.units
    f_last = 1 / (1 + np.exp(-(x[0, -1] @ kernel[:, u:2 * u] + h_prev @ recurrent[:, u:2 * u] + bias[u:2 * u])))
    expected = "Mostly open" if f_last.mean() > 0.5 else "Mostly closed"
    assert answer(qs["gen-forget"]).startswith(expected)


def test_generated_distractors_are_distinct_and_from_common_mistakes(varied_run):
    for q in generated_questions(varied_run, trace_sample(varied_run, 0)):
        assert len(q.options) == 4 and len(set(q.options)) == 4, q
    q = generated_questions(varied_run)[0]
    u, f = varied_run.config.units, varied_run.config.features
    assert f"{u * (f + u + 1):,}" in q.options  # 1x instead of 4x
    assert f"{4 * u * (f + u):,}" in q.options  # bias dropped


def test_draw_is_seeded_always_has_the_seed_question_and_every_level(varied_run):
    a = draw_quiz(varied_run, seed=3)
    b = draw_quiz(varied_run, seed=3)
    c = draw_quiz(varied_run, seed=4)
    assert [q.id for q in a] == [q.id for q in b] and [q.options for q in a] == [q.options for q in b]
    assert a[0] == SEED_QUESTION and c[0] == SEED_QUESTION
    assert {q.level for q in a} == set(LEVELS)
    assert [q.id for q in a] != [q.id for q in c] or [q.options for q in a] != [q.options for q in c]


def test_grade():
    qs = list(FIXED[:3])
    marks, score = grade(qs, {qs[0].id: qs[0].answer, qs[1].id: (qs[1].answer + 1) % 4})
    assert marks == [True, False, False] and score == "1 / 3"


@pytest.mark.parametrize("config", [
    LSTMConfig(sequences=60, timesteps=4, features=2, units=2, epochs=2, batch_size=20),  # units == features
    LSTMConfig(sequences=60, timesteps=2, features=1, units=1, epochs=1, batch_size=20),  # everything 1
    LSTMConfig(sequences=10, timesteps=3, features=3, units=3, epochs=1, batch_size=5, seed=1),  # tiny validation set
], ids=["units-eq-features", "all-ones", "tiny"])
def test_every_question_has_four_distinct_options_for_edge_configs(config):
    run = train(config)
    quiz = draw_quiz(run, trace_sample(run, 0))
    assert len(quiz) == 9
    for q in quiz:
        assert len(set(q.options)) == 4, q
    shape = {q.id: q for q in quiz}["gen-shape"]
    assert answer(shape) == f"{config.sequences} sequence{'s' * (config.sequences > 1)} x {config.units} unit{'s' * (config.units > 1)}"
    t, u = config.timesteps, config.units
    assert f"{config.sequences} sequences x {t} timesteps x {u} unit{'s' * (u > 1)}" in shape.options  # return_sequences


def _history(val_loss, val_acc, acc=None):
    rows = [{"epoch": i + 1, "loss": 0.7 - 0.01 * i, "accuracy": (acc or val_acc)[i], "val_loss": v, "val_accuracy": a}
            for i, (v, a) in enumerate(zip(val_loss, val_acc))]
    return SimpleNamespace(history=history_frame(rows), config=SimpleNamespace(epochs=len(rows)))


def test_a_best_epoch_the_table_cannot_tell_apart_is_not_asked():
    tie = _history([0.69312, 0.69301, 0.69349, 0.69400], [0.5, 0.5, 0.5, 0.5])  # 0.693 twice at 3 decimals
    from lstm_core.quiz import _best_epoch_question

    assert _best_epoch_question(tie) is None
    clear = _history([0.69, 0.61, 0.52, 0.55], [0.5, 0.6, 0.7, 0.7])
    q = _best_epoch_question(clear)
    assert answer(q) == "Epoch 3" and "0.520" in q.why[0]


def test_final_accuracy_distractors_for_a_perfect_run_are_values_it_never_reached():
    from lstm_core.quiz import _final_accuracy_question

    run = _history([0.3] * 50, [1.0] * 50)  # 100% everywhere: the old distractors all collapsed into 1.00
    q = _final_accuracy_question(run)
    assert answer(q) == "1.000" and len(set(q.options)) == 4
    assert all(o != "1.000" for o in q.options[1:])


def test_a_diverged_run_is_asked_only_what_its_table_shows(diverged_run):
    from lstm_core.quiz import _best_epoch_question

    assert _best_epoch_question(diverged_run) is not None  # its finite epochs alone would make one
    ids = [q.id for q in generated_questions(diverged_run, trace_sample(diverged_run, 0))]
    assert ids == ["gen-params", "gen-shape", "gen-final-acc"]  # no forget gate of NaN, no lowest NaN loss


def test_a_forget_gate_mean_too_close_to_one_half_is_not_asked(small_run):
    """One unit keeping everything and one erasing everything averaged 0.5000000000004: 'mostly open'."""
    from dataclasses import replace

    from lstm_core.quiz import _forget_question

    trace = trace_sample(small_run, 0)
    gates = dict(trace.gates)
    last = np.zeros_like(gates["forget_gate"])
    last[-1, :] = [1.0, 1e-12, 1.0, 1e-12]  # 4 units
    assert _forget_question(replace(trace, gates={**gates, "forget_gate": last})) is None
    last[-1, :] = [0.9, 0.8, 0.7, 0.6]
    q = _forget_question(replace(trace, gates={**gates, "forget_gate": last}))
    assert answer(q).startswith("Mostly open") and q.why[1].endswith("0.75, above 0.5.")


def test_a_one_unit_lstm_is_not_offered_its_own_shape_as_a_wrong_answer():
    """With 1 unit the LSTM's output is (n, 1): '20 sequences x 1 output' is not wrong."""
    run = train(LSTMConfig(sequences=20, timesteps=3, features=2, units=1, epochs=1, batch_size=10))
    shape = {q.id: q for q in generated_questions(run)}["gen-shape"]
    assert answer(shape) == "20 sequences x 1 unit" and "20 sequences x 1 output" not in shape.options


# M01: FORGET_MARGIN 0.05 -> 0.01
def test_a_forget_gate_mean_within_the_margin_of_one_half_is_not_asked_and_one_past_it_is(small_run):
    from lstm_core.quiz import _forget_question
    from lstm_core.trace import trace_sample

    trace = trace_sample(small_run, 0)
    f = np.array(trace.gates["forget_gate"])

    def question(mean):
        g = f.copy()
        g[-1, :] = mean
        return _forget_question(replace(trace, gates={**trace.gates, "forget_gate": g}))

    assert question(0.53) is None and question(0.47) is None  # neither mostly open nor mostly closed
    assert question(0.56).options[question(0.56).answer].startswith("Mostly open")
    assert question(0.44).options[question(0.44).answer].startswith("Mostly closed")


# M02: 'not abs(...) >= MARGIN' -> 'abs(...) < MARGIN' (only NaN differs)
def test_a_nan_forget_gate_is_not_asked_about(small_run):
    from lstm_core.quiz import _forget_question
    from lstm_core.trace import trace_sample

    trace = trace_sample(small_run, 0)
    nan = np.full_like(np.asarray(trace.gates["forget_gate"]), np.nan)
    assert _forget_question(replace(trace, gates={**trace.gates, "forget_gate": nan})) is None
