"""Jobs on the worker pool: one per run key for every session, given up when nobody waits, saved when done.

Real worker processes (cheap pure-Python tasks from tests/support/worker_tasks.py, and one real training).
"""

import pickle
import time
from dataclasses import dataclass

import numpy as np
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.serving.jobs import JobBoard, LiveSessions, TrainingJob, train_task
from lstm_core.serving.store import SavedRuns
from lstm_core.serving.workers import WorkerPool
from tests.support import SMALL, worker_tasks


@pytest.fixture()
def pool():
    p = WorkerPool(size=1, grace=1.0).start()
    yield p
    p.shutdown()


@dataclass
class FakeRun:  # what a job hands out is opaque to the board; a saved one needs .history and .config
    config: LSTMConfig
    label: str

    @property
    def history(self):
        import pandas as pd

        return pd.DataFrame([{"epoch": 1, "loss": 0.5, "accuracy": 0.5, "val_loss": 0.5, "val_accuracy": 0.5}])


def wait_until(condition, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.01)


def gated_job(pool, gate: str, on_done=None) -> TrainingJob:
    return TrainingJob(SMALL, pool.submit(worker_tasks.gated, gate)).start(on_done)


def test_sessions_asking_for_the_same_run_share_one_job(pool, tmp_path):
    board, made = JobBoard(keep=4), []

    def make(on_done):
        made.append(1)
        return gated_job(pool, str(tmp_path / "go"))

    a = board.job("k", make, watcher="A")
    b = board.job("k", make, watcher="B")
    assert a is b and made == [1] and board.watchers("k") == 2
    (tmp_path / "go").touch()
    assert a.wait(20) and a.status().state == "done"


def test_a_job_nobody_waits_for_stops_after_the_grace_unless_asked_for_again(pool, tmp_path):
    board = JobBoard(keep=4)
    job = board.job("k", lambda on_done: TrainingJob(SMALL, pool.submit(worker_tasks.until_stopped), grace=0.5), watcher="A")
    wait_until(lambda: job.status().state == "training", "the task to start")
    board.forget("k", "A")
    assert board.job("k", lambda on_done: pytest.fail("a new job"), watcher="B") is job  # back within the grace
    time.sleep(0.8)
    assert job.status().state == "training"  # resumed: never told to stop
    board.forget("k", "B")
    assert job.wait(10) and job.status().state == "cancelled"


def test_a_queued_job_given_up_leaves_the_line_at_once(pool, tmp_path):
    board = JobBoard(keep=4)
    first = board.job("a", lambda on_done: gated_job(pool, str(tmp_path / "go")), watcher="A")
    wait_until(lambda: first.status().state == "training", "the first to start")
    second = board.job("b", lambda on_done: gated_job(pool, str(tmp_path / "never")), watcher="B")
    assert second.status().state == "queued" and second.status().place == 1
    board.forget("b", "B")
    assert second.status().state == "cancelled"
    (tmp_path / "go").touch()
    assert first.wait(20) and first.status().state == "done"


def test_a_closed_tab_gives_up_what_only_it_waited_for(pool, tmp_path):
    sessions = LiveSessions()
    board = sessions.watch(JobBoard(keep=4, alive=sessions.alive))
    sessions.begin("A")
    job = board.job("k", lambda on_done: TrainingJob(SMALL, pool.submit(worker_tasks.until_stopped), grace=0), watcher="A")
    wait_until(lambda: job.status().state == "training", "the task to start")
    sessions.end("A")  # what Streamlit's release of the session's resources calls
    assert job.wait(10) and job.status().state == "cancelled"


def test_a_finished_run_is_saved_and_a_restarted_server_hands_it_out_without_training(tmp_path):
    saved = SavedRuns(tmp_path)
    board = JobBoard(keep=4, saved=saved)
    run = FakeRun(SMALL, "trained once")
    p = WorkerPool(size=1).start()
    try:
        job = board.job("k", lambda on_done: TrainingJob(SMALL, p.submit(worker_tasks.returns, run)).start(on_done),
                        watcher="A")
        assert job.wait(20)
        wait_until(lambda: "lstm|k" in saved, "the run to be saved")
    finally:
        p.shutdown()
    saved.close()
    again = JobBoard(keep=4, saved=SavedRuns(tmp_path))  # a new server process, the same folder
    job = again.job("k", lambda on_done: pytest.fail("trained again"), watcher="B")
    status = job.status()
    assert status.state == "done" and status.run.label == "trained once" and len(status.rows) == 1
    other = JobBoard(keep=4, saved=SavedRuns(tmp_path), kind="order")  # another kind's jobs keep their own runs
    assert other.job("k", lambda on_done: TrainingJob(SMALL, run=FakeRun(SMALL, "new")), watcher="C").status().run.label == "new"


def test_a_worker_that_dies_fails_its_job_with_one_clear_message_and_the_next_asks_afresh(pool, tmp_path):
    board = JobBoard(keep=4)
    job = board.job("k", lambda on_done: gated_job(pool, str(tmp_path / "never")), watcher="A")
    wait_until(lambda: job.status().rows, "the worker's pid")
    import os
    import signal

    os.kill(job.status().rows[0], signal.SIGKILL)  # out of memory, say
    assert job.wait(20)
    status = job.status()
    assert status.state == "failed" and status.error == "Training stopped unexpectedly; press Train to try again."
    fresh = board.job("k", lambda on_done: TrainingJob(SMALL, pool.submit(worker_tasks.returns, "ok")), watcher="A")
    assert fresh is not job and fresh.wait(30) and fresh.status().run == "ok"


def test_a_real_training_streams_its_epochs_and_arrives_as_numpy(pool):
    """The run a worker hands back has no Keras model: weights, Keras's kept outputs and the .keras bytes."""
    config = SMALL.replace(epochs=3)
    job = TrainingJob(config, pool.submit(train_task, config.key(), None, False))
    seen = []
    while not job.wait(0.05):
        seen.append(len(job.status().rows))
    run = job.status().run
    assert job.status().state == "done" and list(run.history["epoch"]) == [1, 2, 3]
    assert run.model is None and run.keras.samples == config.sequences and run.keras_bytes[:2] == b"PK"
    assert any(0 < n < 3 for n in seen) or seen == []  # epochs arrive as they end (unless it all ran in 50 ms)
    assert pickle.loads(pickle.dumps(run)).config == config


def test_a_cell_comparison_trains_in_a_worker_and_streams_one_row_per_model(pool):
    """Through the pool as the page asks for it: each finished model is one row, the result plain NumPy."""
    from lstm_core.pipeline.run import GradientFlow, VariantRun
    from lstm_core.serving.jobs import cells_task

    own = VariantRun("lstm", SMALL.seed, GradientFlow(np.ones(SMALL.timesteps), np.ones(SMALL.timesteps)), 0.5, 24, 1.0)
    job = TrainingJob(SMALL, pool.submit(cells_task, SMALL.key(), None, ("rnn",), own))
    assert job.wait(120)
    status = job.status()
    assert status.state == "done" and [(r["variant"], r["seed"]) for r in status.rows] == [("rnn", s) for s in (0, 1, 2)]
    assert [r.variant for r in status.run.runs] == ["rnn"] * 3  # the LSTM was not asked for: its own run is left out
    assert all(r.flow.trained.shape == (SMALL.timesteps,) for r in status.run.runs)
