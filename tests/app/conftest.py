"""The page through Streamlit's AppTest: real training on small or default configs, no mocks. The helpers
here drive it as a learner does (open a tab, set the form, press Train) and wait for its trainings."""

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support import ROOT

APP = str(ROOT / "streamlit_app.py")
TIMEOUT = 180  # the first run imports TensorFlow and trains
WAITING = ("Comparison models queued", "Training the shuffled ", "Training the whole-window Dense model")


SAVED_DEFAULT: dict[str, bytes] = {}  # the default run as the saved runs hold it, kept from the first test that trained it


@pytest.fixture(autouse=True)
def fresh_caches(request):
    """Every test starts with no run trained or saved (a cleared board cancels what it still trains), except
    the default run, which a first visit asks for: it is trained once per test process and then found among
    the saved runs, as after a server restart, unless the test is marked ``cold`` (it watches the default
    run train). Only the worker pool (a warm worker) carries over too, so each test does not wait for
    TensorFlow to load again. The live sessions carry over: AppTest gives every app the same session id, so
    session_id() (a session resource) is made once per test process, and a fresh LiveSessions would count
    that session as gone and give up whatever it waits for."""
    from app import resources
    from lstm_core.config import LSTMConfig
    from lstm_core.data.keys import run_key
    from lstm_core.serving.trainer import RUNS

    st.cache_data.clear()
    for shared in (resources.job_board, resources.saved_runs):
        shared.clear()
    key = f"{RUNS}|{run_key(LSTMConfig())}"  # JobBoard.saved_key of the default run
    if SAVED_DEFAULT and "cold" not in request.keywords:
        resources.saved_runs().put(key, SAVED_DEFAULT[key], {"kind": RUNS})
    yield
    if not SAVED_DEFAULT and (blob := resources.saved_runs().get(key)) is not None:
        SAVED_DEFAULT[key] = blob


def trainer(at: AppTest):
    """The session's SessionTrainer."""
    from app.session import TRAINER

    return at.session_state[TRAINER]


def shown(at: AppTest):
    """The run on screen."""
    return trainer(at).run


def settle(at: AppTest) -> AppTest:
    """Rerun until nothing this session waits for is still training. The page waits in fragments on a
    timer, which AppTest does not run: each rerun reads the jobs afresh, as the timer would."""
    deadline = time.monotonic() + TIMEOUT
    while trainer(at).pending is not None or any(i.value.startswith(WAITING) for i in at.info):
        assert time.monotonic() < deadline, "waited too long for a training"
        time.sleep(0.1)
        at.run()
    assert not at.exception, at.exception
    return at


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return settle(at)


def preset_app(**params) -> AppTest:
    """A first visit through a link with these URL parameters."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return settle(at)


def show(at: AppTest, tab: str) -> AppTest:
    """Open a tab (tabs are lazy: only the open one runs)."""
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def skip_prediction(at: AppTest, prefix: str) -> AppTest:
    """Press Skip on the open question whose key starts with ``prefix`` ("params", "whatif", "force")."""
    at.button(key=next(b.key for b in at.button if b.key and b.key.startswith(f"skip-{prefix}"))).click()
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def pipeline(at: AppTest) -> str:
    """The Pipeline tab's text (the page opens on Training), its parameter ledger shown: the prediction
    before it skipped, if still open."""
    show(at, "Pipeline")
    if any(b.key and b.key.startswith("skip-params") for b in at.button):
        skip_prediction(at, "params")
    return texts(at)


def train_with(at: AppTest, **values) -> None:
    """Set the form's sliders and number boxes, press Train and wait for the run."""
    for key, value in values.items():
        widget = next(w for w in (*at.sidebar.slider, *at.sidebar.number_input) if w.key == key)
        widget.set_value(value)
    at.button(key="train").click()
    at.run()
    settle(at)
