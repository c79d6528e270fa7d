"""Shared by the benchmarks: a real Streamlit server, Debian's Chromium, and the memory of the server and
of its worker processes (read from /proc: Linux only, like the rest of the benchmarks)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SERVE = Path(__file__).with_name("serve.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60) -> float:
    """Poll /_stcore/health; returns the perf_counter time at which it first answered ok."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return time.perf_counter()
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no health answer on port {port}")


@contextmanager
def server(script: Path, log_path: Path | None = None, env: dict[str, str] | None = None):
    """Start `streamlit run script` (through serve.py, which logs lstm_core's trainings); yield (url, proc, t_healthy).

    ``env`` is added to this process's environment for the server (and so for its workers), e.g.
    ``{"LSTM_TRACE_DATA": folder}``. Without it the server keeps its saved runs in the user's cache folder,
    where an earlier run may already have saved the very config a benchmark means to train."""
    port = free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    cmd = [sys.executable, str(SERVE), str(script), "--server.headless=true", f"--server.port={port}",
           "--browser.gatherUsageStats=false"]
    proc = subprocess.Popen(cmd, cwd=script.parent, stdout=subprocess.DEVNULL, stderr=log,
                            env={**os.environ, **env} if env else None)
    try:
        healthy = wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}", proc, healthy
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


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


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class MemorySampler:
    """Samples, every ``interval`` seconds in a thread, the server's VmRSS and the sum of VmRSS over the
    server and all its descendants (the training workers). Each sample is
    ``(wall time, server MB, all processes MB, {worker pid: MB})``; wall time, to line up with the
    server log's timestamps. Use as a context manager; ``sample()`` takes one more at once."""

    def __init__(self, pid: int, interval: float = 0.5):
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float, float, dict[int, float]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._lock = threading.Lock()
        self._workers: dict[int, bool] = {}  # pid -> is it a worker (its command line, read once)

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

    def sample(self) -> tuple[float, float, float, dict[int, float]]:
        now, server = time.time(), rss_mb(self.pid)
        kids = {pid: rss_mb(pid) for pid in descendants(self.pid)}
        for pid in kids:
            if pid not in self._workers:
                self._workers[pid] = "lstm_core.workers" in cmdline(pid)
        workers = {pid: mb for pid, mb in kids.items() if self._workers.get(pid)}
        sample = (now, server, server + sum(kids.values()), workers)
        with self._lock:
            self.samples.append(sample)
        return sample

    def worker_pids(self) -> list[int]:
        """Every worker pid seen so far, in the order first seen."""
        with self._lock:
            return list(dict.fromkeys(pid for *_, workers in self.samples for pid in workers))

    def first_seen(self) -> dict[int, float]:
        """Worker pid -> wall time of the first sample that saw it."""
        seen: dict[int, float] = {}
        with self._lock:
            for t, *_, workers in self.samples:
                for pid in workers:
                    seen.setdefault(pid, t)
        return seen


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise SystemExit("benchmarks need Debian's chromium: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
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
    lstm_core.workers logs it. The line is written when the server reads the worker's message, which it
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
