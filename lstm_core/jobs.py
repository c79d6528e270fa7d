"""Shared training for a multi-user server: one background job per run (config and data), a bounded
number at once.

Many sessions can watch the same job: each reads ``status()`` and draws the epochs so far, waking on
``wait_for_change()``. Nothing here is process-global: the app keeps one TrainingPool and its
JobBoards in its own resource cache.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from lstm_core.config import LSTMConfig

log = logging.getLogger(__name__)
# Measured on 2 cores (docs/performance.md): with no head start the first paint took 1.8 s against a
# page floor of 1.1 s; with 0.15 to 0.3 s it took 1.0 to 1.2 s, and the full result came no later.
PAGE_HEAD_START = 0.2
# A training nobody waits for carries on this long, then stops before its next batch (or at its epoch's end):
# an epoch can take up to the 30 s work cap, and the trainer is wanted by the next in line. The grace lets a
# learner who switches to another setup and straight back find the training still going.
STOP_GRACE = 1.0


class Stopped(Exception):
    """Raised inside a training that nobody waits for any more, at an epoch's end or before a batch."""


class TrainingPool:
    """At most ``slots`` trainings run at once; the others wait in line, first come first served."""

    def __init__(self, slots: int = 1):
        self.slots = slots
        self._cond = threading.Condition()
        self._running = 0
        self._line: list[object] = []

    def enter(self, ticket: object) -> None:
        """Join the end of the line (then ``acquire`` waits for the ticket's turn)."""
        with self._cond:
            self._line.append(ticket)

    def acquire(self, ticket: object) -> bool:
        """Wait until the ticket is first in line and a slot is free; False if it was withdrawn."""
        with self._cond:
            while ticket in self._line and (self._running >= self.slots or self._line[0] is not ticket):
                self._cond.wait()
            if ticket not in self._line:
                return False
            self._line.pop(0)
            self._running += 1
            return True

    def withdraw(self, ticket: object) -> bool:
        """Take a ticket out of the line; False if it is not waiting there (it already runs, or ran)."""
        with self._cond:
            if ticket not in self._line:
                return False
            self._line.remove(ticket)
            self._cond.notify_all()
            return True

    def release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify_all()

    def place(self, ticket: object) -> int | None:
        """1 for the next in line, None once it runs (or never queued)."""
        with self._cond:
            return self._line.index(ticket) + 1 if ticket in self._line else None

    @property
    def running(self) -> int:
        return self._running


@dataclass(frozen=True)
class JobStatus:
    state: str  # "queued", "training", "done", "failed" or "cancelled" (given up: left the queue, or stopped)
    place: int | None  # place in the queue while queued
    rows: tuple[dict, ...]  # epochs finished so far
    run: object | None  # the Run, once done
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "cancelled")


def train_on(dataset=None, baselines: bool = False, head_start: float = PAGE_HEAD_START):
    """A train function for a job: the config's synthetic data, or the given dataset; optionally the
    comparison models (the same LSTM on time-shuffled sequences, and a whole-window Dense model).

    Before the process's first TensorFlow import it waits ``head_start`` seconds: loading TensorFlow's
    shared libraries holds the GIL for about 0.2 s at a stretch, and when that lands while the browser
    is still fetching the page's script chunks from this server, the first paint waits for it.
    """

    def fn(config: LSTMConfig, on_epoch: Callable[[dict], None], on_batch: Callable[[], None] | None = None):
        if head_start and "tensorflow" not in sys.modules:
            time.sleep(head_start)
        if baselines:
            from lstm_core.order import train_baselines

            return train_baselines(config, on_epoch, dataset, on_batch)
        # TensorFlow loads here, in the worker, after the page painted; _keras first, so that the
        # pandas it brings in also imports with the garbage collector paused.
        from lstm_core._keras import keras  # noqa: F401
        from lstm_core.train import finish, train

        return finish(train(config, dataset=dataset, on_epoch=on_epoch, on_batch=on_batch))

    return fn




class TrainingJob:
    """Trains one config once, in a daemon thread, queued on the pool."""

    def __init__(self, config: LSTMConfig, pool: TrainingPool, train_fn=None, on_done: Callable | None = None):
        self.config = config
        self._pool = pool
        self._train_fn = train_fn or train_on()
        self._on_done = on_done  # given the run once it is done (the server saves it)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified on every new epoch and at the end
        self._rows: list[dict] = []
        self._state = "queued"
        self._run = None
        self._error: str | None = None
        self._done = threading.Event()
        self._stop = False  # True: given up, stop once STOP_GRACE is over (under the lock; resume() clears it)
        self._stop_since = 0.0  # when _stop was set (time.monotonic())
        pool.enter(self)  # in line from the start, so cancel() can withdraw it before its thread runs
        self._thread = threading.Thread(target=self._work, name=f"train-{config.units}u", daemon=True)
        self._thread.start()

    @classmethod
    def finished(cls, config: LSTMConfig, run) -> TrainingJob:
        """A job that is already done: a run saved before, handed out without training."""
        job = object.__new__(cls)
        job.config, job._pool, job._train_fn, job._on_done = config, None, None, None
        job._lock = threading.Lock()
        job._changed = threading.Condition(job._lock)
        job._rows, job._state, job._run, job._error = list(run.history.to_dict("records")), "done", run, None
        job._done = threading.Event()
        job._done.set()
        job._stop, job._stop_since = False, 0.0
        return job

    def _work(self) -> None:
        if not self._pool.acquire(self):
            with self._lock:
                self._state = "cancelled"
                self._changed.notify_all()
            self._done.set()
            return
        try:
            with self._lock:
                self._state = "training"
                self._changed.notify_all()
            log.info("training started: %s", self.config.key())
            run = self._train_fn(self.config, self._add_row, self._at_batch)
            if self._on_done is not None:
                try:
                    self._on_done(run)
                except Exception:  # saving is a convenience: the run is still shown
                    log.exception("could not save the run: %s", self.config.key())
            with self._lock:
                self._run, self._state = run, "done"
                self._changed.notify_all()
            log.info("training finished: %s", self.config.key())
        except Stopped:
            with self._lock:
                self._state = "cancelled"
                self._changed.notify_all()
            log.info("training stopped after %d epochs, nobody waits for it: %s", len(self._rows), self.config.key())
        except Exception as err:  # a failed job reports its error; it must never kill the server
            with self._lock:
                self._error, self._state = f"Training failed: {type(err).__name__}: {err}", "failed"
                self._changed.notify_all()
        finally:
            self._pool.release()
            self._done.set()

    def _add_row(self, row: dict) -> None:
        with self._lock:
            if self._past_grace() and row.get("epoch", 0) < self.config.epochs:  # after the last epoch: keep the run
                self._state = "cancelled"  # from now on resume() cannot revive it
                self._changed.notify_all()
                raise Stopped  # out of model.fit, at an epoch's end: the slot goes to the next in line
            self._rows.append(row)
            self._changed.notify_all()

    def _past_grace(self) -> bool:
        """Given up, and for STOP_GRACE already: time to stop (under the lock)."""
        return self._stop and time.monotonic() - self._stop_since >= STOP_GRACE

    def _at_batch(self) -> None:
        with self._lock:
            if self._past_grace():
                self._state = "cancelled"
                self._changed.notify_all()
                raise Stopped  # out of model.fit before this batch: a long epoch need not run to its end

    def status(self) -> JobStatus:
        with self._lock:
            place = self._pool.place(self) if self._state == "queued" else None
            return JobStatus(self._state, place, tuple(self._rows), self._run, self._error)

    def wait_for_change(self, seen: JobStatus, timeout: float) -> None:
        """Block until the job moves past ``seen`` (a new epoch, started, finished) or ``timeout`` passes.

        A watcher redraws as soon as an epoch ends instead of on its next poll; the timeout still lets
        it notice a new place in the queue, which the pool changes without telling the job.
        """
        with self._changed:
            self._changed.wait_for(lambda: (self._state, len(self._rows)) != (seen.state, len(seen.rows)), timeout)

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def cancel(self) -> bool:
        """Give up on this job: leave the queue if still in it, or, if training, stop once STOP_GRACE is over
        (before a batch, or at an epoch's end). True unless it has already finished (then its run stays usable)."""
        if self._pool is not None and self._pool.withdraw(self):
            with self._lock:
                self._state = "cancelled"  # before its thread says so: nobody can be handed it any more
                self._changed.notify_all()
            return True
        with self._lock:
            if self._state in ("done", "failed", "cancelled"):
                return False
            if not self._stop:
                self._stop, self._stop_since = True, time.monotonic()
            return True

    def resume(self) -> bool:
        """Asked for again: a training given up but not yet stopped carries on (nothing is computed
        twice). True if this job is worth handing out: queued, training or done."""
        with self._lock:
            if self._state in ("queued", "training"):  # queued: just out of the line, about to start
                self._stop = False
            return self._state not in ("failed", "cancelled")

    @property
    def failed(self) -> bool:
        return self._state == "failed"


class JobBoard:
    """One job per key for the whole server, and who is waiting for each.

    A job still queued or training is never dropped: dropping it would start the same training again
    for the next session that asks. Of the finished jobs, the ``keep`` most recently asked for stay
    (each holds a model and its data). A job that no session waits for any more is withdrawn from the
    queue, or stops (see STOP_GRACE), so a learner who changes their mind does not keep the
    trainer busy or leave trainings in line. So is a job whose every watcher has gone (``alive`` says
    whether a watcher's session still exists: a closed browser tab never says it stopped waiting).
    """

    def __init__(self, keep: int, alive: Callable[[str], bool] = lambda watcher: True):
        self.keep = keep
        self._alive = alive
        self._lock = threading.Lock()
        self._jobs: dict[str, TrainingJob] = {}  # in order of last request, oldest first
        self._watchers: dict[str, set[str]] = {}

    def job(self, key: str, make: Callable[[], TrainingJob], watcher: str | None = None) -> TrainingJob:
        """The job for ``key``, started with ``make()`` unless a live one exists; ``watcher`` (a session)
        now waits for it. Jobs whose watchers have all gone are given up first."""
        with self._lock:
            if watcher is not None:  # first: a job whose other watchers have gone is the one being asked for
                self._watchers.setdefault(key, set()).add(watcher)
            self._prune()
            job = self._jobs.pop(key, None)
            if job is None or not job.resume():
                job = make()
            self._jobs[key] = job
            self._trim()
            return job

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
            if job.status().state == "cancelled":  # out of the queue; a training stays until it stops,
                del self._jobs[key]  # so that asking again before its epoch ends carries it on

    def watchers(self, key: str) -> int:
        with self._lock:
            return len(self._watchers.get(key, ()))

    def __len__(self) -> int:
        """The jobs held: queued, training, or finished with a run or an error."""
        with self._lock:
            self._trim()
            return len(self._jobs)

    def _trim(self) -> None:
        for key in [k for k, j in self._jobs.items() if j.status().state == "cancelled"]:
            del self._jobs[key]  # stopped: nothing to keep, and the next ask starts afresh
        finished = [k for k, j in self._jobs.items() if j.status().finished]
        for key in finished[: max(0, len(finished) - self.keep)]:
            del self._jobs[key]
            self._watchers.pop(key, None)
