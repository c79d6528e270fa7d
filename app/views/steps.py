"""Step through time, and switch a gate off: the gate inspector's heatmap with one timestep framed, that
timestep unit by unit, and the same sequence traced again in NumPy with one gate forced."""

import time

import streamlit as st

from app.views import predict
from app.views.common import GUIDED, chart, recall, remember

PLAY_SECONDS = 1.0  # Play moves one timestep about this often
STEP, PLAYING, FORCE = "step_t", "step_playing", "force"  # session_state keys: the Timestep slider, Play, the forced gate
TICKED = "step_ticked"  # session_state: when Play last moved a step (time.monotonic())


def forced_trace(run, sample: int, trace):
    """The trace the inspector and the step table show: as trained, or with the chosen gate forced once the
    learner has predicted (or skipped) what forcing it does. Returns (trace, the Force, its prediction key)."""
    from lstm_core.tracing.force import AS_TRAINED, FORCE_LABELS, force_gate, force_of

    labels = FORCE_LABELS[run.config.cell]
    if st.session_state.get(FORCE, labels[0]) not in labels:  # chosen for another cell's run: its box starts afresh
        del st.session_state[FORCE]
    kept = recall(FORCE, AS_TRAINED.label)
    force = force_of(st.session_state.get(FORCE, kept if kept in labels else AS_TRAINED.label), run.config.cell)  # the box is drawn further down
    key = f"force|{run.key}|{sample}|{force.label}"
    if force.gate is None or key not in predict.kept():
        return trace, force, key
    forced = force_gate(run, sample, force)
    return (trace if forced.diverged else forced.after), force, key


def step_through(trace, features, gate: str, forced: str = "", weights: dict | None = None) -> None:
    """The chosen gate's heatmap with the current timestep framed, then that timestep: its input row, a
    table of every unit (tracing.steps.COLUMNS: the LSTM's Unit, i, f, g, o, c_prev, c, h) and one unit's
    equations with its numbers. ``weights``, the run's, give the SimpleRNN's pre-activation a. In a
    fragment, so Previous, Next and Play redraw only this; while playing it runs every PLAY_SECONDS."""
    playing = st.session_state.get(PLAYING, False)
    st.fragment(lambda: _steps(trace, list(features), gate, forced, weights),
                run_every=PLAY_SECONDS if playing else None)()


def _steps(trace, features: list, gate: str, forced: str, weights: dict | None) -> None:
    import pandas as pd

    from lstm_core.present import alt
    from lstm_core.present.charts import heatmap
    from lstm_core.teaching.text import STEP_HEAD, gate_caption, gate_label
    from lstm_core.tracing.steps import step_table, unit_equations

    last = len(trace.input)
    t = min(max(int(st.session_state.get(STEP, 1)), 1), last)
    playing = st.session_state.get(PLAYING, False)
    back, ahead, play = st.columns(3)
    if play.button("Pause" if playing else "Play", key="step_play", width="stretch",
                   help="Moves one timestep a second, from here to the last."):
        st.session_state[PLAYING] = not playing
        st.session_state[STEP] = 1 if not playing and t == last else t  # Play at the end starts again
        st.rerun()  # the whole page: the timer starts or stops with the next run
    if back.button("Previous timestep", key="step_back", width="stretch", disabled=t == 1):
        t -= 1
    elif ahead.button("Next timestep", key="step_next", width="stretch", disabled=t == last):
        t += 1
    elif playing and time.monotonic() - st.session_state.get(TICKED, 0.0) > PLAY_SECONDS * 0.8:
        # a tick of the timer (a rerun of the whole page in between, say a radio's, moves nothing)
        st.session_state[TICKED] = time.monotonic()
        t += 1
        if t >= last:
            st.session_state[PLAYING], st.session_state[STEP] = False, last
            st.rerun()
    st.session_state[STEP] = t
    t = st.slider("Timestep", 1, last, key=STEP)
    values, title = trace.gates[gate], f"{gate_label(trace.cell, gate)}{forced}, timestep {t} framed"
    chart(st, heatmap(values, title, gate, marked=t - 1), alt.heatmap(values, title, gate), alt.heatmap_numbers(values),
          width="stretch")
    st.caption(gate_caption(trace.cell, gate))
    st.markdown(f"**Timestep {t} of {last}**{forced}: {STEP_HEAD[trace.cell]}")
    st.dataframe(pd.DataFrame([trace.input[t - 1]], columns=features, index=pd.Index([f"x at timestep {t}"], name="Input")).round(3))
    table = pd.DataFrame(step_table(trace, t - 1, weights))
    st.dataframe(table.style.format({name: "{:.3f}" for name in table.columns if name != "Unit"}), hide_index=True,
                 height=min(36 * (len(table) + 1), 320))
    units = len(table)
    unit = st.selectbox("Unit", range(1, units + 1), key="step_unit") if units > 1 else 1
    st.markdown(f"Unit {unit}: " + "  \n".join(f"`{line}`" for line in unit_equations(trace, t - 1, unit - 1, weights)))


def force_section(run, sample: int, trace, force, key: str) -> None:
    """Force a gate: predict what it does to the score, then see before and after (NumPy only)."""
    from lstm_core.present import alt
    from lstm_core.present.charts import heatmap, state_scale
    from lstm_core.teaching.predictions import score_direction
    from lstm_core.teaching.text import NO_GATE
    from lstm_core.tracing.force import FORCE_LABELS, NOT_KERAS, force_gate, summary

    st.header("Switch a gate off")
    labels = FORCE_LABELS[run.config.cell]
    if len(labels) == 1:  # the SimpleRNN: the cell as trained is all there is
        st.markdown(NO_GATE)
        return
    remember(FORCE, st.selectbox("Force a gate", labels, labels.index(force.label), key=FORCE))
    st.caption(force.effect)
    if force.gate is None:
        return
    made = predict.ask(key, f"Sequence {sample}, {force.label}: what happens to the score?", "direction",
                       "What happens to the score?")
    if made is None:
        return
    forced = force_gate(run, sample, force)
    said = summary(forced)
    if forced.diverged:
        st.warning(said.sentence)
        return
    st.markdown(predict.settle(key, score_direction(said.score_before, said.score_after)))
    before, after = st.columns(2)
    before.metric("As trained: score", f"{said.score_before:.3f}", f"class {said.class_before}", delta_color="off",
                  delta_arrow="off")
    after.metric("Forced: score", f"{said.score_after:.3f}", f"class {said.class_after}", delta_color="off",
                 delta_arrow="off")
    st.write(said.sentence)
    state = "hidden_state"
    ranges = state_scale(state, forced.before.gates[state], forced.after.gates[state])
    for column, (title, t) in zip(st.columns(2), (("As trained", forced.before), ("Forced", forced.after))):
        values, named = t.gates[state], f"{title}: hidden state h"
        chart(column, heatmap(values, named, state, value_range=ranges), alt.heatmap(values, named, state, ranges),
              alt.heatmap_numbers(values), width="stretch")
    where = ("Step through time (Back, step 5) now shows the forced cell" if st.session_state.get(GUIDED) else
             "The gate inspector and Step through time above now show the forced cell")
    st.caption(f"{NOT_KERAS} {where}; choose 'as trained' to go back.")
