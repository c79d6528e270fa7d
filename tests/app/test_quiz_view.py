"""The Quiz tab: drawn from the run on screen, marked on Check answers, its answers kept across tabs."""

from streamlit.testing.v1 import AppTest

from lstm_core.teaching.quiz import draw_quiz
from lstm_core.tracing.trace import trace_sample
from tests.app.conftest import new_app, preset_app, show, shown, train_with


def quiz_of(at: AppTest):
    """Open the Quiz tab; the run on screen and the questions it should show."""
    if at.session_state["tab"] != "Quiz":
        show(at, "Quiz")
    run = shown(at)
    return run, draw_quiz(run, trace_sample(run, 0), seed=at.session_state["quiz_seed"])


def test_quiz_all_right_scores_n_of_n():
    at = new_app()
    _, questions = quiz_of(at)
    for q in questions:
        next(r for r in at.radio if r.key and r.key.endswith("-" + q.id)).set_value(q.answer)
    at.button(key="check").click()
    at.run()
    assert at.tabs[3].metric[0].value == f"{len(questions)} / {len(questions)}"
    assert len(at.success) == len(questions) and not at.error


def test_quiz_wrong_answer_shows_its_explanation():
    at = new_app()
    _, questions = quiz_of(at)
    seed_q = questions[0]
    next(r for r in at.radio if r.key.endswith("-seed")).set_value(seed_q.options.index("Final prediction score"))
    at.button(key="check").click()
    at.run()
    first = at.error[0].value
    assert first.startswith("**Question 1: incorrect.**") and "comes from the Dense layer" in first
    assert at.tabs[3].metric[0].value.startswith("0 / ")
    unanswered = [w.value for w in at.tabs[3].warning]
    assert len(unanswered) == len(questions) - 1 and unanswered[0].startswith("**Question 2: not answered.**")


def test_the_quiz_works_when_units_equal_features():
    """Two distractors (return_sequences and the input shape) coincide there: each question still has 4 options."""
    at = preset_app(units="4", features="4", epochs="2", sequences="200")
    run, questions = quiz_of(at)
    assert (run.config.units, run.config.features) == (4, 4)
    radios = [r for r in at.radio if r.key and r.key.startswith("quiz-")]
    assert len(radios) == len(questions) and all(len(r.options) == 4 for r in radios)
    shape = next(r for r in radios if r.key.endswith("-gen-shape"))
    assert any(o.endswith(". 200 sequences x 4 units") for o in shape.options)


def test_new_quiz_draws_again_and_answers_survive_reruns():
    at = new_app()
    run, first = quiz_of(at)
    next(r for r in at.radio if r.key.endswith("-seed")).set_value(first[0].answer)
    at.button(key="check").click()
    at.run()
    show(at, "Prediction trace")
    at.radio(key="gate").set_value("cell_state")  # another widget reruns the page
    at.run()
    show(at, "Quiz")
    assert next(r for r in at.radio if r.key.endswith("-seed")).value == first[0].answer  # the answer survives
    assert at.success[0].value.startswith("**Question 1: correct.**")  # and so does its mark
    assert at.tabs[3].metric[0].value == f"1 / {len(first)}"
    at.button(key="new_quiz").click()
    at.run()
    assert at.session_state["quiz_seed"] == 1
    _, second = quiz_of(at)
    assert [q.id for q in second] == [q.id for q in draw_quiz(run, trace_sample(run, 0), seed=1)]
    assert second[0].id == "seed" and [q.options for q in second] != [q.options for q in first]
    assert shown(at) is run  # answering and redrawing never retrain


def test_quiz_follows_a_new_run():
    at = new_app()
    _, before = quiz_of(at)
    train_with(at, units=8, epochs=2)
    _, after = quiz_of(at)
    param_q = lambda qs: next(q for q in qs if q.id == "gen-params")  # noqa: E731
    assert param_q(before).options[param_q(before).answer] == "2,080"
    assert param_q(after).options[param_q(after).answer] == f"{4 * 8 * (5 + 8 + 1):,}"
    shown_options = next(r for r in at.radio if r.key.endswith("-gen-params"))
    assert f"{4 * 8 * (5 + 8 + 1):,}" in " ".join(shown_options.options)
