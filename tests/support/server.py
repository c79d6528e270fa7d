"""A real Streamlit server and Debian's Chromium, for the browser tests (tests/e2e) and the benchmarks.

Standard library only: the benchmarks import this without pytest (benchmarks/harness.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
STREAMLIT_RUN = (sys.executable, "-m", "streamlit", "run")


def chromium_path() -> str | None:
    """Debian's chromium (Playwright cannot download browsers here), or None."""
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _said(log: Path | None) -> str:
    """The end of what the server wrote on stderr, if it went to a log file."""
    try:
        return log.read_text(errors="replace")[-2000:] if log else ""
    except OSError:
        return ""


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 60, log: Path | None = None) -> float:
    """Poll /_stcore/health; returns the perf_counter time at which it first answered ok. Raises
    RuntimeError (with the end of ``log``, the server's stderr) if the server exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {_said(log)}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return time.perf_counter()
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no health answer on port {port} in {timeout:g} s: {_said(log)}")


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    """Terminate the server (it ends its worker processes), and kill it if it has not ended in ``timeout``."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Server(NamedTuple):
    url: str
    proc: subprocess.Popen
    healthy: float  # perf_counter time of the first ok health answer


@contextmanager
def streamlit_server(script: Path, env: dict[str, str] | None = None, args: Sequence[str] = (),
                     launcher: Sequence[str] = STREAMLIT_RUN, log: Path | None = None,
                     timeout: float = 60) -> Iterator[Server]:
    """``streamlit run script`` on a free port, in the script's folder, headless; yields a Server once it
    answers its health check, and stops it on leaving.

    ``env`` is added to this process's environment for the server (and so for its workers), e.g.
    ``{"LSTM_TRACE_DATA": folder}``: without it the server keeps its saved runs in the user's cache folder,
    where an earlier run may already have saved the very config a test or benchmark means to train.
    ``args`` go after the server options (``--server.disconnectedSessionTTL=5``, say). ``launcher`` is the
    command that takes the script and the options in place of ``streamlit run``. The server's stderr goes to
    ``log`` if given (a pipe nobody reads could fill and stall the server), else nowhere."""
    port = free_port()
    cmd = [*launcher, str(script), "--server.headless=true", f"--server.port={port}",
           "--browser.gatherUsageStats=false", *args]
    with open(log, "w") if log else open(os.devnull, "w") as stderr:
        proc = subprocess.Popen(cmd, cwd=script.parent, stdout=subprocess.DEVNULL, stderr=stderr,
                                env={**os.environ, **env} if env else None)
        try:
            healthy = wait_healthy(port, proc, timeout, log)
            yield Server(f"http://127.0.0.1:{port}", proc, healthy)
        finally:
            stop(proc)
