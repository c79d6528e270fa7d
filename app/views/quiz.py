"""The Quiz tab: questions on LSTMs (and on the run's GRU or SimpleRNN) and on the run trained, each answer kept
as it is picked."""

import streamlit as st

from app.views import challenges, predict
from app.views.common import cached_trace, next_step


def keep_answer(saved: dict, question: str, key: str) -> None:
    """A picked answer is kept for the quiz (and its marks wait for the next Check answers)."""
    saved[question] = st.session_state[key]
    st.session_state.pop("quiz_checked", None)


def verdict(feedback) -> None:
    """One checked question's verdict, right under it: the learner's answer and the right one, why,
    and the other options' reasons folded away."""
    # Words first, then an icon and the colour: right and wrong never rest on green and red alone.
    if feedback.correct:
        st.success(f"**{feedback.said}** {feedback.why}", icon=":material/check_circle:")
    else:
        st.error(f"**{feedback.said}** {feedback.why}", icon=":material/cancel:")
    with st.expander("Why not the others?"):
        st.markdown("\n".join(
            f"- **{w.letter}. {w.option}**{' (your answer)' if w.picked else ''}: {w.reason}" for w in feedback.why_not))


def view(run, compared=()) -> None:
    """``compared``: the run's Why gates? comparisons the learner has trained (they add questions)."""
    from lstm_core.teaching.quiz import ANSWER_FIRST, LETTERS, draw_quiz, grade

    quiz_seed = st.session_state.setdefault("quiz_seed", 0)
    trace = cached_trace(run.key, 0, run)
    questions = draw_quiz(run, trace, seed=quiz_seed, compared=compared)
    st.caption(f"{len(questions)} questions; the last {len(questions) - 5} are about the model you trained.")
    form_id = f"quiz-{run.key}-{quiz_seed}"
    # No st.form: a form sends its answers only on submit, so a learner who goes to look at the trace
    # (question 9 asks about it) would come back to an empty quiz. Each answer is kept as it is picked.
    saved = st.session_state.setdefault("quiz_answers", {}).setdefault(form_id, {})  # outlives the tab
    checked = st.session_state.get("quiz_checked") == form_id and any(v is not None for v in saved.values())
    for n, q in enumerate(questions, 1):
        st.markdown(f"**{n}. {q.prompt}**  \n*{q.level}*")
        key = f"{form_id}-{q.id}"
        st.radio(q.prompt, range(len(q.options)), format_func=lambda i, q=q: f"{LETTERS[i]}. {q.options[i]}",
                 index=saved.get(q.id), key=key, label_visibility="collapsed",
                 on_change=keep_answer, args=(saved, q.id, key))
        if checked:
            if (feedback := q.feedback(saved.get(q.id))) is None:
                st.caption("Not answered: not scored.")
            else:
                verdict(feedback)
    if st.button("Check answers", key="check", type="primary"):
        st.session_state["quiz_checked"] = form_id
        st.rerun()  # the verdicts go under the questions above, drawn before this button
    if st.session_state.get("quiz_checked") == form_id:
        if not checked:
            st.warning(ANSWER_FIRST)
        else:
            marked = grade(questions, saved)
            st.metric("Score", marked.score, help="Right answers out of the questions answered.")
            if note := marked.unanswered_note():
                st.caption(note)
    if st.button("New quiz", key="new_quiz"):
        st.session_state["quiz_seed"] = quiz_seed + 1
        st.rerun()
    predict.summary()
    challenges.view(run.config.cell)
    next_step("quiz")
