"""Promises of the whole page: its first visit, its tabs, what it imports, and that TensorFlow stays in the workers."""

import subprocess
import sys
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.formats import literal
from tests.app.conftest import APP, TIMEOUT, new_app, pipeline, settle, show, shown, train_with, trainer
from tests.support import ROOT


def test_default_run_completes_and_shows_the_seed_data_flow():
    at = new_app()
    assert at.title[0].value == "LSTM Pipeline Trace"
    assert at.session_state["tab"] == "Training"  # a first visit watches its run without a click
    table = at.table[0].value
    assert list(table.columns) == ["Epoch", "Loss", "Accuracy", "Val loss", "Val accuracy", "Observation"]
    assert list(table["Epoch"]) == [1, 2, 3, 4, 5]
    assert table["Observation"].str.len().min() > 20
    run = shown(at)
    assert at.metric[0].value == f"{run.history['loss'].iloc[-1]:.3f}"  # from the live model, not hard-coded
    assert [m.label for m in at.metric][:4] == ["Final loss", "Final accuracy", "Final val loss", "Final val accuracy"]
    page = pipeline(at)
    assert "1000 sequences x 10 timesteps x 5 features" in page
    assert "→ **1000 sequences x 20 units**" in page and "→ **1000 sequences x 1 output**" in page
    ledger = at.table[0].value
    assert ("4 weight blocks (3 gates and the candidate) x 20 units x (5 features + 20 recurrent inputs h(t-1) + 1 bias) "
            "= 2,080") in list(ledger["Formula"])


@pytest.mark.cold
def test_the_first_run_shows_its_training_and_the_other_tabs_wait_for_it():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    assert trainer(at).pending is not None and shown(at) is None
    progress = at.tabs[1].get("progress")[0].proto.text
    assert progress.startswith(("Queued", "Starting: building a 20-unit LSTM", "Training 20 units: epoch"))
    # Start here comes first and can fill a phone's screen: the tab's first line says where the progress is
    assert at.tabs[1].caption[0].value == "Training a 20-unit LSTM: its progress and each epoch appear below Start here."
    assert at.tabs[1].expander[0].label.startswith("Start here")
    show(at, "Pipeline")
    if trainer(at).pending is not None:  # unless it ended meanwhile: a status line above, a note in the tab
        assert at.tabs[0].info[0].value == "The first run is training: watch it learn in the Training tab."
        assert at.main.info[0].value.startswith(("Queued", "Starting", "Training 20 units"))
    settle(at)
    assert shown(at).config.units == 20 and "1000 sequences x 20 units" in pipeline(at)


def test_every_tab_renders():
    import json

    at = new_app()
    assert [t.label for t in at.tabs] == ["Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare"]
    training = at.tabs[1]  # the page opens on Training
    assert len(training.table) == 1
    assert not at.tabs[0].table  # lazy: a closed tab sends nothing
    specs = [json.loads(chart.proto.spec) for chart in training.get("vega_lite_chart")]
    assert [spec.get("title") for spec in specs[2:4]] == ["Loss", "Accuracy"]  # after Start here's two examples
    assert "Trained 5 of 5 epochs" in training.get("progress")[0].proto.text
    trace = show(at, "Prediction trace").tabs[2]
    assert "Layer 1" in "".join(m.value for m in trace.markdown)
    assert trace.radio(key="gate").options[0] == "Input gate (i)"
    quiz = show(at, "Quiz").tabs[4]
    assert "What does the LSTM layer output represent?" in "".join(m.value for m in quiz.markdown)
    pipeline_tab = show(at, "Pipeline").tabs[0]
    assert not pipeline_tab.table and "Key insight" in pipeline_tab.info[0].value  # the ledger waits for a prediction
    pipeline(at)
    assert len(at.tabs[0].table) == 1


def test_a_second_session_reuses_the_cached_run():
    first = new_app()
    second = AppTest.from_file(APP, default_timeout=TIMEOUT)
    second.run()
    assert shown(second) is shown(first)  # trained once, shared
    assert trainer(second).pending is None  # shown in the first script run, with no rerun


def test_a_finished_run_leaves_nothing_waited_for():
    at = new_app()
    train_with(at, units=6, epochs=2)
    assert shown(at).config.units == 6 and trainer(at).pending is None
    train_with(at, units=6, epochs=2)  # asking again for the run on screen trains nothing
    assert shown(at).config.units == 6 and trainer(at).pending is None


def test_a_session_keeps_its_training_state_under_one_key():
    at = new_app()
    train_with(at, units=6, epochs=2)
    left = {"pending", "pending_data", "baseline", "run", "failed"} & set(at.session_state)
    assert not left and not [k for k in at.session_state if str(k).startswith("order-")]


def loaded_by_page_imports(*modules: str, also: str = "") -> list[str]:
    """Which of these modules the page's top-level imports (and ``also``) load, in a fresh interpreter."""
    code = (
        "import ast, sys\n"
        "tree = ast.parse(open('streamlit_app.py').read())\n"
        "for node in tree.body:\n"
        "    if isinstance(node, (ast.Import, ast.ImportFrom)):\n"
        "        exec(compile(ast.Module([node], []), 'app', 'exec'))\n"
        f"{also}\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return eval(out.stdout)


def test_the_page_paints_before_pandas_loads():
    """Importing pandas costs about 0.4 s on a cold server: the page's own imports (its views and sidebar
    among them) must not need it."""
    loaded = loaded_by_page_imports("pandas", "altair", "app.sidebar", "app.views.trace")
    assert loaded == ["app.sidebar", "app.views.trace"]  # the views are imported, pandas and Altair are not


def test_what_the_page_imports_before_training_does_not_load_tensorflow():
    """The title and sidebar paint before TensorFlow loads: the page's top-level imports stay TF-free."""
    page_modules = "import lstm_core.present.tables, lstm_core.present.charts, lstm_core.teaching.quiz, lstm_core.teaching.insights, lstm_core.teaching.stages"
    assert loaded_by_page_imports("tensorflow", "keras", also=page_modules) == []


SERVER_PROBE = """
import sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=180)
at.run()
while at.session_state["trainer"].pending is not None:  # the page waits in a fragment, which AppTest does not run
    time.sleep(0.1)
    at.run()
for tab in ("Pipeline", "Training", "Prediction trace", "Quiz", "Compare"):
    at.session_state["tab"] = tab
    at.run()
at.session_state["tab"] = "Training"
at.run()
at.button(key="order").click().run()
while any(i.value.startswith(("Comparison models", "Training the")) for i in at.info):
    time.sleep(0.1)
    at.run()
assert not at.exception, at.exception
assert at.session_state["trainer"].run.history["val_accuracy"].iloc[-1] > 0.9
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")))
"""


def test_the_server_never_imports_tensorflow():
    """Training, the comparison models and every tab run with TensorFlow only in the worker processes.
    A fresh interpreter: this test process imported Keras long ago."""
    done = subprocess.run([sys.executable, "-c", SERVER_PROBE.format(app=APP)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_literal_escapes_what_streamlit_markdown_would_read():
    assert literal("*a* $b$ :red[c] <b>d</b> 1.5 x_y") == r"\*a\* \$b\$ \:red\[c\] \<b\>d\</b\> 1\.5 x\_y"
    assert literal("plain words") == "plain words"


def test_the_server_config_hides_errors_and_caps_uploads_as_the_parser_does():
    """.streamlit/config.toml: learners never see a stack trace, and an upload the parser would refuse
    for its size is refused by the server first."""
    from lstm_core.data.csvfile import MAX_BYTES

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none" and config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES
    assert config["runner"]["magicEnabled"] is False  # a bare expression in a view is never written to the page


def test_each_view_ends_with_one_next_line_that_points_along_the_path():
    """Five tabs of equal weight become a path: each view's last line says what to do next."""
    from lstm_core.teaching.path import NEXT

    at = new_app()

    def next_lines(tab: str) -> list[str]:
        show(at, tab)
        panel = at.tabs[["Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare"].index(tab)]
        lines = [m.value for m in panel.markdown if m.value.startswith("**Next:**")]
        assert len(lines) <= 1 and (not lines or panel.markdown[-1].value == lines[0]), lines  # one, and last
        return lines

    assert next_lines("Training") == [f"**Next:** {NEXT['training-unordered']}"]  # the order test comes first
    assert next_lines("Pipeline") == [f"**Next:** {NEXT['pipeline']}"]
    assert next_lines("Prediction trace") == [f"**Next:** {NEXT['trace']}"]
    assert next_lines("Quiz") == [f"**Next:** {NEXT['quiz']}"]
    assert next_lines("Compare") == []  # one run: Compare's own suggestion says what to vary
