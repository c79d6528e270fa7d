"""A real server and Debian's Chromium, for the browser tests.

Locally these tests skip (with the reason) when no Chromium is installed; with CI=true they must run.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


def pytest_collection_modifyitems(config, items):
    if chromium_path() or os.environ.get("CI") == "true":
        return  # on CI a missing browser must fail, not skip
    skip = pytest.mark.skip(reason="no Chromium found: apt-get install chromium (CI installs it and runs these)")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    assert path, "CI=true but no Chromium is installed: .ci/run should have installed Debian's chromium"
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, port: int, data: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """A real server whose saved runs live in ``data`` (a fresh folder: no run saved by an earlier test run)."""
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
           f"--server.port={port}", "--browser.gatherUsageStats=false"]
    env = {**os.environ, "LSTM_TRACE_DATA": str(data)}
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not answer on port {port}: {proc.stderr.read().decode()[-2000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    port = free_port()
    proc = start_server(ROOT / "streamlit_app.py", port, tmp_path_factory.mktemp("runs"))
    yield proc, f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def app_url(server):
    return server[1]
