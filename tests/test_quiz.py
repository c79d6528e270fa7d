import numpy as np
import pytest

from lstm_core._keras import keras
from lstm_core.config import LSTMConfig
from lstm_core.quiz import FIXED, LEVELS, SEED_QUESTION, draw_quiz, generated_questions, grade
from lstm_core.trace import trace_sample
from lstm_core.train import train


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
        assert answer(qs["gen-final-acc"]) == f"{run.history['val_accuracy'].to_numpy()[-1]:.2f}"
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
