"""A session's trainer: which shared job it waits for, what it gives up, and the run it puts on screen.

Real worker processes and real job boards; each "training" is a cheap task from tests/support/worker_tasks.py
(it returns at once, waits for a gate file, works until told to stop, or fails), and each run is a
SimpleNamespace with the run key a real run would have.
"""

import time
from types import SimpleNamespace

import pytest

from lstm_core.data.keys import run_key
from lstm_core.pipeline.noise import Yardstick
from lstm_core.serving.jobs import JobBoard, JobState, JobStatus, LiveSessions, cells_task, train_task
from lstm_core.serving.trainer import CELLS, ORDER, RUNS, SessionTrainer, TrainerStatus, cells_key
from lstm_core.serving.workers import WorkerPool
from tests.support import SMALL, worker_tasks

ONE, TWO, THREE = (run_key(SMALL.replace(units=units)) for units in (4, 5, 6))


@pytest.fixture()
def pool():
    p = WorkerPool(size=1, grace=1.0).start()  # one worker: a second training waits in line
    yield p
    p.shutdown()


class Trainings:
    """A pool's submit as SessionTrainer calls it, recording each call; the run key's task (``tasks``) runs
    in its place, by default one that hands back a run with that key at once."""

    def __init__(self, pool, **tasks):
        self.pool, self.tasks, self.asked, self.submitted = pool, tasks, [], []

    def __call__(self, fn, config_key: str, dataset, baselines, *rest):
        self.asked.append((fn, config_key, dataset, baselines, *rest))
        task = self.tasks.get(config_key, (worker_tasks.returns, SimpleNamespace(key=config_key, baselines=baselines)))
        self.submitted.append(self.pool.submit(*task))
        return self.submitted[-1]


def boards(alive=lambda session: True) -> dict[str, JobBoard]:
    return {kind: JobBoard(keep=4, alive=alive, kind=kind) for kind in (RUNS, ORDER, CELLS)}


def wait_until(condition, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.01)
    return found


def arrived(trainer: SessionTrainer) -> TrainerStatus:
    """Wait for the training ``trainer`` waits for to finish, then take it, as the page does."""
    now = wait_until(lambda: (s := trainer.status()).job.finished and s, "the training to finish")
    return trainer.take(now.job)


def test_a_trainer_that_waits_for_nothing_has_nothing_to_watch(pool):
    trainer = SessionTrainer("A", boards(), Trainings(pool))
    assert trainer.status() == TrainerStatus(None, None, None) and trainer.status().finished


def test_sessions_wanting_the_same_run_share_one_training_and_each_takes_its_run(pool):
    shared, trainings = boards(), Trainings(pool)
    a, b = SessionTrainer("A", shared, trainings), SessionTrainer("B", shared, trainings)
    a.want(ONE)
    b.want(ONE)
    assert trainings.asked == [(train_task, ONE, None, False)]  # the real training task, asked once
    assert shared[RUNS].watchers(ONE) == 2 and a.pending == b.pending == ONE
    now = arrived(a)
    assert now.run.key == ONE and now.pending is None and now.job is None and now.error is None
    assert a.run is now.run and a.pending is None and a.status().run is now.run
    assert shared[RUNS].watchers(ONE) == 1  # A waits no more; B has not looked yet
    assert arrived(b).run is a.run and len(trainings.asked) == 1


def test_the_status_streams_the_epochs_the_place_in_line_and_the_yardstick(pool, tmp_path):
    gate = str(tmp_path / "go")
    trainings = Trainings(pool, **{ONE: (worker_tasks.gated, gate), TWO: (worker_tasks.gated, gate)})
    first, second = SessionTrainer("A", boards(), trainings), SessionTrainer("B", boards(), trainings)
    first.want(ONE)
    now = wait_until(lambda: (s := first.status()).job.rows and s, "the first event")
    assert now.job.state is JobState.TRAINING and not now.finished
    assert now.config == SMALL and isinstance(now.yard, Yardstick)  # judged as its epochs stream in
    second.want(TWO)  # the one worker is busy
    waiting = second.status()
    assert waiting.job.state is JobState.QUEUED and waiting.job.place == 1 and waiting.yard is None
    (tmp_path / "go").touch()
    pid = now.job.rows[0]  # gated's first event and its result: the worker's pid
    assert arrived(first).run == pid and arrived(second).run == pid  # the one worker trained both, in turn


def test_wanting_another_run_gives_up_the_one_before_unless_another_session_waits(pool):
    shared = boards()
    trainings = Trainings(pool, **{ONE: (worker_tasks.until_stopped,), TWO: (worker_tasks.until_stopped,)})
    a, b = SessionTrainer("A", shared, trainings, grace=0), SessionTrainer("B", shared, trainings, grace=0)
    a.want(ONE)
    b.want(ONE)
    wait_until(lambda: a.status().job.state is JobState.TRAINING, "the training to start")
    a.want(TWO)
    assert shared[RUNS].watchers(ONE) == 1 and trainings.submitted[0].state == "running"  # B still waits
    assert a.status().job.state is JobState.QUEUED  # behind B's
    b.want(THREE)  # nobody waits for ONE now: it stops, and A's training gets the worker
    assert trainings.submitted[0].wait(10) and trainings.submitted[0].state == "cancelled"
    assert shared[RUNS].watchers(TWO) == 1 and shared[RUNS].watchers(THREE) == 1
    wait_until(lambda: a.status().job.state is JobState.TRAINING, "the next training to start")


def test_wanting_the_run_on_screen_waits_for_nothing_and_gives_up_the_new_one(pool):
    shared = boards()
    trainings = Trainings(pool, **{TWO: (worker_tasks.until_stopped,)})
    trainer = SessionTrainer("A", shared, trainings, grace=0)
    trainer.want(ONE)
    shown = arrived(trainer).run
    trainer.want(TWO)
    wait_until(lambda: trainer.status().job.state is JobState.TRAINING, "the new training to start")
    trainer.want(ONE)  # Train pressed on the settings of the run on screen
    assert trainer.pending is None and trainer.status() == TrainerStatus(shown, None, None)
    assert trainings.submitted[1].wait(10) and trainings.submitted[1].state == "cancelled"
    assert len(trainings.asked) == 2  # nothing trained again


def test_a_failed_training_is_said_once_and_the_run_on_screen_stays(pool):
    trainer = SessionTrainer("A", boards(), Trainings(pool, **{TWO: (worker_tasks.fail,)}))
    trainer.want(ONE)
    shown = arrived(trainer).run
    trainer.want(TWO)
    now = arrived(trainer)
    assert now.error == "ValueError: bad value on a second line" and now.run is shown and now.pending is None
    assert trainer.status().error is None and trainer.run is shown  # said once


def test_a_training_cancelled_just_as_this_session_asked_is_asked_for_again(pool):
    shared = boards()
    trainings = Trainings(pool, **{ONE: (worker_tasks.until_stopped,)})
    trainer = SessionTrainer("A", shared, trainings, grace=0)
    trainer.want(ONE)
    wait_until(lambda: trainer.status().job.state is JobState.TRAINING, "the training to start")
    shared[RUNS].forget(ONE, "A")  # every watcher gone (a prune), just before this session looks again
    assert trainings.submitted[0].wait(10) and trainings.submitted[0].state == "cancelled"
    now = trainer.take(JobStatus(JobState.CANCELLED, None, (), None, None))
    assert now.pending == ONE and now.job.state in (JobState.QUEUED, JobState.TRAINING) and now.error is None
    assert len(trainings.asked) == 2 and shared[RUNS].watchers(ONE) == 1


def test_the_comparison_models_are_their_own_job_given_up_when_the_session_moves_on(pool):
    shared, trainings = boards(), Trainings(pool)
    trainer = SessionTrainer("A", shared, trainings)
    trainer.want(ONE)
    arrived(trainer)
    assert not trainer.ordered(ONE) and trainer.baseline is None
    order = wait_until(lambda: (s := trainer.want_order(ONE)).finished and s, "the comparison")
    assert order.state is JobState.DONE and order.run.baselines  # trained with baselines=True
    assert trainings.asked[-1] == (train_task, ONE, None, True) and len(trainings.asked) == 2  # asked once
    assert trainer.ordered(ONE) and trainer.baseline == ONE and shared[ORDER].watchers(ONE) == 1
    assert shared[RUNS].watchers(ONE) == 0  # the run and its comparison are different jobs
    trainer.want(ONE)  # the run on screen: its comparison stays
    assert trainer.baseline == ONE and shared[ORDER].watchers(ONE) == 1
    trainer.want(TWO)  # another run: the comparison of the one it leaves is no longer waited for
    assert trainer.baseline is None and shared[ORDER].watchers(ONE) == 0 and trainer.ordered(ONE)
    arrived(trainer)
    trainer.want_order(TWO)
    trainer.want_order(THREE)  # one comparison at a time
    assert shared[ORDER].watchers(TWO) == 0 and shared[ORDER].watchers(THREE) == 1 and trainer.baseline == THREE


def finished_run(key: str):
    """What want_cells reads of a run on screen: its key, config, data, history, timings and gradient flow."""
    import pandas as pd

    from lstm_core.data.keys import config_of

    return SimpleNamespace(key=key, config=config_of(key), dataset=SimpleNamespace(synthetic=True), gradient_flow=None,
                           history=pd.DataFrame({"val_accuracy": [0.5, 0.75]}), timings={"total": 1.0})


def test_a_cell_comparison_is_shared_kept_per_run_and_given_up_for_another_runs(pool):
    shared, trainings = boards(), Trainings(pool)
    a, b = SessionTrainer("A", shared, trainings), SessionTrainer("B", shared, trainings)
    one, two = finished_run(ONE), finished_run(TWO)
    cells, bias = ("lstm", "gru", "rnn"), ("lstm_bias0",)
    assert not a.asked(cells_key(ONE, cells))
    done = wait_until(lambda: (s := a.want_cells(one, cells)).finished and s, "the comparison")
    b.want_cells(one, cells)
    fn, config_key, dataset, variants, own = trainings.asked[0]
    assert (fn, config_key, dataset, variants) == (cells_task, one.config.key(), None, cells) and len(trainings.asked) == 1
    assert (own.variant, own.seed, own.val_accuracy) == ("lstm", one.config.seed, 0.75)  # the run is its own first seed
    assert done.state is JobState.DONE and a.asked(cells_key(ONE, cells)) and shared[CELLS].watchers(cells_key(ONE, cells)) == 2
    a.want_cells(one, bias)  # the same run's other variants: both stay
    assert a.asked(cells_key(ONE, cells)) and a.asked(cells_key(ONE, bias)) and len(trainings.asked) == 2
    a.want_cells(two, cells)  # another run: this run's comparisons are no longer waited for
    assert not a.asked(cells_key(ONE, cells)) and not a.asked(cells_key(ONE, bias)) and a.asked(cells_key(TWO, cells))
    assert shared[CELLS].watchers(cells_key(ONE, cells)) == 1 and shared[CELLS].watchers(cells_key(ONE, bias)) == 0


def test_a_queued_session_gives_up_jobs_of_every_kind_whose_watchers_have_all_gone(pool):
    """Asking a board for a job prunes that board; a queued session also prunes the other kind's board."""
    sessions = LiveSessions()
    shared = boards(alive=sessions.alive)  # not watched by sessions: only asking and the trainer prune them
    trainings = Trainings(pool, **{ONE: (worker_tasks.until_stopped,)})
    gone, waiting = (SessionTrainer(sessions.begin(s), shared, trainings, grace=0) for s in ("A", "B"))
    wait_until(lambda: gone.want_order(ONE).state is JobState.TRAINING, "the comparison to start")
    sessions.end("A")  # A's tab closed
    waiting.want(TWO)
    assert trainings.submitted[0].state == "running"
    assert waiting.status().job.state is JobState.QUEUED  # and looking, B gives up A's comparison
    assert trainings.submitted[0].wait(10) and trainings.submitted[0].state == "cancelled"
    assert arrived(waiting).run.key == TWO
