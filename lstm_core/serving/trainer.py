"""One session's training: the run it shows, the training it waits for, and the comparison models it asked for.

Every session asking for the same run key shares one job (a JobBoard per kind: "lstm" runs, "order"
comparisons). A session waits for at most one training and one comparison at a time; asking for another
gives up the old one, which stops (lstm_core.serving.jobs.TrainingJob.cancel) unless another session still
waits for it. Nothing here draws or blocks: a page reads ``status()`` as often as it redraws.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lstm_core.config import LSTMConfig
from lstm_core.data.keys import config_of
from lstm_core.serving.jobs import (
    STOP_GRACE,
    JobBoard,
    JobState,
    JobStatus,
    TrainingJob,
    cells_task,
    horizon_task,
    train_task,
)

RUNS, ORDER, CELLS = "lstm", "order", "cells"  # the kinds of job board: runs, their order test, their cell comparison


def cells_key(run_key: str, variants: tuple[str, ...]) -> str:
    """What a cell comparison is shared and saved by: its run, and the variants it trains."""
    return f"{run_key}|variants={','.join(variants)}"


def horizon_key(run_key: str, horizon) -> str:
    """What a memory-horizon experiment is shared and saved by: the run whose settings it uses, and its task."""
    return f"{run_key}|{horizon.key()}"


@dataclass(frozen=True)
class TrainerStatus:
    """Where a session's training stands."""

    run: object | None  # the run on screen
    pending: str | None  # the run key of the training this session waits for
    job: JobStatus | None  # that training, as it stands
    yard: object | None = None  # its noise yardstick (noise.Yardstick), once its first epoch has streamed in
    error: str | None = None  # why the training just taken failed: only take() returns it, so it is said once

    @property
    def config(self) -> LSTMConfig | None:
        """The setup being trained."""
        return None if self.pending is None else config_of(self.pending)

    @property
    def finished(self) -> bool:
        """Nothing left to wait for: the training has ended (or none is waited for)."""
        return self.job is None or self.job.finished


class SessionTrainer:
    """A session's side of the shared trainings.

    ``boards`` holds a JobBoard for each kind ("lstm", "order"); ``submit`` is the worker pool's
    ``submit(fn, *args)``, called with lstm_core.serving.jobs.train_task and its arguments; ``grace`` is
    how long a training nobody waits for carries on before it is told to stop.
    """

    def __init__(self, session_id: str, boards: Mapping[str, JobBoard], submit: Callable, grace: float = STOP_GRACE):
        self.session_id = session_id
        self._boards, self._submit, self._grace = boards, submit, grace
        self._run = None
        self._pending: str | None = None
        self._dataset = None  # the pending run's CSV data (None: the synthetic data its config makes)
        self._baseline: str | None = None  # the run whose comparison models this session waits for
        self._ordered: set[str] = set()  # every run whose comparison models this session asked for
        self._extras: dict[str, str] = {}  # the "Why gates?" jobs this session waits for (or shows): key -> their run's key

    @property
    def run(self):
        """The run on screen (None until the first one arrives)."""
        return self._run

    @property
    def pending(self) -> str | None:
        """The run key this session waits for."""
        return self._pending

    @property
    def baseline(self) -> str | None:
        """The run key whose comparison models this session waits for (or shows)."""
        return self._baseline

    def want(self, run_key: str, dataset=None) -> None:
        """This session now waits for ``run_key`` (``dataset``: its CSV data), which starts training unless
        someone already trains it or it is saved. What it waited for before is given up, and so are the
        comparison models of another run. Asking for the run on screen waits for nothing."""
        if self._run is not None and run_key == self._run.key:
            self.leave()
            return
        self._leave_baseline(unless=run_key)
        if self._pending is not None and self._pending != run_key:
            self._boards[RUNS].forget(self._pending, self.session_id)
        self._pending, self._dataset = run_key, dataset
        self._ask(RUNS, run_key, dataset)

    def leave(self) -> None:
        """Wait for no training; the run on screen, and its comparison models, stay."""
        if self._pending is not None:
            self._boards[RUNS].forget(self._pending, self.session_id)
        self._pending, self._dataset = None, None

    def status(self) -> TrainerStatus:
        """The run on screen and the training waited for, asked of its board again: this session counts
        as waiting (a training given up moments ago carries on), and a training that ended cancelled is
        started afresh. A queued session also gives up trainings whose every watcher has gone."""
        if self._pending is None:
            return TrainerStatus(self._run, None, None)
        job = self._ask(RUNS, self._pending, self._dataset)
        now = job.status()
        if now.state is JobState.QUEUED:
            self._prune()
        return TrainerStatus(self._run, self._pending, now, job.yard if now.rows else None)

    def take(self, finished: JobStatus) -> TrainerStatus:
        """Ends the wait with ``finished``, the final status of the training waited for: done puts its run
        on screen; failed keeps the run on screen and returns the error, to be said once; cancelled (given
        up by every session just as this one asked) asks for it again."""
        if self._pending is None or finished.state not in (JobState.DONE, JobState.FAILED):
            return self.status()  # cancelled: the board makes a new job for it
        self.leave()
        if finished.state is JobState.DONE:
            self._run = finished.run
            return TrainerStatus(self._run, None, None)
        return TrainerStatus(self._run, None, None, error=finished.error or "Training failed")

    def want_order(self, run_key: str, dataset=None) -> JobStatus:
        """The comparison models of ``run_key`` (a time-shuffled LSTM and a whole-window Dense model),
        trained once for every session that asks; this session now waits for them, and no longer for
        another run's."""
        self._leave_baseline(unless=run_key)
        self._baseline = run_key
        self._ordered.add(run_key)
        now = self._ask(ORDER, run_key, dataset).status()
        if now.state is JobState.QUEUED:
            self._prune()
        return now

    def ordered(self, run_key: str) -> bool:
        """Whether this session asked for the comparison models of ``run_key``."""
        return run_key in self._ordered

    def want_cells(self, run, variants: tuple[str, ...]) -> JobStatus:
        """The cell comparison of ``run`` (pipeline.cell_compare: ``variants`` from several seeds on its data),
        trained once for every session that asks; this session now waits for it, and no longer for another
        run's comparisons (the same run's others stay)."""
        from lstm_core.pipeline.cell_compare import own_run

        data = None if run.dataset.synthetic else run.dataset  # the lesson's data: the worker makes it from the config
        return self._want_extra(run.key, cells_key(run.key, variants),
                                (cells_task, run.config.key(), data, tuple(variants), own_run(run)), data)

    def want_horizon(self, run, horizon) -> JobStatus:
        """The memory-horizon experiment (pipeline.horizon) with ``run``'s settings and ``horizon``
        (data.horizon.Horizon), shared and given up as want_cells's comparisons are."""
        return self._want_extra(run.key, horizon_key(run.key, horizon), (horizon_task, run.config.key(), horizon))

    def asked(self, key: str) -> bool:
        """Whether this session asked for this comparison (a cells_key or horizon_key)."""
        return key in self._extras

    def _want_extra(self, run_key: str, key: str, task: tuple, dataset=None) -> JobStatus:
        for other, of in list(self._extras.items()):
            if of != run_key:  # another run's comparison: no longer waited for
                self._boards[CELLS].forget(other, self.session_id)
                del self._extras[other]
        self._extras[key] = run_key
        now = self._ask(CELLS, key, dataset, task).status()
        if now.state is JobState.QUEUED:
            self._prune()
        return now

    def _ask(self, kind: str, run_key: str, dataset, task: tuple | None = None) -> TrainingJob:
        config = config_of(run_key)

        def make(on_done: Callable) -> TrainingJob:
            submitted = self._submit(*(task or (train_task, config.key(), dataset, kind == ORDER)))
            return TrainingJob(config, submitted, dataset=dataset, grace=self._grace).start(on_done)

        return self._boards[kind].job(run_key, make, watcher=self.session_id)

    def _leave_baseline(self, unless: str) -> None:
        if self._baseline is not None and self._baseline != unless:
            self._boards[ORDER].forget(self._baseline, self.session_id)
            self._baseline = None

    def _prune(self) -> None:
        for board in self._boards.values():
            board.prune()
