"""The page through Streamlit's AppTest: real training on small or default configs, no mocks."""

import json
import re
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lstm_core.formats import literal
from lstm_core.teaching.quiz import draw_quiz
from lstm_core.tracing.trace import trace_sample

APP = "../streamlit_app.py"
TIMEOUT = 180  # the first run imports TensorFlow and trains


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts with no run trained or saved; only the worker pool (a warm worker, whatever it
    trained before) carries over, so each test does not wait for TensorFlow to load again."""
    from app import resources

    st.cache_data.clear()
    for shared in (resources.job_board, resources.saved_runs, resources.live_sessions):
        shared.clear()
    yield


WAITING = ("Comparison models queued", "Training the shuffled LSTM", "Training the whole-window Dense model")


def settle(at: AppTest) -> AppTest:
    """Rerun until nothing this session waits for is still training. The page waits in fragments on a
    timer, which AppTest does not run: each rerun reads the jobs afresh, as the timer would."""
    deadline = time.monotonic() + TIMEOUT
    while "pending" in at.session_state or any(i.value.startswith(WAITING) for i in at.info):
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


def show(at: AppTest, tab: str) -> AppTest:
    """Open a tab (tabs are lazy: only the open one runs)."""
    at.session_state["tab"] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def pipeline(at: AppTest) -> str:
    """The Pipeline tab's text (the page opens on Training)."""
    return texts(show(at, "Pipeline"))


def train_with(at: AppTest, **values) -> None:
    for key, value in values.items():
        widget = next(w for w in (*at.sidebar.slider, *at.sidebar.number_input) if w.key == key)
        widget.set_value(value)
    at.button(key="train").click()
    at.run()
    settle(at)


def test_default_run_completes_and_shows_the_seed_data_flow():
    at = new_app()
    assert at.title[0].value == "LSTM Pipeline Trace"
    assert at.session_state["tab"] == "Training"  # a first visit watches its run without a click
    table = at.table[0].value
    assert list(table.columns) == ["Epoch", "Loss", "Accuracy", "Val loss", "Val accuracy", "Observation"]
    assert list(table["Epoch"]) == [1, 2, 3, 4, 5]
    assert table["Observation"].str.len().min() > 20
    run = at.session_state["run"]
    assert at.metric[0].value == f"{run.history['loss'].iloc[-1]:.3f}"  # from the live model, not hard-coded
    assert [m.label for m in at.metric][:4] == ["Final loss", "Final accuracy", "Final val loss", "Final val accuracy"]
    page = pipeline(at)
    assert "1000 sequences x 10 timesteps x 5 features" in page
    assert "→ **1000 sequences x 20 units**" in page and "→ **1000 sequences x 1 output**" in page
    ledger = at.table[0].value
    assert ("4 weight blocks (3 gates and the candidate) x 20 units x (5 features + 20 recurrent inputs h(t-1) + 1 bias) "
            "= 2,080") in list(ledger["Formula"])


def test_units_32_and_train_changes_the_shapes_and_the_table():
    at = new_app()
    train_with(at, units=32, epochs=3)
    assert not at.exception
    assert list(at.table[0].value["Epoch"]) == [1, 2, 3]
    assert "1000 sequences x 32 units" in pipeline(at)
    assert at.session_state["run"].config.units == 32


def test_moving_a_slider_without_train_does_not_retrain():
    at = new_app()
    before = at.session_state["run"]
    at.sidebar.slider(key="units").set_value(40)
    at.run()
    assert at.session_state["run"] is before
    page = pipeline(at)
    assert "1000 sequences x 20 units" in page and "1000 sequences x 40 units" not in page


def test_invalid_advanced_value_shows_the_error_and_keeps_the_old_results():
    at = new_app()
    before = at.session_state["run"]
    train_with(at, units=256, epochs=100, sequences=20000)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "work cap" in errors[0] and "30 s" in errors[0]
    assert at.session_state["run"] is before
    assert "1000 sequences x 20 units" in pipeline(at)
    train_with(at, units=8, epochs=2, timesteps=10, sequences=1000)  # and the app keeps working
    assert not at.error and "1000 sequences x 8 units" in pipeline(at)


@pytest.mark.parametrize("field,value,message", [
    ("learning_rate", 5.0, "Learning rate = 5.0 is out of range; allowed: 1e-05 to 1."),
    ("sequences", 50000, "Sequences = 50000 is out of range; allowed: 10 to 20000."),
    ("batch_size", 0, "Batch size = 0 is out of range; allowed: 1 to 1024."),
])
def test_an_out_of_range_advanced_number_is_named_not_silently_dropped(field, value, message):
    """The number boxes have no min or max: the browser used to refuse such an entry without a word,
    and Train then trained the old values as if nothing had been typed."""
    at = new_app()
    before = at.session_state["run"]
    train_with(at, **{field: value})
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and literal(message) in errors[0], errors  # shown as typed
    assert at.session_state["run"] is before


def test_every_tab_renders():
    at = new_app()
    assert [t.label for t in at.tabs] == ["Pipeline", "Training", "Prediction trace", "Quiz", "Compare"]
    training = at.tabs[1]  # the page opens on Training
    assert len(training.table) == 1
    assert not at.tabs[0].table  # lazy: a closed tab sends nothing
    specs = [json.loads(chart.proto.spec) for chart in training.get("vega_lite_chart")]
    assert [spec["title"] for spec in specs[:2]] == ["Loss", "Accuracy"]  # side by side, each as wide as its column
    assert "Trained 5 of 5 epochs" in training.get("progress")[0].proto.text
    trace = show(at, "Prediction trace").tabs[2]
    assert "Layer 1" in "".join(m.value for m in trace.markdown)
    assert trace.radio(key="gate").options[0] == "Input gate (i)"
    quiz = show(at, "Quiz").tabs[3]
    assert "What does the LSTM layer output represent?" in "".join(m.value for m in quiz.markdown)
    pipeline_tab = show(at, "Pipeline").tabs[0]
    assert len(pipeline_tab.table) == 1 and "Key insight" in pipeline_tab.info[0].value


def test_gate_inspector_and_numpy_check():
    at = show(new_app(), "Prediction trace")
    at.radio(key="gate").set_value("forget_gate")
    at.run()
    captions = " ".join(c.value for c in at.tabs[2].caption)
    assert "Forget gate f (0 to 1)" in captions
    diff = re.search(r"largest difference (\d\.\de[+-]\d+)", captions)
    assert diff and float(diff.group(1)) < 1e-5
    at.number_input(key="sample").set_value(7)
    at.run()
    assert not at.exception
    run = at.session_state["run"]
    assert at.tabs[2].metric[2].value == str(int(run.dataset.y[7]))
    score = at.tabs[2].metric[0].value
    at.number_input(key="sample").set_value(1000)  # one past the last: named, and sample 7 stays
    at.run()
    assert not at.exception and [e.value for e in at.error] == [
        "Sample (which sequence to trace): 1000 is out of range; allowed: 0 to 999. Showing 7 instead."]
    assert at.tabs[2].metric[0].value == score
    at.number_input(key="sample").set_value(900).run()
    train_with(at, sequences=100, epochs=1)  # a smaller run: the kept sample moves inside its range, no error
    show(at, "Prediction trace")
    assert not at.error and at.number_input(key="sample").value == 99


def _quiz(at: AppTest):
    if at.session_state["tab"] != "Quiz":
        show(at, "Quiz")
    run = at.session_state["run"]
    return run, draw_quiz(run, trace_sample(run, 0), seed=at.session_state["quiz_seed"])


def test_quiz_all_right_scores_n_of_n():
    at = new_app()
    _, questions = _quiz(at)
    for q in questions:
        next(r for r in at.radio if r.key and r.key.endswith("-" + q.id)).set_value(q.answer)
    at.button(key="check").click()
    at.run()
    assert at.tabs[3].metric[0].value == f"{len(questions)} / {len(questions)}"
    assert len(at.success) == len(questions) and not at.error


def test_quiz_wrong_answer_shows_its_explanation():
    at = new_app()
    _, questions = _quiz(at)
    seed_q = questions[0]
    next(r for r in at.radio if r.key.endswith("-seed")).set_value(seed_q.options.index("Final prediction score"))
    at.button(key="check").click()
    at.run()
    first = at.error[0].value
    assert first.startswith("**Question 1: incorrect.**") and "comes from the Dense layer" in first
    assert at.tabs[3].metric[0].value.startswith("0 / ")
    unanswered = [w.value for w in at.tabs[3].warning]
    assert len(unanswered) == len(questions) - 1 and unanswered[0].startswith("**Question 2: not answered.**")


def test_the_quiz_works_when_units_equal_features():
    """Two distractors used to coincide (return_sequences vs input shape), leaving 3 options: IndexError."""
    at = preset_app(units="4", features="4", epochs="2", sequences="200")
    run, questions = _quiz(at)
    assert (run.config.units, run.config.features) == (4, 4)
    radios = [r for r in at.radio if r.key and r.key.startswith("quiz-")]
    assert len(radios) == len(questions) and all(len(r.options) == 4 for r in radios)
    shape = next(r for r in radios if r.key.endswith("-gen-shape"))
    assert any(o.endswith(". 200 sequences x 4 units") for o in shape.options)


def test_new_quiz_draws_again_and_answers_survive_reruns():
    at = new_app()
    run, first = _quiz(at)
    next(r for r in at.radio if r.key.endswith("-seed")).set_value(first[0].answer)
    at.button(key="check").click()
    at.run()
    show(at, "Prediction trace")
    at.radio(key="gate").set_value("cell_state")  # another widget reruns the page
    at.run()
    show(at, "Quiz")
    assert next(r for r in at.radio if r.key.endswith("-seed")).value == first[0].answer  # the answer survives
    assert at.success[0].value.startswith("**Question 1: correct.**")  # and so does its mark
    assert at.tabs[3].metric[0].value == f"1 / {len(first)}"
    at.button(key="new_quiz").click()
    at.run()
    assert at.session_state["quiz_seed"] == 1
    _, second = _quiz(at)
    assert [q.id for q in second] == [q.id for q in draw_quiz(run, trace_sample(run, 0), seed=1)]
    assert second[0].id == "seed" and [q.options for q in second] != [q.options for q in first]
    assert at.session_state["run"] is run  # answering and redrawing never retrain


def test_quiz_follows_a_new_run():
    at = new_app()
    _, before = _quiz(at)
    train_with(at, units=8, epochs=2)
    _, after = _quiz(at)
    param_q = lambda qs: next(q for q in qs if q.id == "gen-params")  # noqa: E731
    assert param_q(before).options[param_q(before).answer] == "2,080"
    assert param_q(after).options[param_q(after).answer] == f"{4 * 8 * (5 + 8 + 1):,}"
    shown = next(r for r in at.radio if r.key.endswith("-gen-params"))
    assert f"{4 * 8 * (5 + 8 + 1):,}" in " ".join(shown.options)


def test_a_second_session_reuses_the_cached_run():
    first = new_app()
    second = AppTest.from_file(APP, default_timeout=TIMEOUT)
    second.run()
    assert second.session_state["run"] is first.session_state["run"]  # trained once, shared


def test_a_finished_run_leaves_no_pending_state_behind():
    at = new_app()
    train_with(at, units=6, epochs=2)
    assert at.session_state["run"].config.units == 6
    assert "pending" not in at.session_state and "pending_data" not in at.session_state
    train_with(at, units=6, epochs=2)  # asking again for the run on screen trains nothing
    assert at.session_state["run"].config.units == 6 and "pending" not in at.session_state


def loaded_by_page_imports(*modules: str, also: str = "") -> list[str]:
    """Which of these modules the page's top-level imports (and ``also``) load, in a fresh interpreter."""
    import subprocess
    import sys

    code = (
        "import ast, sys\n"
        "tree = ast.parse(open('streamlit_app.py').read())\n"
        "for node in tree.body:\n"
        "    if isinstance(node, (ast.Import, ast.ImportFrom)):\n"
        "        exec(compile(ast.Module([node], []), 'app', 'exec'))\n"
        f"{also}\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=__file__.rsplit("/tests/", 1)[0])
    assert out.returncode == 0, out.stderr
    return eval(out.stdout)


def test_what_the_page_imports_before_training_does_not_load_tensorflow():
    """The title and sidebar paint before TensorFlow loads: the page's top-level imports stay TF-free."""
    page_modules = "import lstm_core.present.tables, lstm_core.present.charts, lstm_core.teaching.quiz, lstm_core.teaching.insights, lstm_core.teaching.stages"
    assert loaded_by_page_imports("tensorflow", "keras", also=page_modules) == []


def preset_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return settle(at)


def test_a_preset_url_prefills_the_form_and_trains_it():
    at = preset_app(units="8", epochs="3", timesteps="6", seed="3")
    assert "1000 sequences x 6 timesteps x 5 features" in pipeline(at) and "1000 sequences x 8 units" in texts(at)
    assert at.sidebar.slider(key="units").value == 8 and at.sidebar.number_input(key="seed").value == 3
    assert not at.warning
    assert list(show(at, "Training").table[0].value["Epoch"]) == [1, 2, 3]
    assert not at.sidebar.code  # the share expander is lazy
    at.session_state["share"] = True
    share = [c.value for c in at.run().sidebar.code]
    assert share[0].endswith("?units=8&epochs=3&timesteps=6&seed=3")
    assert share[1].endswith("?units=8&epochs=3&timesteps=6&seed=3&lock=1")


def test_the_default_setup_shares_a_valid_lock_link():
    at = new_app()
    at.session_state["share"] = True
    assert at.run().sidebar.code[1].value.endswith("?lock=1")  # not "&lock=1" on a bare address


def test_the_link_warnings_go_once_the_learner_trains():
    at = preset_app(units="eight", epochs="2", colour="red")
    assert len(at.warning) == 2
    train_with(at, units=6, epochs=2)
    assert not at.warning and at.session_state["run"].config.units == 6


@pytest.mark.parametrize(
    "params,needle,expect",
    [
        ({"units": "8", "colour": "red"}, "Unknown URL parameter 'colour' was ignored", {"units": 8}),
        ({"units": "eight", "epochs": "2"}, "URL parameter units='eight' was not used", {"units": 20, "epochs": 2}),
        ({"units": "0", "epochs": "2"}, "URL parameter units='0' was not used (units = 0 is out of range; allowed: 1 to 256)",
         {"units": 20, "epochs": 2}),
        ({"units": "4", "epochs": "2", "timesteps": "100", "sequences": "20000"},
         "URL parameters units=4, epochs=2, timesteps=100, sequences=20000 together break a cap: data cap",
         {"units": 4, "timesteps": 100, "sequences": 1000}),
    ],
    ids=["unknown", "text", "out-of-range", "over-the-cap"],
)
def test_a_bad_preset_parameter_warns_and_the_rest_applies(params, needle, expect):
    at = preset_app(**params)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and literal(needle) in warnings[0], warnings  # the URL's text shown as typed
    assert "instead" in warnings[0] or "Unknown" in warnings[0]
    run = at.session_state["run"]
    assert {k: getattr(run.config, k) for k in expect} == expect
    assert "Layer 1" in "".join(m.value for m in show(at, "Prediction trace").tabs[2].markdown)  # still working


def test_lock_disables_the_controls():
    at = preset_app(units="4", epochs="2", lock="1")
    assert at.sidebar.slider(key="units").disabled and at.button(key="train").disabled
    assert at.sidebar.radio(key="source").disabled  # the room trains on the lesson's data too
    assert all(at.sidebar.number_input(key=name).disabled for name in ("sequences", "batch_size", "learning_rate", "seed"))
    assert any("locked by the link" in c.value for c in at.sidebar.caption)
    assert "1000 sequences x 4 units" in pipeline(at)


def test_two_trainings_make_two_runs_in_compare_and_remove_clear_work():
    at = new_app()
    train_with(at, units=8, epochs=2)
    show(at, "Compare")
    table = at.tabs[4].table[0].value
    assert list(table["Run"]) == ["default", "units=8, epochs=2"]
    spec = json.loads(at.tabs[4].get("vega_lite_chart")[0].proto.spec)
    assert spec["encoding"]["color"]["field"] == "run"
    runs_before = at.session_state["run"]
    at.selectbox(key="remove_which").set_value("default")
    at.button(key="remove_run").click()
    at.run()
    assert list(at.tabs[4].table[0].value["Run"]) == ["units=8, epochs=2"]
    at.button(key="clear_runs").click()
    at.run()
    assert not at.tabs[4].table and "Runs you train appear here" in at.tabs[4].info[0].value
    assert at.session_state["run"] is runs_before  # comparing never retrains
    at.button(key="readd_run").click()  # Train cannot bring back the run on screen: this button can
    at.run()
    assert list(at.tabs[4].table[0].value["Run"]) == ["units=8, epochs=2"]
    assert "readd_run" not in [b.key for b in at.button]


def test_a_probe_changes_the_shown_prediction():
    at = show(new_app(), "Prediction trace")
    at.selectbox(key="edit").set_value("reverse")
    at.run()
    assert not at.exception
    metrics = {m.label: m for m in at.tabs[2].metric}
    before, after = metrics["Before: score"], metrics["After: score"]
    assert before.value != after.value
    assert "Reversing turns an up-trend into a down-trend" in " ".join(m.value for m in at.tabs[2].markdown)
    at.selectbox(key="edit").set_value("edit")
    at.run()
    box = next(t for t in at.text_input if t.key.startswith("probe_values"))
    box.set_value("1, 2, oops").run()
    assert any("Values must be 5 numbers" in e.value for e in at.error)  # a clear message, still working
    assert not at.exception


def test_the_order_comparison_trains_three_models_and_says_what_each_shows():
    at = show(new_app(), "Training")
    offer = next(c.value for c in at.tabs[1].caption if "time order shuffled" in c.value)
    fit = at.session_state["run"].timings["fit"]  # the same setup again: its length, not 'a few seconds'
    assert offer.endswith(f"took ({fit:.0f} s)).") if fit >= 1.5 else offer.endswith("(a few seconds).")
    assert any(s.value == "Does order matter?" for s in at.tabs[1].subheader)
    at.button(key="order").click()
    settle(at.run())
    values = {m.label: float(m.value) for m in at.tabs[1].metric if m.label.endswith("val accuracy") and ":" in m.label}
    shuffled = values["Same LSTM, time order shuffled: val accuracy"]
    window = values["Whole-window Dense, no memory: val accuracy"]
    assert shuffled < 0.65 and window >= 0.9  # order matters in the data; recurrence is not needed to read it
    said = " ".join(m.value for m in at.tabs[1].markdown)
    assert "can be read without any recurrence" in said and "Shuffling the time order cost the LSTM" in said
    assert "order" not in [b.key for b in at.button]  # clicked once: the button is gone, not offered again
    assert at.session_state["baseline"] == at.session_state["run"].key  # this session waits for those baselines
    show(at, "Pipeline")  # the baselines' tab closed (it would watch them again if open)
    at.button(key="train").click()
    settle(at.run())  # Train on unchanged settings: the run on screen stays, and so do its baselines
    assert at.session_state["baseline"] == at.session_state["run"].key
    train_with(at, epochs=1, units=2)  # another run: the baselines of the one it leaves are no longer waited for
    assert "baseline" not in at.session_state


def test_exports_are_offered_for_the_run():
    at = new_app()
    assert not at.get("download_button")  # a closed expander is lazy, like the tabs
    at.session_state["export"] = True
    at.run()
    buttons = at.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["History (CSV)", "Whole run (JSON)", "Trained model (.keras)", "Python script to reproduce it"]
    assert all(b.proto.deferred_file_id and not b.proto.url for b in buttons)  # each file is made only on click
    # and a click does not rerun the app: a rerun renews every deferred id, so a quick second click would fail
    assert all(b.proto.ignore_rerun for b in buttons)


DATA = __import__("pathlib").Path(__file__).parent / "data"


def test_the_example_co2_data_trains_and_the_pipeline_describes_it():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Example: CO2").run()
    assert literal("Using Example: CO2, 2284 rows; numeric columns co2; text columns ignored: date") in " ".join(
        c.value for c in at.sidebar.caption)
    assert "2262 sequences x 10 timesteps x 2 features" in " ".join(c.value for c in at.sidebar.caption)  # + changes
    assert "the 11 windows that would share rows with both it and the validation part are not made" in " ".join(
        c.value for c in at.sidebar.caption)  # 10 timesteps, and one more for the changes
    # choosing data trains nothing: the page says whose results it still shows
    assert [i.value for i in at.main.info if i.value.startswith("The results")] == [
        f"The results below are from the synthetic lesson data. Press **Train** to use {literal('Example: CO2 (target co2)')}."]
    train_with(at, epochs=2, units=8)
    assert not at.exception and not at.error
    assert not [i for i in at.main.info if i.value.startswith("The results")]
    page = pipeline(at)
    assert "2262 sequences x 10 timesteps x 2 features" in page and "→ **2262 sequences x 8 units**" in page
    assert any(literal("Example: CO2") in m.value and "training rows only" in m.value for m in at.markdown)
    assert ("Windows of your file's rows, scaled by the training rows' range (0 to 1 there; later rows can go beyond): "
            "10 time steps with 2 features each.") in [
        c.value for c in at.tabs[0].caption]  # not 'raw'
    at.session_state["share"] = True
    assert any("your file stays in your session" in c.value for c in at.run().sidebar.caption)  # no misleading link
    show(at, "Compare")
    assert list(at.tabs[4].table[0].value["Run"]) == [literal(label) for label in (
        "default", "sequences=2262, features=2, units=8, epochs=2 on Example: CO2 (co2, change in co2)")]
    at.sidebar.checkbox(key=next(c.key for c in at.sidebar.checkbox if c.key.startswith("changes-"))).uncheck().run()
    assert any(i.value.endswith(f"Press **Train** to use {literal('Example: CO2 (target co2)')}.") for i in at.main.info)
    at.sidebar.radio(key="source").set_value("Synthetic (lesson)").run()
    assert any(i.value == f"The results below are from {literal('Example: CO2 (target co2)')}. Press **Train** to use "
               "the synthetic lesson data." for i in at.main.info)


@pytest.mark.parametrize("name,message", [
    ("missing.csv", "2 missing values: column 'value' rows 3, 5."),
    ("excel.csv", "This is a zip archive"),
    ("garbage.csv", "binary data"),
])
def test_a_bad_upload_shows_its_error_and_keeps_the_previous_results(name, message):
    at = new_app()
    before = at.session_state["run"]
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    at.sidebar.file_uploader(key="upload").set_value((name, (DATA / name).read_bytes(), "text/csv")).run()
    assert not at.exception
    assert any(literal(message) in e.value for e in at.sidebar.error)
    train_with(at, epochs=2)
    assert any(literal(message) in e.value and "results below are from the last run" in e.value for e in at.main.error)
    assert at.session_state["run"] is before and "1000 sequences x 20 units" in pipeline(at)


def test_a_good_upload_with_an_extra_feature():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    data = (DATA / "good_latin1_semicolon_comma.csv").read_bytes()
    at.sidebar.file_uploader(key="upload").set_value(("temps.csv", data, "text/csv")).run()
    uploader_keys = [w.key for w in at.sidebar.selectbox]
    target = next(k for k in uploader_keys if k.startswith("target-"))
    at.sidebar.selectbox(key=target).set_value("température").run()
    features = next(w for w in at.sidebar.multiselect if w.key.startswith("features-"))
    features.set_value(["step"]).run()
    train_with(at, epochs=2, timesteps=5)
    assert not at.exception and not at.main.error
    assert "48 sequences x 5 timesteps x 4 features" in pipeline(at)  # 2 columns and their changes
    next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).uncheck().run()
    train_with(at, epochs=2, timesteps=5)
    assert "50 sequences x 5 timesteps x 2 features" in pipeline(at)  # the levels only


def test_a_trip_to_another_data_choice_keeps_the_file_and_its_settings():
    """Switching to Synthetic and back emptied the uploader and reset the target and the changes box."""
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    data = (DATA / "good_tab.csv").read_bytes()
    at.sidebar.file_uploader(key="upload").set_value(("mine.csv", data, "text/csv")).run()
    target = next(w for w in at.sidebar.selectbox if w.key.startswith("target-"))
    assert target.value == "reading"  # not 'step', which only rises
    target.set_value("step").run()
    next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).uncheck().run()
    at.sidebar.radio(key="source").set_value("Synthetic (lesson)").run()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    assert any(literal("Using mine.csv, uploaded earlier") in c.value for c in at.sidebar.caption)
    assert next(w for w in at.sidebar.selectbox if w.key.startswith("target-")).value == "step"
    assert not next(w for w in at.sidebar.checkbox if w.key.startswith("changes-")).value
    at.sidebar.file_uploader(key="upload").set_value(("other.csv", b"v\n" + b"1\n2\n" * 20, "text/csv")).run()
    assert any(literal("Using other.csv, 40 rows") in c.value for c in at.sidebar.caption)  # a new upload replaces the kept one
    at.sidebar.file_uploader(key="upload").set_value(None).run()  # taking it out forgets it
    assert not any(w.key.startswith("target-") for w in at.sidebar.selectbox) and not at.exception


def test_the_page_paints_before_pandas_loads():
    """Importing pandas costs about 0.4 s on a cold server: the page's own imports must not need it."""
    assert loaded_by_page_imports("pandas") == []


SERVER_PROBE = """
import sys, time
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({app!r}, default_timeout=180)
at.run()
while "pending" in at.session_state:  # the page waits in a fragment, which AppTest does not run
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
assert at.session_state["run"].history["val_accuracy"].iloc[-1] > 0.9
print(sorted(m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras")))
"""


def test_the_server_never_imports_tensorflow():
    """Training, the comparison models and every tab run with TensorFlow only in the worker processes.
    A fresh interpreter: this test process imported Keras long ago."""
    import subprocess
    import sys
    from pathlib import Path

    app = str(Path(__file__).parents[1] / "streamlit_app.py")
    done = subprocess.run([sys.executable, "-c", SERVER_PROBE.format(app=app)], capture_output=True, text=True,
                          timeout=300, cwd=Path(app).parent)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_file_and_column_names_are_shown_as_typed_not_as_markdown():
    """'$' opens LaTeX and '*' emphasis in Streamlit's Markdown: a header like 'price ($),cost ($)' garbled
    the sidebar caption, the data description and the Compare table."""
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    rows = "".join(f"2024-01-{i % 28 + 1:02d},{(i * 7) % 11},{(i * 5) % 13}\n" for i in range(60))
    at.sidebar.file_uploader(key="upload").set_value(("*my* $data$.csv", ("date,price ($),cost ($)\n" + rows).encode(),
                                                      "text/csv")).run()
    caption = next(c.value for c in at.sidebar.caption if c.value.startswith("Using"))
    assert caption.startswith(literal("Using *my* $data$.csv, 60 rows; numeric columns price ($), cost ($)"))
    train_with(at, epochs=1)
    assert not at.exception and not at.main.error
    show(at, "Pipeline")
    assert any(literal("'price ($)'") in m.value for m in at.tabs[0].markdown)
    show(at, "Compare")
    assert literal("*my* $data$.csv (price ($)") in at.tabs[4].table[0].value["Run"].iloc[-1]


def test_a_file_too_short_for_any_timesteps_is_not_told_to_lower_them():
    at = new_app()
    at.sidebar.radio(key="source").set_value("Upload CSV").run()
    at.sidebar.file_uploader(key="upload").set_value(("two.csv", b"a,b\n1,2\n3,4\n", "text/csv")).run()
    warning = at.sidebar.warning[0].value
    assert warning.startswith("2 rows are too few for 10 timesteps") and warning.endswith(
        "Use at least 32 rows (16 with the fewest timesteps, 2).")  # changes on: the first row only starts them
    train_with(at, epochs=1)
    assert at.main.error[0].value == f"Not trained: {literal(warning)} The results below are from the last run."
    at.sidebar.file_uploader(key="upload").set_value(("short.csv", b"a\n" + b"1\n2\n" * 10, "text/csv")).run()
    assert "or set Timesteps to 4 or less." in at.sidebar.warning[0].value  # 20 rows: fewer timesteps fit


def test_the_address_keeps_the_setup_so_a_reload_brings_it_back():
    """A reload starts a new session: it used to come back to the default run, the learner's run gone."""
    at = new_app()
    train_with(at, units=8, epochs=2)
    assert dict(at.query_params) == {"units": "8", "epochs": "2"}
    reloaded = preset_app(**dict(at.query_params))
    assert reloaded.session_state["run"].config == at.session_state["run"].config and not reloaded.warning
    train_with(at, units=20, epochs=5)  # back to the defaults: a plain address
    assert dict(at.query_params) == {}


def test_a_link_that_falls_back_shows_what_was_used_so_a_reload_does_not_warn_again():
    at = preset_app(units="eight", epochs="2", colour="red", lock="1")
    assert len(at.warning) == 2 and dict(at.query_params) == {"epochs": "2", "lock": "1"}  # the room's lock stays
    reloaded = preset_app(**dict(at.query_params))
    assert not reloaded.warning and reloaded.session_state["preset"].lock
    assert reloaded.session_state["run"].config == at.session_state["run"].config
    clean = preset_app(units="8", epochs="2", lock="1")
    assert dict(clean.query_params) == {"units": "8", "epochs": "2", "lock": "1"}  # a good link is left as it is
    spelled = preset_app(units="20", epochs="2")  # a default spelled out: still left as it is
    assert not spelled.warning and dict(spelled.query_params) == {"units": "20", "epochs": "2"}
    assert dict(preset_app(units="eight", epochs="2").query_params) == {"epochs": "2"}  # no lock it did not have


def test_literal_escapes_what_streamlit_markdown_would_read():
    assert literal("*a* $b$ :red[c] <b>d</b> 1.5 x_y") == r"\*a\* \$b\$ \:red\[c\] \<b\>d\</b\> 1\.5 x\_y"
    assert literal("plain words") == "plain words"


def test_asking_for_a_baseline_gives_up_the_one_this_session_waited_for_before(monkeypatch):
    from lstm_core.serving.jobs import JobBoard

    forgotten, real = [], JobBoard.forget
    monkeypatch.setattr(JobBoard, "forget", lambda self, key, watcher: (forgotten.append(key), real(self, key, watcher))[1])
    at = show(new_app(), "Training")
    at.session_state["baseline"] = "stale-run-key"  # asked while another run was on screen, then that run was left
    at.button(key="order").click()
    at.run()
    assert not at.exception, at.exception
    assert "stale-run-key" in forgotten and at.session_state["baseline"] == at.session_state["run"].key


def test_a_diverged_run_on_screen_shows_a_warning_in_the_trace_tab_not_nan_gates(diverged_run):
    at = new_app()
    at.session_state["run"] = diverged_run
    at = show(at, "Prediction trace")
    assert not at.exception, at.exception
    tab = at.tabs[2]
    assert any(w.value.startswith("Training diverged: the loss stopped being a number at epoch 4") for w in tab.warning)
    shown = " ".join(m.value for m in tab.markdown)
    assert "Checked" not in shown and not tab.get("vega_lite_chart")
