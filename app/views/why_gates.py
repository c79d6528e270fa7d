"""The "Why gates?" tab: the run's data and settings trained as an LSTM, a GRU and a SimpleRNN from several
seeds, how far each one's gradient reaches back in time, and what the LSTM's forget bias of 1 does."""

from collections.abc import Callable

import streamlit as st

from app.views.common import next_step, watch
from lstm_core import formats
from lstm_core.serving.jobs import JobState, JobStatus

CELLS_GROUP = ("lstm", "gru", "rnn")
BIAS_GROUP = ("lstm_bias0",)
BIAS = "why_gates_bias"  # session_state: the forget-bias toggle


def estimate(run, variants: tuple[str, ...]) -> float:
    """Seconds the comparison's trainings take by the cost model (which errs on the slow side)."""
    from lstm_core.config import cost_seconds
    from lstm_core.pipeline.cell_compare import planned, variant_config

    return sum(cost_seconds(variant_config(run.config, v, k)) for v, k in planned(run.config, variants))


def view(run, ask: Callable[[tuple], JobStatus], asked: Callable[[tuple], bool]) -> None:
    """``ask(variants)``: the status of this run's comparison of ``variants`` (asked of the trainer on first
    call); ``asked(variants)``: whether this session has asked for it."""
    from lstm_core.teaching.why_gates import NAMES

    st.subheader("Why gates? The same task for three cells")
    st.markdown("The textbook answer to *why an LSTM?* is the vanishing gradient. Here it is measured on your data: "
                "the run's sequences and settings trained as an LSTM, a GRU and a SimpleRNN, each from 3 seeds.")
    if run.diverged:
        st.warning("This run diverged (its loss is not a number), so there is no gradient to compare. Lower the "
                   "learning rate and train again.")
        return
    cells = section(run, CELLS_GROUP, ask, asked, "Train the three cells",
                    "Trains " + ", ".join(NAMES[v] for v in CELLS_GROUP) + " on this run's data, 3 seeds each")
    if cells is None:
        return
    show(run, cells.runs)
    st.subheader("What does the forget bias of 1 do?")
    st.caption("Keras starts an LSTM's forget-gate bias at 1 (unit_forget_bias=True), so an untrained forget gate "
               "keeps about 0.73 of the cell state each step instead of 0.5. Switch it off to measure what it does.")
    if not st.toggle("Also train the LSTM with its forget bias starting at 0", key=BIAS):
        next_step("why_gates")
        return
    bias = section(run, BIAS_GROUP, ask, asked, None, "")
    if bias is not None:
        show(run, (*cells.runs, *bias.runs), bias_only=True)
    next_step("why_gates")


def section(run, variants: tuple[str, ...], ask, asked, button: str | None, what: str):
    """The button that asks for ``variants`` (none: asked at once), its progress, and the comparison once done."""
    offer = st.empty()
    seconds = estimate(run, variants)
    if button is not None and not asked(variants):
        if not offer.button(f"{button} (about {seconds:.0f} s)", key=f"cells_{'_'.join(variants)}"):
            st.caption(f"{what}: about {seconds:.0f} s by the cost model, on the shared trainer.")
            return None
    offer.empty()
    status = ask(variants)
    if not status.finished:
        total = len(planned_of(run, variants))
        watch(lambda: ask(variants), lambda now: st.info(progress(now, total, seconds)))
        return None
    if status.state is JobState.CANCELLED:  # given up by every watcher just as this session asked: ask again
        st.rerun()
    if status.error:
        st.error(formats.literal(status.error))
        return None
    return status.run


def planned_of(run, variants):
    from lstm_core.pipeline.cell_compare import planned

    return planned(run.config, variants)


def progress(now: JobStatus, total: int, seconds: float) -> str:
    from lstm_core.teaching.why_gates import NAMES

    if now.state is JobState.QUEUED:
        return f"Cell comparison queued: place {now.place or 1} in line for the trainer."
    done = len(now.rows)
    last = f" (last: {NAMES[now.rows[-1]['variant']]}, seed {now.rows[-1]['seed']})" if now.rows else ""
    return f"Trained {done} of {total} models{last}; about {seconds:.0f} s in all."


def show(run, runs, bias_only: bool = False) -> None:
    """The charts (as built, trained) and the sentences; with ``bias_only``, the LSTM with bias 1 and 0 alone."""
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.present.charts import cells_chart
    from lstm_core.teaching.why_gates import NAMES, cell_lines, forget_bias_said, learned, said

    c = run.config
    if bias_only:
        runs = [r for r in runs if r.variant in ("lstm", "lstm_bias0")]
    rows = {phase: [{"timestep": t + 1, "model": NAMES[r.variant], "seed": r.seed, "value": float(v)}
                    for r in runs if r.flow is not None for t, v in enumerate(getattr(r.flow, phase)) if v > 0]
            for phase in ("init", "trained")}
    for column, phase, title in zip(st.columns(2), ("init", "trained"), ("As built", "After training")):
        column.altair_chart(cells_chart(rows[phase], f"{title}: gradient reaching each timestep, relative to the last"),
                            width="stretch")
    if bias_only:
        st.markdown("\n".join(f"- {line}" for line in cell_lines(runs, c.timesteps)))
        if warning := learned(runs, yardstick_of(run)):
            st.warning(warning)
        st.markdown(forget_bias_said(runs, c.timesteps, c.val_sequences))
        return
    intro, *lines = said(runs, c.timesteps, c.val_sequences)
    st.caption(intro)
    per_model = [line for line in lines if line.startswith("**")]
    st.markdown("\n".join(f"- {line}" for line in per_model))
    if warning := learned(runs, yardstick_of(run)):
        st.warning(warning)
    for line in lines[len(per_model):]:
        st.markdown(line)
