"""The Prediction trace tab: one sequence through the layers, the gates, the equations, and What if?"""

from collections.abc import Callable

import streamlit as st

from app.views import predict, steps
from app.views.common import cached_trace, chart, next_step, recall, remember, watch, whole_number
from lstm_core import formats
from lstm_core.serving.jobs import JobState

CHECK_SECONDS = 0.5  # how often a What-if check waiting for its worker looks again
WRONG_LISTED = 50  # misclassified sequences offered to pick from (held-out ones first)
UNSURE_LISTED = 10  # and the least confident ones


def cell_ui(cell: str) -> None:
    """One cell of the run's kind drawn and named part by part: what the gate inspector's heatmaps show, unit by unit."""
    from lstm_core.present import alt
    from lstm_core.present.diagram import cell_diagram
    from lstm_core.teaching.cell import INTRO, PARTS, TITLES

    with st.expander(TITLES[cell]):
        st.markdown(INTRO[cell])
        chart(st, cell_diagram(cell), alt.cell_diagram(cell), width="stretch")  # the parts listed below are its numbers
        st.markdown("\n".join(f"- **{label}**: {sentence}" for label, sentence in PARTS[cell].values()))


def view(run, check: Callable) -> None:
    """``check(run, x)``: the status of the Keras check of input ``x`` (asked of a worker on first call)."""
    from lstm_core.config import CELL_NAMES
    from lstm_core.present import alt
    from lstm_core.present.charts import heatmap
    from lstm_core.present.tables import sample_text, sequence_frame
    from lstm_core.teaching.concepts import gradient_path, sigmoid_vs_tanh
    from lstm_core.teaching.insights import diverged_text, trace_insight
    from lstm_core.teaching.text import GRADIENT_TITLES, gate_label

    if run.diverged:  # every gate is NaN: heatmaps of nothing, and a Keras check that cannot agree
        st.warning(diverged_text(run))
        return
    c = run.config
    find(run)
    sample = whole_number("Sample (which sequence to trace)", 0, c.sequences - 1, "sample")
    trace = cached_trace(run.key, int(sample), run)
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"**Layer 1 · Input sequence** ({formats.counted(c.timesteps, 'timestep')} x {formats.counted(c.features, 'feature')})")
        st.dataframe(sequence_frame(trace.input, run.dataset.feature_names), height=260, width="stretch")
    with right.container(border=True):
        st.markdown(f"**Layer 2 · {CELL_NAMES[c.cell]}** (hidden state at each timestep, {formats.counted(c.units, 'unit')})")
        h = trace.gates["hidden_state"]
        chart(st, heatmap(h, "Hidden state h", "hidden_state"), alt.heatmap(h, "Hidden state h", "hidden_state"),
              alt.heatmap_numbers(h), width="stretch")
        st.caption("Summary vector (the last hidden state, what the Dense layer reads)")
        st.markdown(f"`{sample_text(trace.recurrent_output, keep=8)}`")
    with st.container(border=True):
        st.markdown("**Layer 3 · Dense**")
        a, b, d = st.columns(3)
        a.metric("Score (sigmoid)", f"{trace.dense_output:.3f}")
        b.metric("Predicted class", trace.predicted)
        d.metric("True label", trace.label, "correct" if trace.predicted == trace.label else "wrong",
                 delta_color="green" if trace.predicted == trace.label else "red", delta_arrow="off")  # no rise or fall
    st.header("Gate inspector")
    cell_ui(c.cell)
    states = list(trace.states)
    if st.session_state.get("gate", states[0]) not in states:  # chosen for another cell's run: start afresh
        del st.session_state["gate"]
    kept = recall("gate", states[0])
    gate = remember("gate", st.radio("Gate or state", states, states.index(kept if kept in states else states[0]),
                                     format_func=lambda state: gate_label(c.cell, state), horizontal=True, key="gate"))
    shown, force, force_key = steps.forced_trace(run, int(sample), trace)
    forced = f" ({force.label})" if shown is not trace else ""
    st.header("Step through time")
    st.caption("Previous, Next or Play move the frame down the heatmap's rows, one timestep at a time; below it, "
               "that timestep unit by unit.")
    steps.step_through(shown, run.dataset.feature_names, gate, forced, run.weights())
    agreement(trace.agreement, trace.agrees, trace.agreement_detail)
    st.info(f"**Key insight.** {trace_insight(trace)}")
    equations(run, trace)
    with st.expander(GRADIENT_TITLES[c.cell]):
        gradient_flow(run)
        st.markdown(gradient_path(trace))
    with st.expander("Sigmoid or tanh?"):
        st.markdown(sigmoid_vs_tanh(trace))
    steps.force_section(run, int(sample), trace, force, force_key)
    probe(run, int(sample), check)
    next_step("trace", cell=run.config.cell)


@st.cache_data(max_entries=16, show_spinner=False)
def picks(config_key: str, _run) -> tuple[list, list]:
    """The run's misclassified sequences and its least confident ones (tracing.picks), once per run."""
    from lstm_core.tracing.picks import least_confident, misclassified

    return misclassified(_run), least_confident(_run, UNSURE_LISTED)


def gradient_flow(run) -> None:
    """How strongly the loss reaches back to each timestep, trained against as built (measured in the worker)."""
    from lstm_core.present import alt
    from lstm_core.present.charts import gradient_chart
    from lstm_core.teaching.gradients import flow_said

    flow = getattr(run, "gradient_flow", None)
    if flow is None:
        return
    chart(st, gradient_chart(flow), alt.gradient_flow(flow), alt.gradient_numbers(flow), width="stretch")
    st.markdown(flow_said(flow, run.config.timesteps, run.config.cell))


def find(run) -> None:
    """The exercise: find one the model gets wrong. Picking a sequence puts it in the Sample box."""
    from lstm_core.teaching.text import PICK_LABEL, PICK_NONE_WRONG, PICK_NOTE, PICK_PLACEHOLDER

    wrong, unsure = picks(run.key, run)
    listed = {p.sample: p for p in [*wrong[:WRONG_LISTED], *(p for p in unsure if not p.wrong)]}
    if not listed:
        return

    def chosen() -> None:  # a callback runs before the page: the Sample box is drawn with the pick
        picked = st.session_state.get("pick")
        if picked is not None:
            st.session_state["sample"] = remember("sample", picked)
        st.session_state["pick"] = None  # back to the placeholder: the Sample box says which one is traced

    st.selectbox(PICK_LABEL, list(listed), index=None, format_func=lambda i: listed[i].describe(),
                 placeholder=PICK_PLACEHOLDER, key="pick", on_change=chosen)
    n, held = run.config.sequences, sum(p.held_out for p in wrong)
    cut = f" ({WRONG_LISTED} of them shown)" if len(wrong) > WRONG_LISTED else ""
    st.caption(PICK_NOTE.format(wrong=len(wrong), n=n, held=held, cut=cut) if wrong else PICK_NONE_WRONG.format(n=n))


def equations(run, trace) -> None:
    """One unit at one timestep, with the traced numbers filled into the cell's equations."""
    from lstm_core.teaching.concepts import gate_equations

    with st.expander("The equations, with this sequence's numbers"):
        left, right = st.columns(2)
        c = run.config
        unit = left.selectbox("Unit", range(1, c.units + 1), key="eq_unit")
        timestep = right.selectbox("Timestep", range(1, c.timesteps + 1), index=c.timesteps - 1, key="eq_t")
        st.markdown(gate_equations(run, trace, unit - 1, timestep - 1))


def probe(run, sample: int, check: Callable) -> None:
    """What if: edit this sequence and trace it again, before and after side by side."""
    from lstm_core.present import alt
    from lstm_core.present.charts import DIFFERENCE, heatmap, state_scale
    from lstm_core.teaching.predictions import score_direction
    from lstm_core.tracing.probe import EDITS, TIMESTEP_EDITS, edit_note, run_probe

    st.header("What if?")
    c = run.config
    edit = remember("edit", st.selectbox("Change the sequence", list(EDITS), list(EDITS).index(recall("edit", "zero")),
                                         format_func=EDITS.get, key="edit"))
    st.caption(edit_note(edit, run.dataset.synthetic, run.dataset.changes))
    timestep, values = 0, None
    if edit in TIMESTEP_EDITS:
        timestep = whole_number("Timestep", 1, c.timesteps, "probe_t", offset=1)
    if edit == "edit":
        current = ", ".join(f"{v:.2f}" for v in run.dataset.x[sample, timestep] + 0.0).replace("-0.00", "0.00")
        raw = st.text_input(f"New values for timestep {timestep + 1}: {formats.counted(c.features, 'number')}, separated by commas", current,
                            key=f"probe_values-{sample}-{timestep}")
        try:
            values = [float(v) for v in raw.split(",")]
        except ValueError:
            st.error(f"Values must be {c.features} numbers separated by commas, like: {current}")
            return
        if raw == current:  # the box as it came, rounded to 2 decimals for reading: no edit, not a rounding
            values = [float(v) for v in run.dataset.x[sample, timestep]]
    try:
        probed = run_probe(run, sample, edit, timestep, values, seed=sample)
    except ValueError as err:
        st.error(f"Cannot apply this edit: {err}.")
        return
    key = f"whatif|{run.key}|{sample}|{edit}|{timestep if edit in TIMESTEP_EDITS else ''}|{values or ''}"
    if predict.ask(key, f"Sequence {sample}, {EDITS[edit].lower()}: what happens to the score?", "direction",
                   "Will the score go up, go down, or stay about the same?") is None:
        return
    st.markdown(predict.settle(key, score_direction(probed.before.dense_output, probed.after.dense_output)))
    before, after = st.columns(2)
    before.metric("Before: score", f"{probed.before.dense_output:.3f}")
    after.metric("After: score", f"{probed.after.dense_output:.3f}", f"{probed.after.dense_output - probed.before.dense_output:+.3f}")
    change = probed.after.gates["hidden_state"] - probed.before.gates["hidden_state"]  # (timesteps, units)
    title = "Change in h (after - before)"
    chart(st, heatmap(change, title, DIFFERENCE), alt.heatmap(change, title, DIFFERENCE), alt.heatmap_numbers(change),
          width="stretch")
    st.caption(change_note(change))
    st.write(probed.caption)
    held = [(state, name) for state, name in (("hidden_state", "hidden state h"), ("cell_state", "cell state c"))
            if state in probed.before.states]  # what each cell carries from step to step
    ranges = {state: state_scale(state, probed.before.gates[state], probed.after.gates[state])  # equal values, equal colours
              for state, _ in held}
    pair = (("Before", probed.before), ("After", probed.after))
    with st.expander("Before and after, side by side: " + " and ".join(name for _, name in held)):
        for state, name in held:
            for col, (title, trace) in zip(st.columns(2), pair):  # one row per state: before and after line up
                shown, named = trace.gates[state], f"{title}: {name}"
                chart(col, heatmap(shown, named, state, value_range=ranges[state]),
                      alt.heatmap(shown, named, state, ranges[state]), alt.heatmap_numbers(shown), width="stretch")
    keras_check(run, probed, check)


def change_note(change) -> str:
    """Where the edit moved h most, in numbers (the colours stop at ±1)."""
    import numpy as np

    if not np.isfinite(change).all():
        return "The hidden state is not a number here, so there is no change to show."
    t, u = np.unravel_index(int(np.argmax(np.abs(change))), change.shape)
    if change[t, u] == 0:
        return "The edit changed no hidden state at any timestep."
    first = int(np.argmax(np.abs(change).max(axis=1) > 1e-6))  # steps before the edit are untouched
    untouched = f"; nothing changed before timestep {first + 1}" if first else ""
    return (f"Orange: the edit raised h; blue: it lowered it; pale: no change. The largest change is "
            f"{change[t, u]:+.3f} (unit {u + 1}, timestep {t + 1}){untouched}.")


def agreement(sentence: str, agrees: bool, detail: str | None) -> None:
    """The Keras check in the learner's words, its numbers behind Details; a disagreement is an error."""
    (st.caption if agrees else st.error)(sentence)
    if detail:
        with st.expander("Details of the check"):
            st.caption(detail)


def keras_check(run, probed, check: Callable) -> None:
    """The edited input's check against Keras, from a worker (the server has no Keras): shown when it
    arrives, and the page is never held up for it."""
    from lstm_core.tracing.trace import trace_sample

    def draw(now) -> None:
        before = f"Before the edit: {probed.before.agreement}"
        if now.state is JobState.DONE:
            after = trace_sample(run, probed.after.sample, x=probed.after.input, reference=now.reference)
            agreement(f"{before} After the edit: {after.agreement}", probed.before.agrees and after.agrees,
                      after.agreement_detail)
        elif now.finished:
            st.caption(f"{before} After the edit: not checked against Keras ({now.error or 'the check was cancelled'}).")
        else:
            st.caption(f"{before} After the edit: checking against Keras in a worker...")

    def poll():
        return check(run, probed.after.input)

    now = poll()
    if now.finished:
        draw(now)
    else:
        watch(poll, draw, CHECK_SECONDS)
