"""`streamlit run`, with a log on stderr for the benchmarks: lstm_core's own INFO lines (workers ready and
replaced, trainings given up) and one line per task when it starts and ends on a worker.

TensorFlow runs in worker processes (lstm_core.serving.workers), and the app no longer logs its trainings, so
this wraps two methods of the worker pool, in this process only, to log them:

    <time> benchmarks.serve task started: train_task on worker 1234: {"batch_size": 32, ...}
    <time> benchmarks.serve task done: train_task on worker 1234: {"batch_size": 32, ...}

(``train_task`` of the comparison models is logged as ``train_task/baselines``.) The wrapped methods
are private (``_Slot._execute``, ``Task.__init__``): if they change, the log loses these lines and the benchmarks that
count trainings say so.
"""

import logging
import sys
import threading
from pathlib import Path

from streamlit.web import cli

log = logging.getLogger("benchmarks.serve")


def log_tasks() -> None:
    sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # lstm_core (stdlib only: no TensorFlow here)
    from lstm_core.serving import workers

    submit, execute, init = workers.WorkerPool.submit, workers._Slot._execute, workers.Task.__init__
    naming = threading.local()  # what submit() is queuing, for Task.__init__ in the same call

    def named_init(self, *args, **kwargs):  # labelled before it joins the line, so before a slot can take it
        init(self, *args, **kwargs)
        self.bench_name, self.bench_key = getattr(naming, "label", ("?", ""))

    def logged_submit(self, fn, *args):
        name = getattr(fn, "__name__", repr(fn))
        baselines = name == "train_task" and len(args) >= 3 and args[2]
        naming.label = (f"{name}/baselines" if baselines else name, args[0] if name == "train_task" and args else "")
        try:
            return submit(self, fn, *args)
        finally:
            del naming.label

    def logged_execute(self, task, worker):
        said = f"{getattr(task, 'bench_name', '?')} on worker {worker.process.pid}: {getattr(task, 'bench_key', '')}"
        log.info("task started: %s", said)
        outcome = execute(self, task, worker)
        log.info("task %s: %s", outcome[0], said)
        return outcome

    workers.WorkerPool.submit, workers._Slot._execute, workers.Task.__init__ = logged_submit, logged_execute, named_init


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("lstm_core").setLevel(logging.INFO)
    log.setLevel(logging.INFO)
    log_tasks()
    sys.argv = ["streamlit", "run", *sys.argv[1:]]
    sys.exit(cli.main())
