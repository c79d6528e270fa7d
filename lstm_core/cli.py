"""python -m lstm_core: train one run and print the seed page as a terminal trace (or --json).

python -m lstm_core prewarm: train setups into the saved runs before a workshop (see prewarm_main).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from lstm_core.config import FIELDS, SETTABLE, ConfigError, LSTMConfig
from lstm_core.formats import quoted

PREWARM = "prewarm"  # the subcommand: python -m lstm_core prewarm --help
OPTIONS = SETTABLE


def option(name: str) -> str:
    return "--" + name.replace("_", "-")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr and status 2, never usage spam
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lstm_core", description=__doc__.split("\n")[0],
                     epilog=f"Before a workshop: python -m lstm_core {PREWARM} --help")
    for name in OPTIONS:
        spec = FIELDS[name]
        default = getattr(LSTMConfig(), name)
        metavar = "{" + ",".join(spec.choices) + "}" if spec.choices else spec.kind.__name__.upper()
        parser.add_argument(option(name), dest=name, default=None, metavar=metavar,
                            help=f"{spec.help} Allowed {spec.allowed}; default {default}.")
    parser.add_argument("--sample", type=str, default="0", help="Which sequence to trace (default 0).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the text trace.")
    parser.add_argument("--save-model", metavar="PATH", help="Write the trained model to PATH (a .keras file).")
    parser.add_argument("--csv", metavar="PATH", help="Train on your own series: a CSV, one row per time step.")
    parser.add_argument("--target", metavar="NAME", help="With --csv: the column whose next move is the label "
                        "(default: the first numeric column that both rises and falls). With --csv, --features takes column names: NAME,NAME.")
    parser.add_argument("--changes", action=argparse.BooleanOptionalAction, default=None,
                        help="With --csv: also feed each column's change from the row before (the default, as in the app); "
                        "--no-changes feeds the levels only.")
    return parser


def config_from_args(args: argparse.Namespace) -> LSTMConfig:
    """Raises ConfigError naming the field; main() turns it into the option's name.

    With --csv, --features names columns instead of counting synthetic features.
    """
    if args.csv is None:
        return LSTMConfig.from_values({n: getattr(args, n) for n in OPTIONS if getattr(args, n) is not None})
    from lstm_core.data.csvfile import FILE_SETS, config_for_file

    if args.sequences is not None:
        raise ConfigError("sequences", args.sequences, "no value with --csv",
                          "with --csv the file's rows set the number of sequences; leave out --sequences.")
    return config_for_file({n: getattr(args, n) for n in OPTIONS if getattr(args, n) is not None and n not in FILE_SETS})


def check_save_path(raw: str) -> Path:
    path = Path(raw)
    if path.suffix != ".keras":
        raise ValueError(f"--save-model: {raw!r} must end in .keras")
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise ValueError(f"--save-model: cannot write {raw!r}; give a writable path ending in .keras")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == [PREWARM]:
        return prewarm_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.csv is not None and not args.csv.strip():
        parser.error("--csv: the path is empty; give the path of a CSV file")
    try:
        config = config_from_args(args)
        save_path = check_save_path(args.save_model) if args.save_model else None
    except ConfigError as err:
        name = option(err.field) if err.field in OPTIONS else err.field
        parser.error(f"{name}: {err}")
    except ValueError as err:
        parser.error(str(err))

    dataset = None
    if args.csv is not None:
        dataset, config = _csv_dataset(parser, args, config)
    elif args.target is not None or args.changes is not None:
        parser.error(f"{'--target' if args.target is not None else '--changes or --no-changes'} goes with --csv")
    sample = _checked_sample(parser, args.sample, config)

    from lstm_core.present.report import build_report, format_text

    run = _trained(parser, config, dataset)
    report = build_report(run, sample)
    if save_path is not None:
        try:
            save_path.write_bytes(run.keras_bytes)
        except OSError as err:
            parser.error(f"--save-model: cannot write {str(save_path)!r} ({err.strerror or err})")
        report["saved_model"] = str(save_path)
    print(json.dumps(report, allow_nan=False) if args.json else format_text(report))
    return 0


def _trained(parser: argparse.ArgumentParser, config: LSTMConfig, dataset):
    """The finished run: trained on the Dask cluster at LSTM_TRACE_SCHEDULER if set, else here."""
    from lstm_core.serving.cluster import DaskPool, scheduler_address

    address = scheduler_address()
    if address is None:
        from lstm_core.pipeline.train import finish, train  # TensorFlow loads here, after the checks

        return finish(train(config, dataset=dataset))
    from lstm_core.serving.jobs import train_task

    pool = DaskPool(address).start()
    try:
        task = pool.submit(train_task, config.key(), dataset, False)
        task.wait()
        if task.state != "done":
            parser.exit(1, f"{parser.prog}: error: {task.error or 'the training was cancelled'}\n")
        return task.result
    finally:
        pool.shutdown()


def _csv_dataset(parser: argparse.ArgumentParser, args: argparse.Namespace, config: LSTMConfig):
    from lstm_core.data.csvfile import MAX_BYTES, CSVError, default_target, make_csv_dataset, parse_csv

    try:
        with open(args.csv, "rb") as file:
            data = file.read(MAX_BYTES + 1)  # parse_csv refuses more than MAX_BYTES: never read a whole big file
    except OSError as err:
        parser.error(f"--csv: cannot read {args.csv!r} ({err.strerror or err})")
    try:
        table = parse_csv(data)
        target = default_target(table) if args.target is None else args.target  # --target "" is named, not ignored
        features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else []
        dataset, config, _ = make_csv_dataset(table, target, features, config, name=Path(args.csv).name,
                                              changes=args.changes is not False)
    except CSVError as err:
        parser.error(f"--csv: {err}")
    except ConfigError as err:
        parser.error(f"--csv: with this file, {err}")
    return dataset, config


def _checked_sample(parser: argparse.ArgumentParser, raw: str, config: LSTMConfig) -> int:
    try:
        return _sample_index(raw, config)
    except ValueError as err:
        parser.error(str(err))


def _sample_index(raw: str, config: LSTMConfig) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value < config.sequences:
        raise ValueError(f"--sample: {raw!r} is not allowed; give a whole number from 0 to {config.sequences - 1}")
    return value


# --- python -m lstm_core prewarm: train setups into the saved runs before a workshop --------------

PREWARM_DOC = """Train setups into the saved runs before a workshop, so that the room's first visits are cache hits:
the app hands out a saved run at once, without training. Each preset is a URL query string as the app's share
links use it (units=32&epochs=10; a whole share link works too; an empty string or 'default' is the default
setup). Runs go where the app looks for them: the folder LSTM_TRACE_DATA names (or --data), under the same keys.
Setups already saved are skipped. Exit status: 0 all saved, 1 a training failed, 2 bad input (nothing trained)."""

MAX_PRESETS_CHARS = 2**20  # a presets file is a short list; never read a whole big file
BAR = 20  # characters of a progress bar


@dataclass
class _Setup:
    label: str  # the setup's query string as the app's address bar shows it, or "default"
    config: LSTMConfig
    job: object = None
    trained: bool = False  # make() was called: not found in the store
    saving: threading.Event = field(default_factory=threading.Event)  # set once the trained run's save returned
    save_error: str | None = None
    outcome: str = ""  # "trained", "saved" (already) or "failed"
    detail: str = ""


def build_prewarm_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=f"python -m lstm_core {PREWARM}", description=PREWARM_DOC)
    parser.add_argument("--preset", action="append", default=[], metavar="QUERY",
                        help='A setup as a URL query string, e.g. "units=32&epochs=10" (quote it: & is special to the '
                        'shell). Repeatable.')
    parser.add_argument("--presets", action="append", default=[], metavar="FILE",
                        help="A file of presets, one query string a line; blank lines and lines starting with # are "
                        "skipped. '-' reads standard input. Repeatable.")
    parser.add_argument("--data", metavar="FOLDER",
                        help="The folder to save runs in, instead of LSTM_TRACE_DATA's (the app must use the same).")
    return parser


def preset_config(query: str) -> LSTMConfig:
    """The setup a share link's query string opens in the app; ValueError with parse_query's warnings
    if the app would warn about it (and so use something other than what was asked for)."""
    from urllib.parse import parse_qs, urlsplit

    from lstm_core.serving.presets import parse_query

    query = query.strip()
    if "?" in query or "://" in query:  # a whole share link: its query
        query = urlsplit(query).query
    query = query.split("#", 1)[0].strip()  # a fragment never reaches the app
    if query.lower() == "default":
        query = ""
    # as Streamlit reads the address: every value of a parameter, blank values kept
    preset = parse_query(parse_qs(query, keep_blank_values=True))
    if preset.warnings:
        raise ValueError(" ".join(preset.warnings))
    return preset.config


def setup_label(config: LSTMConfig) -> str:
    from lstm_core.serving.presets import to_query

    return to_query(config) or "default"


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _presets_of(parser: argparse.ArgumentParser, path: str) -> list[tuple[str, str]]:
    """(where, query) for each preset line of a presets file."""
    if not path.strip():
        parser.error("--presets: the path is empty; give the path of a presets file")
    try:
        if path == "-":
            text = sys.stdin.read(MAX_PRESETS_CHARS + 1)
        else:
            with open(path, encoding="utf-8-sig") as file:
                text = file.read(MAX_PRESETS_CHARS + 1)
    except OSError as err:
        parser.error(f"--presets: cannot read {quoted(path)} ({err.strerror or err})")
    except UnicodeDecodeError:
        parser.error(f"--presets: {quoted(path)} is not a text file (UTF-8); give one query string a line")
    if len(text) > MAX_PRESETS_CHARS:
        parser.error(f"--presets: {quoted(path)} is over {MAX_PRESETS_CHARS // 2**20} MB; give one query string a line")
    return [(f"--presets {quoted(path)} line {n}", line.strip()) for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.strip().startswith("#")]


def _setups(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[list[_Setup], int]:
    """Each distinct setup asked for, in order, and how many presets repeated one; exits 2 on any bad preset."""
    given = [(f"--preset {quoted(q, 60)}", q) for q in args.preset]
    for path in args.presets:
        given += _presets_of(parser, path)
    if not given:
        parser.error("no presets: give --preset QUERY (repeatable) or --presets FILE; --preset default is the "
                     "default setup")
    setups: dict[str, _Setup] = {}
    for where, query in given:
        try:
            config = preset_config(query)
        except ValueError as err:
            if not where.startswith("--preset "):
                where += f" ({quoted(query, 60)})"
            parser.error(_one_line(f"{where}: the app would not open it as given, so nothing was trained: {err}"))
        setups.setdefault(config.key(), _Setup(setup_label(config), config))
    return list(setups.values()), len(given) - len(setups)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(_one_line(record.getMessage()))


def _open_store(parser: argparse.ArgumentParser, data: str | None):
    """The app's store (SavedRuns(data_folder())), on disk; exits 2 if it would be in memory only."""
    from lstm_core.serving.store import ENV, SavedRuns, data_folder

    if data is not None:
        if not data.strip():
            parser.error(f"--data: the folder is empty; give the folder the app's {ENV} names")
        os.environ[ENV] = data
    folder = data_folder()
    if folder is None:
        value = os.environ.get(ENV, "").strip()
        why = f"{ENV}={value} keeps saved runs in memory only" if value else "there is no home folder to keep runs in"
        parser.error(f"{why}, so prewarmed runs would be lost when this command ends; set {ENV} (or --data) "
                     "to the folder the app keeps its runs in")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        writable = os.access(folder, os.W_OK | os.X_OK)
    except OSError as err:
        parser.error(f"cannot make the folder {quoted(str(folder))} ({err.strerror or err}); "
                     f"set {ENV} (or --data) to a writable folder")
    if not writable:
        parser.error(f"cannot write in {quoted(str(folder))}; set {ENV} (or --data) to a writable folder")
    store_log, capture = logging.getLogger("lstm_core.serving.store"), _Capture()
    store_log.addHandler(capture)
    propagate, store_log.propagate = store_log.propagate, False
    try:
        saved = SavedRuns(folder)
    finally:
        store_log.removeHandler(capture)
        store_log.propagate = propagate
    if not saved.persistent:
        saved.close()
        parser.error(f"cannot keep saved runs in {quoted(str(folder))}: "
                     f"{capture.messages[-1] if capture.messages else 'the store fell back to memory'}")
    return saved, capture.messages  # messages: a damaged file moved aside, say


class _Out:
    """Per-setup lines on stderr; on a terminal, also a progress bar that each line replaces."""

    def __init__(self, stream):
        self.stream = stream
        self.tty = stream.isatty()
        self._bar = ""
        self._lock = threading.Lock()

    def _width(self) -> int:
        try:
            return os.get_terminal_size(self.stream.fileno()).columns or 80
        except (OSError, ValueError):
            return 80

    def bar(self, head: str, label: str, tail: str) -> None:
        """``head label  tail`` on one line, the label cut to fit the terminal."""
        if not self.tty:
            return
        with self._lock:
            room = self._width() - 1 - len(head) - len(tail) - 3
            if len(label) > room:
                label = label[: max(room - 3, 8)] + "..."
            self._bar = f"{head} {label}  {tail}"[: self._width() - 1]
            self.stream.write(f"\r{self._bar}\x1b[K")
            self.stream.flush()

    def line(self, text: str, end_bar: bool = True) -> None:
        """A line of its own; the bar goes (or, for a note while it runs, is drawn again below it)."""
        with self._lock:
            if self.tty and self._bar:
                self.stream.write("\r\x1b[K")
            self.stream.write(text + "\n")
            if end_bar:
                self._bar = ""
            elif self.tty and self._bar:
                self.stream.write(self._bar)
            self.stream.flush()


class _Say(logging.Handler):
    """lstm_core's warnings while training (a run not saved, say), as lines that keep the bar intact."""

    def __init__(self, out: _Out):
        super().__init__(logging.WARNING)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        self.out.line(f"warning: {_one_line(record.getMessage())}", end_bar=False)


def _bar_parts(i: int, n: int, setup: _Setup, status, started: float) -> tuple[str, str, str]:
    if status.state == "queued":
        tail = f"queued, place {status.place} in line" if (status.place or 1) > 1 else "starting the trainer"
    else:
        epochs, done = setup.config.epochs, len(status.rows)
        fill = BAR * done // epochs
        tail = f"epoch {done}/{epochs} {'#' * fill}{'-' * (BAR - fill)}  {time.monotonic() - started:.0f} s"
    return f"[{i}/{n}]", setup.label, tail


def prewarm_main(argv: list[str]) -> int:
    """python -m lstm_core prewarm: train each distinct setup once into the app's saved runs."""
    parser = build_prewarm_parser()
    args = parser.parse_args(argv)
    setups, repeats = _setups(parser, args)
    saved, notes = _open_store(parser, args.data)
    try:
        if len(setups) > saved.max_runs:
            parser.error(f"{len(setups)} setups, but the saved runs hold at most {saved.max_runs}; prewarm fewer")
        out = _Out(sys.stderr)
        for note in notes:
            out.line(f"warning: {note}")
        say, core_log = _Say(out), logging.getLogger("lstm_core")
        core_log.addHandler(say)
        propagate, core_log.propagate = core_log.propagate, False
        try:
            return _prewarm(setups, repeats, saved, out)
        finally:
            core_log.removeHandler(say)
            core_log.propagate = propagate
    finally:
        saved.close()


def _prewarm(setups: list[_Setup], repeats: int, saved, out: _Out) -> int:
    from lstm_core.serving.cluster import DaskPool, scheduler_address
    from lstm_core.serving.jobs import JobBoard, TrainingJob, train_task
    from lstm_core.serving.workers import WorkerPool, default_size, warm_keras

    start, n = time.monotonic(), len(setups)
    board = JobBoard(keep=n, saved=saved, kind="lstm")  # as the app's job_board("lstm"): the same saved keys
    stored = lambda setup: board.saved_key(setup.config.key()) in saved  # noqa: E731  (not counted as a use)
    missing = sum(not stored(s) for s in setups)
    pool = None

    def maker(setup: _Setup):
        def make(on_done):  # as the app's submitted(): the synthetic lesson data, no comparison models
            nonlocal pool
            if pool is None:
                address = scheduler_address()
                pool = (DaskPool(address) if address else
                        WorkerPool(size=max(1, min(default_size(), missing)), warm=warm_keras)).start()
            setup.trained = True

            def save(run) -> None:
                try:
                    on_done(run)
                except Exception as err:  # noqa: BLE001  (reported with the setup, in one line)
                    setup.save_error = _one_line(f"{type(err).__name__}: {err}")
                finally:
                    setup.saving.set()

            return TrainingJob(setup.config, pool.submit(train_task, setup.config.key(), None, False)).start(save)

        return make

    def failed(i: int, setup: _Setup, why: str) -> None:
        setup.outcome, setup.detail = "failed", _one_line(why)
        out.line(f"[{i}/{n}] FAILED {setup.label}: {setup.detail}")

    try:
        for setup in setups:  # every training joins the line now: a pool of several workers trains them side by side
            setup.job = board.job(setup.config.key(), maker(setup))  # a saved run loads instead (make not called)
        for i, setup in enumerate(setups, 1):
            status, began = setup.job.status(), time.monotonic()
            if not setup.trained:
                setup.outcome = "saved"
                out.line(f"[{i}/{n}] already saved: {setup.label}")
                continue
            while not status.finished:
                out.bar(*_bar_parts(i, n, setup, status, began))
                setup.job.wait_for_change(status, 0.5)
                status = setup.job.status()
            if status.state != "done":
                failed(i, setup, status.error or f"training {status.state}")
                continue
            setup.saving.wait()
            if setup.save_error or not saved.persistent or not stored(setup):
                failed(i, setup, f"trained, but not saved: {setup.save_error or 'see the warning above'}")
                continue
            setup.outcome = "trained"
            seconds = getattr(status.run, "timings", {}).get("total", time.monotonic() - began)
            out.line(f"[{i}/{n}] trained {setup.label} in {seconds:.1f} s")
    except KeyboardInterrupt:
        done = sum(stored(s) for s in setups)  # finished ones are saved even if not reported yet
        out.line(f"interrupted: {done} of {n} setups saved; run the same command again to train the rest")
        return 130
    finally:
        if pool is not None:
            pool.shutdown()

    for setup in setups:  # a later run pushed out an earlier one: the store was too small for the list
        if setup.outcome in ("trained", "saved") and not stored(setup):
            setup.outcome, setup.detail = "failed", (
                f"saved, then pushed out by later runs (the store keeps {saved.max_runs} runs, "
                f"{saved.max_bytes // 2**20} MB); prewarm fewer setups")
            out.line(f"FAILED {setup.label}: {setup.detail}")
    count = {k: sum(s.outcome == k for s in setups) for k in ("trained", "saved", "failed")}
    repeated = f" ({repeats} repeated preset{'s' if repeats != 1 else ''} skipped)" if repeats else ""
    print(f"prewarm: {count['trained']} trained, {count['saved']} already saved, {count['failed']} failed "
          f"of {n} setup{'s' if n != 1 else ''}{repeated} in {time.monotonic() - start:.1f} s; saved runs: {os.path.abspath(saved.path)}")
    for setup in setups:
        if setup.outcome == "failed":
            print(f"failed: {setup.label}: {setup.detail}")
    return 1 if count["failed"] else 0

if __name__ == "__main__":
    sys.exit(main())
