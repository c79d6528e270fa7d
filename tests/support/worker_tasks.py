"""Tasks for the worker pool tests (tests/serving/). Top-level functions, so that a spawned worker can
import them; all pure Python and cheap except train_tiny, which trains a real tiny Keras model."""

import os
import sys
import time
from pathlib import Path

WARMED_BY: int | None = None  # set by warm_slowly, in the worker


def warm_slowly() -> None:
    global WARMED_BY
    time.sleep(0.5)
    WARMED_BY = os.getpid()


def warmed(*, emit, should_stop):
    return WARMED_BY, os.getpid()


def pid(*, emit, should_stop) -> int:
    return os.getpid()


def wait_for_file(path: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not Path(path).exists():
        assert time.monotonic() < deadline, f"no {path} after {timeout} s"
        time.sleep(0.01)


def niceness(*, emit, should_stop) -> int:
    return os.nice(0)


def gated(*gates: str, emit, should_stop) -> int:
    """Emits its pid, then for each gate waits for the test to create that file and emits 'passed'."""
    emit(os.getpid())
    for gate in gates:
        wait_for_file(gate)
        emit("passed")
    return os.getpid()


def record(path: str, label: str, *, emit, should_stop) -> str:
    with open(path, "a") as f:
        f.write(label + "\n")
    return label


def until_stopped(*, emit, should_stop):
    """Works in small steps, checking should_stop before each, as a training does before each batch."""
    emit(os.getpid())
    deadline = time.monotonic() + 20
    while not should_stop():
        if time.monotonic() > deadline:
            return "never told to stop"
        time.sleep(0.01)
    raise RuntimeError("stopped")


def ignore_stop(*, emit, should_stop) -> str:
    """Ignores should_stop, emitting faster than the pool polls for a cancel."""
    emit(os.getpid())
    for _ in range(1000):
        time.sleep(0.02)
        emit("still here")
    return "finished anyway"


def fail(*, emit, should_stop):
    raise ValueError("bad value\n  on a second line")


def allocate(mb: int, *, emit, should_stop) -> int:
    block = b"x" * (mb * 2**20)  # written, so every page is resident
    del block
    return os.getpid()


def train_tiny(*, emit, should_stop) -> float:
    from lstm_core.config import LSTMConfig
    from lstm_core.pipeline.train import train

    def before_batch():
        if should_stop():
            raise RuntimeError("stopped")

    config = LSTMConfig(sequences=60, timesteps=4, features=2, units=2, epochs=2, batch_size=16)
    run = train(config, on_epoch=emit, on_batch=before_batch)
    return float(run.history["loss"].iloc[-1])


def keras_layer(*, emit, should_stop):
    from lstm_core.pipeline._keras import keras

    return keras.layers.Dense(1)


def serve_tiny_training() -> dict:
    """A server's side of a real training: returns what it saw, and whether it imported TensorFlow."""
    from lstm_core.serving.workers import WorkerPool

    before = "tensorflow" in sys.modules or "keras" in sys.modules
    pool = WorkerPool().start()
    try:
        task = pool.submit(train_tiny)
        assert task.wait(90), "the tiny training took over 90 s"
        layer = pool.submit(keras_layer)
        assert layer.wait(30)
        return {"imported_before": before, "imported_after": "tensorflow" in sys.modules or "keras" in sys.modules,
                "state": task.state, "error": task.error, "loss": task.result,
                "epochs": [row["epoch"] for row in task.events],
                "layer": (layer.state, layer.error)}
    finally:
        pool.shutdown()


def sleep_through_stop(*, emit, should_stop) -> str:
    """Ignores should_stop, and is silent: only killing its worker ends it early."""
    emit(os.getpid())
    time.sleep(20)
    return "finished anyway"


def serve_then_end(how: str) -> None:
    """A server that starts two workers (one running a task, one idle), prints their pids, then ends:
    "exit" (normally, without a shutdown: its exit handler must kill even a task that ignores
    should_stop) or "kill" (SIGKILL, no clean-up at all: the workers see their socket close)."""
    import json
    import signal

    from lstm_core.serving.workers import WorkerPool

    pool = WorkerPool(size=2).start()
    running, idle = pool.submit(sleep_through_stop if how == "exit" else until_stopped), pool.submit(pid)
    assert idle.wait(30) and idle.state == "done", idle.error
    deadline = time.monotonic() + 30
    while not running.events:
        assert time.monotonic() < deadline and running.state == "running", running.error
        time.sleep(0.01)
    print(json.dumps([running.events[0], idle.result]), flush=True)
    if how == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.exit(0)


if __name__ == "__main__":  # a fresh server process, for tests that need one
    import json

    from tests.support import worker_tasks  # not this __main__: a worker can only import tasks by their module's name

    if sys.argv[1:2] == ["train"]:  # when the test process already has TensorFlow
        print(json.dumps(worker_tasks.serve_tiny_training()))
    else:
        worker_tasks.serve_then_end(sys.argv[2])


def returns(value, *, emit, should_stop):
    """Hands ``value`` back at once: a job's run, for tests of what happens around the training."""
    return value
