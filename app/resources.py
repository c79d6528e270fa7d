"""What every session of the server shares: the worker pool, the saved runs, the live sessions and one
job board per kind of job. Each is a Streamlit resource, made once per server process."""

import streamlit as st

from lstm_core.serving.jobs import JobBoard, LiveSessions

WORKER_MB = 720  # a worker whose peak memory passes this is replaced after its training (TensorFlow alone: ~600)
CACHED_RUNS = 8  # finished runs kept in memory for the whole server, by config and data (the rest are saved)


@st.cache_resource(show_spinner=False, on_release=lambda pool: pool.shutdown())
def training_pool():
    """The pool that trains: the Dask cluster at LSTM_TRACE_SCHEDULER (environment or secret) if set, else
    local worker processes, the first of which starts now so TensorFlow imports while the page paints."""
    from lstm_core.serving.cluster import SETTING, DaskPool, scheduler_address

    try:
        secret = str(st.secrets.get(SETTING, "")).strip()
    except FileNotFoundError:  # no secrets.toml
        secret = ""
    if address := scheduler_address() or secret:
        return DaskPool(address).start()
    from lstm_core.serving.workers import WorkerPool, default_size, warm_keras

    return WorkerPool(size=default_size(), max_rss_mb=WORKER_MB, warm=warm_keras).start()


@st.cache_resource(show_spinner=False, on_release=lambda saved: saved.close())
def saved_runs():
    """Finished runs on disk (LSTM_TRACE_DATA), so a restarted server hands them out without training."""
    from lstm_core.serving.store import SavedRuns, data_folder

    return SavedRuns(data_folder())


@st.cache_resource(show_spinner=False)
def live_sessions() -> LiveSessions:
    return LiveSessions()


@st.cache_resource(show_spinner=False, scope="session", on_release=lambda session: live_sessions().end(session))
def session_id() -> str:
    """This session's id, live until Streamlit releases the session's resources (its tab closed)."""
    from uuid import uuid4

    return live_sessions().begin(uuid4().hex)


@st.cache_resource(show_spinner=False, on_release=lambda board: board.close())
def job_board(kind: str) -> JobBoard:
    """Every session's jobs of one kind ("lstm" or "order"): one per run key, for the whole server."""
    return live_sessions().watch(JobBoard(keep=CACHED_RUNS, alive=live_sessions().alive, saved=saved_runs(), kind=kind))

