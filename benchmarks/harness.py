"""Shared by the benchmarks: a real Streamlit server, Debian's Chromium, and the memory of the server and
of its worker processes (read from /proc: Linux only, like the rest of the benchmarks). The server and the
browser's path and flags come from tests/support/server.py, which the browser tests use too."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))  # for tests.support.server

from tests.support.server import CHROMIUM_ARGS, chromium_path, streamlit_server  # noqa: E402

SERVE = Path(__file__).with_name("serve.py")


@contextmanager
def server(script: Path, log_path: Path | None = None, env: dict[str, str] | None = None, args: tuple[str, ...] = ()):
    """Start `streamlit run script` (through serve.py, which logs lstm_core's trainings to ``log_path``);
    yield (url, proc, t_healthy). ``env`` and ``args`` as for tests.support.server.streamlit_server: give
    ``{"LSTM_TRACE_DATA": folder}``, or the server may find the config a benchmark means to train already
    saved in the user's cache folder."""
    with streamlit_server(script, env=env, args=args, launcher=(sys.executable, str(SERVE)), log=log_path) as running:
        yield running


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB; 0 if it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
    except OSError:
        return 0.0


def descendants(pid: int) -> list[int]:
    """Every living descendant of pid (children, their children, ...), from the ppid in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()  # the name in parentheses may hold spaces
        except (OSError, IndexError):
            continue  # gone meanwhile
        if fields[0] != "Z":  # a zombie holds no memory
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def cpu_seconds(pid: int, reaped: bool = False) -> float:
    """CPU time the process has used so far (user + system), in seconds; 0 if it has gone. With
    ``reaped``, also that of its children that have ended and been waited for."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15 if reaped else 13]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by: the server process itself; its workers (its descendants, those that
    ended included); Chromium (this process's descendants outside the server's tree: Playwright's driver
    and the browser); and the whole machine (/proc/stat, every process's). Also the time the server's
    threads spent ready to run but waiting for a core (/proc/<pid>/task/*/schedstat): a server starved of
    CPU, not busy with it. Differences of two snapshots over the time between them say who used the cores."""
    server_tree = {server_pid, *descendants(server_pid)}
    ours = [pid for pid in descendants(os.getpid()) if pid not in server_tree]
    with open("/proc/stat") as stat:
        jiffies = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(jiffies) - jiffies[3] - jiffies[4]  # all but idle and iowait
    server = cpu_seconds(server_pid)
    waited = 0.0  # seconds the server's threads spent runnable but waiting for a core (schedstat, ns)
    try:
        for tid in os.listdir(f"/proc/{server_pid}/task"):
            try:
                with open(f"/proc/{server_pid}/task/{tid}/schedstat") as stat:
                    waited += int(stat.read().split()[1]) / 1e9
            except (OSError, IndexError, ValueError):
                pass  # a thread that ended
    except OSError:
        pass
    return {"server": server, "server_waiting": waited,
            "workers": cpu_seconds(server_pid, reaped=True) - server + sum(cpu_seconds(p, True) for p in server_tree - {server_pid}),
            "chromium": sum(cpu_seconds(p, True) for p in ours),
            "machine": busy / os.sysconf("SC_CLK_TCK"),
            "at": time.time()}


def cpu_shares(before: dict[str, float], after: dict[str, float]) -> str:
    """Who used the cores between two cpu_snapshot()s, in cores (2.00 = both cores of this machine, busy)."""
    span = after["at"] - before["at"]
    share = {k: (after[k] - before[k]) / span for k in ("server", "server_waiting", "workers", "chromium", "machine")}
    others = share["machine"] - share["server"] - share["workers"] - share["chromium"]
    return (f"server {share['server']:.2f}, its workers {share['workers']:.2f}, Chromium {share['chromium']:.2f}, "
            f"everything else on the machine {max(others, 0):.2f}, of {os.cpu_count()} cores over {span:.0f} s; "
            f"the server's threads were ready to run but waiting for a core {share['server_waiting']:.2f} thread-s a second")


class Sample(NamedTuple):
    t: float  # Unix time
    server: float  # the server's VmRSS, MB
    total: float  # VmRSS summed over the server and all its descendants, MB
    workers: dict[int, float]  # worker pid -> VmRSS, MB
    others: dict[int, float]  # any other descendant of the server: pid -> VmRSS, MB


def is_worker(command: str) -> bool:
    """A training worker (lstm_core.serving.workers starts them with ``python -c "... lstm_core ... _serve(fd)"``)."""
    return "lstm_core" in command and "_serve" in command


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class MemorySampler:
    """Samples, every ``interval`` seconds in a thread, the server's VmRSS and the sum of VmRSS over the
    server and all its descendants (the training workers). Each sample is a Sample (its time is wall
    time, to line up with the server log's timestamps). Use as a context manager; ``sample()`` takes one
    more at once."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._lock = threading.Lock()
        self._workers: dict[int, bool] = {}  # pid -> is it a worker (by its command line)
        self.names: dict[int, str] = {}  # pid -> command line, of every descendant seen

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> Sample:
        now, server = time.time(), rss_mb(self.pid)
        kids = {pid: rss_mb(pid) for pid in descendants(self.pid)}
        for pid in kids:  # a "no" is asked again: just after the fork, the command line is still the server's
            if not self._workers.get(pid):
                self._workers[pid] = is_worker(cmdline(pid))
                self.names[pid] = cmdline(pid)
        workers = {pid: mb for pid, mb in kids.items() if self._workers.get(pid)}
        others = {pid: mb for pid, mb in kids.items() if not self._workers.get(pid)}
        sample = Sample(now, server, server + sum(kids.values()), workers, others)
        with self._lock:
            self.samples.append(sample)
        return sample

    def worker_pids(self) -> list[int]:
        """Every worker pid seen so far, in the order first seen."""
        with self._lock:
            return list(dict.fromkeys(pid for sample in self.samples for pid in sample.workers))

    def first_seen(self) -> dict[int, float]:
        """Worker pid -> wall time of the first sample that saw it."""
        seen: dict[int, float] = {}
        with self._lock:
            for t, _, _, workers, _ in self.samples:
                for pid in workers:
                    seen.setdefault(pid, t)
        return seen


@contextmanager
def chromium():
    with browsers(0) as (browser,):
        yield browser


def _sessions() -> set[int]:
    """The session ids of every process now running."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                found.add(os.getsid(int(entry)))
            except OSError:
                pass
    return found


def _lower_priority(sessions: set[int], nice: int) -> None:
    """Gives these sessions (a browser and everything it starts later) the lowest CPU share. Linux
    schedules each session as a group ("autogroup") and Chromium resets its processes' own nice values,
    so the group's nice is the one that counts; without autogroups, each process is reniced instead."""
    for sid in sessions:
        try:
            with open(f"/proc/{sid}/autogroup", "w") as group:
                group.write(str(nice))
        except OSError:
            try:
                os.setpriority(os.PRIO_PGRP, sid, nice)
            except OSError:
                pass


@contextmanager
def browsers(*nices: int):
    """Headless Chromium browsers, one per priority given. A ``nice`` > 0 runs that browser (and every
    renderer it starts) at a lower CPU priority: pages that stand for other people's computers then take
    only the CPU the server and its workers leave."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if not path:
        raise SystemExit("benchmarks need Debian's chromium: apt-get install chromium")
    with sync_playwright() as p:
        launched = []
        try:
            for nice in nices:
                before = _sessions()
                launched.append(p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS))
                if nice:
                    _lower_priority(_sessions() - before, nice)
            yield launched
        finally:
            for browser in launched:
                browser.close()


LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d{3}) (\S+) (.*)$")
TASK_LINE = re.compile(r"^task (\w+): (\S+) on worker (\d+): (.*)$")


def log_time(stamp: str, millis: str) -> float:
    """serve.py's asctime (local time) as a Unix time, to line up with time.time()."""
    return time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000


def task_events(log_text: str) -> list[tuple[float, str, str, int, str]]:
    """serve.py's task lines: (Unix time, "started" or an outcome, task name, worker pid, config key)."""
    events = []
    for line in log_text.splitlines():
        if (m := LOG_LINE.match(line)) and m[3] == "benchmarks.serve" and (t := TASK_LINE.match(m[4])):
            events.append((log_time(m[1], m[2]), t[1], t[2], int(t[3]), t[4]))
    return events


def worker_ready(log_text: str) -> dict[int, float]:
    """Worker pid -> seconds from its start until its warm-up (TensorFlow's import) was done, as
    lstm_core.serving.workers logs it. The line is written when the server reads the worker's message, which it
    does only once it gives the worker a task: a worker that never got one has no line."""
    ready = {}
    for line in log_text.splitlines():
        if (m := LOG_LINE.match(line)) and (r := re.match(r"worker (\d+) ready in ([\d.]+) s", m[4])):
            ready[int(r[1])] = float(r[2])
    return ready


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
