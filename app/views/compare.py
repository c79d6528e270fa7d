"""The Compare tab: every finished run of this session, side by side. Comparing never retrains."""

import streamlit as st

from app.views.common import chart, next_step, wrapping
from lstm_core import formats


def view(run, store) -> None:
    """``store``: this session's present.runs.RunStore; ``run``: the run on screen."""
    from lstm_core.present import alt
    from lstm_core.present.charts import METRIC_LABELS, SPLIT_NOTE, compare_charts
    from lstm_core.present.runs import SUMMARY_FORMATS

    if run.key not in store:  # removed or cleared: Train would not bring it back, as it is already on screen
        if st.button("Add the run on screen", key="readd_run", help="It was removed or cleared from this list."):
            store.add(run)
            st.rerun()
    if not len(store):
        st.info(f"Runs you train appear here, up to the last {store.limit}.")
        return
    st.caption(f"{len(store)} run{'s' if len(store) != 1 else ''} this session (the last {store.limit} are kept).")
    said = store.verdict()  # which did best, against the noise; with one run, what to train next
    if len(store) == 1:
        st.info(said)
    else:
        st.markdown(f"**{formats.literal(said)}**")
    histories = store.histories()
    for drawn, metric in zip(compare_charts(histories), METRIC_LABELS.values()):
        chart(st, drawn, alt.compare(histories, metric), alt.compare_numbers(histories, metric), width="stretch")
    st.caption(SPLIT_NOTE)
    summary, same = store.differing()
    summary["Run"] = summary["Run"].map(formats.literal)  # a run's label names its file and columns
    st.table(summary.style.format({k: v for k, v in SUMMARY_FORMATS.items() if k in summary.columns})
             .set_table_styles(wrapping(summary, "Run")), hide_index=True)
    if same:
        st.caption(("Its settings: " if len(store) == 1 else "The same in every run: ") + ", ".join(
            f"{name} {SUMMARY_FORMATS.get(name, '{}').format(value)}" for name, value in same.items()) + ".")
    left, right = st.columns([3, 1])
    victim = left.selectbox("Remove a run", store.labels(), key="remove_which")
    if left.button("Remove", key="remove_run"):
        store.remove(victim)
        st.rerun()
    if right.button("Clear all", key="clear_runs"):
        store.clear()
        st.rerun()
    next_step("compare", runs=len(store))
