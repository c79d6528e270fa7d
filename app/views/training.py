"""The Training tab: the epochs as they stream in, the finished run's results, and "Does order matter?"."""

from collections.abc import Callable

import streamlit as st

from app.views import challenges, predict
from app.views.common import GUIDED, chart, next_step, watch, wrapping
from lstm_core import formats
from lstm_core.serving.jobs import JobState, JobStatus

# Seconds between redraws while no epoch has ended. Each redraw reruns the page's fragment, and the browser
# redraws the whole page's tree: at 0.3 s the browser and the server took 0.6 of a core from a worker
# importing TensorFlow (the first epoch then shows at most this late).
LOADING_SECONDS = 1.0


def placeholders():
    return st.empty(), st.empty(), st.empty()  # progress, table, chart


def sized(config) -> str:
    """The model as a sentence names it: "a 20-unit LSTM", "an 8-unit GRU"."""
    from lstm_core.config import CELL_NAMES

    return f"{formats.a_or_an(config.units)} {config.units}-unit {CELL_NAMES[config.cell]}"


def pending_note(now) -> str:
    """The one status line of the training a session waits for (``now``: a serving.trainer.TrainerStatus)."""
    job, config = now.job, now.config
    if job.state is JobState.QUEUED:
        return f"Queued: place {job.place or 1} in line for a trainer."
    if not job.rows:
        from app.resources import training_pool

        loading = "" if training_pool().stats().get("ready") else " (and TensorFlow loading in a worker first)"
        return f"Starting: building {sized(config)}, then its first epoch{loading}..."
    return f"Training {formats.counted(config.units, 'unit')}: epoch {len(job.rows)} of {config.epochs}"


ACCURACY = "accuracy"  # the prediction key's prefix: the learner's guess of a run's final validation accuracy
START_HERE = "start-here"  # the Start here expander's key: open on a first visit, kept as the learner leaves it


def start_here(key: str, dataset=None, config=None) -> None:
    """What the model learns to predict, with two of the learner's own sequences, above the training.
    ``dataset`` is the run's; while a run of the lesson data trains there is none yet, and ``config``
    makes it (cheap). Collapsed, nothing inside is drawn."""
    from lstm_core.teaching.text import START_HERE as LABEL

    box = st.expander(LABEL, expanded=True, key=START_HERE, on_change="rerun")
    if not box.open:
        return
    task, output, caption, specs, alts, numbers = start_here_parts(key, dataset, config)
    with box:
        st.markdown(f"{task}  \n{output}")
        for column, spec, said, table in zip(st.columns(len(specs)), specs, alts, numbers):  # stacked on a phone
            chart(column, spec, said, table, width="stretch")
        st.caption(caption)


@st.cache_data(max_entries=64, show_spinner=False)
def start_here_parts(key: str, _dataset, _config) -> tuple[str, str, str, list[dict], list[str], list]:
    """The task and output sentences, the charts' caption, their Vega-Lite specs, their text alternatives and
    the numbers each draws, for the run or config ``key``; cached, as a new run's page redraws them."""
    from lstm_core.present import alt
    from lstm_core.present.sequences import example_charts
    from lstm_core.teaching.task import example_caption, examples, output_sentence, task_sentence

    dataset, config = _dataset, _config
    if dataset is None:
        from lstm_core.data.synthetic import make_dataset

        dataset = make_dataset(config)
    chosen = examples(dataset, config.train_sequences)
    look = dataset.synthetic, dataset.feature_names, dataset.target or ""
    charts = example_charts(chosen, *look)
    return (task_sentence(dataset, config.timesteps, config.cell), output_sentence(dataset), example_caption(dataset, chosen),
            [drawn.to_dict() for drawn in charts], [alt.example(e, *look) for e in chosen],
            [alt.example_numbers(e, *look) for e in chosen])


def waiting(now, status: Callable[[], object]) -> None:
    """A training this session waits for: Start here once (except on the guided path, which has shown the
    data already), then its epochs, which a fragment redraws from ``status()`` as they stream in. Start
    here stays outside the fragment: redrawn with every tick, its charts kept the browser and the server
    busy while the worker imported TensorFlow, and slowed the very training the learner waits for."""
    if not st.session_state.get(GUIDED):
        # Start here can fill a phone's screen twice over: say first where the training shows
        st.caption(f"Training {sized(now.config)}: its progress and each epoch appear below Start here.")
        start_here_while_training(now)
    if now.job.rows:
        watch(status, live)
    else:  # the worker still loads TensorFlow or builds the model: redraw the status line seldom
        watch(status, first_epoch, seconds=LOADING_SECONDS)


def first_epoch(now) -> None:
    """The status until the first epoch's row arrives; then the whole page reruns, and redraws every
    WATCH_SECONDS as the rows stream in."""
    if now.job.rows:
        st.rerun()
    live(now)


def live(now) -> None:
    """The training so far: its progress, the epochs' table and the loss and accuracy charts."""
    draw_history(placeholders(), history_so_far(now.job.rows), now.config.epochs, pending_note(now), now.yard,
                 guess_of(now.pending))


def start_here_while_training(now) -> None:
    if "|" not in now.pending:  # the lesson data, made from the config (a CSV's dataset stays with its job)
        start_here(now.pending, config=now.config)
    elif now.run is not None and now.run.key.split("|")[-1] == now.pending.split("|")[-1] and all(
            getattr(now.run.config, f) == getattr(now.config, f) for f in ("timesteps", "seed", "validation_split")):
        # the same file, choice and windows: the run on screen shows them
        start_here(now.run.key, now.run.dataset, now.run.config)


def pending_line(now) -> None:
    """The training's status in one line, above the tabs other than Training."""
    st.info(pending_note(now))


def guess_of(key: str) -> float | None:
    """The learner's predicted final validation accuracy for the run ``key``, if they gave one."""
    made = predict.kept().get(f"{ACCURACY}|{key}")
    return None if made is None or made.skipped else made.guess


def draw_history(places, history, epochs: int, note: str, yard, guess: float | None = None) -> None:
    progress, table, curves = places
    progress.progress(len(history) / epochs, text=note)
    if not len(history):  # nothing to plot yet: leave pandas and Altair to load after TensorFlow
        table.caption("The epoch table fills in as each epoch ends.")
        return
    from lstm_core.present.charts import SPLIT_NOTE
    from lstm_core.present.tables import epoch_table
    from lstm_core.teaching.text import ACCURACY_NOTE, CHANCE_NOTE

    rows = epoch_table(history, yard)
    table.table(rows.style.format(precision=3).set_table_styles(wrapping(rows, "Observation")), hide_index=True)  # real HTML: it wraps and reads aloud
    with curves.container():
        for column, (spec, said) in zip(st.columns(2), history_specs(history, epochs, guess)):  # the table has their numbers
            chart(column, spec, said, width="stretch")
        st.caption(f"{SPLIT_NOTE} {ACCURACY_NOTE} "
                   + CHANCE_NOTE.format(chance=yard.val_chance, n=yard.n_val, margin=yard.val_margin))


@st.cache_data(max_entries=256, show_spinner=False)
def history_specs(history, epochs: int, guess: float | None = None) -> list[tuple[dict, str]]:
    """The loss and accuracy charts as Vega-Lite specs, each with its text alternative. A
    waiting session's fragment redraws them every WATCH_SECONDS: Altair's to_dict (with its schema check) costs
    ~30 ms a pair, a cached spec ~4."""
    from lstm_core.present import alt
    from lstm_core.present.charts import METRIC_LABELS, history_charts

    charts = history_charts(history, total_epochs=epochs, guess=guess)
    return [(drawn.to_dict(), alt.training_curve(history, metric, epochs, guess))
            for drawn, metric in zip(charts, METRIC_LABELS.values())]


def history_so_far(rows):
    """The epochs streamed so far as a history frame; none yet is an empty tuple, so that pandas
    loads with the first row (after TensorFlow has loaded it), not while TensorFlow imports."""
    if not rows:
        return ()
    from lstm_core.pipeline.run import history_frame

    return history_frame(list(rows))


def view(run, ordered: bool, order: Callable[[], JobStatus]) -> None:
    """The finished run: its epochs, final metrics and insight, then the comparison models, which
    ``order()`` asks for (and reports on) once the learner has asked (``ordered``) or clicks."""
    start_here(run.key, run.dataset, run.config)
    reveal_guess(run)
    results_body(run)
    order_section(run, ordered, order)
    next_step("training", ordered=ordered or bool(st.session_state.get("order")))  # "order": the button, this click


def reveal_guess(run) -> None:
    """The learner's predicted final validation accuracy against the result and its noise, if they gave one."""
    guess = guess_of(run.key)
    if guess is not None:
        from lstm_core.teaching.predictions import accuracy_feedback

        predict.settle(f"{ACCURACY}|{run.key}", float(run.history["val_accuracy"].iloc[-1]))
        st.info(accuracy_feedback(guess, run))


def results_body(run) -> None:
    """The run's epochs (table and charts), its final metrics with their change, and what they mean."""
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.present.tables import DELTA_NOTE, final_metrics
    from lstm_core.teaching.insights import training_insight

    c = run.config
    note = f"Trained {c.epochs} of {formats.counted(c.epochs, 'epoch')} in {run.timings['total']:.1f} s"
    draw_history(placeholders(), run.history, c.epochs, note, yardstick_of(run), guess_of(run.key))
    for col, m in zip(st.columns(4), final_metrics(run.history, yardstick_of(run))):
        col.metric(m["label"], m["value"], m["delta"], delta_color="off" if m["flat"] else "inverse" if m["inverse"] else "normal",
                   delta_arrow="off" if m["flat"] else "auto")
    if len(run.history) > 1:
        st.caption(DELTA_NOTE)
    st.info(f"**Key insight.** {training_insight(run)}")


def order_section(run, ordered: bool, order: Callable[[], JobStatus]) -> None:
    """Does order matter? The run's model (its cell) against a time-shuffled copy and a whole-window Dense model,
    trained on the same split."""
    from lstm_core.config import CELL_NAMES

    st.header("Does order matter?")
    offer = st.empty()  # the button goes once clicked: a second click during the training would only rerun
    if not ordered and not offer.button("Train the two comparison models", key="order"):
        took = run.timings.get("fit", 0.0)  # the same setup, so about as long as this run's own fit, and a little more
        how_long = f"a little longer than this run's training took ({took:.0f} s)" if took >= 1.5 else "a few seconds"
        st.caption(f"Trains the same {CELL_NAMES[run.config.cell]} on the same sequences with their time order "
                   f"shuffled, and a Dense layer that sees the whole window at once with no memory ({how_long}).")
        return
    offer.empty()
    status = order()
    if not status.finished:  # a fragment redraws the progress; the page reruns once the models are trained
        watch(order, lambda now: st.info(order_note(run, now)))
        return
    if status.state is JobState.CANCELLED:  # given up by every watcher just as this session asked: ask again
        st.rerun()
    if status.error:
        st.error(formats.literal(status.error))
        return
    challenges.record_order(run, status.run.shuffled)
    comparison(run, status.run)


def order_note(run, now: JobStatus) -> str:
    """The comparison models' status in one line."""
    from lstm_core.config import CELL_NAMES

    c = run.config
    if now.state is JobState.QUEUED:
        return f"Comparison models queued: place {now.place or 1} in line for the trainer."
    if len(now.rows) < c.epochs:
        return f"Training the shuffled {CELL_NAMES[c.cell]}: epoch {len(now.rows)} of {c.epochs}"
    return f"Training the whole-window Dense model: epoch {len(now.rows) - c.epochs} of {c.epochs}"


def comparison(run, baselines) -> None:
    """The three models' validation accuracies and histories, and what they say about order."""
    import pandas as pd

    from lstm_core.config import CELL_NAMES
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.pipeline.order import WINDOW_LABEL, ordered_label, shuffled_label
    from lstm_core.present import alt
    from lstm_core.present.charts import METRIC_LABELS, SPLIT_NOTE, compare_charts
    from lstm_core.teaching.order import explanation

    cell = run.config.cell
    accs = [r.history["val_accuracy"].iloc[-1] for r in (run, baselines.shuffled, baselines.window)]
    for col, label, acc in zip(st.columns(3), (ordered_label(cell), shuffled_label(cell), WINDOW_LABEL), accs):
        col.metric(f"{label}: val accuracy", f"{acc:.3f}")
    histories = pd.concat([run.history.assign(run=f"{CELL_NAMES[cell]}, in order"),
                           baselines.shuffled.history.assign(run=shuffled_label(cell)),
                           baselines.window.history.assign(run=WINDOW_LABEL)])
    for column, drawn, metric in zip(st.columns(2), compare_charts(histories), METRIC_LABELS.values()):  # short names: side by side
        chart(column, drawn, alt.compare(histories, metric), alt.compare_numbers(histories, metric), width="stretch")
    st.caption(SPLIT_NOTE)
    st.write(explanation(*accs, yardstick_of(run), run.dataset.synthetic, run.config.timesteps,
                         run.dataset.changes, cell))
