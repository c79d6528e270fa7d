"""A real server and Debian's Chromium, for the browser tests (the helpers are in tests/support/server.py,
shared with the benchmarks).

Locally these tests skip (with the reason) when no Chromium is installed; with CI=true they must run.
"""

import os

import pytest

from tests.support import ROOT
from tests.support.server import CHROMIUM_ARGS, chromium_path, streamlit_server


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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A real server whose saved runs live in a fresh folder (no run saved by an earlier test run)."""
    runs, log = tmp_path_factory.mktemp("runs"), tmp_path_factory.mktemp("server") / "stderr.log"
    with streamlit_server(ROOT / "streamlit_app.py", env={"LSTM_TRACE_DATA": str(runs)}, log=log) as running:
        yield running.proc, running.url


@pytest.fixture(scope="session")
def app_url(server):
    return server[1]
