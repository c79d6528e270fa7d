"""The Quiz tab: questions on LSTMs and on the run trained, each answer kept as it is picked."""

import streamlit as st

from app.views.common import cached_trace


def keep_answer(saved: dict, question: str, key: str) -> None:
    """A picked answer is kept for the quiz (and its marks wait for the next Check answers)."""
    saved[question] = st.session_state[key]
    st.session_state.pop("quiz_checked", None)


def view(run) -> None:
    from lstm_core.teaching.quiz import draw_quiz, grade

    quiz_seed = st.session_state.setdefault("quiz_seed", 0)
    trace = cached_trace(run.key, 0, run)
    questions = draw_quiz(run, trace, seed=quiz_seed)
    st.caption(f"{len(questions)} questions; the last {len(questions) - 5} are about the model you trained.")
    form_id = f"quiz-{run.key}-{quiz_seed}"
    # No st.form: a form sends its answers only on submit, so a learner who goes to look at the trace
    # (question 9 asks about it) would come back to an empty quiz. Each answer is kept as it is picked.
    saved = st.session_state.setdefault("quiz_answers", {}).setdefault(form_id, {})  # outlives the tab
    for n, q in enumerate(questions, 1):
        st.markdown(f"**{n}. {q.prompt}**  \n*{q.level}*")
        key = f"{form_id}-{q.id}"
        st.radio(q.prompt, range(len(q.options)), format_func=lambda i, q=q: f"{'ABCD'[i]}. {q.options[i]}",
                 index=saved.get(q.id), key=key, label_visibility="collapsed",
                 on_change=keep_answer, args=(saved, q.id, key))
    if st.button("Check answers", key="check", type="primary"):
        st.session_state["quiz_checked"] = form_id
    if st.session_state.get("quiz_checked") == form_id:
        marks, score = grade(questions, saved)
        for n, (q, ok) in enumerate(zip(questions, marks), 1):
            if q.id not in saved:
                st.warning(f"**Question {n}: not answered.** {q.explanation()}")
            else:
                (st.success if ok else st.error)(f"**Question {n}: {'correct' if ok else 'incorrect'}.** {q.explanation()}")
        st.metric("Score", score)
    if st.button("New quiz", key="new_quiz"):
        st.session_state["quiz_seed"] = quiz_seed + 1
        st.rerun()
