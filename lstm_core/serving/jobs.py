"""Shared training for a multi-user server: one job per run (config and data), trained on a pool of
worker processes (lstm_core.serving.workers), watched by any number of sessions.

A session reads ``status()`` and draws the epochs streamed so far. A job that no session waits for
any more is cancelled after STOP_GRACE; a finished run is saved (lstm_core.serving.store), so a restarted
server hands it out again without training. Nothing here imports TensorFlow: workers do.
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from lstm_core.config import LSTMConfig
from lstm_core.data.keys import config_of

log = logging.getLogger(__name__)
# A training nobody waits for carries on this long before it is told to stop (at its next batch): a learner
# who switches to another setup and straight back finds it still going.
STOP_GRACE = 1.0


class JobState(StrEnum):
    QUEUED = "queued"
    TRAINING = "training"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


TASK_STATES = {"queued": JobState.QUEUED, "running": JobState.TRAINING, "done": JobState.DONE,
               "failed": JobState.FAILED, "cancelled": JobState.CANCELLED}  # a worker task's state -> the job's


class Stopped(Exception):
    """Raised inside a training that nobody waits for any more, before its next batch."""


def stopper(should_stop: Callable[[], bool]) -> Callable[[], None]:
    """What a training calls before every batch: it raises Stopped once the job is given up, so a given-up
    training computes nothing more."""

    def at_batch() -> None:
        if should_stop():
            raise Stopped

    return at_batch


def train_task(config_key: str, dataset, baselines: bool, emit: Callable, should_stop: Callable):
    """Runs in a worker process: the run (or its two comparison models), one row emitted per epoch."""
    from lstm_core.pipeline._keras import keras  # noqa: F401  (TensorFlow loads here, in the worker)
    from lstm_core.pipeline.train import finish, train

    config = LSTMConfig.from_key(config_key)

    if baselines:
        from lstm_core.pipeline.order import train_baselines

        return train_baselines(config, emit, dataset, stopper(should_stop))
    return finish(train(config, dataset=dataset, on_epoch=emit, on_batch=stopper(should_stop)))


def cells_task(config_key: str, dataset, variants: tuple[str, ...], own, emit: Callable, should_stop: Callable):
    """Runs in a worker process: the run's data and settings trained as each of ``variants`` from several
    seeds (pipeline.cell_compare), one row emitted per training finished. ``own``: the run as its own cell's
    first seed, which is not trained again."""
    from lstm_core.pipeline._keras import keras  # noqa: F401  (TensorFlow loads here, in the worker)
    from lstm_core.pipeline.cell_compare import compare_cells

    return compare_cells(LSTMConfig.from_key(config_key), tuple(variants), own, emit, dataset, stopper(should_stop))


def horizon_task(config_key: str, horizon, emit: Callable, should_stop: Callable):
    """Runs in a worker process: the memory-horizon experiment (pipeline.horizon) with the run's settings,
    one row emitted per cell and lag trained."""
    from lstm_core.pipeline._keras import keras  # noqa: F401  (TensorFlow loads here, in the worker)
    from lstm_core.pipeline.horizon import train_horizon

    return train_horizon(LSTMConfig.from_key(config_key), horizon, emit, stopper(should_stop))


def check_task(keras_bytes: bytes, x, emit: Callable, should_stop: Callable):
    """Runs in a worker process: Keras's own h at every step and score for one input (timesteps,
    features), from the run's saved model, to check the server's NumPy trace of an edited sequence."""
    import os
    import tempfile

    from lstm_core.pipeline._keras import keras
    from lstm_core.tracing.trace import keras_reference

    fd, path = tempfile.mkstemp(suffix=".keras")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(keras_bytes)
        model = keras.models.load_model(path, compile=False)  # Keras reads only from a path
    finally:
        os.remove(path)
    return keras_reference(model, x)


@dataclass(frozen=True)
class JobStatus:
    state: JobState
    place: int | None  # place in the queue while queued
    rows: tuple[dict, ...]  # epochs finished so far
    run: object | None  # the Run (or the comparison models), once done
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state.finished


class TrainingJob:
    """One training on the worker pool (``task``), or one already done (``run``, from the store).

    ``dataset`` is the CSV data it trains on (None: the synthetic data its config makes). A job that
    nobody waits for is told to stop ``grace`` seconds after it was given up.
    """

    def __init__(self, config: LSTMConfig, task=None, run=None, dataset=None, grace: float = STOP_GRACE):
        self.config = config
        self.grace = grace
        self._task, self._run, self._dataset = task, run, dataset
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None  # a pending stop, ``grace`` after the job was given up

    def start(self, on_done: Callable | None = None) -> TrainingJob:
        """Hands the finished run to ``on_done`` (to save it), whoever watches; returns the job."""
        if self._task is not None and on_done is not None:
            threading.Thread(target=self._deliver, args=(on_done,), name="save-run", daemon=True).start()
        return self

    @cached_property
    def yard(self):
        """The noise yardstick of the run's labels, for judging its epochs while they stream in."""
        from lstm_core.pipeline.noise import yardstick, yardstick_of

        if self._run is not None and hasattr(self._run, "dataset"):
            return yardstick_of(self._run)
        from lstm_core.data.synthetic import make_dataset

        dataset = self._dataset if self._dataset is not None else make_dataset(self.config)
        return yardstick(dataset.y, self.config.train_sequences)

    def _deliver(self, on_done: Callable) -> None:
        self._task.wait()
        if self._task.state == "done":
            try:
                on_done(self._task.result)
            except Exception:  # saving is a convenience: the run is still shown
                log.exception("could not save the run: %s", self.config.key())

    def status(self) -> JobStatus:
        if self._task is None:  # a saved result: a run's epochs, or nothing streamed (the comparisons)
            history = getattr(self._run, "history", None)
            return JobStatus(JobState.DONE, None, () if history is None else tuple(history.to_dict("records")),
                             self._run, None)
        task = self._task
        state = TASK_STATES[task.state]
        return JobStatus(state, task.place, task.events, task.result if state is JobState.DONE else None, task.error)

    def wait_for_change(self, seen: JobStatus, timeout: float) -> None:
        """Block until the job moves past ``seen`` (a new epoch, started, finished) or ``timeout`` passes."""
        if self._task is not None:
            raw = next(k for k, v in TASK_STATES.items() if v is seen.state)
            self._task.wait_for_change(len(seen.rows), raw, timeout)

    def wait(self, timeout: float | None = None) -> bool:
        return True if self._task is None else self._task.wait(timeout)

    def cancel(self) -> bool:
        """Give up on this job: a queued one leaves the line at once; a training one is told to stop
        ``grace`` later (unless resumed). True unless it has already finished (then its run stays)."""
        if self._task is None or self._task.state in ("done", "failed", "cancelled"):
            return False
        if self._task.state == "queued" or self.grace <= 0:
            return self._task.cancel() or True
        with self._lock:
            if self._timer is None:
                self._timer = threading.Timer(self.grace, self._task.cancel)
                self._timer.daemon = True
                self._timer.start()
        return True

    def resume(self) -> bool:
        """Asked for again: a training given up but not yet told to stop carries on. True if this job is
        worth handing out (queued, training or done)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        return self.status().state not in (JobState.FAILED, JobState.CANCELLED)

    @property
    def failed(self) -> bool:
        return self.status().state is JobState.FAILED


class LiveSessions:
    """The browser sessions still connected: a session is added on its first script run and removed
    when Streamlit releases its session-scoped resources (the tab closed)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._live: set[str] = set()
        self._boards: list[JobBoard] = []

    def begin(self, session: str) -> str:
        with self._lock:
            self._live.add(session)
        return session

    def end(self, session: str) -> None:
        with self._lock:
            self._live.discard(session)
            boards = list(self._boards)
        for board in boards:  # its trainings may have no watcher left: give them up now
            board.prune()

    def alive(self, session: str) -> bool:
        with self._lock:
            return session in self._live

    def watch(self, board: JobBoard) -> JobBoard:
        with self._lock:
            self._boards.append(board)
        return board


class JobBoard:
    """One job per key for the whole server, and who is waiting for each.

    A job still queued or training is never dropped: dropping it would start the same training again
    for the next session that asks. Of the finished jobs, the ``keep`` most recently asked for stay in
    memory; every finished run is also saved to ``saved`` (a store.SavedRuns), so after they leave
    memory, or after a restart, asking again loads it instead of training. A job that no session
    waits for any more is given up (see TrainingJob.cancel), and so is a job whose every watcher has
    gone (``alive`` says whether a watcher's session still exists).
    """

    def __init__(self, keep: int, alive: Callable[[str], bool] = lambda watcher: True, saved=None, kind: str = "lstm"):
        self.keep = keep
        self.kind = kind  # what the board's jobs make ("lstm" runs, "order" comparisons): their saved keys differ
        self._alive = alive
        self._saved = saved
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}  # in order of last request, oldest first
        self._watchers: dict[str, set[str]] = {}

    def job(self, key: str, make: Callable[[Callable], TrainingJob], watcher: str | None = None) -> TrainingJob:
        """The job for ``key``: a live one, a saved run, or ``make(on_done)`` (on_done saves the run);
        ``watcher`` (a session) now waits for it. Jobs whose watchers have all gone are given up first."""
        with self._lock:
            if watcher is not None:  # first: a job whose other watchers have gone is the one being asked for
                self._watchers.setdefault(key, set()).add(watcher)
            self._prune()
            job = self._jobs.pop(key, None)
            if job is None or not job.resume():
                job = self._load(key) or make(lambda run: self._save(key, run))
            self._jobs[key] = job
            self._trim()
            return job

    def _load(self, key: str) -> TrainingJob | None:
        blob = self._saved.get(self.saved_key(key)) if self._saved is not None else None
        if blob is None:
            return None
        try:
            run = pickle.loads(blob)  # noqa: S301  (the server's own store of its own runs)
        except Exception:  # a run saved by another version of the code: train it again
            log.warning("a saved run could not be loaded, training it again: %s", key)
            self._saved.remove(self.saved_key(key))
            return None
        return TrainingJob(run.config if hasattr(run, "config") else config_of(key), run=run)

    def saved_key(self, key: str) -> str:
        """Where this board's run for ``key`` is saved: the kind first (a run and its comparison share a key)."""
        return f"{self.kind}|{key}"

    def _save(self, key: str, run) -> None:
        if self._saved is not None:
            self._saved.put(self.saved_key(key), pickle.dumps(run), {"kind": self.kind})

    def forget(self, key: str, watcher: str) -> None:
        """``watcher`` no longer waits for ``key``; if nobody does and it has not finished, give it up."""
        with self._lock:
            waiting = self._watchers.get(key, set())
            waiting.discard(watcher)
            if not waiting:
                self._give_up(key)

    def prune(self) -> None:
        """Watchers whose session has gone stop waiting; a job left with none is given up."""
        with self._lock:
            self._prune()

    def _prune(self) -> None:
        for key, waiting in list(self._watchers.items()):
            gone = {w for w in waiting if not self._alive(w)}
            if gone:
                waiting -= gone
                if not waiting:
                    self._give_up(key)

    def _give_up(self, key: str) -> None:
        self._watchers.pop(key, None)
        job = self._jobs.get(key)
        if job is not None and job.cancel():  # a finished job stays: its run is cached
            log.info("training given up, nobody waits for it: %s", key)
            if job.status().state is JobState.CANCELLED:  # out of the queue; a training stays until it stops,
                del self._jobs[key]  # so that asking again within the grace carries it on

    def close(self) -> None:
        """Cancel every job that has not finished: the board is being dropped (the server's caches cleared)."""
        with self._lock:
            for job in self._jobs.values():
                if job._task is not None:
                    job._task.cancel()
            self._jobs.clear()
            self._watchers.clear()

    def watchers(self, key: str) -> int:
        with self._lock:
            return len(self._watchers.get(key, ()))

    def __len__(self) -> int:
        """The jobs held: queued, training, or finished with a run or an error."""
        with self._lock:
            self._trim()
            return len(self._jobs)

    def _trim(self) -> None:
        for key in [k for k, j in self._jobs.items() if j.status().state is JobState.CANCELLED]:
            del self._jobs[key]  # stopped: nothing to keep, and the next ask starts afresh
        finished = [k for k, j in self._jobs.items() if j.status().finished]
        for key in finished[: max(0, len(finished) - self.keep)]:
            del self._jobs[key]
            self._watchers.pop(key, None)
