"""Trainings on an existing Dask cluster, for a room that has outgrown one machine.

``DaskPool(address)`` has the interface of workers.WorkerPool that the app uses (start, submit, stats,
shutdown; tasks with state, place, events, result, error, wait, wait_for_change and cancel), so the page
runs the same task functions (jobs.train_task, jobs.check_task) on a cluster's workers instead of local
processes. The address is the setting LSTM_TRACE_SCHEDULER (see scheduler_address); the cluster's
workers must be able to import lstm_core (the same version as the server) and TensorFlow.

How a task travels:

- What is sent is the pickle of ``(fn, args)``, made by submit() as WorkerPool makes it (so a task that
  cannot be pickled fails at once), and unpickled on the Dask worker by ``_on_worker``.
- Events and the start of a run come back through one ``distributed.Queue`` per connection, drained by
  a server thread with a blocking get, so an epoch row arrives as soon as it is put. Not Pub/Sub:
  distributed 2026.x no longer has ``distributed.Pub``/``Sub``. Not a get with a timeout: each timed-out
  get logs a traceback at ERROR on the scheduler (measured with 2026.8.0), so a poll would flood its log.
  Every message is ``[kind, task number, payload]``; an event's payload is its pickle, loaded in the
  server as workers loads results (TensorFlow and Keras classes refused).
- The result is returned as a pickle too (bytes to Dask) and loaded the same way, so a result holding a
  Keras object fails its task instead of importing TensorFlow into the server. A task's exception is
  caught on the worker and sent as one line of text: Dask would otherwise unpickle the exception itself
  in the server, and TensorFlow's error classes import TensorFlow.
- Each run puts "end" as its last message, before it returns; the server marks a task done only once it
  has both the result and that "end" (or, should it be lost, END_WAIT after the result), so every event
  is in ``events`` before ``state`` says done.
- should_stop() reads a ``distributed.Event`` per task, at most every STOP_CHECK seconds (one check costs
  a round trip to the scheduler, about 0.6 ms on one machine; a training asks before every batch).

Cancelling: a queued task is cancelled at once (its Dask future is cancelled; should its run have
started all the same, its stop is set when that start is heard of). A running one is told to stop; if
it has not finished ``grace`` seconds later it is given up (cancelled), and with ``restart_stuck`` its
Dask worker is restarted with ``Client.restart_workers`` (this needs the worker to run under a Nanny, as
``dask worker`` does; it also ends any other task on that worker). A run clears its stop as it ends,
and a restart clears that of the run it killed, so stops do not pile up in the scheduler's memory.

A worker that dies mid-task fails the task with workers.DIED: the server sees it leave the cluster (it
asks the scheduler every LIVENESS seconds while a task runs), or sees the task start a second time (Dask
reruns a task whose worker died), or gets KilledWorker.

``place``: Dask does not say where a task stands in its scheduler's queue. This counts this server's
own tasks that were submitted earlier and have not started (Dask runs a client's tasks roughly first
come, first served); tasks from other clients of the same cluster are not seen.

Nothing here imports distributed until a pool starts connecting, and this module itself is standard
library only (the Dask workers import it to run tasks).
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import pickle
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from lstm_core.serving.workers import DIED, FINISHED, TaskView, _load, _one_line, task_payload

log = logging.getLogger(__name__)

SETTING = "LSTM_TRACE_SCHEDULER"
LOST = "Lost touch with the training cluster; press Train to try again."
STOP_CHECK = 0.25  # seconds: how often a task's should_stop() asks the scheduler at most
POLL = 0.1  # seconds: how often the server looks at its running tasks' futures and cancels
LIVENESS = 1.0  # seconds: how often, while a task runs, the server checks that its worker is still there
END_WAIT = 5.0  # seconds: how long a finished task's "end" message is waited for before it is done anyway


def scheduler_address(environ: Any = None) -> str | None:
    """The Dask scheduler's address from LSTM_TRACE_SCHEDULER (e.g. tcp://host:8786); None when unset or empty."""
    value = (os.environ if environ is None else environ).get(SETTING, "")
    return value.strip() or None


# --- On a Dask worker -----------------------------------------------------------------------------

_CHANNELS: dict[str, Any] = {}  # distributed.Queue by name, one per server connection, in a Dask worker


def _on_worker(payload: bytes, channel: str, number: int, stop_name: str) -> tuple[str, Any]:
    """Runs one task on a Dask worker: ("done", the result's pickle), ("failed", one line) or ("cancelled", None)."""
    from distributed import Event, Queue, get_worker

    queue = _CHANNELS.get(channel)
    if queue is None:
        queue = _CHANNELS[channel] = Queue(channel)  # the worker's own client: get_client()
    stop = Event(stop_name)
    stopped, next_check = False, 0.0

    def should_stop() -> bool:
        nonlocal stopped, next_check
        if not stopped and time.monotonic() >= next_check:
            stopped = stop.is_set()
            next_check = time.monotonic() + STOP_CHECK
        return stopped

    def emit(obj: Any) -> None:
        queue.put(["event", number, pickle.dumps(obj)])  # waits for the scheduler: in order, before the result

    queue.put(["start", number, get_worker().address])
    try:
        fn, args = pickle.loads(payload)  # here: a module the worker cannot import fails this task only
        if should_stop():  # cancelled before it started
            outcome: tuple[str, Any] = ("cancelled", None)
        else:
            value = fn(*args, emit=emit, should_stop=should_stop)
            try:
                outcome = ("done", pickle.dumps(value))
            except Exception as err:
                outcome = ("failed", f"The result could not be sent: {_one_line(err)}")
    except Exception as err:
        outcome = ("failed", _one_line(err))
    try:
        if stopped:
            stop.clear()  # a set Event stays in the scheduler's memory until cleared
        queue.put(["end", number, None])
    except Exception as err:  # the server learns the outcome from the future anyway
        log.warning("could not tell the server that task %s ended: %s", number, _one_line(err))
    return outcome


# --- In the server --------------------------------------------------------------------------------

class ClusterTask(TaskView):
    """One submitted call as the server sees it: the interface of workers.Task; safe to read from any thread."""

    def __init__(self, pool: DaskPool, payload: bytes, number: int, name: str):
        self._pool = pool
        self._payload = payload
        self.number = number
        self.key = f"{name}-{pool._name}-{number}"  # the Dask key, as its dashboard shows it
        self._stop_name = f"{pool._name}-stop-{number}"
        self._changed = threading.Condition(pool._lock)
        self._state = "queued"
        self._events: list[Any] = []
        self._result: Any = None
        self._error: str | None = None
        self._future: Any = None  # its distributed.Future once on the cluster
        self._worker: str | None = None  # the address of the Dask worker running it
        self._starts = 0
        self._ended = False  # its run's "end" message has arrived
        self._finished_at: float | None = None  # time.monotonic() when its future was seen finished
        self._cancel_at: float | None = None  # time.monotonic() of cancel() while running
        self._told_to_stop = False

    @property
    def place(self) -> int | None:
        """1 for the next of this server's tasks to start; None once it runs, or ran (see the module's doc)."""
        with self._changed:
            if self._state != "queued":
                return None
            return 1 + sum(t.number < self.number and t._state == "queued" for t in self._pool._tasks.values())

    def cancel(self) -> bool:
        """Queued: cancelled at once. Running: should_stop() turns True within STOP_CHECK (plus POLL), and
        a task still running ``grace`` seconds later is given up. False if it had already finished."""
        with self._changed:
            if self._state == "queued":
                self._pool._end(self, "cancelled", drop=True)  # it may be starting as we speak
                return True
            if self._state == "running":
                self._cancel_at = self._cancel_at or time.monotonic()
                self._pool._work.notify_all()
                return True
            return False

    def _set(self, state: str, result: Any = None, error: str | None = None) -> None:  # under the lock
        self._state, self._result, self._error = state, result, error
        self._changed.notify_all()


def _check_address(address: str) -> None:
    """Raise ValueError for an address Client would refuse only after a hang (e.g. no port)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme in ("tcp", "tls"):
        parse_host_port(location)


SHUTDOWN_WAIT = 2.0  # seconds shutdown() waits for the pool's thread to stop what runs and disconnect


class DaskPool:
    """Runs tasks on the Dask cluster at ``address``, with the interface of workers.WorkerPool.

    start() returns at once: the pool's thread connects in the background (so the first training does
    not wait for it), and connects again for the next task after a connection failed or was lost. Tasks
    submitted while it cannot be made fail with "Cannot reach the training cluster at ADDRESS: why".
    """

    def __init__(self, address: str, grace: float = 2.0, connect_timeout: float = 10.0, restart_stuck: bool = True):
        self.address, self.grace, self.connect_timeout, self.restart_stuck = address, grace, connect_timeout, restart_stuck
        self._name = f"lstm-trace-{uuid.uuid4().hex[:10]}"
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # wakes the pool's thread
        self._numbers = itertools.count(1)
        self._tasks: dict[int, ClusterTask] = {}  # queued or running, by number
        self._new: list[ClusterTask] = []  # queued, not yet sent to the cluster
        self._dropped: list[tuple[ClusterTask, bool]] = []  # ended by the server: futures to cancel, and whether
        # to set their stop now (their run has started)
        self._orphans: set[int] = set()  # ended by the server before their run was seen to start: a start
        # that comes after all the same sets their stop (see _receive)
        self._client: Any = None
        self._queue: Any = None
        self._drainer: threading.Thread | None = None
        self._thread: threading.Thread | None = None
        self._closing = False
        self._connect_now = False  # start() asks for a connection before any task does
        self._workers = 0
        self._next_liveness = 0.0
        self._counts = {"started": 0, "replaced": 0, "died": 0}

    def start(self) -> DaskPool:
        """Start the pool's thread, which connects to the cluster; returns at once, and never raises for a
        bad address or a cluster that cannot be reached (the tasks fail instead)."""
        with self._lock:
            if self._thread is not None or self._closing:
                return self
            self._connect_now = True
            self._thread = threading.Thread(target=self._run, name="lstm-dask-pool", daemon=True)
        self._thread.start()
        atexit.register(self.shutdown)
        return self

    def submit(self, fn: Callable[..., Any], *args: Any) -> ClusterTask:
        """Queue ``fn(*args, emit=..., should_stop=...)`` on the cluster (starting the pool if needed).
        Raises at once if fn or args cannot be pickled."""
        payload = task_payload(fn, args)
        self.start()
        with self._lock:
            if self._closing:
                raise RuntimeError("the training cluster's pool has been shut down")
            task = ClusterTask(self, payload, next(self._numbers), getattr(fn, "__name__", "task"))
            self._tasks[task.number] = task
            self._new.append(task)
            self._work.notify_all()
        return task

    def stats(self) -> dict[str, int]:
        """Counters: the cluster's workers (as last seen; each counts as ready: a cluster's workers stay up),
        this server's running and queued tasks, tasks sent to the cluster, workers restarted after a
        cancel's grace, and tasks whose worker died."""
        with self._lock:
            running = sum(t._state == "running" for t in self._tasks.values())
            return {"workers": self._workers, "ready": self._workers, "busy": running, "queued": len(self._tasks) - running,
                    "connected": int(self._client is not None and self._client.status == "running"), **self._counts}

    def shutdown(self) -> None:
        """Cancel every task (running ones are told to stop, without a grace) and disconnect."""
        with self._lock:
            self._closing = True
            for task in list(self._tasks.values()):
                self._end(task, "cancelled", drop=True, running=task._starts > 0)
            self._work.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            # A scheduler that has just gone can hold the thread's last calls until the client notices (up to
            # connect_timeout): the server does not wait for that; the daemon thread ends on its own.
            thread.join(SHUTDOWN_WAIT)
        atexit.unregister(self.shutdown)

    # --- the pool's thread ---

    def _end(self, task: ClusterTask, state: str, result: Any = None, error: str | None = None,
             drop: bool = False, running: bool = False) -> None:
        """Under the lock: the task's final state. ``drop``: a run of it may still start or go on, so the
        pool's thread cancels its future and sets its stop: now if a run is ``running``, else only if a
        run starts all the same (see _receive). A run that sees its stop stops, and clears it."""
        task._set(state, result, error)
        self._tasks.pop(task.number, None)
        if task in self._new:
            self._new.remove(task)
        elif drop and task._future is not None:
            self._dropped.append((task, running))
            if not running:
                self._orphans.add(task.number)
        self._work.notify_all()

    def _stop_dropped(self, client: Any) -> None:
        from distributed import Event

        with self._lock:
            dropped, self._dropped = self._dropped, []
        for task, started in dropped:
            task._future.cancel()
            if started:
                Event(task._stop_name, client=client).set()  # cleared by its run when it stops
            task._future.release()

    def _run(self) -> None:
        while True:
            with self._work:
                if self._tasks or self._dropped:
                    self._work.wait(POLL)
                else:
                    self._work.wait_for(lambda: self._closing or self._tasks or self._dropped or self._connect_now)
                if self._closing:
                    break
                connect, self._connect_now = self._connect_now, False
            try:
                if self._client is None:
                    if self._new or connect:
                        self._connect()
                else:
                    self._step()
            except Exception:  # a bug or a lost cluster must not end the thread: every task would wait for ever
                log.exception("the training cluster's pool")
                time.sleep(POLL)
        self._close()

    def _connect(self) -> None:
        try:
            _check_address(self.address)
            from distributed import Client, Queue

            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
            try:
                queue = Queue(f"{self._name}-{uuid.uuid4().hex[:6]}", client=client)
                workers = len(client.nthreads())
            except Exception:
                client.close()
                raise
        except Exception as err:
            message = f"Cannot reach the training cluster at {self.address}: {_one_line(err)}"
            log.log(logging.DEBUG if self._closing else logging.WARNING, "%s", message)  # at exit: no matter
            with self._lock:
                for task in list(self._new):
                    self._end(task, "failed", error=message)
            return
        log.info("connected to the training cluster at %s (%d workers)", self.address, workers)
        with self._lock:
            self._client, self._queue, self._workers = client, queue, workers
        self._drainer = threading.Thread(target=self._drain, args=(client, queue), name="lstm-dask-events", daemon=True)
        self._drainer.start()

    def _step(self) -> None:
        client = self._client
        if client.status in ("closing", "closed", "failed"):
            self._lose()
            return
        if client.status != "running":  # reconnecting to the scheduler: new tasks wait, and no call would get through
            with self._lock:
                lost = [t for t in self._tasks.values() if t._future is not None and t._future.status in ("cancelled", "lost")]
            for task in lost:  # the client gives up its futures when it loses the scheduler
                self._finish(task, "lost", None)
            return
        from distributed import Event, KilledWorker

        with self._lock:  # held while submitting: a cancel() cannot fall between the check and the future
            for task in self._new:
                task._future = client.submit(_on_worker, task._payload, self._queue.name, task.number,
                                             task._stop_name, key=task.key, pure=False)
                task._payload = b""  # the future holds it now
                self._counts["started"] += 1
            self._new.clear()
        self._stop_dropped(client)
        now = time.monotonic()
        with self._lock:
            live = [t for t in self._tasks.values() if t._future is not None]
        for task in live:
            status = task._future.status
            if status == "finished":
                task._finished_at = task._finished_at or now
                if task._ended or now >= task._finished_at + END_WAIT:  # its last events are in
                    self._finish(task, *task._future.result(timeout=60))
            elif status == "error":
                err = task._future.exception(timeout=60)  # Dask's own (the run's are caught in _on_worker)
                self._finish(task, "died" if isinstance(err, KilledWorker) else "failed", _one_line(err))
            elif status in ("cancelled", "lost"):  # not by this server: its own cancels are out of _tasks
                self._finish(task, "lost", None)
            elif task._cancel_at is not None and task.state == "running":
                if not task._told_to_stop:
                    Event(task._stop_name, client=client).set()
                    task._told_to_stop = True
                if now >= task._cancel_at + self.grace:
                    self._give_up(task)
        if now >= self._next_liveness and any(t.state == "running" for t in live):
            self._next_liveness = now + LIVENESS
            workers = set(client.nthreads())
            with self._lock:
                self._workers = len(workers)
                for task in [t for t in self._tasks.values() if t._state == "running" and t._worker not in workers]:
                    log.warning("task %s: worker %s left the cluster", task.key, task._worker)
                    self._died(task, drop=True)  # Dask may run it again elsewhere: that run is stopped

    def _finish(self, task: ClusterTask, outcome: str, value: Any) -> None:
        """The task's run has ended: done, failed, cancelled, died or lost."""
        error = None
        task._future.release()
        if outcome == "done":
            try:
                value = _load(value)
            except Exception as err:
                outcome, error = "failed", f"The result could not be received: {_one_line(err)}"
        with self._lock:
            if task._state in FINISHED:  # ended meanwhile (shutdown, a death seen by the drainer)
                return
            if outcome == "done":
                self._end(task, "done", result=value)
            elif outcome == "died":
                self._died(task)
            elif outcome == "lost":
                self._end(task, "failed", error=LOST)
            elif outcome == "cancelled" or task._cancel_at is not None:  # raised after it was told to stop
                self._end(task, "cancelled")
            else:
                self._end(task, "failed", error=error or value)

    def _died(self, task: ClusterTask, drop: bool = False, running: bool = False) -> None:  # under the lock
        self._counts["died"] += 1
        self._end(task, "failed", error=DIED, drop=drop, running=running)

    def _give_up(self, task: ClusterTask) -> None:
        """Still running a grace after it was told to stop: cancelled, and its worker restarted."""
        with self._lock:
            if task._state in FINISHED:
                return
            self._end(task, "cancelled", drop=True, running=True)
        log.warning("task %s did not stop within %.1f s of its cancel", task.key, self.grace)
        if self.restart_stuck and task._worker is not None:
            threading.Thread(target=self._restart, args=(self._client, task), name="lstm-dask-restart", daemon=True).start()

    def _restart(self, client: Any, task: ClusterTask) -> None:
        try:
            outcome = client.restart_workers([task._worker], timeout=60, raise_for_error=False)
        except Exception as err:  # e.g. a worker without a Nanny
            log.warning("could not restart worker %s: %s", task._worker, _one_line(err))
            return
        log.info("restarted worker %s: %s", task._worker, outcome)
        with self._lock:
            self._counts["replaced"] += 1
        try:
            from distributed import Event

            Event(task._stop_name, client=client).clear()  # nothing runs it any more
        except Exception:
            pass

    def _lose(self) -> None:
        """The client has closed (the scheduler has gone): fail what was on the cluster, reconnect for the next."""
        log.warning("lost the training cluster at %s", self.address)
        with self._lock:
            client, self._client, self._queue = self._client, None, None
            self._dropped.clear()
            self._orphans.clear()
            for task in [t for t in self._tasks.values() if t not in self._new]:
                task._future = None
                self._end(task, "failed", error=LOST)
        try:
            client.close()
        except Exception:
            pass

    def _drain(self, client: Any, queue: Any) -> None:
        """In its own thread: takes the queue's messages as they come (a get that blocks until one does)."""
        while True:
            try:
                messages = [queue.get()]
                messages += queue.get(batch=True)
            except Exception as err:
                with self._lock:
                    if self._closing or client is not self._client:
                        return
                log.warning("reading the training cluster's events: %s", _one_line(err))
                time.sleep(1.0)
                continue
            for kind, number, payload in messages:
                if kind == "bye":
                    return
                self._receive(kind, number, payload)

    def _receive(self, kind: str, number: int, payload: Any) -> None:
        value = None
        if kind == "event":
            try:
                value = _load(payload)
            except Exception as err:
                log.warning("dropped an event the server cannot load: %s", _one_line(err))
                return
        with self._lock:
            task = self._tasks.get(number)
            if task is None:  # a run the server has ended (cancelled, died): its messages no longer count
                late = kind == "start" and number in self._orphans  # it started as it was cancelled
                if kind in ("start", "end"):
                    self._orphans.discard(number)
                client = self._client
            elif kind == "start":
                task._starts += 1
                if task._starts > 1:  # Dask runs a task again when its worker died
                    log.warning("task %s started again: its first worker died", task.key)
                    self._died(task, drop=True, running=True)
                else:
                    task._worker = payload
                    task._set("running")
            elif kind == "event":
                task._events.append(value)
                task._changed.notify_all()
            elif kind == "end":
                task._ended = True
                self._work.notify_all()
        if task is None and late and client is not None:
            from distributed import Event

            Event(f"{self._name}-stop-{number}", client=client).set()  # cleared by that run when it stops

    def _close(self) -> None:
        """At shutdown, in the pool's thread: stop what runs, then disconnect."""
        client = self._client
        if client is None:
            return
        try:
            if client.status == "running":  # else no call gets through: skip them rather than wait
                self._stop_dropped(client)
                self._queue.put(["bye", 0, None])  # ends the drainer's get
                self._drainer.join(5)
        except Exception as err:
            log.warning("closing the training cluster's pool: %s", _one_line(err))
        finally:
            with self._lock:
                self._client = None
            client.close()
