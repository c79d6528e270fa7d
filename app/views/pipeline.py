"""The Pipeline tab: the data flow through the three layers, their shapes and parameters, and the data."""

import streamlit as st

from lstm_core import formats


def view(run) -> None:
    from lstm_core.present.tables import ledger_note, param_ledger, sample_text
    from lstm_core.teaching.concepts import return_sequences_note, state_and_batches
    from lstm_core.teaching.insights import key_insight, pipeline_insight
    from lstm_core.teaching.stages import pipeline_stages

    st.subheader("Data flow: 3 stages")
    for col, (i, stage) in zip(st.columns(3), enumerate(pipeline_stages(run), 1)):
        with col.container(border=True):
            st.markdown(f"**{i} · {stage.name}**")
            st.markdown(f"{stage.input}  \n→ **{stage.output}**")
            st.caption(stage.description)
            st.caption(stage.sample_note)
            st.markdown(f"`{sample_text(stage.sample)}`")  # inline code: no syntax highlighter to load
    st.subheader("Shapes and parameters")
    st.table(param_ledger(run.config, run.params).style.format({"Parameters": "{:,}"}), hide_index=True)  # as its formula
    st.caption(ledger_note(run.config))
    with st.expander("Batches, the starting state and return_sequences"):
        st.markdown(state_and_batches(run))
        st.markdown(return_sequences_note(run))
    st.subheader("The data")
    st.write(formats.literal(run.dataset.description))
    st.info(f"**Key insight.** {key_insight(run)}\n\n{pipeline_insight(run)}")
