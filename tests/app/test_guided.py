"""Guided mode: a first visit as seven steps with Back and Next, opened by a link's mode=guided; Explore keeps
the tabs. Each step asks one thing and checks it against the run."""

import pytest
from streamlit.testing.v1 import AppTest

from lstm_core.formats import literal
from lstm_core.teaching.guide import PICK_UP, STEPS
from tests.app.conftest import APP, TIMEOUT, settle, shown


def guided_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["mode"] = "guided"
    at.run()
    return settle(at)


def step_of(at) -> str:
    return at.get("progress")[0].proto.text


def test_a_guided_link_walks_the_seven_steps_from_the_data_to_the_quiz_and_back():
    at = guided_app()
    assert not at.tabs and step_of(at) == f"Step 1 of 7: {STEPS[0].title}"
    assert at.query_params["mode"] == "guided"  # the address keeps the layout
    run = shown(at)
    up_first = run.config.seed % 2 == 0  # the order the two sequences are drawn in
    at.radio(key="guided_up").set_value(PICK_UP[1] if up_first else PICK_UP[0]).run()  # the wrong one
    assert at.error[0].value.startswith("Not this time: Sequence A is sample")
    at.radio(key="guided_up").set_value(PICK_UP[0] if up_first else PICK_UP[1]).run()
    assert at.success[0].value.startswith("Right: ")
    titles = []
    for _ in STEPS[1:]:
        at.button(key="guided_next").click().run()
        assert not at.exception, at.exception
        titles.append(step_of(at).split(": ", 1)[1])
        if titles[-1] == "Train, with a prediction":  # predicted and trained here, where a phone shows it
            at.text_input(key="guided_guess").set_value("2").run()
            assert "is more than 1" in at.error[0].value  # named as typed
            at.text_input(key="guided_guess").set_value("0.9").run()
            at.button(key="guided_train").click().run()
            settle(at)
            actual = run.history["val_accuracy"].iloc[-1]  # the same setup: the run on screen again
            assert any(i.value.startswith(f"You predicted 0.900; the final validation accuracy is {actual:.3f}")
                       for i in at.info)
        if titles[-1] == "Read the table":  # one question, checked against the run
            best = int(run.history.loc[run.history["val_loss"].idxmin(), "epoch"])
            at.number_input(key=f"guided_best-{run.key}").set_value(best % 5 + 1).run()
            assert at.error[0].value.startswith(f"Not this one: epoch {best}, validation loss")
            at.number_input(key=f"guided_best-{run.key}").set_value(best).run()
            assert at.success[0].value.startswith(f"Right: epoch {best}")
    assert titles == [s.title for s in STEPS[1:]]
    assert "What does the LSTM layer output represent?" in " ".join(m.value for m in at.markdown)  # the quiz
    assert not any(m.value.startswith("**Next:**") for m in at.markdown)  # the path's own Next leads on
    at.button(key="guided_back").click().run()
    assert step_of(at) == f"Step 6 of 7: {STEPS[5].title}" and at.query_params["step"] == "6"  # a reload keeps it
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)  # a reload: a new session from the address
    again.query_params.update(mode="guided", step="6")
    again.run()
    assert step_of(settle(again)) == f"Step 6 of 7: {STEPS[5].title}"
    at.segmented_control(key="layout").set_value("Explore").run()  # the tabs come back; the address forgets
    assert [t.label for t in at.tabs][:2] == ["Pipeline", "Training"] and "mode" not in at.query_params


def test_a_mode_the_page_does_not_have_is_named_and_explore_opens():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["mode"] = "tour"
    at.run()
    settle(at)
    said = literal("URL parameter mode='tour' is not guided or explore; the page opens in Explore.")
    assert said in [w.value for w in at.warning]
    assert at.tabs


def test_a_diverged_run_says_so_where_the_gates_would_be(diverged_run):
    from app import resources
    from lstm_core.serving.jobs import TrainingJob

    resources.job_board("lstm").job(diverged_run.key, lambda on_done: TrainingJob(diverged_run.config, run=diverged_run))
    c = diverged_run.config
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name in ("sequences", "timesteps", "features", "units", "epochs", "batch_size"):
        at.query_params[name] = str(getattr(c, name))
    at.query_params["mode"] = "guided"
    at.run()
    settle(at)
    at.session_state["guided_step"] = 5
    at.run()
    assert not at.exception and at.warning[0].value.startswith("Training diverged")
    at.button(key="guided_next").click().run()
    assert not at.exception and at.warning[0].value.startswith("Training diverged")


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_steps_5_and_6_step_through_and_knock_out_what_the_cell_has(cell):
    import json

    import numpy as np

    from lstm_core.teaching.text import GUIDED_DO, NO_GATE
    from lstm_core.tracing.force import FORCE_LABELS
    from tests.app.conftest import skip_prediction

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(mode="guided", step="5", cell=cell, units="6", epochs="2", sequences="200")
    at.run()
    settle(at)
    assert shown(at).config.cell == cell and step_of(at) == f"Step 5 of 7: {STEPS[4].title}"
    assert GUIDED_DO[cell][5] in [m.value for m in at.markdown]
    title = json.loads(at.get("vega_lite_chart")[0].proto.spec)["title"]
    assert title == {"gru": "Update gate (z)", "rnn": "Hidden state (h)"}[cell] + ", timestep 1 framed"
    at.button(key="guided_next").click().run()
    assert not at.exception and GUIDED_DO[cell][6] in [m.value for m in at.markdown]
    if cell == "rnn":
        assert NO_GATE in [m.value for m in at.markdown] and not [s for s in at.selectbox if s.key == "force"]
        return
    keep = next(label for label in FORCE_LABELS["gru"] if label.startswith("update gate = 1"))
    at.selectbox(key="force").set_value(keep).run()
    skip_prediction(at, "force")
    forced = {m.label: float(m.value) for m in at.metric}["Forced: score"]
    w = shown(at).weights()  # h stays at its start, 0: the score is the Dense bias alone
    assert forced == pytest.approx(1 / (1 + np.exp(-w["dense_bias"][0])), abs=5e-4)
    at.button(key="guided_back").click().run()  # step 5 now steps through the forced cell
    assert "(update gate = 1" in json.loads(at.get("vega_lite_chart")[0].proto.spec)["title"]
