"""This session's side of the server: its trainer, its finished runs and its What-if checks, each kept in
``st.session_state`` and built from the shared resources (app.resources). Views get plain values from here."""

from dataclasses import dataclass

import streamlit as st

from app.resources import job_board, session_id, training_pool
from app.sidebar import GUESS, remember_in_url
from app.views import challenges, training
from lstm_core import formats
from lstm_core.data.choice import DataChoice, request
from lstm_core.data.keys import config_of
from lstm_core.serving.jobs import TASK_STATES, JobState
from lstm_core.serving.trainer import CELLS, ORDER, RUNS, SessionTrainer, TrainerStatus

TRAINER = "trainer"  # the session_state key of this session's SessionTrainer
CHECKS_KEPT = 8  # a session's latest What-if checks, by run and input


def trainer() -> SessionTrainer:
    """This session's trainer, made on its first run with the server's job boards and worker pool."""
    if TRAINER not in st.session_state:
        boards = {kind: job_board(kind) for kind in (RUNS, ORDER, CELLS)}
        st.session_state[TRAINER] = SessionTrainer(session_id(), boards, training_pool().submit)
    return st.session_state[TRAINER]


def run_store():
    """This session's finished runs, made on first use: it imports pandas, which the first paint and
    the start of the first training must not wait for."""
    if "runs" not in st.session_state:
        from lstm_core.present.runs import RunStore

        st.session_state["runs"] = RunStore()
    return st.session_state["runs"]


def train(values: dict, choice: DataChoice, guess: str | None = None) -> None:
    """Train pressed: wait for the run the form and data choice make (the address bar keeps a lesson-data
    setup), or say why there is none. ``guess``: the predicted accuracy as typed (default: the sidebar's)."""
    outcome = request(values, choice)
    if isinstance(outcome, str):
        st.error(f"Not trained: {formats.literal(outcome)} The results below are from the last run.")
        return
    key, dataset = outcome
    keep_guess(key, st.session_state.get(GUESS) if guess is None else guess)
    trainer().want(key, dataset)
    if dataset is None:
        remember_in_url(config_of(key))


def keep_guess(key: str, typed: str | None) -> None:
    """The learner's predicted final validation accuracy for the run ``key``, kept for its reveal; one that
    is not an accuracy is not kept (the sidebar names it as it is typed), and the run trains anyway."""
    from app.views import predict
    from lstm_core.present.runs import run_label
    from lstm_core.teaching.predictions import predict as checked

    typed = (typed or "").strip()
    if not typed:
        return
    try:
        made = checked(f"Final validation accuracy ({run_label(config_of(key))} run):", "accuracy", typed)
    except ValueError:
        return
    predict.kept()[f"{training.ACCURACY}|{key}"] = made


def look() -> TrainerStatus:
    """This session's training as it stands. One that has finished is taken: its run goes on screen (and
    into the run store) at once, without a rerun, or its error comes in the status, to be said."""
    now = trainer().status()
    if now.job is None or not now.job.finished:
        return now
    after = trainer().take(now.job)
    if now.job.state is JobState.DONE:
        run_store().add(after.run)
        challenges.record(after.run)
    return after


def results(run) -> None:
    """The Training tab's finished run, with the comparison models this session asks for."""
    training.view(run, trainer().ordered(run.key), lambda: trainer().want_order(run.key, run.dataset))


def ask_cells(run):
    """``ask(variants)`` for the Why gates? tab: the status of this run's cell comparison of ``variants``."""
    return lambda variants: trainer().want_cells(run, variants)


def cells_asked(run):
    from lstm_core.serving.trainer import cells_key

    return lambda variants: trainer().asked(cells_key(run.key, variants))


def compared(run) -> tuple:
    """The VariantRuns of this run's Why gates? comparisons this session has trained (none asked: empty)."""
    from app.views.why_gates import BIAS_GROUP, CELLS_GROUP
    from lstm_core.serving.trainer import cells_key

    found = []
    for variants in (CELLS_GROUP, BIAS_GROUP):
        if trainer().asked(cells_key(run.key, variants)):
            now = trainer().want_cells(run, variants)
            if now.state is JobState.DONE:
                found += now.run.runs
    return tuple(found)


def ask_horizon(run):
    """``ask(horizon)`` for the Why gates? tab: the status of the memory-horizon experiment with this run's settings."""
    return lambda horizon: trainer().want_horizon(run, horizon)


def horizon_asked(run):
    from lstm_core.serving.trainer import horizon_key

    return lambda horizon: trainer().asked(horizon_key(run.key, horizon))


@dataclass(frozen=True)
class KerasCheck:
    """Where a What-if check against Keras stands."""

    state: JobState
    reference: object | None  # Keras's own outputs for the edited input, once done
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state.finished


def keras_check(run, x) -> KerasCheck:
    """The check of input ``x`` against the run's Keras model, asked of a worker (the server has no Keras)
    on the first call for that run and input; a session keeps its latest CHECKS_KEPT checks."""
    import hashlib

    from lstm_core.serving.jobs import check_task

    key = f"{run.key}:{hashlib.sha256(x.tobytes()).hexdigest()[:16]}"
    checks = st.session_state.setdefault("checks", {})
    if key not in checks:
        checks[key] = training_pool().submit(check_task, run.keras_bytes, x)
        for old in list(checks)[:-CHECKS_KEPT]:
            checks.pop(old).cancel()
    task = checks[key]
    state = TASK_STATES[task.state]
    return KerasCheck(state, task.result if state is JobState.DONE else None, task.error)
