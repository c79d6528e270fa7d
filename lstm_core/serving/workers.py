"""Worker processes for training: TensorFlow runs in them, never in the web server.

A WorkerPool keeps ``size`` worker processes and runs submitted tasks on them, first come, first
served. A task is a picklable top-level function, called in a worker as
``fn(*args, emit=emit, should_stop=should_stop)``: ``emit(obj)`` sends an event (one row per finished
epoch) to the server at once, and ``should_stop()`` turns True once the task is cancelled.

Each worker is a fresh interpreter (``python -c``, started with subprocess) joined to the server by a
socket pair, so a task's events always arrive before its result, and a worker's death reads as the end
of its socket at once. Not multiprocessing's spawn: it re-runs the server's ``__main__`` file in every
child, and under Streamlit that is the app script (its ScriptRunner installs the script as
``__main__``), so every worker would run the whole page. On POSIX the worker inherits its end of the
socket pair (``pass_fds``); on Windows, which cannot pass sockets to a child, it calls back on loopback
and proves itself with a one-time token.

This module imports only the standard library: a task imports what it needs in the worker, and
results are unpickled in the server with TensorFlow and Keras classes refused.
"""

from __future__ import annotations

import atexit
import functools
import importlib
import io
import logging
import os
import pickle
import queue
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

log = logging.getLogger(__name__)

DIED = "Training stopped unexpectedly; press Train to try again."
FINISHED = ("done", "failed", "cancelled")
INHERIT_SOCKETS = os.name == "posix"  # a worker inherits its socket (pass_fds); elsewhere it calls back
CONNECT_SECONDS = 60.0  # how long a new worker has to call back (a cold Python start on a slow laptop)
POLL = 0.1  # seconds: how soon a slot notices a cancel (messages and deaths wake it at once)
# A worker runs at a lower CPU priority than the web server and the browser: on a small machine the page's
# script runs, its painting and a learner's clicks come first, and training takes the CPU they leave.
NICE = 10
SERVER_REFUSES = ("tensorflow", "keras", "tf_keras")  # top-level packages never unpickled in the server
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # where a worker imports lstm_core from


def default_size() -> int:
    """How many workers: ``LSTM_TRACE_WORKERS`` if set, else 1 on up to 2 cores and cores // 2 above.

    TensorFlow spreads one training over every core, so on 2 cores a second worker would only halve
    both trainings' speed and hold a second copy of TensorFlow (about 600 MB); on bigger machines
    half the cores leaves each training about 2 cores and the server some room.
    """
    env = os.environ.get("LSTM_TRACE_WORKERS", "").strip()
    if env:
        if env.isdigit() and int(env) >= 1:
            return int(env)
        log.warning("LSTM_TRACE_WORKERS=%r is not a whole number >= 1; using the default", env)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 1 if cores <= 2 else cores // 2


def warm_keras() -> None:
    """A ``warm`` for training pools: import Keras (and TensorFlow) in a new worker before its first task."""
    from lstm_core.pipeline._keras import keras  # noqa: F401


# --- Both sides: one message is an 8-byte length, then a pickle of (kind, bytes, ...) -------------

def task_payload(fn: Callable[..., Any], args: tuple) -> bytes:
    """The pickle of ``(fn, args)`` a worker runs. Pickle sends a function by its module and name, and
    refuses one that is no longer the object under that name: Streamlit reloads a project module whose
    file changed, and a session made before holds the old function. The name's current object is sent."""
    module = importlib.import_module(fn.__module__)
    current = functools.reduce(getattr, fn.__qualname__.split("."), module)
    return pickle.dumps((current, args))


def _write(sock: socket.socket, message: tuple) -> None:
    data = pickle.dumps(message)
    sock.sendall(len(data).to_bytes(8, "big") + data)


def _read(sock: socket.socket) -> tuple:
    """The next message; EOFError once the other end has gone."""
    return _load(_exactly(sock, int.from_bytes(_exactly(sock, 8), "big")))


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


class _ServerUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.split(".")[0] in SERVER_REFUSES:
            raise pickle.UnpicklingError(f"{module}.{name} is only loaded in workers, never in the server")
        return super().find_class(module, name)


def _load(data: bytes) -> Any:
    return _ServerUnpickler(io.BytesIO(data)).load()


# --- In the worker --------------------------------------------------------------------------------

def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (0 where it cannot be measured).

    On Linux VmHWM, not ru_maxrss: exec keeps the parent's peak in ru_maxrss, so a worker started by a
    server that once held 800 MB would report 800 MB before doing anything (measured)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        pass
    try:
        import resource
    except ImportError:
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


def _one_line(err: BaseException) -> str:
    text = " ".join(f"{type(err).__name__}: {err}".split())
    return text if len(text) <= 300 else text[:299] + "…"


def _call_back(port: int, token: str) -> None:
    """A worker on a system that passes no sockets to children: connect to the server, then serve."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(token.encode())
    _serve(sock.detach())


def _accept(listener: socket.socket, token: str, process: subprocess.Popen) -> socket.socket:
    """The connection of the worker that knows ``token`` (any other caller on loopback is refused)."""
    deadline = time.monotonic() + CONNECT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            break
        conn.settimeout(CONNECT_SECONDS)
        try:
            if _exactly(conn, len(token)) == token.encode():
                conn.settimeout(None)
                return conn
        except (EOFError, OSError):
            pass
        conn.close()
    process.kill()
    raise OSError("the worker process did not call back")


def _lower_priority() -> None:
    """Nice the worker, in a session of its own. Linux schedules each session as one group ("autogroup")
    that competes with the others as a whole whatever its processes' nice values, so the worker's group
    gets the nice value too; without autogroups the process's own nice is what counts."""
    if not hasattr(os, "nice"):
        return
    os.nice(NICE)
    try:
        os.setsid()
        with open("/proc/self/autogroup", "w") as group:
            group.write(str(NICE))
    except OSError:  # no autogroups here (another kernel, or a system without /proc)
        pass


def _serve(fd: int) -> None:
    """A worker's life: run ``warm``, say so, then run tasks until the server goes away.

    Values are pickled here, apart from their message, so that one that cannot be pickled fails its
    task, not the worker; and so that the server can refuse one without losing its place in the stream.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the server ends us
    _lower_priority()
    sock = socket.socket(fileno=fd)
    stop, inbox, lock = threading.Event(), queue.SimpleQueue(), threading.Lock()

    def send(kind: str, value: Any, number: float = 0.0) -> None:
        data = pickle.dumps(value)
        with lock:  # a task may emit from threads of its own
            _write(sock, (kind, data, number))

    def listen() -> None:  # in a thread: a stop must get through while a task holds the main thread
        while True:
            try:
                kind, data = _read(sock)
            except (EOFError, OSError):
                kind, data = "exit", b""  # the server has gone: stop, and end
            if kind == "task":
                stop.clear()  # a stop that came before it was for the task before
            if kind in ("stop", "exit"):
                stop.set()
            if kind != "stop":
                inbox.put((kind, data))
            if kind == "exit":
                return

    threading.Thread(target=listen, daemon=True).start()
    try:
        while (message := inbox.get())[0] != "exit":
            kind, data = message
            if kind == "warm":
                try:
                    warm = pickle.loads(data)
                    if warm is not None:
                        warm()
                except Exception:  # tasks import what they need anyway; show why warming did not help
                    traceback.print_exc()
                send("ready", None, time.monotonic())
                continue
            try:
                fn, args = pickle.loads(data)  # in the try: a module that fails to import fails the task only
                if stop.is_set():  # cancelled while this worker warmed up: do not start
                    raise RuntimeError("cancelled before it started")
                send("done", fn(*args, emit=lambda obj: send("event", obj), should_stop=stop.is_set), _peak_rss_mb())
            except Exception as err:
                send("failed", _one_line(err), _peak_rss_mb())
    except OSError:
        pass  # the server has gone


# --- In the server --------------------------------------------------------------------------------

class TaskView:
    """What a watcher reads of a submitted call, the same for local workers (Task) and a Dask cluster
    (cluster.ClusterTask); a subclass sets _changed, _state, _events, _result and _error, and says
    where it stands in line (place)."""

    _changed: threading.Condition

    @property
    def state(self) -> str:
        with self._changed:
            return self._state

    @property
    def events(self) -> tuple[Any, ...]:
        with self._changed:
            return tuple(self._events)

    @property
    def result(self) -> Any:
        with self._changed:
            return self._result

    @property
    def error(self) -> str | None:
        with self._changed:
            return self._error

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the task has finished or ``timeout`` passes; True if it has finished."""
        with self._changed:
            return self._changed.wait_for(lambda: self._state in FINISHED, timeout)

    def wait_for_change(self, seen_events: int, seen_state: str, timeout: float) -> bool:
        """Block until there are more than ``seen_events`` events or the state is not ``seen_state``
        (True), or ``timeout`` passes (False; a watcher then rechecks its place in line)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: len(self._events) != seen_events or self._state != seen_state, timeout)


class Task(TaskView):
    """One submitted call on the local workers; every attribute is safe to read from any thread."""

    def __init__(self, pool: WorkerPool, payload: bytes):
        self._pool = pool
        self._payload = payload
        self._changed = threading.Condition(pool._lock)  # the pool's lock: line and state change together
        self._state = "queued"
        self._events: list[Any] = []
        self._result: Any = None
        self._error: str | None = None
        self._cancel_at: float | None = None  # time.monotonic() of cancel() while running

    @property
    def place(self) -> int | None:
        """1 for the next in line; None once it runs, or ran."""
        with self._changed:
            return self._pool._queue.index(self) + 1 if self._state == "queued" else None

    def cancel(self) -> bool:
        """Queued: leave the line, cancelled at once. Running: should_stop() turns True, and a worker
        still running it ``grace`` seconds later is killed. False if it had already finished."""
        with self._changed:
            if self._state == "queued":
                self._pool._queue.remove(self)
                self._set("cancelled")
                return True
            if self._state == "running":
                self._cancel_at = self._cancel_at or time.monotonic()  # its slot stops it (see _Slot._execute)
                return True
            return False

    def _set(self, state: str, result: Any = None, error: str | None = None) -> None:  # under the lock
        self._state, self._result, self._error = state, result, error
        self._changed.notify_all()


class _Worker:
    """One worker process and the server's end of its socket."""

    def __init__(self, warm: bytes):
        paths = sys.path if _ROOT in sys.path else [*sys.path, _ROOT]  # the server's, as spawn would pass
        boot = f"import sys; sys.path[:] = {paths!r}; from lstm_core.serving import workers; "
        self.started = time.monotonic()
        if INHERIT_SOCKETS:
            self.sock, child = socket.socketpair()
            self.process = subprocess.Popen([sys.executable, "-c", boot + f"workers._serve({child.fileno()})"],
                                            pass_fds=[child.fileno()], stdin=subprocess.DEVNULL)
            child.close()  # the worker holds the only other end now: its death reads as EOF here
        else:  # Windows passes no sockets to a child: it calls back on loopback, proving itself with a token
            token = secrets.token_hex(16)
            with socket.create_server(("127.0.0.1", 0)) as listener:
                listener.settimeout(CONNECT_SECONDS)
                boot += f"workers._call_back({listener.getsockname()[1]}, {token!r})"
                self.process = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.DEVNULL)
                self.sock = _accept(listener, token, self.process)
        _write(self.sock, ("warm", warm))
        self.ready_at: float | None = None  # time.monotonic() once its warm had run
        self.tasks = 0
        self.peak_mb = 0.0

    def kill(self) -> None:
        """End the process at once (an idle worker holds nothing worth saving, and memory is freed now)."""
        self.process.kill()
        self.process.wait()
        self.sock.close()


class _Slot:
    """Keeps one worker alive and feeds it tasks from the pool's line, one at a time, in its own thread."""

    def __init__(self, pool: WorkerPool, number: int):
        self.pool = pool
        self.worker: _Worker | None = None
        self.task: Task | None = None
        self.thread = threading.Thread(target=self._run, name=f"lstm-worker-slot-{number}", daemon=True)

    def _run(self) -> None:
        try:
            self._serve_line()
        except Exception:  # a bug here must not pass silently: the line would wait for ever
            log.exception("worker slot stopped")
        if self.worker is not None:
            self.worker.kill()

    def _serve_line(self) -> None:
        self.worker = self.pool._spawn()  # here, not in start(): starting a process must not hold up the page
        while (task := self.pool._next(self)) is not None:
            if self.worker.process.poll() is not None:  # died while idle: a fresh one takes the task
                self._replace("died")
            outcome, value = self._execute(task, self.worker)
            with self.pool._lock:
                self.task = None
                if outcome == "done":
                    task._set("done", result=value)
                elif outcome == "died":
                    task._set("failed", error=DIED)
                elif outcome == "failed" and task._cancel_at is None:
                    task._set("failed", error=value)
                else:  # raised after cancel(), or "killed": still running a grace after it, or at shutdown
                    task._set("cancelled")
            w = self.worker
            if outcome in ("died", "killed"):
                self._replace("died" if outcome == "died" else "replaced")
            elif w.tasks >= self.pool.max_tasks or w.peak_mb > self.pool.max_rss_mb:
                log.info("replacing worker %s after %d tasks, peak %.0f MB", w.process.pid, w.tasks, w.peak_mb)
                self._replace("replaced")

    def _replace(self, why: str) -> None:
        """Kill the old worker, then start the new one: never more than ``size`` in memory."""
        self.worker.kill()
        with self.pool._lock:
            self.pool._counts[why] += 1
            if self.pool._closing:
                return
        self.worker = self.pool._spawn()

    def _execute(self, task: Task, worker: _Worker) -> tuple[str, Any]:
        """Run one task on the worker: ("done", result), ("failed", error), ("died", None) or ("killed", None)."""
        told_to_stop = False
        try:
            _write(worker.sock, ("task", task._payload))
        except OSError:
            return "died", None
        while True:
            if wait([worker.sock], POLL):  # a message, or EOF once the worker has gone
                try:
                    outcome = self._receive(task, worker, *_read(worker.sock))
                except (EOFError, OSError):
                    return "died", None
                if outcome is not None:
                    return outcome
            elif worker.process.poll() is not None:  # gone, though something else holds its socket open
                return "died", None
            with self.pool._lock:  # checked after every message too: a task may emit faster than POLL
                cancel_at, closing = task._cancel_at, self.pool._closing
            if closing:
                return "killed", None
            if cancel_at is not None:
                if not told_to_stop:
                    told_to_stop = True
                    try:
                        _write(worker.sock, ("stop", b""))
                    except OSError:
                        pass  # gone: the next wait() says so
                # the grace counts from when the task could start: a warming worker is not killed for it
                if worker.ready_at is not None and time.monotonic() >= max(cancel_at, worker.ready_at) + self.pool.grace:
                    return "killed", None

    def _receive(self, task: Task, worker: _Worker, kind: str, data: bytes, number: float) -> tuple[str, Any] | None:
        """Take in one message from the worker; the task's outcome if it was the last."""
        if kind == "ready":
            worker.ready_at = min(number, time.monotonic())  # time.monotonic() is one clock for the whole machine
            log.info("worker %s ready in %.2f s", worker.process.pid, worker.ready_at - worker.started)
            return None
        try:
            value = _load(data)
        except Exception as err:
            if kind == "event":
                log.warning("dropped an event the server cannot load: %s", _one_line(err))
                return None
            kind, value = "failed", f"The result could not be received: {_one_line(err)}"
        if kind == "event":
            with self.pool._lock:
                task._events.append(value)
                task._changed.notify_all()
            return None
        worker.tasks, worker.peak_mb = worker.tasks + 1, number
        return kind, value


class WorkerPool:
    """Worker processes that run tasks first come, first served, and replace themselves when they die,
    have run ``max_tasks`` tasks, or their peak memory passed ``max_rss_mb``."""

    def __init__(self, size: int = 1, max_tasks: int = 20, max_rss_mb: float = 1200.0, grace: float = 2.0,
                 warm: Callable[[], Any] | None = None):
        if size < 1 or max_tasks < 1:
            raise ValueError(f"size and max_tasks must be at least 1 (got {size}, {max_tasks})")
        self.size, self.max_tasks, self.max_rss_mb, self.grace = size, max_tasks, max_rss_mb, grace
        self._warm = pickle.dumps(warm)  # here: a warm that cannot be pickled is the caller's error, raised at once
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)  # wakes idle slots: a task joined the line, or shutdown
        self._queue: deque[Task] = deque()
        self._slots: list[_Slot] = []
        self._closing = False
        self._counts = {"started": 0, "replaced": 0, "died": 0}

    def start(self) -> WorkerPool:
        """Start the workers (and their ``warm``) in the background; returns at once."""
        with self._lock:
            if self._slots or self._closing:
                return self
            self._slots = [_Slot(self, n) for n in range(self.size)]
        for slot in self._slots:
            slot.thread.start()
        atexit.register(self.shutdown)  # workers must not outlive the server
        return self

    def submit(self, fn: Callable[..., Any], *args: Any) -> Task:
        """Queue ``fn(*args, emit=..., should_stop=...)`` at the end of the line (starting the pool if needed).
        Raises at once if fn or args cannot be pickled."""
        task = Task(self, task_payload(fn, args))
        self.start()
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool has been shut down")
            self._queue.append(task)
            self._work.notify()
        return task

    def stats(self) -> dict[str, int]:
        """Counters: live workers, those done warming up (TensorFlow imported), busy ones, tasks in line,
        processes started, replaced (planned, or killed after a cancel's grace) and died (unplanned)."""
        with self._lock:
            slots = list(self._slots)
            counts = {"busy": sum(s.task is not None for s in slots), "queued": len(self._queue), **self._counts}
        live = [s.worker for s in slots if s.worker is not None and s.worker.process.poll() is None]
        return {"workers": len(live), "ready": sum(w.ready_at is not None for w in live), **counts}

    def shutdown(self) -> None:
        """Cancel every task (running ones at once, without a grace) and end every worker."""
        with self._lock:
            self._closing = True
            while self._queue:
                self._queue.popleft()._set("cancelled")
            self._work.notify_all()
        for slot in self._slots:
            slot.thread.join()
        atexit.unregister(self.shutdown)

    def _next(self, slot: _Slot) -> Task | None:
        """The first task in line, now running on ``slot``; None at shutdown."""
        with self._work:
            self._work.wait_for(lambda: self._queue or self._closing)
            if self._closing:
                return None
            slot.task = self._queue.popleft()
            slot.task._set("running")
            return slot.task

    def _spawn(self) -> _Worker:
        worker = _Worker(self._warm)
        with self._lock:
            self._counts["started"] += 1
        return worker
