"""lstm_core.serving.cluster against a real Dask cluster: one LocalCluster per module, one worker process with one
thread. Its worker is spawned, so it inherits this process's sys.path and working directory and imports
lstm_core and tests.* by name (test_the_worker_imports_the_project checks that)."""

import os
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from lstm_core.serving.cluster import SETTING, DaskPool, scheduler_address  # noqa: E402
from lstm_core.serving.workers import DIED  # noqa: E402
from tests.support import ROOT, worker_tasks  # noqa: E402
from tests.support.server import free_port  # noqa: E402

# --- Tasks of this file's own: top-level, so that the Dask worker imports them from tests.serving.test_cluster ---


def where(*, emit, should_stop) -> tuple[int, str, bool]:
    """The worker's pid and working directory, and whether lstm_core is on its path."""
    import lstm_core

    return os.getpid(), os.getcwd(), Path(lstm_core.__file__).parent.parent.samefile(ROOT)


def count_checks(seconds: float, *, emit, should_stop) -> int:
    """How many times should_stop() can be called in ``seconds``: a training calls it before every batch."""
    deadline, calls = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        should_stop()
        calls += 1
    return calls


def die_once(marker: str, *, emit, should_stop) -> int:
    """Emits its pid, then ends its worker process at once, unless ``marker`` says it did so before."""
    emit(os.getpid())
    if not Path(marker).exists():
        Path(marker).touch()
        os._exit(1)
    return os.getpid()


# --- Fixtures ---

# Without a dashboard a scheduler still serves HTTP (/metrics), by default on port 8787: a free port instead,
# so that two clusters (this file's second one, or another test run's) do not collide.
NO_PORT_8787 = {"scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"}}


@pytest.fixture(scope="module")
def address():
    """A real local cluster. Its worker processes start with multiprocessing's spawn, which runs the
    parent's __main__ again; after an AppTest that is the Streamlit page (AppTest installs the script as
    __main__), so a plain module stands in for it while the cluster lives."""
    import types

    from distributed import LocalCluster

    real_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, **NO_PORT_8787)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()
        sys.modules["__main__"] = real_main


@pytest.fixture(scope="module")
def pool(address):
    pool = DaskPool(address, grace=5.0).start()  # ample: on a busy machine a cooperative stop must not pass it
    yield pool
    pool.shutdown()


def wait_until(check, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"still not so after {timeout} s"
        time.sleep(0.02)


# --- Tests ---


def test_the_worker_imports_the_project(pool):
    task = pool.submit(where)
    assert task.wait(60), task.state
    assert task.state == "done", task.error
    pid, cwd, same = task.result
    assert pid != os.getpid() and cwd == os.getcwd() and same


def test_events_stream_before_the_task_finishes(pool, tmp_path):
    gate = tmp_path / "gate"
    task = pool.submit(worker_tasks.gated, str(gate))
    wait_until(lambda: task.events)  # the first event is here while the task waits for the gate
    assert task.state == "running" and task.place is None and task.result is None
    worker_pid = task.events[0]
    assert worker_pid != os.getpid()
    assert not task.wait_for_change(1, "running", 0.2)  # nothing new until the gate opens
    gate.touch()
    assert task.wait(10)
    assert (task.state, task.events, task.result) == ("done", (worker_pid, "passed"), worker_pid)


def test_queued_tasks_have_a_place_and_cancel_at_once(pool, tmp_path):
    gate = tmp_path / "gate"
    first = pool.submit(worker_tasks.gated, str(gate))  # holds the cluster's only thread
    wait_until(lambda: first.state == "running")
    second, third = pool.submit(worker_tasks.pid), pool.submit(worker_tasks.pid)
    time.sleep(0.3)  # on the cluster, and still waiting
    assert (second.state, second.place, third.place) == ("queued", 1, 2)
    assert third.cancel()
    assert (third.state, third.place, second.place) == ("cancelled", None, 1)
    gate.touch()
    assert second.wait(10) and second.state == "done"
    assert first.wait(10) and first.state == "done"
    time.sleep(0.3)
    assert third.state == "cancelled" and not third.cancel()
    assert pool.stats()["queued"] == 0


def test_cancel_tells_a_running_task_to_stop(pool):
    replaced = pool.stats()["replaced"]
    task = pool.submit(worker_tasks.until_stopped)
    wait_until(lambda: task.events)
    started = time.monotonic()
    assert task.cancel()
    assert task.wait(5)
    assert task.state == "cancelled" and task.error is None
    assert time.monotonic() - started < pool.grace  # it stopped itself: not given up
    assert pool.stats()["replaced"] == replaced


def test_should_stop_is_cheap(pool):
    """Asks the scheduler at most every 0.25 s: one ask is a round trip (about 0.6 ms here)."""
    task = pool.submit(count_checks, 0.5)
    assert task.wait(10) and task.state == "done", task.error
    assert task.result > 20_000


def test_a_failure_is_one_line(pool):
    task = pool.submit(worker_tasks.fail)
    assert task.wait(10)
    assert (task.state, task.error) == ("failed", "ValueError: bad value on a second line")


def test_a_real_training_streams_its_epochs(pool):
    from lstm_core.config import LSTMConfig
    from lstm_core.pipeline.run import Run
    from lstm_core.serving.jobs import train_task

    before = "tensorflow" in sys.modules or "keras" in sys.modules
    config = LSTMConfig(sequences=60, timesteps=4, features=2, units=2, epochs=2, batch_size=16)
    task = pool.submit(train_task, config.key(), None, False)
    streamed, deadline = [], time.monotonic() + 120  # epochs seen while the task was still running
    while not task.wait(0):
        assert time.monotonic() < deadline, "the tiny training took over 120 s"
        task.wait_for_change(len(streamed), "running", 1.0)
        rows, state = task.events, task.state
        if state == "running":
            streamed = [row["epoch"] for row in rows]
    assert task.state == "done", task.error
    assert [row["epoch"] for row in task.events] == [1, 2]
    assert streamed and streamed == [1, 2][: len(streamed)]  # rows came before the result
    run = task.result
    assert isinstance(run, Run) and run.model is None and run.config == config
    assert list(run.history["epoch"]) == [1, 2]
    if not before:
        assert "tensorflow" not in sys.modules and "keras" not in sys.modules


def test_the_cli_trains_on_the_cluster_when_the_setting_names_it(address):
    """python -m lstm_core with LSTM_TRACE_SCHEDULER set: the training runs on a Dask worker, and the
    CLI prints the same report (its process never imports TensorFlow)."""
    import json
    import os
    import subprocess

    probe = ("import json, runpy, sys; sys.argv = ['lstm_core', '--json', '--sequences', '40', '--timesteps', '3', "
             "'--features', '2', '--units', '2', '--epochs', '1']\n"
             "try:\n    runpy.run_module('lstm_core', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('TF' if 'tensorflow' in sys.modules else 'no TF', file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "LSTM_TRACE_SCHEDULER": address})
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["config"]["units"] == 2 and len(report["history"]) == 1
    assert done.stderr.strip().splitlines()[-1] == "no TF"


def test_a_task_that_ignores_its_cancel_is_given_up_and_its_worker_restarted(address):
    impatient = DaskPool(address, grace=1.0).start()
    try:
        task = impatient.submit(worker_tasks.ignore_stop)
        wait_until(lambda: task.events)
        worker = task.events[0]
        cancelled = time.monotonic()
        assert task.cancel()
        assert task.wait(impatient.grace + 5)
        assert task.state == "cancelled" and time.monotonic() - cancelled >= impatient.grace
        wait_until(lambda: impatient.stats()["replaced"] == 1, 60)
        after = impatient.submit(worker_tasks.pid)
        assert after.wait(60) and after.result != worker
    finally:
        impatient.shutdown()


def test_a_worker_that_dies_fails_its_task(pool, tmp_path):
    died = pool.stats()["died"]
    task = pool.submit(die_once, str(tmp_path / "died"))
    assert task.wait(30)
    assert (task.state, task.error) == ("failed", DIED)
    assert pool.stats()["died"] == died + 1
    after = pool.submit(worker_tasks.pid)  # the cluster carries on
    assert after.wait(60) and after.state == "done"


def test_shutdown_stops_what_runs(address):
    other = DaskPool(address).start()
    task = other.submit(worker_tasks.until_stopped)
    wait_until(lambda: task.events)
    other.shutdown()
    assert task.state == "cancelled"
    with pytest.raises(RuntimeError, match="shut down"):
        other.submit(worker_tasks.pid)


def test_losing_the_scheduler_fails_what_was_on_it():
    from distributed import LocalCluster

    from lstm_core.serving.cluster import LOST

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None, **NO_PORT_8787)
    lost = DaskPool(cluster.scheduler_address).start()
    try:
        task = lost.submit(worker_tasks.until_stopped)
        wait_until(lambda: task.events)
        cluster.close()
        assert task.wait(5)
        assert task.state == "failed" and task.error in (DIED, LOST)  # its worker goes first, or the scheduler
    finally:
        started = time.monotonic()
        lost.shutdown()
        assert time.monotonic() - started < 3  # no call to a scheduler that has gone


def stops_left(pool) -> list:
    """The stop flags of this module's pools still set on the scheduler."""
    return pool._client.run_on_scheduler(lambda dask_scheduler: sorted(
        name for name, event in dask_scheduler.extensions["events"]._events.items()
        if str(name).startswith("lstm-trace-") and event.is_set()))


def test_every_stop_is_cleared_once_its_run_has_ended(pool):
    """Stopped runs (cancelled, given up, shut down, rerun after a death) clear their flags: none is left
    in the scheduler's memory."""
    wait_until(lambda: not stops_left(pool), 15)


def test_an_unreachable_cluster_fails_the_task_clearly():
    address = f"tcp://127.0.0.1:{free_port()}"
    started = time.monotonic()
    pool = DaskPool(address, connect_timeout=1.0).start()
    assert time.monotonic() - started < 0.5  # start() never waits for the cluster
    try:
        task = pool.submit(worker_tasks.pid)
        assert task.wait(10)
        assert task.state == "failed"
        assert task.error.startswith(f"Cannot reach the training cluster at {address}: ")
        assert "\n" not in task.error
        assert pool.stats()["connected"] == 0
    finally:
        pool.shutdown()


def test_an_address_without_a_port_fails_at_once():
    pool = DaskPool("nonsense").start()
    try:
        task = pool.submit(worker_tasks.pid)
        assert task.wait(5)
        assert task.error == "Cannot reach the training cluster at nonsense: ValueError: missing port number in address 'nonsense'"
    finally:
        pool.shutdown()


def test_scheduler_address_reads_the_setting(monkeypatch):
    monkeypatch.setenv(SETTING, " tcp://trainer:8786 ")
    assert scheduler_address() == "tcp://trainer:8786"
    monkeypatch.setenv(SETTING, "  ")
    assert scheduler_address() is None
    monkeypatch.delenv(SETTING)
    assert scheduler_address() is None
    assert scheduler_address({SETTING: "tls://10.0.0.2:8786"}) == "tls://10.0.0.2:8786"
