"""Predict, then reveal: the learner commits to an answer (or skips) before a view shows its result.
Every prediction is kept in the session, under a key naming what was asked about, for the summary."""

import streamlit as st

PREDICTIONS = "predictions"  # session_state: key -> teaching.predictions.Prediction, in the order they were made
HINTS = {"accuracy": "a number from 0 to 1, or a percentage", "count": "a whole number"}
GUESS_LABEL = "Your prediction: final validation accuracy"  # asked before a run trains (sidebar, guided step 3)


def kept() -> dict:
    return st.session_state.setdefault(PREDICTIONS, {})


def ask(key: str, question: str, kind: str, label: str | None = None):
    """The question with Reveal and Skip. Returns the learner's Prediction (its guess None when skipped)
    once one was pressed, now or before; None while the question waits. A bad answer is named in one
    message, and the question stays."""
    from lstm_core.teaching.predictions import DIRECTIONS, predict, skip

    made = kept().get(key)
    if made is not None:
        return made
    with st.container(border=True):
        if kind == "direction":
            answer = st.radio(label or question, DIRECTIONS, index=None, horizontal=True, key=f"guess-{key}")
        else:
            answer = st.text_input(label or question, key=f"guess-{key}", placeholder=HINTS[kind])
        left, right = st.columns(2)
        if left.button("Reveal", key=f"reveal-{key}", type="primary", width="stretch"):
            if answer is None:  # a radio with nothing picked
                st.error(f"Pick {', '.join(DIRECTIONS[:-1])} or {DIRECTIONS[-1]} first, or press Skip.")
                return None
            try:
                made = predict(question, kind, answer)
            except ValueError as err:
                st.error(str(err))
                return None
        elif right.button("Skip", key=f"skip-{key}", width="stretch"):
            made = skip(question, kind)
        else:
            st.caption("Predict first, then reveal: a guess you commit to, right or wrong, is what makes the answer stick.")
            return None
    kept()[key] = made
    st.rerun()  # what this reveals can show further up the page (the forced gate in the step table)


def settle(key: str, truth) -> str:
    """The prediction under ``key`` with its true answer recorded, as one sentence ('You predicted ...')."""
    from lstm_core.teaching.predictions import reveal, said

    made = kept()[key]
    if made.truth != truth:
        made = kept()[key] = reveal(made, truth)
    return said(made)


def summary() -> None:
    """Your predictions: each revealed one with its result, and how far off the learner was on average."""
    from lstm_core.teaching.predictions import calibration, said

    shown = [p for p in kept().values() if p.revealed]
    st.header("Your predictions")
    if not shown:
        st.caption("None yet. The Pipeline, Prediction trace and sidebar ask you to predict before they reveal.")
        return
    st.markdown("\n".join(f"- **{p.question}** {said(p)}" for p in shown))
    st.info(calibration(shown).said())


def guess_error(typed: str | None) -> None:
    """A prediction that is not an accuracy is named as soon as it is typed (Train runs without it)."""
    from lstm_core.teaching.predictions import parse_accuracy

    if (typed or "").strip():
        try:
            parse_accuracy(typed)
        except ValueError as err:
            st.error(f"{GUESS_LABEL}: {err} The run trains without it.")
