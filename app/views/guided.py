"""Guided: the first visit as seven short steps (teaching.guide), one at a time, each drawn from the views
Explore shows in tabs. The choice is kept in the address (mode=guided), so a room can be linked to it."""

from collections.abc import Callable

import streamlit as st

from app.views import pipeline, predict, quiz, steps, training
from app.views.common import GUIDED, GUIDED_STEP, cached_trace, chart, recall, watch

LAYOUTS = ("Explore", "Guided")
STEP = GUIDED_STEP


def chosen(place, link) -> bool:
    """The layout switch, in ``place``: True for Guided. A link's mode=guided (``link``: its Preset) opens
    on it, at its step=."""
    if GUIDED not in st.session_state:
        st.session_state[GUIDED], st.session_state[STEP] = link.guided, link.step
    layout = place.segmented_control("Layout", LAYOUTS, default=LAYOUTS[st.session_state[GUIDED]], key="layout",
                                     help="Guided walks a first visit through seven steps; Explore shows every "
                                          "view at once, in tabs.")
    st.session_state[GUIDED] = guided = layout == LAYOUTS[1]
    if not guided:
        st.query_params.pop("mode", None)
        st.query_params.pop("step", None)
    return guided


def view(now, status: Callable, check: Callable, train: Callable[[str], None]) -> None:
    """The current step, with Back and Next; ``now`` is the session's TrainerStatus, ``status()`` reads it
    afresh (for a training that streams in), ``check(run, x)`` a What-if check against Keras, and
    ``train(guess)`` trains the sidebar's setup with the accuracy the learner predicted (as typed)."""
    from lstm_core.teaching.guide import STEPS
    from lstm_core.teaching.guide import steps as cell_steps  # the module `steps` draws the step-through

    k = min(max(int(st.session_state.get(STEP, 1)), 1), len(STEPS))
    st.query_params.update(mode="guided", step=str(k))  # a reload, a new session, comes back to this step
    run = now.run
    step = (STEPS if run is None else cell_steps(run.config.cell))[k - 1]  # another cell's steps name its layer and gates
    st.progress(k / len(STEPS), text=f"Step {k} of {len(STEPS)}: {step.title}")
    st.markdown(step.do)
    if k == 3:
        predict_and_train(train, locked=bool(now.job))
        if now.job is not None:
            training.waiting(now, status)
        elif run is not None:
            training.reveal_guess(run)
            training.results_body(run)
    elif run is None:  # the status alone: the training view's Start here would label step 1's sequences
        watch(status, lambda now: st.info(f"{training.pending_note(now)} This step appears when the first run is done."))
    elif run.diverged and k in (5, 6):  # every gate is NaN: nothing to step through or force
        from lstm_core.teaching.insights import diverged_text

        st.warning(diverged_text(run))
    else:
        DRAW[k](run, check)
    back, ahead = st.columns(2)
    if back.button("Back", key="guided_back", width="stretch", disabled=k == 1):
        st.session_state[STEP] = k - 1
        st.rerun()
    if ahead.button("Next", key="guided_next", type="primary", width="stretch", disabled=k == len(STEPS)):
        st.session_state[STEP] = k + 1
        st.rerun()


def predict_and_train(train: Callable[[str], None], locked: bool) -> None:
    """Step 3's one thing to do, where a phone shows it: predict, then Train (the sidebar's setup)."""
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    typed = left.text_input(predict.GUESS_LABEL, key="guided_guess", placeholder="0 to 1, or a percentage")
    if right.button("Train", key="guided_train", type="primary", width="stretch", disabled=locked):
        train(typed)
        st.rerun()  # the run on screen is read before this button: show the one now training
    predict.guess_error(typed)


def the_data(run, check) -> None:
    """Two sequences, one of each label, in an order that does not give the answer away; which goes up?"""
    from lstm_core.data.synthetic import label_name
    from lstm_core.present import alt
    from lstm_core.present.sequences import example_charts
    from lstm_core.teaching.guide import PICK_UP
    from lstm_core.teaching.task import examples

    data, c = run.dataset, run.config
    chosen = examples(data, c.train_sequences)
    if len(chosen) < 2:
        st.caption("Your training sequences all have one label, so there is no pair to tell apart.")
        return
    if c.seed % 2:  # the up one is not always on the left
        chosen = chosen[::-1]
    look = data.synthetic, data.feature_names, data.target or ""
    charts = example_charts(chosen, *look, neutral=True)
    for column, drawn, name, e in zip(st.columns(2), charts, PICK_UP, chosen):  # the text keeps the label back too
        chart(column, drawn.properties(title=name), alt.example(e, *look, neutral=name), alt.example_numbers(e, *look),
              width="stretch")
    picked = st.radio("Which one goes up?", PICK_UP, index=None, horizontal=True, key="guided_up")
    if picked is None:
        return
    right = PICK_UP[[e.label for e in chosen].index(1)]
    names = ", ".join(f"{n} is sample {e.index}, {label_name(e.label, data.synthetic)}" for n, e in zip(PICK_UP, chosen))
    (st.success if picked == right else st.error)(
        f"{'Right' if picked == right else 'Not this time'}: {names}. The model sees only these numbers, never the "
        "label, and learns from many such pairs which shape means up.")


def shapes(run, check) -> None:
    pipeline.view(run)


def read_table(run, check) -> None:
    """The epoch table, and one question on it, checked against the run."""
    from lstm_core.pipeline.noise import yardstick_of

    training.draw_history(training.placeholders(), run.history, run.config.epochs, "The epochs of the run on screen",
                          yardstick_of(run))
    best = int(run.history.loc[run.history["val_loss"].idxmin(), "epoch"]) if run.history["val_loss"].notna().any() else None
    answer = st.number_input("Which epoch had the lowest validation loss?", 1, max(run.config.epochs, 1), value=None,
                             step=1, key=f"guided_best-{run.key}")
    if answer is None or best is None:
        return
    lowest = float(run.history.loc[run.history["epoch"] == best, "val_loss"].iloc[0])
    (st.success if int(answer) == best else st.error)(
        f"{'Right' if int(answer) == best else 'Not this one'}: epoch {best}, validation loss {lowest:.3f}. "
        + ("That is the last epoch: the model on screen is the best one by this measure." if best == run.config.epochs
           else "The model on screen is the last epoch's, not this one: read that row's Observation for why it "
                "can still be fine."))


def traced(run):
    """The sequence the Prediction trace tab traces (sample 0 until one is picked there), said in a line."""
    kept = int(recall("sample", 0))
    sample = kept if kept < run.config.sequences else 0
    trace = cached_trace(run.key, sample, run)
    st.caption(f"Sequence {sample}, true label {trace.label}, score {trace.dense_output:.3f} as trained.")
    return sample, trace


def step_through(run, check) -> None:
    """The gate that keeps the old state (the LSTM's f, the GRU's z), or the SimpleRNN's h, step by step."""
    from lstm_core.teaching.text import GUIDED_GATE

    sample, trace = traced(run)
    shown, force, _ = steps.forced_trace(run, sample, trace)
    steps.step_through(shown, run.dataset.feature_names, GUIDED_GATE[run.config.cell],
                       f" ({force.label})" if shown is not trace else "", run.weights())


def knock_out(run, check) -> None:
    sample, trace = traced(run)
    _, force, key = steps.forced_trace(run, sample, trace)
    steps.force_section(run, sample, trace, force, key)


def the_quiz(run, check) -> None:
    quiz.view(run)


DRAW = {1: the_data, 2: shapes, 4: read_table, 5: step_through, 6: knock_out, 7: the_quiz}
