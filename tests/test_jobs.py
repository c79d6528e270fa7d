import sys
import threading
import time

import pytest

from lstm_core import jobs
from lstm_core.config import LSTMConfig
from lstm_core.jobs import JobBoard, Stopped, TrainingJob, TrainingPool, train_on

from .conftest import SMALL

REAL_GRACE = jobs.STOP_GRACE  # read at import, before the fixture below patches it


@pytest.fixture(autouse=True)
def no_grace(monkeypatch):
    """Most tests here give a training up and watch it stop at once; the grace has tests of its own."""
    monkeypatch.setattr(jobs, "STOP_GRACE", 0.0)


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, f"waited 10 s for {what}"
        time.sleep(0.005)


def slow_train(gate: threading.Event):
    def fn(config, on_epoch, on_batch=None):
        for epoch in range(1, config.epochs + 1):
            gate.wait(5)
            on_epoch({"epoch": epoch, "loss": 0.5, "accuracy": 0.5, "val_loss": 0.5, "val_accuracy": 0.5})
        return f"run for {config.units} units"

    return fn


def test_one_training_at_a_time_and_the_rest_queue_in_order():
    pool, gate = TrainingPool(slots=1), threading.Event()
    jobs = [TrainingJob(LSTMConfig(units=u, epochs=2), pool, slow_train(gate)) for u in (1, 2, 3)]
    time.sleep(0.2)
    states = [j.status() for j in jobs]
    assert [s.state for s in states] == ["training", "queued", "queued"]
    assert [s.place for s in states] == [None, 1, 2]
    gate.set()
    for j in jobs:
        assert j.wait(10)
    assert [j.status().run for j in jobs] == ["run for 1 units", "run for 2 units", "run for 3 units"]
    assert pool.running == 0


def test_watchers_see_epochs_as_they_end():
    gate = threading.Event()
    job = TrainingJob(LSTMConfig(epochs=3), TrainingPool(), slow_train(gate))
    assert job.status().rows == ()
    gate.set()
    job.wait(10)
    assert [r["epoch"] for r in job.status().rows] == [1, 2, 3]
    assert job.status().finished


def test_a_watcher_wakes_when_an_epoch_ends_not_on_its_next_poll():
    step = threading.Semaphore(0)

    def one_epoch_per_release(config, on_epoch, on_batch=None):
        for epoch in range(1, config.epochs + 1):
            step.acquire()
            on_epoch({"epoch": epoch})
        return "done"

    job = TrainingJob(LSTMConfig(epochs=2), TrainingPool(), one_epoch_per_release)
    while job.status().state != "training":
        time.sleep(0.01)
    seen = job.status()
    start = time.monotonic()
    job.wait_for_change(seen, timeout=0.3)  # nothing happens: it gives up after the timeout
    assert time.monotonic() - start >= 0.25 and job.status().rows == ()
    threading.Timer(0.1, step.release).start()
    start = time.monotonic()
    job.wait_for_change(seen, timeout=30)  # the epoch ends after 0.1 s: it wakes then, not after 30 s
    assert time.monotonic() - start < 5 and [r["epoch"] for r in job.status().rows] == [1]
    step.release()
    assert job.wait(5) and job.status().run == "done"


def test_a_failed_job_reports_and_frees_its_slot():
    pool = TrainingPool()

    def boom(config, on_epoch, on_batch=None):
        raise MemoryError("out of memory")

    job = TrainingJob(LSTMConfig(), pool, boom)
    job.wait(10)
    s = job.status()
    assert s.state == "failed" and s.error == "Training failed: MemoryError: out of memory" and job.failed
    assert pool.running == 0


def test_a_real_training_job():
    job = TrainingJob(SMALL, TrainingPool())
    assert job.wait(120)
    s = job.status()
    assert s.state == "done" and s.run.config == SMALL and len(s.rows) == SMALL.epochs


def test_the_first_tensorflow_import_gives_the_page_a_head_start(monkeypatch):
    from types import SimpleNamespace

    import lstm_core.jobs as jobs

    waits = []
    monkeypatch.setattr(jobs, "time", SimpleNamespace(sleep=waits.append))  # this module's clock only
    fn = train_on(head_start=0.25)
    assert fn(SMALL, lambda row: None).config == SMALL  # TensorFlow is loaded in this process: no wait
    assert waits == []
    monkeypatch.delitem(sys.modules, "tensorflow")  # as in a fresh server, before its first training
    assert fn(SMALL, lambda row: None).config == SMALL
    assert waits == [0.25]


def test_a_queued_job_can_be_withdrawn_and_never_trains():
    pool, gate, called = TrainingPool(slots=1), threading.Event(), []

    def recorded(config, on_epoch, on_batch=None):
        called.append(config.units)
        return slow_train(gate)(config, on_epoch)

    a, b, c = (TrainingJob(LSTMConfig(units=u, epochs=1), pool, recorded) for u in (1, 2, 3))
    while a.status().state != "training":
        time.sleep(0.01)
    assert c.status().place == 2
    assert b.cancel() and b.wait(5) and b.status().state == "cancelled" and b.status().finished
    assert c.status().place == 1  # moved up
    gate.set()
    assert a.wait(10) and c.wait(10)
    assert called == [1, 3] and a.status().run == "run for 1 units" and pool.running == 0
    assert not a.cancel()  # finished: its run stays usable


def test_the_board_never_drops_an_unfinished_job_so_nothing_trains_twice():
    """An LRU cache of 1 would have dropped job 'a' while it waited, and the next ask trained it again."""
    pool, gate, board = TrainingPool(slots=1), threading.Event(), JobBoard(keep=1)
    made = []

    def make(units):
        def new():
            made.append(units)
            return TrainingJob(LSTMConfig(units=units, epochs=1), pool, slow_train(gate))
        return new

    first = {k: board.job(k, make(u), watcher="s1") for k, u in (("a", 1), ("b", 2), ("c", 3))}
    assert board.job("a", make(1), watcher="s2") is first["a"] and made == [1, 2, 3] and len(board) == 3
    gate.set()
    for job in first.values():
        assert job.wait(10)
    board.job("d", make(4)).wait(10)
    board.job("d", make(4))  # finished jobs beyond keep=1 are dropped, least recently asked first
    assert len(board) == 1 and board.job("d", make(4)) is not first["a"] and made == [1, 2, 3, 4]


def test_the_last_watcher_leaving_withdraws_a_queued_job_and_a_failed_job_is_replaced():
    pool, gate, board = TrainingPool(slots=1), threading.Event(), JobBoard(keep=4)
    running = board.job("run", lambda: TrainingJob(LSTMConfig(units=1, epochs=2), pool, slow_train(gate)), "s1")
    shared = board.job("q", lambda: TrainingJob(LSTMConfig(units=2, epochs=1), pool, slow_train(gate)), "s1")
    assert board.job("q", lambda: None, "s2") is shared and board.watchers("q") == 2
    board.forget("q", "s1")
    assert shared.status().state == "queued"  # s2 still waits for it
    board.forget("q", "s2")
    assert shared.wait(5) and shared.status().state == "cancelled" and len(board) == 1
    board.forget("run", "s1")
    assert running.status().state == "training"  # it stops at the end of its first epoch (not its last)
    gate.set()
    assert running.wait(10) and running.status().state == "cancelled" and running.status().run is None and len(board) == 0
    assert pool.running == 0

    def boom(config, on_epoch, on_batch=None):
        raise RuntimeError("no")

    failed = board.job("f", lambda: TrainingJob(LSTMConfig(), pool, boom))
    assert failed.wait(10) and failed.failed
    assert board.job("f", lambda: TrainingJob(LSTMConfig(), pool, slow_train(gate))) is not failed


def test_a_job_whose_watchers_have_all_gone_is_given_up_when_anyone_asks_or_prunes():
    """A closed tab never calls forget(); the board asks ``alive`` instead, so the learners behind it
    do not wait for a training nobody will see."""
    pool, gate, sessions = TrainingPool(slots=1), threading.Event(), {"a", "b", "c"}
    board = JobBoard(keep=4, alive=lambda s: s in sessions)
    shared = board.job("shared", lambda: TrainingJob(LSTMConfig(units=1, epochs=3), pool, slow_train(gate)), "a")
    board.job("shared", lambda: None, "b")
    queued = board.job("queued", lambda: TrainingJob(LSTMConfig(units=2, epochs=1), pool, slow_train(gate)), "a")
    sessions.discard("a")  # a's tab closes
    board.prune()
    assert board.watchers("shared") == 1 and shared.status().state == "training"  # b still waits for it
    assert queued.wait(5) and queued.status().state == "cancelled" and board.watchers("queued") == 0
    sessions.discard("b")
    mine = board.job("mine", lambda: TrainingJob(LSTMConfig(units=3, epochs=1), pool, slow_train(gate)), "c")
    gate.set()  # the shared job stops at its next epoch's end, and c's job gets the trainer
    assert shared.wait(10) and shared.status().state == "cancelled" and len(shared.status().rows) < 3
    assert mine.wait(10) and mine.status().state == "done" and len(board) == 1


def test_a_session_asking_for_a_job_whose_watchers_have_gone_joins_it_not_restarts_it():
    """The instructor's tab closes mid-run; a learner opening the same link joins that training."""
    pool, gate, sessions, made = TrainingPool(slots=1), threading.Event(), {"teacher"}, []

    def make():
        made.append(1)
        return TrainingJob(LSTMConfig(units=1, epochs=2), pool, slow_train(gate))

    board = JobBoard(keep=4, alive=lambda s: s in sessions)
    first = board.job("default", make, "teacher")
    sessions.discard("teacher")
    sessions.add("learner")
    assert board.job("default", make, "learner") is first and len(made) == 1
    gate.set()
    assert first.wait(10) and first.status().state == "done"


def test_a_real_training_nobody_waits_for_stops_at_the_next_epoch_and_frees_the_trainer():
    """Out of a real model.fit: the stop is raised from the epoch callback."""
    pool = TrainingPool(slots=1)
    job = TrainingJob(SMALL.replace(epochs=50), pool, train_on(head_start=0))
    after = TrainingJob(SMALL.replace(epochs=1, seed=5), pool, train_on(head_start=0))
    while not job.status().rows:
        time.sleep(0.01)
    assert job.cancel()
    assert job.wait(30) and job.status().state == "cancelled"
    assert 1 <= len(job.status().rows) < 50 and job.status().run is None and not job.failed
    assert after.wait(60) and after.status().state == "done"  # the next in line got the trainer


def test_a_long_epoch_nobody_waits_for_stops_at_a_batch_once_the_grace_is_over():
    """A real fit of one long epoch (batches of 1): given up, it stops before a batch instead of running
    its epoch out, and the next in line gets the trainer."""
    batches = []

    def counted(config, on_epoch, on_batch):
        return train_on(head_start=0)(config, on_epoch, lambda: (batches.append(1), on_batch()))

    pool = TrainingPool(slots=1)
    config = SMALL.replace(sequences=2000, batch_size=1, epochs=1)  # 1600 batches in its only epoch
    job = TrainingJob(config, pool, counted)
    after = TrainingJob(SMALL.replace(epochs=1, seed=6), pool, train_on(head_start=0))
    wait_until(lambda: len(batches) >= 5, "5 batches")
    assert job.cancel()
    assert job.wait(30) and job.status().state == "cancelled" and job.status().rows == ()
    assert len(batches) < config.train_sequences and not job.failed
    assert after.wait(60) and after.status().state == "done"


def test_within_the_grace_a_given_up_training_carries_on_past_batches_and_epoch_ends(monkeypatch):
    """A learner switches to another setup and straight back: within STOP_GRACE the training goes on
    (even through an epoch's end), so asking for it again finds it still going."""
    monkeypatch.setattr(jobs, "STOP_GRACE", 60.0)  # read at each check: no test timing can outlast it
    pool, step, batches = TrainingPool(slots=1), threading.Semaphore(0), []

    def batched(config, on_epoch, on_batch):
        for epoch in range(1, config.epochs + 1):
            for _ in range(3):
                step.acquire()
                on_batch()
                batches.append(epoch)
            on_epoch({"epoch": epoch})
        return "run"

    job = TrainingJob(LSTMConfig(units=1, epochs=3), pool, batched)
    step.release()
    wait_until(lambda: batches, "the first batch")
    assert job.cancel()  # switched away
    for _ in range(2):
        step.release()
    wait_rows(job, 1)  # epoch 1 ended within the grace: still training
    assert job.status().state == "training" and job.resume()  # and straight back
    step.release()  # epoch 2's first batch
    wait_until(lambda: len(batches) == 4, "epoch 2's first batch")
    assert job.cancel()
    monkeypatch.setattr(jobs, "STOP_GRACE", 0.0)  # the grace is over: the next batch does not run
    step.release()
    assert job.wait(5) and job.status().state == "cancelled" and batches == [1, 1, 1, 2]
    assert len(job.status().rows) == 1 and job.status().run is None


def test_the_grace_is_about_a_second():
    assert 0.5 <= REAL_GRACE <= 5  # long enough to switch straight back, short next to a 30 s epoch


def test_a_second_give_up_does_not_restart_the_grace(monkeypatch):
    monkeypatch.setattr(jobs, "STOP_GRACE", 60.0)
    step = threading.Semaphore(0)

    def batched(config, on_epoch, on_batch):
        for _ in range(100):
            step.acquire()
            on_batch()
        on_epoch({"epoch": 1})
        return "run"

    job = TrainingJob(LSTMConfig(units=1, epochs=1), TrainingPool(slots=1), batched)
    wait_until(lambda: job.status().state == "training", "training")
    assert job.cancel()
    first = job._stop_since
    time.sleep(0.01)
    assert job.cancel() and job._stop_since == first  # a board pruned twice must not keep it going longer
    monkeypatch.setattr(jobs, "STOP_GRACE", 0.0)
    step.release()
    assert job.wait(5) and job.status().state == "cancelled"


def test_a_training_stopped_at_a_batch_cannot_be_revived():
    gate, revived, holder = threading.Event(), [], {}

    def fn(config, on_epoch, on_batch):
        gate.wait(5)
        try:
            on_batch()
        except Stopped:
            revived.append(holder["job"].resume())  # asked for again while the stop unwinds
            raise
        return "run"

    job = holder["job"] = TrainingJob(LSTMConfig(units=1, epochs=1), TrainingPool(slots=1), fn)
    wait_until(lambda: job.status().state == "training", "training")
    assert job.cancel()
    gate.set()
    assert job.wait(5) and job.status().state == "cancelled" and revived == [False]


def test_the_comparison_job_passes_on_batch_through(monkeypatch):
    from lstm_core import order

    seen = []
    monkeypatch.setattr(order, "train_baselines", lambda config, on_epoch, dataset, on_batch=None: seen.append(on_batch))
    marker = object()
    train_on(baselines=True, head_start=0)(LSTMConfig(), lambda row: None, marker)
    assert seen == [marker]  # so a given-up baseline stops mid-epoch too


def stepped_train(step: threading.Semaphore, computed: list):
    """One epoch per step.release(); records every epoch computed, by any job."""

    def fn(config, on_epoch, on_batch=None):
        for epoch in range(1, config.epochs + 1):
            step.acquire()
            computed.append(epoch)
            on_epoch({"epoch": epoch})
        return f"run for {config.units} units"

    return fn


def wait_rows(job: TrainingJob, n: int) -> None:
    deadline = time.monotonic() + 5
    while len(job.status().rows) < n and time.monotonic() < deadline:
        time.sleep(0.005)
    assert len(job.status().rows) == n


def test_a_training_given_up_and_asked_for_again_before_its_epoch_ends_carries_on():
    """A learner switches to another config and straight back: the training they left goes on,
    nothing is trained twice."""
    pool, step, computed, made = TrainingPool(slots=1), threading.Semaphore(0), [], []

    def make():
        made.append(1)
        return TrainingJob(LSTMConfig(units=1, epochs=3), pool, stepped_train(step, computed))

    board = JobBoard(keep=4)
    first = board.job("k", make, "s1")
    step.release()
    wait_rows(first, 1)
    board.forget("k", "s1")  # given up while training: it would stop at the end of epoch 2
    assert board.job("k", make, "s1") is first and len(made) == 1
    for _ in range(2):
        step.release()
    assert first.wait(5) and first.status().state == "done" and first.status().run == "run for 1 units"
    assert computed == [1, 2, 3] and board.job("k", make, "s1") is first and len(made) == 1


def test_a_training_that_stopped_is_started_afresh_when_asked_for_again():
    pool, step, computed = TrainingPool(slots=1), threading.Semaphore(0), []
    make = lambda: TrainingJob(LSTMConfig(units=1, epochs=3), pool, stepped_train(step, computed))  # noqa: E731
    board = JobBoard(keep=4)
    first = board.job("k", make, "s1")
    board.forget("k", "s1")
    step.release()
    assert first.wait(5) and first.status().state == "cancelled" and len(board) == 0
    again = board.job("k", make, "s1")
    assert again is not first and not first.resume()
    for _ in range(3):
        step.release()
    assert again.wait(5) and again.status().state == "done"


def test_a_training_given_up_in_its_last_epoch_keeps_its_run():
    """Its whole fit is computed by then: stopping would throw the run away and the next ask would
    train it again."""
    pool, step, computed = TrainingPool(slots=1), threading.Semaphore(0), []
    make = lambda: TrainingJob(LSTMConfig(units=1, epochs=2), pool, stepped_train(step, computed))  # noqa: E731
    board = JobBoard(keep=4)
    job = board.job("k", make, "s1")
    step.release()
    wait_rows(job, 1)
    board.forget("k", "s1")
    step.release()
    assert job.wait(5) and job.status().state == "done" and len(job.status().rows) == 2
    assert board.job("k", lambda: None, "s2") is job and computed == [1, 2]


def test_the_board_keeps_the_most_recently_asked_for_runs():
    pool, board = TrainingPool(slots=1), JobBoard(keep=2)

    def make(units):
        return lambda: TrainingJob(LSTMConfig(units=units, epochs=1), pool, lambda config, on_epoch, on_batch: units)

    jobs = {k: board.job(k, make(u)) for k, u in (("a", 1), ("b", 2))}
    for job in jobs.values():
        assert job.wait(5)
    assert board.job("a", make(1)) is jobs["a"]  # a is now the most recent: b goes first
    assert board.job("c", make(3)).wait(5)
    assert len(board) == 2  # b, the least recently asked for, is dropped
    assert board.job("a", make(1)) is jobs["a"] and board.job("b", make(2)) is not jobs["b"]


def test_a_job_given_up_between_leaving_the_line_and_starting_is_handed_out_whole():
    """The gap between the pool taking a job out of the line and the job saying it trains: a job given
    up there and asked for again used to be handed out still set to stop, and then stopped."""

    class SlowStart(TrainingPool):
        def acquire(self, ticket):
            taken = super().acquire(ticket)
            time.sleep(0.3)  # out of the line, not yet training
            return taken

    pool, step, computed = SlowStart(slots=1), threading.Semaphore(0), []
    board = JobBoard(keep=4)
    job = board.job("k", lambda: TrainingJob(LSTMConfig(units=1, epochs=2), pool, stepped_train(step, computed)), "a")
    time.sleep(0.1)
    assert job.status().state == "queued" and job.status().place is None
    board.forget("k", "a")
    assert board.job("k", lambda: None, "b") is job
    step.release()
    step.release()
    assert job.wait(5) and job.status().state == "done" and computed == [1, 2]
