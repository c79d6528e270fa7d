"""LSTM Pipeline Trace: the page. Layout only; every number on it comes from lstm_core.

TensorFlow never loads in this process: trainings run in worker processes (lstm_core.serving.workers), the
first of which starts, and imports TensorFlow, while this page paints.
"""

from pathlib import Path

import streamlit as st

from app.resources import job_board, prune_boards, session_id, training_pool
from lstm_core import formats
from lstm_core.config import FIELDS, LSTMConfig
from lstm_core.data.choice import DataChoice, DataKind
from lstm_core.data.keys import config_of
from lstm_core.serving.jobs import TrainingJob, train_task
from lstm_core.teaching import text

TABS = ["Pipeline", "Training", "Prediction trace", "Quiz", "Compare"]
WATCH_SECONDS = 0.3  # a waiting session's fragment redraws this often: an epoch shows at most this late


training_pool()
st.set_page_config(page_title=text.TITLE, page_icon="🔁", layout="wide")
st.title(text.TITLE)
st.caption(text.INTRO)


def submitted(run_key: str, dataset, baselines: bool):
    """A maker for JobBoard.job: the training of ``run_key`` on the worker pool."""
    config = config_of(run_key)
    return lambda on_done: TrainingJob(config, training_pool().submit(train_task, config.key(), dataset, baselines),
                                       dataset=dataset).start(on_done)


def training_job(run_key: str, dataset=None) -> TrainingJob:
    """Starts training this config (and data) once; every session asking for it gets the same job,
    and this session is counted as waiting for it."""
    return job_board("lstm").job(run_key, submitted(run_key, dataset, False), watcher=session_id())


def follow(run_key: str | None, dataset=None) -> None:
    """This session now waits for ``run_key`` (None: for nothing). The run it waited for before is
    given up (out of the queue, or stopped: see STOP_GRACE) if no other session waits for it."""
    old = st.session_state.get("pending")
    if old is not None and old != run_key:
        job_board("lstm").forget(old, session_id())
    if run_key is not None:  # and the baseline of the run it leaves (None: it stays on the run on screen)
        leave_baseline(unless=run_key)
    if run_key is None:
        st.session_state.pop("pending", None)
        st.session_state.pop("pending_data", None)
    else:
        st.session_state["pending"], st.session_state["pending_data"] = run_key, dataset


def leave_baseline(unless: str) -> None:
    """This session no longer waits for the comparison models it watched, unless they are ``unless``'s."""
    baseline = st.session_state.get("baseline")
    if baseline is not None and baseline != unless:
        job_board("order").forget(st.session_state.pop("baseline"), session_id())


def order_job(run_key: str, dataset=None) -> TrainingJob:
    """The two comparison models of a run (time-shuffled LSTM, whole-window Dense), trained once for
    everyone, through the same queue."""
    leave_baseline(unless=run_key)
    st.session_state["baseline"] = run_key
    # given up when this session trains another run (follow) or every watcher's tab closes (prune_boards)
    return job_board("order").job(run_key, submitted(run_key, dataset, True), watcher=session_id())


@st.cache_data(max_entries=64, show_spinner=False)
def cached_trace(config_key: str, sample: int, _run):
    from lstm_core.tracing.trace import trace_sample

    return trace_sample(_run, sample)


# --- URL presets: read once per session, they prefill the form ------------------------------
def preset_ui() -> None:
    """On a session's first run, apply ?units=..&epochs=.. (and lock=1) from the URL."""
    if "preset" in st.session_state:
        return
    from lstm_core.serving.presets import PRESET_FIELDS, parse_query

    preset = parse_query({name: st.query_params.get_all(name) for name in st.query_params})
    st.session_state["preset"] = preset
    for name in PRESET_FIELDS:  # the form's widgets read their start values from here
        st.session_state[name] = getattr(preset.config, name)
    if preset.warnings:  # the address shows what was used instead, so a reload does not warn again
        remember_in_url(preset.config, lock=preset.lock)
    follow(preset.config.key())  # first visit: train it, or take it from the cache


def remember_in_url(config: LSTMConfig, lock: bool = False) -> None:
    """The address bar holds the setup last trained (the lesson's data only: a file stays in its session),
    so a reload, which starts a new session, brings it back from the shared cache instead of the default."""
    from lstm_core.serving.presets import query_of

    st.query_params.from_dict({**query_of(config), **({"lock": "1"} if lock else {})})


# --- Sidebar: where the sequences come from ---------------------------------------------------
SOURCES = ["Synthetic (lesson)", "Example: CO2", "Upload CSV"]
EXAMPLE = Path(__file__).parent / "data" / "co2.csv"


@st.cache_data(max_entries=16, show_spinner=False)
def parsed(data: bytes):
    """The parsed file, or the CSVError's message (cached by the file's bytes)."""
    from lstm_core.data.csvfile import CSVError, parse_csv

    try:
        return parse_csv(data)
    except CSVError as err:
        return str(err)


def uploaded_file(shown_before: bool) -> tuple[bytes, str] | None:
    """The uploaded file's bytes and name. The uploader forgets its file when another data choice hides
    it, so a copy is kept for the session and used again on the way back; removing the file forgets it."""
    upload = st.file_uploader("CSV file, one row per time step", type=["csv", "txt", "tsv"], key="upload")
    had, st.session_state["upload-live"] = st.session_state.get("upload-live", False), upload is not None
    if upload is not None:
        st.session_state["kept-upload"] = (upload.getvalue(), upload.name)
    elif shown_before and had:  # the learner took the file out of the uploader
        st.session_state.pop("kept-upload", None)
    elif "kept-upload" in st.session_state:
        st.caption(formats.literal(f"Using {st.session_state['kept-upload'][1]}, uploaded earlier; "
                                "upload another file to replace it."))
    return st.session_state.get("kept-upload")


def data_source_ui() -> DataChoice:
    """The data choice: the lesson's data, or a CSV file with its target and features."""
    with st.sidebar.container(border=True):
        source = st.radio("Data", SOURCES, key="source", disabled=st.session_state["preset"].lock)
        was, st.session_state["source-was"] = st.session_state.get("source-was"), source
        if source == SOURCES[0]:
            return DataChoice()
        if source == SOURCES[1]:
            data, name = EXAMPLE.read_bytes(), "Example: CO2"
        else:
            kept = uploaded_file(was == SOURCES[2])
            if kept is None:
                st.caption("Columns of numbers (a temperature, a price, a sensor): the model learns whether the "
                           "target goes up next.")
                return DataChoice(DataKind.NO_FILE)
            data, name = kept
        table = parsed(data)
        if isinstance(table, str):
            st.error(formats.literal(f"{name}: {table}"))
            return DataChoice.unusable(table)
        from lstm_core.data.csvfile import CHANGES_BOX, default_target

        # Kept copies: a widget not drawn (another data choice) loses its state, and these come back with the file.
        keys = {k: f"{k}-{table.digest}" for k in ("target", "features", "changes")}
        for k, start in (("target", default_target(table)), ("features", []), ("changes", True)):
            st.session_state.setdefault(keys[k], recall(keys[k], start))
        target = remember(keys["target"], st.selectbox("Target column", table.columns, key=keys["target"]))
        st.session_state[keys["features"]] = [c for c in st.session_state[keys["features"]] if c != target]
        features = remember(keys["features"], st.multiselect("Extra feature columns", [c for c in table.columns if c != target],
                                                             key=keys["features"]))
        changes = remember(keys["changes"], st.checkbox(
            CHANGES_BOX, key=keys["changes"],
            help="A slow drift (like CO2's) fills the whole 0 to 1 scale, so the small moves that decide "
                 "'up next' are hard to see in the levels; their changes are not."))
        timesteps = st.session_state.get("timesteps", 10)
        from lstm_core.data.csvfile import gap_windows, too_few, window_counts

        windows, dropped = window_counts(table.rows, timesteps, changes)
        width = (1 + len(features)) * (2 if changes else 1)
        st.caption(formats.literal(f"Using {name}, {formats.counted(table.rows, 'row')}; numeric columns {', '.join(table.columns)}"
                           + (f"; text columns ignored: {', '.join(table.text_columns)}" if table.text_columns else "")
                           + f". Read as {table.encoding}, delimiter {table.delimiter!r}, decimal {table.decimal!r}."))
        short = too_few(table.rows, timesteps, changes)
        if not short:
            st.caption(f"With {timesteps} timesteps: {windows} sequences x {timesteps} timesteps x "
                       f"{formats.counted(width, 'feature')}"
                       + (f" (the newest; the oldest {dropped} are left out)" if dropped else "")
                       + f". Scaling is fitted on the training part only, and the {gap_windows(timesteps, changes)} "
                       "windows that would share rows with both it and the validation part are not made.")
        else:
            st.warning(short)  # the words a refused Train would use
        st.dataframe(table.frame.head(5), height=150, width="stretch")
        return DataChoice.csv(table, target, features, name, changes)


# --- Sidebar: the hyperparameters, in a form so that only Train retrains ---------------------
def slider(name: str, locked: bool):
    spec = FIELDS[name]
    return st.slider(spec.label, int(spec.low), int(spec.high), help=spec.help, key=name, disabled=locked)


def number(name: str, locked: bool, **kwargs):
    """No min or max on the widget: the browser would refuse an out-of-range entry without a word and
    Train would silently use the old value. The config check names the value and its range instead."""
    spec = FIELDS[name]
    return st.number_input(spec.label, None, None, help=f"{spec.help} Allowed {spec.allowed}.",
                           key=name, disabled=locked, **kwargs)


def sidebar_ui(locked: bool, csv: bool = False) -> dict | None:
    """The config form; returns its values when Train is pressed."""
    with st.sidebar.form("config"):
        st.subheader("Model")
        if locked:
            st.caption("This setup is locked by the link, so the whole room trains the same model.")
        values = {name: slider(name, locked) for name in ("units", "epochs", "timesteps")}
        with st.expander("Advanced"):
            if csv:
                st.caption("With a CSV file, the file sets Sequences and Features; these two apply to the lesson data.")
            values["features"] = slider("features", locked)
            values["sequences"] = number("sequences", locked, step=100)
            values["batch_size"] = number("batch_size", locked, step=8)
            values["learning_rate"] = number("learning_rate", locked, step=0.001, format="%g")  # 6 significant digits: 1.5e-05 is not shown as 0.00002
            values["seed"] = number("seed", locked, step=1)
        pressed = st.form_submit_button("Train", type="primary", key="train", width="stretch", disabled=locked)
    return values if pressed else None


def share_ui(config: LSTMConfig, synthetic: bool = True) -> None:
    """The link that opens this setup for someone else."""
    from lstm_core.serving.presets import to_query

    share = st.sidebar.expander("Share this setup", key="share", on_change="rerun")
    if not share.open:  # lazy: the link and its copy button are sent only when asked for
        return
    if not synthetic:
        with share:
            st.caption("Links share setups on the lesson's synthetic data; your file stays in your session. "
                       "To share a CSV run, export it (JSON or .keras) below.")
        return
    query = to_query(config)
    page = st.context.url or ""
    with share:
        st.code(page + (f"?{query}" if query else "") or "(the default setup: share the page's address)",
                language=None, wrap_lines=True)
        st.caption("For a room demo, this link also locks the controls, so everyone trains the same model:")
        st.code(f"{page}?{query + '&' if query else ''}lock=1", language=None, wrap_lines=True)


def export_ui(run) -> None:
    """Download the run; each file is made only when its button is clicked."""
    from lstm_core.present import exports

    export = st.sidebar.expander("Export this run", key="export", on_change="rerun")
    if not export.open:  # lazy, like the tabs
        return
    stem = exports.file_stem(run)
    # Read now: the download callbacks run without this session's state. The trace tab's widget holds a
    # change made this rerun (its kept copy is updated only when the tab draws, after this).
    sample = exports.shown_sample(st.session_state.get("sample"), recall("sample", 0), run.config.sequences)
    # on_click="ignore": a download needs no rerun, and a rerun gives every deferred file a new id, so a
    # second click sent before the page has the new ids fails ("Failed to generate file for download").
    with export:
        st.download_button("History (CSV)", lambda: exports.history_csv(run), f"{stem}_history.csv", "text/csv",
                           key="dl_csv", on_click="ignore", width="stretch")
        st.download_button("Whole run (JSON)", lambda: exports.run_json(run, sample), f"{stem}.json",
                           "application/json", key="dl_json", on_click="ignore", width="stretch")
        st.download_button("Trained model (.keras)", lambda: exports.model_bytes(run), f"{stem}.keras",
                           "application/octet-stream", key="dl_model", on_click="ignore", width="stretch")
        if run.dataset.synthetic:
            st.download_button("Python script to reproduce it", lambda: exports.reproduce_script(run.config, f"{stem}.py"),
                               f"{stem}.py", "text/x-python", key="dl_script", on_click="ignore",
                               width="stretch")
            st.caption("The JSON has the same schema as `python -m lstm_core --json`; the script needs only NumPy and Keras.")
        else:
            st.caption("The JSON has the same schema as `python -m lstm_core --json`. The reproduce script covers "
                       "the synthetic lesson data; for your file, use `python -m lstm_core --csv`.")


# --- Tabs ---------------------------------------------------------------------------------------
def run_store():
    """This session's finished runs, made on first use: it imports pandas, which the first paint and
    the start of the first training must not wait for."""
    if "runs" not in st.session_state:
        from lstm_core.present.runs import RunStore

        st.session_state["runs"] = RunStore()
    return st.session_state["runs"]


def recall(name: str, default):
    """A choice made in a tab; lazy tabs drop their widgets' state when closed, so keep a copy."""
    return st.session_state.get(f"kept-{name}", default)


def remember(name: str, value):
    st.session_state[f"kept-{name}"] = value
    return value


def whole_number(label: str, low: int, high: int, name: str, offset: int = 0) -> int:
    """A whole number from ``low`` to ``high``, kept across tab switches. No min or max on the widget
    (the browser would refuse an entry without a word): an entry out of range is named, and the last
    good one stays on screen. ``offset`` is what the kept value adds to the shown one (1-based timesteps)."""
    kept = min(max(recall(name, low), low), high)
    if name not in st.session_state or st.session_state.get(f"range-{name}") != (low, high):
        st.session_state[name] = kept  # a new run's range (fewer sequences, say): start inside it, no error
    st.session_state[f"range-{name}"] = (low, high)
    value = st.number_input(label, step=1, help=f"Allowed {low} to {high}.", key=name)
    if value is None or not low <= value <= high:
        st.error(f"{label}: {value} is out of range; allowed: {low} to {high}. Showing {kept} instead.")
        return kept - offset
    return remember(name, int(value)) - offset


def pipeline_ui(run) -> None:
    from lstm_core.present.tables import ledger_note, param_ledger, sample_text
    from lstm_core.teaching.concepts import return_sequences_note, state_and_batches
    from lstm_core.teaching.insights import key_insight, pipeline_insight
    from lstm_core.teaching.stages import pipeline_stages

    st.subheader("Data flow: 3 stages")
    for col, (i, stage) in zip(st.columns(3), enumerate(pipeline_stages(run), 1)):
        with col.container(border=True):
            st.markdown(f"**{i} · {stage.name}**")
            st.markdown(f"{stage.input}  \n→ **{stage.output}**")
            st.caption(stage.description)
            st.caption(stage.sample_note)
            st.markdown(f"`{sample_text(stage.sample)}`")  # inline code: no syntax highlighter to load
    st.subheader("Shapes and parameters")
    st.table(param_ledger(run.config, run.params).style.format({"Parameters": "{:,}"}), hide_index=True)  # as its formula
    st.caption(ledger_note(run.config))
    with st.expander("Batches, the starting state and return_sequences"):
        st.markdown(state_and_batches(run))
        st.markdown(return_sequences_note(run))
    st.subheader("The data")
    st.write(formats.literal(run.dataset.description))
    st.info(f"**Key insight.** {key_insight(run)}\n\n{pipeline_insight(run)}")


def training_placeholders():
    return st.empty(), st.empty(), st.empty()  # progress, table, chart


def pending_note(job, status) -> str:
    """The one status line of a training this session waits for."""
    if status.state == "queued":
        return f"Queued: place {status.place or 1} in line for a trainer."
    if not status.rows:
        return (f"Starting: building {formats.a_or_an(job.config.units)} {job.config.units}-unit LSTM, then its first "
                "epoch (the first training also waits for TensorFlow to load in a worker)...")
    return f"Training {formats.counted(job.config.units, 'unit')}: epoch {len(status.rows)} of {job.config.epochs}"


def pending_ui(run_key: str, dataset, live: bool) -> None:
    """Waits for this session's training without holding the page: a fragment redraws the status (and,
    on the Training tab, the epochs so far) every WATCH_SECONDS, and reruns the page once it ends."""

    def watch() -> None:
        job = training_job(run_key, dataset)
        status = job.status()
        if status.state == "queued":  # a training whose learners all closed their tabs gives up the trainer
            prune_boards()
        if status.finished:
            finish_pending(run_key, dataset, status)
        note = pending_note(job, status)
        if live:
            draw_training(training_placeholders(), history_so_far(status.rows), job.config.epochs, note, job.yard)
        else:
            st.info(note)

    st.fragment(watch, run_every=WATCH_SECONDS)()


def finish_pending(run_key: str, dataset, status) -> None:
    """The training this session waited for has ended: show its run, or its error, on the whole page."""
    follow(None)
    if status.state == "cancelled":  # only when no session waited for it: a race with a change of mind
        follow(run_key, dataset)
    elif status.error:
        st.session_state["failed"] = f"{formats.literal(status.error)}. The results shown are from the last run."
    else:
        st.session_state["run"] = status.run
        run_store().add(status.run)
    st.rerun()


def draw_training(placeholders, history, epochs: int, note: str, yard) -> None:
    progress, table, chart = placeholders
    progress.progress(len(history) / epochs, text=note)
    if not len(history):  # nothing to plot yet: leave pandas and Altair to load after TensorFlow
        table.caption("The epoch table fills in as each epoch ends.")
        return
    from lstm_core.present.charts import SPLIT_NOTE
    from lstm_core.present.tables import epoch_table
    from lstm_core.teaching.text import ACCURACY_NOTE

    table.table(epoch_table(history, yard).style.format(precision=3), hide_index=True)  # real HTML: wraps, reads aloud
    with chart.container():
        for column, spec in zip(st.columns(2), history_specs(history, epochs)):
            column.vega_lite_chart(spec, width="stretch")
        st.caption(f"{SPLIT_NOTE} {ACCURACY_NOTE}")


@st.cache_data(max_entries=256, show_spinner=False)
def history_specs(history, epochs: int) -> list[dict]:
    """The loss and accuracy charts as Vega-Lite specs. A waiting session's fragment redraws them every
    WATCH_SECONDS: Altair's to_dict (with its schema check) costs ~30 ms a pair, a cached spec ~4."""
    from lstm_core.present.charts import history_charts

    return [chart.to_dict() for chart in history_charts(history, total_epochs=epochs)]


def history_so_far(rows):
    """The epochs streamed so far as a history frame; none yet is an empty tuple, so that pandas
    loads with the first row (after TensorFlow has loaded it), not while TensorFlow imports."""
    if not rows:
        return ()
    from lstm_core.pipeline.run import history_frame

    return history_frame(list(rows))


def training_ui(run) -> None:
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.present.tables import DELTA_NOTE, final_metrics
    from lstm_core.teaching.insights import training_insight

    c = run.config
    note = f"Trained {c.epochs} of {formats.counted(c.epochs, 'epoch')} in {run.timings['total']:.1f} s"
    draw_training(training_placeholders(), run.history, c.epochs, note, yardstick_of(run))
    for col, m in zip(st.columns(4), final_metrics(run.history, yardstick_of(run))):
        col.metric(m["label"], m["value"], m["delta"], delta_color="off" if m["flat"] else "inverse" if m["inverse"] else "normal",
                   delta_arrow="off" if m["flat"] else "auto")
    if len(run.history) > 1:
        st.caption(DELTA_NOTE)
    st.info(f"**Key insight.** {training_insight(run)}")
    order_ui(run)


def order_ui(run) -> None:
    """Does order matter? The LSTM against a time-shuffled copy and a whole-window Dense model, trained on the same split."""
    import pandas as pd

    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.pipeline.order import SHUFFLED_LABEL, WINDOW_LABEL
    from lstm_core.present.charts import SPLIT_NOTE, compare_charts
    from lstm_core.teaching.order import explanation

    st.subheader("Does order matter?")
    key = run.key
    offer = st.empty()  # the button goes once clicked: a second click during the training would only rerun
    if not st.session_state.get(f"order-{key}") and not offer.button("Train the two comparison models", key="order"):
        took = run.timings.get("fit", 0.0)  # the same setup, so about as long as this run's own fit, and a little more
        how_long = f"a little longer than this run's training took ({took:.0f} s)" if took >= 1.5 else "a few seconds"
        st.caption("Trains the same LSTM on the same sequences with their time order shuffled, and a Dense layer "
                   f"that sees the whole window at once with no memory ({how_long}).")
        return
    offer.empty()
    st.session_state[f"order-{key}"] = True
    job = order_job(key, run.dataset)
    status = job.status()
    if not status.finished:  # a fragment redraws the progress; the page reruns once the models are trained
        def watch() -> None:
            now = job.status()
            if now.finished:
                st.rerun()
            if now.state == "queued":
                prune_boards()
            c = run.config
            st.info(f"Comparison models queued: place {now.place or 1} in line for the trainer." if now.state == "queued"
                    else f"Training the shuffled LSTM: epoch {len(now.rows)} of {c.epochs}" if len(now.rows) < c.epochs
                    else f"Training the whole-window Dense model: epoch {len(now.rows) - c.epochs} of {c.epochs}")

        st.fragment(watch, run_every=WATCH_SECONDS)()
        return
    if status.state == "cancelled":  # given up by every watcher just as this session asked: ask again
        st.rerun()
    if status.error:
        st.error(formats.literal(status.error))
        return
    baselines = status.run
    accs = [r.history["val_accuracy"].iloc[-1] for r in (run, baselines.shuffled, baselines.window)]
    for col, label, acc in zip(st.columns(3), ("LSTM, time in order", SHUFFLED_LABEL, WINDOW_LABEL), accs):
        col.metric(f"{label}: val accuracy", f"{acc:.3f}")
    histories = pd.concat([run.history.assign(run="LSTM, in order"), baselines.shuffled.history.assign(run=SHUFFLED_LABEL),
                           baselines.window.history.assign(run=WINDOW_LABEL)])
    for column, chart in zip(st.columns(2), compare_charts(histories)):  # two short names: side by side
        column.altair_chart(chart, width="stretch")
    st.caption(SPLIT_NOTE)
    st.write(explanation(*accs, yardstick_of(run), run.dataset.synthetic, run.config.timesteps,
                         run.dataset.changes))


def trace_ui(run) -> None:
    from lstm_core.present.charts import heatmap
    from lstm_core.present.tables import sample_text, sequence_frame
    from lstm_core.teaching.concepts import gradient_path, sigmoid_vs_tanh
    from lstm_core.teaching.insights import diverged_text, trace_insight
    from lstm_core.teaching.text import GATE_CAPTIONS, GATE_LABELS
    from lstm_core.tracing.trace import GATE_NAMES

    if run.diverged:  # every gate is NaN: heatmaps of nothing, and a Keras check that cannot agree
        st.warning(diverged_text(run))
        return
    c = run.config
    sample = whole_number("Sample (which sequence to trace)", 0, c.sequences - 1, "sample")
    trace = cached_trace(run.key, int(sample), run)
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(f"**Layer 1 · Input sequence** ({formats.counted(c.timesteps, 'timestep')} x {formats.counted(c.features, 'feature')})")
        st.dataframe(sequence_frame(trace.input, run.dataset.feature_names), height=260, width="stretch")
    with right.container(border=True):
        st.markdown(f"**Layer 2 · LSTM** (hidden state at each timestep, {formats.counted(c.units, 'unit')})")
        st.altair_chart(heatmap(trace.gates["hidden_state"], "Hidden state h", "hidden_state"), width="stretch")
        st.caption("Summary vector (the last hidden state, what the Dense layer reads)")
        st.markdown(f"`{sample_text(trace.lstm_output, keep=8)}`")
    with st.container(border=True):
        st.markdown("**Layer 3 · Dense**")
        a, b, d = st.columns(3)
        a.metric("Score (sigmoid)", f"{trace.dense_output:.3f}")
        b.metric("Predicted class", trace.predicted)
        d.metric("True label", trace.label, "correct" if trace.predicted == trace.label else "wrong",
                 delta_color="green" if trace.predicted == trace.label else "red", delta_arrow="off")  # no rise or fall
    st.subheader("Gate inspector")
    gate = remember("gate", st.radio("Gate or state", GATE_NAMES, GATE_NAMES.index(recall("gate", GATE_NAMES[0])),
                                     format_func=GATE_LABELS.get, horizontal=True, key="gate"))
    st.altair_chart(heatmap(trace.gates[gate], GATE_LABELS[gate], gate), width="stretch")
    st.caption(GATE_CAPTIONS[gate])
    (st.caption if trace.agrees else st.error)(trace.agreement)
    st.info(f"**Key insight.** {trace_insight(trace)}")
    equations_ui(run, trace)
    with st.expander("Why the cell state helps gradients"):
        st.markdown(gradient_path(trace))
    with st.expander("Sigmoid or tanh?"):
        st.markdown(sigmoid_vs_tanh(trace))
    probe_ui(run, int(sample))


def equations_ui(run, trace) -> None:
    """One unit at one timestep, with the traced numbers filled into the LSTM's equations."""
    from lstm_core.teaching.concepts import gate_equations

    with st.expander("The equations, with this sequence's numbers"):
        left, right = st.columns(2)
        c = run.config
        unit = left.selectbox("Unit", range(1, c.units + 1), key="eq_unit")
        timestep = right.selectbox("Timestep", range(1, c.timesteps + 1), index=c.timesteps - 1, key="eq_t")
        st.markdown(gate_equations(run, trace, unit - 1, timestep - 1))


CHECKS_KEPT = 8  # a session's latest What-if checks, by run and input


def edit_check_ui(run, probe) -> None:
    """The edited input's check against Keras: asked of a worker (the server has no Keras), shown when
    it arrives; the page is never held up for it."""
    import hashlib

    from lstm_core.serving.jobs import check_task
    from lstm_core.tracing.trace import trace_sample

    key = f"{run.key}:{hashlib.sha256(probe.after.input.tobytes()).hexdigest()[:16]}"
    checks = st.session_state.setdefault("checks", {})
    if key not in checks:
        checks[key] = training_pool().submit(check_task, run.keras_bytes, probe.after.input)
        for old in list(checks)[:-CHECKS_KEPT]:
            checks.pop(old).cancel()
    task = checks[key]

    def draw() -> None:
        before = f"Before the edit: {probe.before.agreement}"
        if task.state == "done":
            after = trace_sample(run, probe.after.sample, x=probe.after.input, reference=task.result)
            (st.caption if probe.before.agrees and after.agrees else st.error)(
                f"{before} After the edit: {after.agreement}")
        elif task.state in ("failed", "cancelled"):
            st.caption(f"{before} After the edit: not checked against Keras ({task.error or 'the check was cancelled'}).")
        else:
            st.caption(f"{before} After the edit: checking against Keras in a worker...")
            if task.wait(0):  # arrived since: draw the page once more without the timer
                st.rerun()

    st.fragment(draw, run_every=None if task.wait(0) else 0.5)()


def probe_ui(run, sample: int) -> None:
    """What if: edit this sequence and trace it again, before and after side by side."""
    from lstm_core.present.charts import heatmap, state_scale
    from lstm_core.tracing.probe import EDITS, TIMESTEP_EDITS, edit_note, run_probe

    st.subheader("What if?")
    c = run.config
    edit = remember("edit", st.selectbox("Change the sequence", list(EDITS), list(EDITS).index(recall("edit", "zero")),
                                         format_func=EDITS.get, key="edit"))
    st.caption(edit_note(edit, run.dataset.synthetic, run.dataset.changes))
    timestep, values = 0, None
    if edit in TIMESTEP_EDITS:
        timestep = whole_number("Timestep", 1, c.timesteps, "probe_t", offset=1)
    if edit == "edit":
        current = ", ".join(f"{v:.2f}" for v in run.dataset.x[sample, timestep] + 0.0).replace("-0.00", "0.00")
        raw = st.text_input(f"New values for timestep {timestep + 1}: {formats.counted(c.features, 'number')}, separated by commas", current,
                            key=f"probe_values-{sample}-{timestep}")
        try:
            values = [float(v) for v in raw.split(",")]
        except ValueError:
            st.error(f"Values must be {c.features} numbers separated by commas, like: {current}")
            return
    try:
        probe = run_probe(run, sample, edit, timestep, values, seed=sample)
    except ValueError as err:
        st.error(f"Cannot apply this edit: {err}.")
        return
    ranges = {state: state_scale(state, probe.before.gates[state], probe.after.gates[state])  # equal values, equal colours
              for state in ("hidden_state", "cell_state")}
    pair = (("Before", probe.before), ("After", probe.after))
    before, after = st.columns(2)
    before.metric("Before: score", f"{probe.before.dense_output:.3f}")
    after.metric("After: score", f"{probe.after.dense_output:.3f}", f"{probe.after.dense_output - probe.before.dense_output:+.3f}")
    for state, name in (("hidden_state", "hidden state h"), ("cell_state", "cell state c")):
        for col, (title, trace) in zip(st.columns(2), pair):  # one row per state: before and after line up
            col.altair_chart(heatmap(trace.gates[state], f"{title}: {name}", state, value_range=ranges[state]), width="stretch")
    st.write(probe.caption)
    edit_check_ui(run, probe)


def keep_answer(saved: dict, question: str, key: str) -> None:
    """A picked answer is kept for the quiz (and its marks wait for the next Check answers)."""
    saved[question] = st.session_state[key]
    st.session_state.pop("quiz_checked", None)


def quiz_ui(run) -> None:
    from lstm_core.teaching.quiz import draw_quiz, grade

    quiz_seed = st.session_state.setdefault("quiz_seed", 0)
    trace = cached_trace(run.key, 0, run)
    questions = draw_quiz(run, trace, seed=quiz_seed)
    st.caption(f"{len(questions)} questions; the last {len(questions) - 5} are about the model you trained.")
    form_id = f"quiz-{run.key}-{quiz_seed}"
    # No st.form: a form sends its answers only on submit, so a learner who went to look at the trace
    # (question 9 asks about it) came back to an empty quiz. Each answer is kept as it is picked.
    saved = st.session_state.setdefault("quiz_answers", {}).setdefault(form_id, {})  # outlives the tab
    for n, q in enumerate(questions, 1):
        st.markdown(f"**{n}. {q.prompt}**  \n*{q.level}*")
        key = f"{form_id}-{q.id}"
        st.radio(q.prompt, range(len(q.options)), format_func=lambda i, q=q: f"{'ABCD'[i]}. {q.options[i]}",
                 index=saved.get(q.id), key=key, label_visibility="collapsed",
                 on_change=keep_answer, args=(saved, q.id, key))
    if st.button("Check answers", key="check", type="primary"):
        st.session_state["quiz_checked"] = form_id
    if st.session_state.get("quiz_checked") == form_id:
        marks, score = grade(questions, saved)
        for n, (q, ok) in enumerate(zip(questions, marks), 1):
            if q.id not in saved:
                st.warning(f"**Question {n}: not answered.** {q.explanation()}")
            else:
                (st.success if ok else st.error)(f"**Question {n}: {'correct' if ok else 'incorrect'}.** {q.explanation()}")
        st.metric("Score", score)
    if st.button("New quiz", key="new_quiz"):
        st.session_state["quiz_seed"] = quiz_seed + 1
        st.rerun()


def compare_ui(run) -> None:
    """Every finished run of this session, side by side. Comparing never retrains."""
    from lstm_core.present.charts import SPLIT_NOTE, compare_charts
    from lstm_core.present.runs import SUMMARY_FORMATS

    store = run_store()
    if run.key not in store:  # removed or cleared: Train would not bring it back, as it is already on screen
        if st.button("Add the run on screen", key="readd_run", help="It was removed or cleared from this list."):
            store.add(run)
            st.rerun()
    if not len(store):
        st.info(f"Runs you train appear here, up to the last {store.limit}.")
        return
    st.caption(f"{len(store)} run{'s' if len(store) != 1 else ''} this session (the last {store.limit} are kept).")
    for chart in compare_charts(store.histories()):
        st.altair_chart(chart, width="stretch")
    st.caption(SPLIT_NOTE)
    summary = store.summary()
    summary["Run"] = summary["Run"].map(formats.literal)  # a run's label names its file and columns
    st.table(summary.style.format(SUMMARY_FORMATS), hide_index=True)
    left, right = st.columns([3, 1])
    victim = left.selectbox("Remove a run", store.labels(), key="remove_which")
    if left.button("Remove", key="remove_run"):
        store.remove(victim)
        st.rerun()
    if right.button("Clear all", key="clear_runs"):
        store.clear()
        st.rerun()


# --- The page -----------------------------------------------------------------------------------
state = st.session_state
preset_ui()
source = data_source_ui()
values = sidebar_ui(locked=state["preset"].lock, csv=source.kind is not DataKind.SYNTHETIC)
if values is not None:  # the link's warnings were about the link; once the learner trains, they are done
    state["preset"].warnings.clear()
for warning in state["preset"].warnings:
    st.warning(formats.literal(warning))
if values is not None:
    from lstm_core.data.choice import request

    outcome = request(values, source)
    if isinstance(outcome, str):
        st.error(f"Not trained: {formats.literal(outcome)} The results below are from the last run.")
    else:
        key, dataset = outcome
        follow(key if state.get("run") is None or key != state["run"].key else None, dataset)  # None: it is on screen
        if dataset is None:
            remember_in_url(config_of(key))

if values is None and state.get("pending") is None and state.get("run") is not None:
    from lstm_core.data.choice import data_on_screen_note

    note = data_on_screen_note(state["run"].dataset, source)
    if note:  # a choice of data trains nothing until Train: say whose results these are
        st.info(note)

if "failed" in state:  # the training this session waited for ended in an error (said once)
    st.error(state.pop("failed"))
if state.get("pending") is not None:  # a finished run in the shared cache is shown at once, no rerun
    done = training_job(state["pending"], state.get("pending_data")).status()
    if done.state == "done":
        state["run"] = done.run
        run_store().add(done.run)
        follow(None)
run, pending = state.get("run"), state.get("pending")
share_ui(run.config if run is not None else config_of(pending), run is None or run.dataset.synthetic)
if run is not None:
    export_ui(run)
# Lazy tabs: only the open tab's content runs and is sent, so a page (or a cached run) paints fast.
# A visit opens on Training, where the run streams in (or arrives from the cache) without a click.
if pending is not None and state.get("tab", "Training") != "Training":
    pending_ui(pending, state.get("pending_data"), live=False)  # one status line above the other tabs
tabs = dict(zip(TABS, st.tabs(TABS, default="Training", key="tab", on_change="rerun")))
for name, draw in zip(TABS, (pipeline_ui, None, trace_ui, quiz_ui, compare_ui)):
    if not tabs[name].open:
        continue
    with tabs[name]:
        if pending is not None and draw is None:
            pending_ui(pending, state.get("pending_data"), live=True)
        elif run is None:
            st.info("The first run is training: watch it learn in the Training tab.")
        elif draw is None:
            training_ui(run)
        else:
            if pending is not None:
                st.caption("Showing the previous run while the new one trains.")
            draw(run)
