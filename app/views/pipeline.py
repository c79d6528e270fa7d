"""The Pipeline tab: the data flow through the three layers, their shapes and parameters, and the data."""

import streamlit as st

from app.views import predict
from app.views.common import chart, next_step, wrapping
from lstm_core import formats


def view(run) -> None:
    from lstm_core.teaching.insights import key_insight, pipeline_insight
    from lstm_core.teaching.stages import pipeline_stages

    st.header("Data flow: 3 stages")
    for col, (i, stage) in zip(st.columns(3), enumerate(pipeline_stages(run), 1)):
        with col.container(border=True):
            st.markdown(f"**{i} · {stage.name}**")
            draw_stage(run, stage)
    st.header("Shapes and parameters")
    from lstm_core.teaching.predictions import params_question

    asking = params_question(run.config)
    asked = predict.ask(asking.key, asking.question, "count", asking.label)
    if asked is None:
        st.caption(f"The parameter ledger appears once you predict, or skip. A hint: {asking.hint}")
    else:
        st.markdown(predict.settle(asking.key, run.config.recurrent_parameters))
        ledger(run)
    st.header("The data")
    st.write(formats.literal(run.dataset.description))
    st.info(f"**Key insight.** {key_insight(run)}" + (f"\n\n{pipeline_insight(run)}" if asked else ""))  # it counts them
    next_step("pipeline", cell=run.config.cell)


def ledger(run) -> None:
    """The parameters, layer by layer, each with its formula; then batches, state and return_sequences."""
    from lstm_core.present.tables import ledger_note, param_ledger
    from lstm_core.teaching.concepts import return_sequences_note, state_and_batches

    table = param_ledger(run.config, run.params)
    st.table(table.style.format({"Parameters": "{:,}"}).set_table_styles(wrapping(table, "Formula")),
             hide_index=True)  # as its formula
    st.caption(ledger_note(run.config))
    with st.expander("Batches, the starting state and return_sequences"):
        st.markdown(state_and_batches(run))
        st.markdown(return_sequences_note(run))


def draw_stage(run, stage) -> None:
    """One stage card: its shapes, what it does, and its first sequences drawn (or, for scores, listed)."""
    from lstm_core.present import alt
    from lstm_core.present.sequences import sequence_sparklines, shared_domain, state_sparklines
    from lstm_core.teaching.stages import SAMPLE_ROWS, stage_text
    from lstm_core.teaching.text import SPARK_NOTES

    rows = len(stage.sample)
    if stage.is_input:  # nothing maps to anything here: its shape once, and what it is
        st.markdown(f"**{stage.output}**")
        st.markdown(stage_text("input note", run.config.cell))
        st.caption(stage.description)
        head = run.dataset.x[:SAMPLE_ROWS]
        low, high = domain = shared_domain(head)
        st.caption(SPARK_NOTES[stage.note_key].format(rows=rows, low=f"{low:g}", high=f"{high:g}"))
        names = run.dataset.feature_names
        chart(st, sequence_sparklines(head, names, domain), alt.input_sparklines(head, domain),
              alt.input_numbers(head, names), width="content")
        if not run.dataset.synthetic and run.dataset.scale is not None:
            from lstm_core.teaching.stages import file_unit_lines

            st.caption("  \n".join(formats.literal(line) for line in file_unit_lines(run.dataset, head)))
        return
    st.markdown(f"{stage.input}  \n→ **{stage.output}**")
    st.caption(stage.description)
    st.caption(SPARK_NOTES[stage.note_key].format(rows=rows))
    if stage.sample.ndim == 2:
        chart(st, state_sparklines(stage.sample), alt.state_sparklines(stage.sample), alt.state_numbers(stage.sample),
              width="content")
    else:
        labels = run.dataset.y[:rows]
        st.markdown("  \n".join(f"sample {i}: **{score:.3f}** → label {int(score > 0.5)} (true label {int(label)})"
                                for i, (score, label) in enumerate(zip(stage.sample, labels))))
