"""Shared training for a multi-user server: one background job per config, a bounded number at once.

Many sessions can watch the same job: each polls ``status()`` and draws the epochs so far.
Nothing here is process-global: the app keeps one TrainingPool and its jobs in its own cache.
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


class TrainingPool:
    """At most ``slots`` trainings run at once; the others wait in line, first come first served."""

    def __init__(self, slots: int = 1):
        self.slots = slots
        self._cond = threading.Condition()
        self._running = 0
        self._line: list[object] = []

    def acquire(self, ticket: object) -> None:
        with self._cond:
            self._line.append(ticket)
            while self._running >= self.slots or self._line[0] is not ticket:
                self._cond.wait()
            self._line.pop(0)
            self._running += 1

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
    state: str  # "queued", "training", "done" or "failed"
    place: int | None  # place in the queue while queued
    rows: tuple[dict, ...]  # epochs finished so far
    run: object | None  # the Run, once done
    error: str | None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def train_on(dataset=None, memoryless: bool = False, head_start: float = PAGE_HEAD_START):
    """A train function for a job: the config's synthetic data, or the given dataset; optionally the
    memoryless baseline (the same LSTM on time-shuffled sequences).

    Before the process's first TensorFlow import it waits ``head_start`` seconds: loading TensorFlow's
    shared libraries holds the GIL for about 0.2 s at a stretch, and when that lands while the browser
    is still fetching the page's script chunks from this server, the first paint waits for it.
    """

    def fn(config: LSTMConfig, on_epoch: Callable[[dict], None]):
        if head_start and "tensorflow" not in sys.modules:
            time.sleep(head_start)
        if memoryless:
            from lstm_core.memory import train_memoryless

            return train_memoryless(config, on_epoch, dataset)
        # TensorFlow loads here, in the worker, after the page painted; _keras first, so that the
        # pandas it brings in also imports with the garbage collector paused.
        from lstm_core._keras import keras  # noqa: F401
        from lstm_core.train import train

        return train(config, dataset=dataset, on_epoch=on_epoch)

    return fn




class TrainingJob:
    """Trains one config once, in a daemon thread, queued on the pool."""

    def __init__(self, config: LSTMConfig, pool: TrainingPool, train_fn=None):
        self.config = config
        self._pool = pool
        self._train_fn = train_fn or train_on()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # notified on every new epoch and at the end
        self._rows: list[dict] = []
        self._state = "queued"
        self._run = None
        self._error: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._work, name=f"train-{config.units}u", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        self._pool.acquire(self)
        try:
            with self._lock:
                self._state = "training"
                self._changed.notify_all()
            log.info("training started: %s", self.config.key())
            run = self._train_fn(self.config, self._add_row)
            with self._lock:
                self._run, self._state = run, "done"
                self._changed.notify_all()
            log.info("training finished: %s", self.config.key())
        except Exception as err:  # a failed job reports its error; it must never kill the server
            with self._lock:
                self._error, self._state = f"Training failed: {type(err).__name__}: {err}", "failed"
                self._changed.notify_all()
        finally:
            self._pool.release()
            self._done.set()

    def _add_row(self, row: dict) -> None:
        with self._lock:
            self._rows.append(row)
            self._changed.notify_all()

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

    @property
    def failed(self) -> bool:
        return self._state == "failed"
