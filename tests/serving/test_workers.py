"""The worker pool, with real worker processes (cheap pure-Python tasks, and one tiny Keras training)."""

import json
import math
import os
import pickle
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from lstm_core.serving.workers import DIED, WorkerPool, default_size
from tests.support import ROOT
from tests.support import worker_tasks as tasks


@pytest.fixture
def make_pool():
    pools = []

    def make(**options) -> WorkerPool:
        pools.append(WorkerPool(**options).start())
        return pools[-1]

    yield make
    for pool in pools:
        pool.shutdown()


def until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.01)


def finished(task, timeout: float = 10):
    assert task.wait(timeout), f"still {task.state} after {timeout} s"
    return task


def test_default_size_is_one_on_two_cores_half_the_cores_above_and_the_env_var_wins(monkeypatch):
    monkeypatch.delenv("LSTM_TRACE_WORKERS", raising=False)
    for cores, size in [(1, 1), (2, 1), (3, 1), (4, 2), (16, 8)]:
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)), raising=False)
        monkeypatch.setattr(os, "cpu_count", lambda n=cores: n)
        assert default_size() == size, cores
    monkeypatch.setenv("LSTM_TRACE_WORKERS", "3")
    assert default_size() == 3
    monkeypatch.setenv("LSTM_TRACE_WORKERS", "zero")
    assert default_size() == 8


def test_start_returns_at_once_and_warm_runs_before_the_first_task():
    pool = WorkerPool(warm=tasks.warm_slowly)  # its warm sleeps 0.5 s before it marks the worker
    try:
        began = time.perf_counter()
        pool.start()
        assert time.perf_counter() - began < 0.2
        assert pool.stats()["ready"] == 0  # still warming: a page says TensorFlow is loading
        warmed_by, pid = finished(pool.submit(tasks.warmed)).result
        assert warmed_by == pid and pool.stats()["ready"] == 1
    finally:
        pool.shutdown()


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priority")
def test_a_worker_runs_at_a_lower_priority_than_its_server(make_pool):
    from lstm_core.serving.workers import NICE

    pool = make_pool()
    assert finished(pool.submit(tasks.niceness)).result == min(os.nice(0) + NICE, 19)
    if Path("/proc/self/autogroup").exists():  # Linux weighs a session's group as a whole: the worker's is its own
        pid = finished(pool.submit(tasks.pid)).result
        assert os.getsid(pid) == pid != os.getsid(0)
        assert Path(f"/proc/{pid}/autogroup").read_text().split()[-1] == str(NICE)


def test_events_reach_the_server_while_the_task_runs(make_pool, tmp_path):
    pool, gates = make_pool(), [tmp_path / "one", tmp_path / "two"]
    task = pool.submit(tasks.gated, *map(str, gates))
    assert task.wait_for_change(0, "queued", 10)
    until(lambda: task.events, "the first event")
    assert task.state == "running" and len(task.events) == 1 and task.result is None
    gates[0].touch()
    began = time.monotonic()
    assert task.wait_for_change(1, "running", 10)  # woken by the event, not by the timeout
    assert time.monotonic() - began < 2 and task.state == "running" and task.events[1:] == ("passed",)
    gates[1].touch()
    finished(task)
    assert task.state == "done" and task.events == (task.result, "passed", "passed")


def test_tasks_run_first_come_first_served_and_know_their_place(make_pool, tmp_path):
    pool, gate, log = make_pool(), tmp_path / "gate", tmp_path / "order"
    first = pool.submit(tasks.gated, str(gate))
    line = [pool.submit(tasks.record, str(log), label) for label in "abc"]
    until(lambda: first.state == "running", "the first task to start")
    assert first.place is None and [t.place for t in line] == [1, 2, 3]
    assert pool.stats()["queued"] == 3 and pool.stats()["busy"] == 1
    gate.touch()
    for task in line:
        finished(task)
    assert log.read_text().split() == ["a", "b", "c"] and [t.place for t in line] == [None] * 3


def test_cancel_takes_a_queued_task_out_of_line_at_once(make_pool, tmp_path):
    pool, gate, log = make_pool(), tmp_path / "gate", tmp_path / "order"
    first = pool.submit(tasks.gated, str(gate))
    a, b, c = (pool.submit(tasks.record, str(log), label) for label in "abc")
    until(lambda: first.state == "running", "the first task to start")
    assert b.cancel() and b.state == "cancelled" and b.place is None
    assert (a.place, c.place) == (1, 2)
    gate.touch()
    finished(first), finished(a), finished(c)
    assert log.read_text().split() == ["a", "c"] and not b.cancel()


def test_cancel_stops_a_running_task_that_checks_should_stop(make_pool):
    pool = make_pool(grace=20)
    task = pool.submit(tasks.until_stopped)
    until(lambda: task.events, "the task to start")
    began = time.monotonic()
    assert task.cancel()
    finished(task, 5)
    assert task.state == "cancelled" and time.monotonic() - began < 2  # well inside the grace: it stopped itself
    assert finished(pool.submit(tasks.pid)).result == task.events[0]  # same worker
    assert pool.stats()["replaced"] == 0


def test_a_task_that_ignores_should_stop_is_killed_after_the_grace_and_the_line_goes_on(make_pool):
    pool = make_pool(grace=0.5)
    stubborn = pool.submit(tasks.ignore_stop)
    after = pool.submit(tasks.pid)
    until(lambda: stubborn.events, "the task to start")
    began = time.monotonic()
    stubborn.cancel()
    assert stubborn.state == "running"  # asked to stop; it ignores that, so it runs out its grace
    finished(stubborn, 5)
    assert stubborn.state == "cancelled" and 0.5 <= time.monotonic() - began < 2.5
    assert finished(after).state == "done" and after.result != stubborn.events[0]  # on a fresh worker
    stats = pool.stats()
    assert (stats["replaced"], stats["died"], stats["started"], stats["workers"]) == (1, 0, 2, 1)


def test_a_killed_worker_fails_only_its_task(make_pool, tmp_path):
    pool, gate_a, gate_b = make_pool(size=2), tmp_path / "a", tmp_path / "b"
    victim = pool.submit(tasks.gated, str(gate_a))
    other = pool.submit(tasks.gated, str(gate_b))  # on the other worker
    queued = pool.submit(tasks.pid)
    until(lambda: victim.events and other.events, "both tasks to start")
    assert queued.state == "queued"
    os.kill(victim.events[0], signal.SIGKILL)
    began = time.monotonic()
    finished(victim, 5)
    assert time.monotonic() - began < 1.5
    assert (victim.state, victim.error) == ("failed", DIED)
    assert finished(queued).result not in (victim.events[0], other.events[0])  # on the replacement
    assert other.state == "running"
    gate_b.touch()
    assert finished(other).state == "done"
    assert finished(pool.submit(tasks.pid)).state == "done"
    stats = pool.stats()
    assert (stats["died"], stats["replaced"], stats["started"], stats["workers"]) == (1, 0, 3, 2)


def test_a_task_taken_before_its_module_was_reloaded_still_runs(make_pool):
    """Streamlit reloads a project module whose file changed; a session made before holds the old function,
    which pickle refuses ("not the same object"). The pool sends the one the module holds now."""
    stale = types.FunctionType(tasks.returns.__code__, tasks.returns.__globals__, "returns")
    stale.__qualname__, stale.__module__ = tasks.returns.__qualname__, tasks.returns.__module__
    with pytest.raises(pickle.PicklingError, match="not the same object"):
        pickle.dumps(stale)
    assert finished(make_pool().submit(stale, 7)).result == 7


def test_an_exception_fails_the_task_with_one_line_and_the_worker_survives(make_pool):
    pool = make_pool()
    worker = finished(pool.submit(tasks.pid)).result
    task = finished(pool.submit(tasks.fail))
    assert (task.state, task.error) == ("failed", "ValueError: bad value on a second line")
    assert finished(pool.submit(tasks.pid)).result == worker
    assert pool.stats()["replaced"] == pool.stats()["died"] == 0


def test_a_worker_is_replaced_after_max_tasks(make_pool):
    pool = make_pool(max_tasks=2)
    pids = [finished(pool.submit(tasks.pid)).result for _ in range(3)]
    assert pids[0] == pids[1] != pids[2]
    stats = pool.stats()
    assert (stats["replaced"], stats["started"], stats["workers"]) == (1, 2, 1)


def test_a_worker_is_replaced_once_its_own_peak_memory_passes_the_limit(make_pool):
    server_block = b"x" * (300 * 2**20)  # the server's peak: a worker's ru_maxrss would start above the limit
    pool = make_pool(max_rss_mb=100)
    small, big, after = (finished(pool.submit(tasks.allocate, mb)).result for mb in (10, 200, 0))
    del server_block
    assert small == big != after
    assert pool.stats()["replaced"] == 1


def test_a_worker_does_not_run_the_servers_main_script(make_pool, monkeypatch, tmp_path):
    """Streamlit installs the app script as __main__ (with its __file__); multiprocessing's spawn would
    run that file again in every worker."""
    marker, script = tmp_path / "ran", tmp_path / "app.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert finished(make_pool().submit(tasks.pid)).state == "done"
    assert not marker.exists()


def test_an_unpicklable_task_is_refused_at_submit(make_pool):
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        make_pool().submit(lambda *, emit, should_stop: None)


def test_the_server_never_imports_tensorflow_while_a_worker_trains_keras():
    if "tensorflow" in sys.modules:  # other tests trained in this process: a fresh one plays the server
        out = subprocess.run([sys.executable, "-m", "tests.support.worker_tasks", "train"], cwd=ROOT, capture_output=True, text=True,
                             timeout=150)
        assert out.returncode == 0, out.stderr
        seen = json.loads(out.stdout.splitlines()[-1])
    else:
        seen = tasks.serve_tiny_training()
    assert not seen["imported_before"] and not seen["imported_after"]
    assert (seen["state"], seen["error"], seen["epochs"]) == ("done", None, [1, 2])
    assert math.isfinite(seen["loss"]) and seen["loss"] > 0
    state, error = seen["layer"]  # a Keras object as a result: refused, not loaded in the server
    assert state == "failed" and "only loaded in workers" in error


def test_shutdown_cancels_every_task_and_ends_the_workers(make_pool, tmp_path):
    pool = make_pool()
    running = pool.submit(tasks.gated, str(tmp_path / "never"))
    queued = [pool.submit(tasks.pid) for _ in range(2)]
    until(lambda: running.events, "the task to start")
    pool.shutdown()
    assert [t.state for t in (running, *queued)] == ["cancelled"] * 3
    assert pool.stats()["workers"] == 0
    with pytest.raises(ProcessLookupError):
        os.kill(running.events[0], 0)  # gone, and reaped
    with pytest.raises(RuntimeError):
        pool.submit(tasks.pid)


def gone(pid: int) -> bool:
    """No such process, or only its zombie (a server's orphans are reaped by whatever adopts them)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", ["exit", "kill"])
def test_workers_do_not_outlive_their_server(how):
    server = subprocess.run([sys.executable, "-m", "tests.support.worker_tasks", "serve_then_end", how], cwd=ROOT,
                            capture_output=True, text=True, timeout=15)  # the workers hold its stdout open too
    assert server.returncode == (-signal.SIGKILL if how == "kill" else 0), server.stderr
    pids = json.loads(server.stdout.splitlines()[0])
    until(lambda: all(gone(p) for p in pids), "the server's workers to end", timeout=5)


def test_a_worker_that_calls_back_on_loopback_works_as_an_inherited_one(monkeypatch):
    """Windows passes no sockets to a child process: there the worker connects back with a token."""
    from lstm_core.serving import workers

    monkeypatch.setattr(workers, "INHERIT_SOCKETS", False)
    pool = WorkerPool(size=1).start()
    try:
        task = pool.submit(tasks.gated)  # emits its pid first: events stream over the called-back socket
        assert task.wait(30) and task.state == "done" and task.events[0] == task.result
    finally:
        pool.shutdown()
