"""Challenges: goals reached by choosing settings and training. Each is checked on every run this session
trains (and the order one when its comparison models arrive); a challenge once done stays done."""

import streamlit as st

RESULTS = "challenges"  # session_state: challenge key -> its teaching.challenges.Result (done, or the latest try)


def _keep(result) -> None:
    results = st.session_state.setdefault(RESULTS, {})
    old = results.get(result.challenge.key)
    if old is None or not old.done:
        results[result.challenge.key] = result


def record(run) -> None:
    """Check a finished run against the challenges that need only the run."""
    from lstm_core.teaching.challenges import check_small, check_stuck

    for check in (check_small, check_stuck):
        _keep(check(run))


def record_order(run, shuffled) -> None:
    """Check the run against its time-shuffled copy, once that has trained."""
    from lstm_core.teaching.challenges import check_order

    _keep(check_order(run, shuffled))


def view(cell: str = "lstm") -> None:
    """The challenges, worded for the run on screen's ``cell`` (config.cell)."""
    from lstm_core.teaching.challenges import challenges_for

    results = st.session_state.get(RESULTS, {})
    st.header("Challenges")
    st.caption("Each is checked on the runs you train (Train in the sidebar); only a real run's numbers count.")
    for challenge in challenges_for(cell):
        result = results.get(challenge.key)
        mark = "✅ Done" if result is not None and result.done else "Not yet"
        with st.container(border=True):
            st.markdown(f"**{challenge.title}** ({mark}): {challenge.goal}")
            if result is None:
                st.caption(f"Not tried yet. {challenge.hint}")
            elif result.done:
                st.success(result.said, icon=":material/check_circle:")
            else:
                st.caption(f"Your last try: {result.said} {challenge.hint}")
