"""The "Why gates?" tab: the run's data and settings trained as an LSTM, a GRU and a SimpleRNN from several
seeds, how far each one's gradient reaches back in time, and what the LSTM's forget bias of 1 does."""

from collections.abc import Callable

import streamlit as st

from app.views.common import chart, next_step, watch
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


def view(run, ask: Callable[[tuple], JobStatus], asked: Callable[[tuple], bool],
         ask_horizon: Callable, asked_horizon: Callable) -> None:
    """``ask(variants)``: the status of this run's comparison of ``variants`` (asked of the trainer on first
    call); ``asked(variants)``: whether this session has asked for it; ``ask_horizon(horizon)`` and
    ``asked_horizon(horizon)`` the same for a memory-horizon experiment (data.horizon.Horizon)."""
    from lstm_core.teaching.why_gates import NAMES

    st.header("Why gates? The same task for three cells")
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
    st.header("What does the forget bias of 1 do?")
    st.caption("Keras starts an LSTM's forget-gate bias at 1 (unit_forget_bias=True), so an untrained forget gate "
               "keeps about 0.73 of the cell state each step instead of 0.5. Switch it off to measure what it does.")
    if st.toggle("Also train the LSTM with its forget bias starting at 0", key=BIAS):
        bias = section(run, BIAS_GROUP, ask, asked, None, "")
        if bias is not None:
            show(run, (*cells.runs, *bias.runs), bias_only=True)
    horizon(run, ask_horizon, asked_horizon)
    next_step("why_gates")


LAG_KEY, NOISE_KEY = "horizon_lag", "horizon_noise"  # session_state: the experiment's two inputs
HORIZON_SECONDS = 120.0  # the experiment's trainings together, by the cost model: a room's shared trainer stays free


def horizon(run, ask: Callable, asked: Callable) -> None:
    """Memory horizon: the three cells on a task whose answer is the first step, followed by noise."""
    from lstm_core.config import ConfigError, cost_seconds
    from lstm_core.data.horizon import (
        LAG,
        LAG_RANGE,
        NOISE,
        NOISE_RANGE,
        Horizon,
        HorizonError,
        checked,
        lags_up_to,
        make_horizon,
    )
    from lstm_core.pipeline.horizon import planned
    from lstm_core.pipeline.noise import chance_level
    from lstm_core.present import alt
    from lstm_core.present.charts import horizon_chart
    from lstm_core.teaching.horizon import said
    from lstm_core.teaching.why_gates import NAMES

    st.header("Memory horizon: remember the first step")
    st.caption("A companion task: the label is the sign of the first step (+1 or -1), and the rest is noise. How "
               "long a stretch of noise can each cell carry the first step across?")
    lag_col, noise_col = st.columns(2)
    lag = lag_col.number_input(LAG, None, None, 50, step=5, key=LAG_KEY,
                               help=f"Steps of noise after the first; allowed {LAG_RANGE[0]} to {LAG_RANGE[1]}. The "
                                    "experiment trains at an eighth, a quarter, a half and all of it.")
    noise = noise_col.number_input(NOISE, None, None, 0.5, step=0.1, key=NOISE_KEY, format="%g",
                                   help=f"The noise's standard deviation; allowed {NOISE_RANGE[0]:g} to {NOISE_RANGE[1]:g}.")
    try:
        task = Horizon(*checked(lag, noise), run.config.seed)
        configs = planned(run.config, task)
    except HorizonError as err:
        st.error(formats.literal(str(err)))
        return
    except ConfigError as err:  # a lag this run's settings cannot train within the caps
        st.error(f"{formats.literal(str(err))} The experiment keeps this run's units and epochs: lower them, or the lag.")
        return
    seconds = sum(cost_seconds(c) for c in configs)
    lags = ", ".join(map(str, lags_up_to(task.lag)))
    if seconds > HORIZON_SECONDS:
        st.error(f"Too slow for the shared trainer: {len(configs)} trainings at lags {lags} would take about "
                 f"{seconds:.0f} s (the cap is {HORIZON_SECONDS:.0f} s). Lower the lag, or this run's units or epochs.")
        return
    offer = st.empty()
    if not asked(task) and not offer.button(f"Train the three cells at lags {lags} (about {seconds:.0f} s)", key="horizon"):
        return
    offer.empty()
    status = ask(task)
    if not status.finished:
        watch(lambda: ask(task), lambda now: st.info(horizon_progress(now, len(configs), seconds)))
        return
    if status.state is JobState.CANCELLED:
        st.rerun()
    if status.error:
        st.error(formats.literal(status.error))
        return
    result = status.run
    data = make_horizon(Horizon(task.lag, task.noise, task.seed))  # the held-out labels' chance, as the runs split them
    chance = chance_level(data.y[configs[0].train_sequences:])
    rows = [{"lag": p.lag, "model": NAMES[p.cell], "val_accuracy": p.val_accuracy} for p in result.points]
    chart(st, horizon_chart(rows, chance), alt.memory_horizon(rows, chance), alt.horizon_numbers(rows), width="stretch")
    intro, *lines = said(result, chance)
    st.caption(intro)
    st.markdown("\n".join(f"- {line}" for line in lines[:-2]))
    st.markdown(lines[-2])
    st.caption(lines[-1])


def horizon_progress(now: JobStatus, total: int, seconds: float) -> str:
    from lstm_core.teaching.why_gates import NAMES

    if now.state is JobState.QUEUED:
        return f"Memory-horizon experiment queued: place {now.place or 1} in line for the trainer."
    last = f" (last: {NAMES[now.rows[-1]['cell']]} at lag {now.rows[-1]['lag']})" if now.rows else ""
    return f"Trained {len(now.rows)} of {total} models{last}; about {seconds:.0f} s in all."


def section(run, variants: tuple[str, ...], ask, asked, button: str | None, what: str):
    """The button that asks for ``variants`` (none: asked at once), its progress, and the comparison once done."""
    offer = st.empty()
    seconds, note = estimate(run, variants), reused(run, variants)
    if button is not None and not asked(variants):
        if not offer.button(f"{button} (about {seconds:.0f} s)", key=f"cells_{'_'.join(variants)}"):
            st.caption(f"{what}{note}: about {seconds:.0f} s, in line with everyone else "
                       "training on this server.")
            return None
    offer.empty()
    status = ask(variants)
    if not status.finished:
        total = len(planned_of(run, variants))
        watch(lambda: ask(variants), lambda now: st.info(progress(now, total, seconds, note)))
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


def reused(run, variants) -> str:
    """Why fewer models train than cells times seeds: the run itself is its own cell's first seed."""
    from lstm_core.teaching.why_gates import NAMES

    return f" (your run counts as the {NAMES[run.config.cell]}'s first seed)" if run.config.cell in variants else ""


def progress(now: JobStatus, total: int, seconds: float, note: str = "") -> str:
    from lstm_core.teaching.why_gates import NAMES

    if now.state is JobState.QUEUED:
        return f"Cell comparison queued: place {now.place or 1} in line for the trainer."
    done = len(now.rows)
    last = f" (last: {NAMES[now.rows[-1]['variant']]}, seed {now.rows[-1]['seed']})" if now.rows else ""
    return f"Trained {done} of {total} new models{note}{last}; about {seconds:.0f} s in all."


def show(run, runs, bias_only: bool = False) -> None:
    """The charts (as built, trained) and the sentences; with ``bias_only``, the LSTM with bias 1 and 0 alone."""
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.present import alt
    from lstm_core.present.charts import cells_chart
    from lstm_core.teaching.why_gates import NAMES, cell_lines, forget_bias_said, learned, said

    c = run.config
    if bias_only:
        runs = [r for r in runs if r.variant in ("lstm", "lstm_bias0")]
    rows = {phase: [{"timestep": t + 1, "model": NAMES[r.variant], "seed": r.seed, "value": float(v)}
                    for r in runs if r.flow is not None for t, v in enumerate(getattr(r.flow, phase)) if v > 0]
            for phase in ("init", "trained")}
    for column, phase, title in zip(st.columns(2), ("init", "trained"), ("As built", "After training")):
        chart(column, cells_chart(rows[phase], f"{title}: gradient at each timestep, over the last's"),
              alt.cells_gradient(rows[phase], title.lower()), alt.cells_numbers(rows[phase]), width="stretch")
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
