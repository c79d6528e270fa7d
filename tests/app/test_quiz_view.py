"""The Quiz tab: drawn from the run on screen, marked on Check answers, its answers kept across tabs."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.teaching.quiz import draw_quiz
from lstm_core.tracing.trace import trace_sample
from tests.app.conftest import new_app, preset_app, show, shown, skip_prediction, texts, train_with


def quiz_tab(at: AppTest):
    return next(t for t in at.tabs if t.label == "Quiz")


def quiz_of(at: AppTest):
    """Open the Quiz tab; the run on screen and the questions it should show."""
    if at.session_state["tab"] != "Quiz":
        show(at, "Quiz")
    run = shown(at)
    return run, draw_quiz(run, trace_sample(run, 0), seed=at.session_state["quiz_seed"])


def pick(at: AppTest, q, option: int) -> None:
    next(r for r in at.radio if r.key and r.key.endswith("-" + q.id)).set_value(option)


def under(at: AppTest, q) -> list:
    """What the Quiz tab shows between question q's radio and the next question."""
    nodes = list(quiz_tab(at).children.values())
    start = next(i for i, n in enumerate(nodes) if getattr(n, "key", None) and n.key.endswith("-" + q.id)) + 1
    end = next((i for i in range(start, len(nodes)) if nodes[i].type == "markdown"
                and nodes[i].value.startswith("**")), len(nodes))  # the next question's prompt
    return nodes[start:end]


def test_quiz_all_right_scores_n_of_n():
    at = new_app()
    _, questions = quiz_of(at)
    for q in questions:
        pick(at, q, q.answer)
    at.button(key="check").click()
    at.run()
    assert quiz_tab(at).metric[0].value == f"{len(questions)} / {len(questions)}"
    assert len(at.success) == len(questions) and not at.error
    assert not any("not answered" in c.value or "Not answered" in c.value for c in quiz_tab(at).caption)


def test_each_verdict_sits_under_its_question_and_names_both_answers():
    """One right, one wrong, the rest unanswered: each verdict under its own question, the score over the two."""
    at = new_app()
    _, questions = quiz_of(at)
    seed_q, other = questions[0], questions[1]
    wrong = (other.answer + 1) % 4
    pick(at, seed_q, seed_q.answer)
    pick(at, other, wrong)
    at.button(key="check").click()
    at.run()
    first = under(at, seed_q)
    assert first[0].type == "success"
    assert first[0].value.startswith(f"**Your answer: {'ABCD'[seed_q.answer]}. Right.** The layer returns its last hidden")
    assert first[1].type == "expander" and first[1].label == "Why not the others?"
    assert "comes from the Dense layer" in first[1].markdown[0].value and "(your answer)" not in first[1].markdown[0].value
    second = under(at, other)
    assert second[0].type == "error"
    assert second[0].value.startswith(f"**Your answer: {'ABCD'[wrong]}. The right answer: {'ABCD'[other.answer]}.**")
    assert other.reason in second[0].value
    reasons = second[1].markdown[0].value
    assert reasons.startswith(f"- **{'ABCD'[wrong]}. {other.options[wrong]}** (your answer): ")  # the pick leads
    assert other.reason not in reasons  # the right answer's why is said once, above
    third = under(at, questions[2])
    assert [n.value for n in third] == ["Not answered: not scored."]  # no answer given away
    assert len(at.success) == 1 and len(at.error) == 1
    assert quiz_tab(at).metric[0].value == "1 / 2"
    assert f"{len(questions) - 2} questions not answered: not scored." in [c.value for c in quiz_tab(at).caption]


def test_checking_with_nothing_answered_asks_for_an_answer_first():
    at = new_app()
    quiz_of(at)
    at.button(key="check").click()
    at.run()
    tab = quiz_tab(at)
    assert [w.value for w in tab.warning] == ["Answer at least one question, then check your answers."]
    assert not tab.metric and not tab.success and not tab.error and not tab.expander


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
    assert at.success[0].value.startswith(f"**Your answer: {'ABCD'[first[0].answer]}. Right.**")  # and its mark
    assert quiz_tab(at).metric[0].value == "1 / 1"
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


@pytest.mark.parametrize("cell,name", [("gru", "GRU"), ("rnn", "SimpleRNN")])
def test_a_gru_or_simplernn_run_names_its_layer_in_the_pipeline_and_the_quiz(cell, name):
    """The stage cards, the parameter prediction, the key insight and the quiz (its challenges too) are about the
    run's own cell, and the quiz, with no forget gate to read, draws and marks without an error."""
    at = show(preset_app(cell=cell, units="6", epochs="2", sequences="200"), "Pipeline")
    run = shown(at)
    assert run.config.cell == cell
    assert [i.label for i in at.text_input if i.key and i.key.startswith("guess-params")] == [
        f"How many {name} parameters? (the weights the {name} layer learns)"]
    skip_prediction(at, "params")
    said = texts(at)
    assert f"**2 · {name} Layer**" in said and f"this is the input, as the {name} reads it" in said
    assert any(i.value.startswith(f"**Key insight.** A {name} reads a sequence") for i in at.info)
    tab = next(t for t in at.tabs if t.label == "Pipeline")
    said = " ".join(m.value for m in (*tab.caption, *tab.markdown))  # 'a quarter of an LSTM with as many units' may stay
    assert not re.search(r"\b[Tt]he LSTM\b|LSTM Layer|LSTM's", said), said
    run, questions = quiz_of(at)
    assert questions[0].prompt == f"What does the {name} layer output represent?"
    assert not any(q.id == "gen-forget" for q in questions)
    for q in questions:
        pick(at, q, q.answer)
    at.button(key="check").click()
    at.run()
    assert not at.exception and quiz_tab(at).metric[0].value == f"{len(questions)} / {len(questions)}"
    assert any(f"at most 300 {name} parameters" in m.value for m in quiz_tab(at).markdown)
