"""The sidebar: the link's preset, where the sequences come from, the hyperparameter form, and the share
and export expanders."""

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app.views import predict
from app.views.common import GUIDED, GUIDED_STEP, recall, remember
from lstm_core import formats
from lstm_core.config import CELL_NAMES, FIELDS, LSTMConfig
from lstm_core.data.choice import DataChoice, DataKind
from lstm_core.data.keys import run_key

SOURCES = ["Synthetic (lesson)", "Example: CO2", "Upload CSV"]
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "co2.csv"
MAX_MB = 2  # lstm_core.data.csvfile.MAX_BYTES and .streamlit/config.toml's server.maxUploadSize, in MB


# --- URL presets: read once per session, they prefill the form ------------------------------
def preset(want: Callable[[str], None]):
    """The link's preset (serving.presets.Preset). On a session's first run, ?units=..&epochs=.. (and
    lock=1) from the URL fill the form, and ``want(run_key)`` asks for its run: trained, or from the cache."""
    if "preset" in st.session_state:
        return st.session_state["preset"]
    from lstm_core.serving.presets import PRESET_FIELDS, parse_query

    found = parse_query({name: st.query_params.get_all(name) for name in st.query_params})
    st.session_state["preset"] = found
    for name in PRESET_FIELDS:  # the form's widgets read their start values from here
        st.session_state[name] = getattr(found.config, name)
    if found.warnings:  # the address shows what was used instead, so a reload does not warn again
        remember_in_url(found.config, lock=found.lock)
    want(run_key(found.config))
    return found


def link_warnings(found, trained: bool) -> None:
    """What the link asked for that could not be used; once the learner trains, the link is done with."""
    if trained:
        found.warnings.clear()
    for warning in found.warnings:
        st.warning(formats.literal(warning))


def remember_in_url(config: LSTMConfig, lock: bool = False) -> None:
    """The address bar holds the setup last trained (the lesson's data only: a file stays in its session),
    so a reload, which starts a new session, brings it back from the shared cache instead of the default."""
    from lstm_core.serving.presets import query_of

    # the layout and the guided step, which the address also holds
    kept = {"mode": "guided", "step": str(st.session_state.get(GUIDED_STEP, 1))} if st.session_state.get(GUIDED) else {}
    st.query_params.from_dict({**query_of(config), **({"lock": "1"} if lock else {}), **kept})


# --- Where the sequences come from ------------------------------------------------------------
@st.cache_data(max_entries=16, show_spinner=False)
def parsed(data: bytes):
    """The parsed file, or the CSVError's message (cached by the file's bytes)."""
    from lstm_core.data.csvfile import CSVError, parse_csv

    try:
        return parse_csv(data)
    except CSVError as err:
        return str(err)


def uploaded_file(shown_before: bool) -> tuple[bytes, str, str] | None:
    """The uploaded file's bytes, name and when it was uploaded ("14:02"). The uploader forgets its file
    when another data choice hides it, so a copy is kept for the session and used again on the way back;
    removing the file forgets it. A file over the size cap never reaches the app: the browser refuses it
    (in red, in the uploader) and keeps the one before, so the sidebar always names the file in use."""
    upload = st.file_uploader("CSV file, one row per time step", type=["csv", "txt", "tsv"], key="upload",
                              help=f"Up to {MAX_MB} MB. The uploader refuses a bigger file (in red) "
                                   "and it is not used: the line below names the file in use.")
    had, st.session_state["upload-live"] = st.session_state.get("upload-live", False), upload is not None
    kept = st.session_state.get("kept-upload")
    if upload is not None:
        if kept is None or kept[3] != upload.file_id:  # a new file: keep it, and when it came
            st.session_state["kept-upload"] = (upload.getvalue(), upload.name, clock(), upload.file_id)
    elif shown_before and had:  # the learner took the file out of the uploader
        st.session_state.pop("kept-upload", None)
    kept = st.session_state.get("kept-upload")
    return None if kept is None else kept[:3]


def clock() -> str:
    """The time now, as the learner's browser tells it (the server's if it does not): 14:02."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(st.context.timezone) if st.context.timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    return datetime.now(zone).strftime("%H:%M")


def data_source(locked: bool) -> DataChoice:
    """The data choice: the lesson's data, or a CSV file with its target and features."""
    with st.sidebar.container(border=True):
        source = st.radio("Data", SOURCES, key="source", disabled=locked)
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
            data, name, when = kept
        table = parsed(data)
        if isinstance(table, str):
            if source == SOURCES[2]:  # say that the file before is not used either
                st.error(f"{formats.literal(name)} (uploaded {when}) cannot be used: {formats.literal(table)} "
                         "No file is in use: upload another.")
                return DataChoice.unusable(f"{name}: {table}")
            st.error(formats.literal(f"{name}: {table}"))
            return DataChoice.unusable(table)
        if source == SOURCES[2]:
            st.caption(f"Using {formats.literal(name)} (uploaded {when}). A file over {MAX_MB} MB is refused above, "
                       "in red, and not used.")
        return file_choice(table, name, source == SOURCES[2])


def file_choice(table, name: str, uploaded: bool = False) -> DataChoice:
    """The parsed file's target, features and changes box, and what they make of it (an uploaded file's
    name is on the line above, with when it came)."""
    from lstm_core.data.csvfile import CHANGES_BOX, default_target, gap_windows, too_few, window_counts

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
    windows, dropped = window_counts(table.rows, timesteps, changes)
    width = (1 + len(features)) * (2 if changes else 1)
    st.caption(formats.literal(f"{'' if uploaded else f'Using {name}, '}{formats.counted(table.rows, 'row')}; numeric columns {', '.join(table.columns)}"
                               + (f"; text columns ignored: {', '.join(table.text_columns)}" if table.text_columns else "") + "."))
    short = too_few(table.rows, timesteps, changes)
    if not short:
        st.caption(f"With {timesteps} timesteps: {windows} sequences x {timesteps} timesteps x "
                   f"{formats.counted(width, 'feature')}"
                   + (f" (the newest; the oldest {dropped} are left out)" if dropped else "")
                   + ". The scaling is learned from the training part only, and no sequence mixes training and "
                     "validation rows.")
        with st.expander("Details"):
            st.caption(formats.literal(f"Read as {table.encoding}, delimiter {table.delimiter!r}, decimal {table.decimal!r}. ")
                       + f"The {gap_windows(timesteps, changes)} windows that would share rows with both the training "
                         "and the validation part are not made.")
    else:
        st.warning(short)  # the words a refused Train would use
    st.dataframe(table.frame.head(5), height=150, width="stretch")
    return DataChoice.csv(table, target, features, name, changes)


def data_note(shown, choice: DataChoice) -> None:
    """Choosing data trains nothing until Train: when the run on screen (``shown``) has other data than
    the sidebar's choice, say whose results these are."""
    from lstm_core.data.choice import data_on_screen_note

    note = data_on_screen_note(shown.dataset, choice)
    if note:
        st.info(note)


# --- The hyperparameters, in a form so that only Train retrains ---------------------------------
def slider(name: str, locked: bool):
    spec = FIELDS[name]
    return st.slider(spec.label, int(spec.low), int(spec.high), help=spec.help, key=name, disabled=locked)


def choice(name: str, locked: bool):
    spec = FIELDS[name]
    # A radio, not a select box: three choices in sight at once, one click to change
    return st.radio(spec.label, spec.choices, format_func=CELL_NAMES.get, help=spec.help, key=name, disabled=locked)


def number(name: str, locked: bool, **kwargs):
    """No min or max on the widget: the browser would refuse an out-of-range entry without a word and
    Train would silently use the old value. The config check names the value and its range instead."""
    spec = FIELDS[name]
    return st.number_input(spec.label, None, None, help=f"{spec.help} Allowed {spec.allowed}.",
                           key=name, disabled=locked, **kwargs)


GUESS = "accuracy_guess"  # the sidebar's prediction box


def model_form(locked: bool, csv: bool = False) -> tuple[dict, bool]:
    """The model's controls: their values, and whether Train was pressed. Not an ``st.form``: a form's
    values reach the server only when it is submitted (checked in Chromium and AppTest, Streamlit 1.67),
    so the page could not say that its results are for other settings. A move reruns the page, which
    trains nothing: only Train does (settings_note says the results are for the previous settings)."""
    with st.sidebar.container(border=True):
        st.subheader("Model")
        if locked:
            st.caption("This setup is locked by the link, so the whole room trains the same model.")
        values = {name: slider(name, locked) for name in ("units", "epochs", "timesteps")}
        with st.expander("Advanced"):
            if csv:
                st.caption("With a CSV file, the file sets Sequences and Features; these two apply to the lesson data.")
            values["cell"] = choice("cell", locked)
            values["features"] = slider("features", locked)
            values["sequences"] = number("sequences", locked, step=100)
            values["batch_size"] = number("batch_size", locked, step=8)
            values["learning_rate"] = number("learning_rate", locked, step=0.001, format="%g")  # 6 significant digits: 1.5e-05 is not shown as 0.00002
            values["seed"] = number("seed", locked, step=1)
        typed = st.text_input(predict.GUESS_LABEL, key=GUESS, placeholder="optional: 0 to 1, or a percentage",
                              help="Before you press Train: what will the last epoch's validation accuracy be? It is "
                                   "drawn on the accuracy chart as the run trains, and compared with the result. "
                                   "Leave it empty to skip.")
        predict.guess_error(typed)
        pressed = st.button("Train", type="primary", key="train", width="stretch", disabled=locked)
    return values, pressed


def settings_note(shown, choice: DataChoice) -> None:
    """Moving a control trains nothing until Train: when the controls differ from the config of the run on
    screen (``shown``), say whose results these are. A file sets Sequences and Features, so those two count
    only when both the run and the choice are the lesson's data."""
    from lstm_core.config import SETTABLE
    from lstm_core.teaching.text import STALE_SETTINGS

    fields = SETTABLE
    if not (shown.dataset.synthetic and choice.kind is DataKind.SYNTHETIC):
        from lstm_core.data.csvfile import FILE_SETS

        fields = [name for name in SETTABLE if name not in FILE_SETS]
    changed = [(name, getattr(shown.config, name), st.session_state.get(name)) for name in fields
               if name in st.session_state and st.session_state[name] != getattr(shown.config, name)]
    if changed:
        st.info(STALE_SETTINGS.format(changes=", ".join(
            f"{FIELDS[name].label} {written(was, name)} → {written(now, name)}" for name, was, now in changed)))


def written(value, name: str = "") -> str:
    """A setting's value as the sidebar shows it: a cell by its name (GRU, not gru)."""
    if name == "cell":
        return CELL_NAMES.get(value, str(value))
    return "empty" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


# --- Share and export -------------------------------------------------------------------------
def share(now) -> None:
    """The link that opens this setup for someone else (``now``: a serving.trainer.TrainerStatus)."""
    from lstm_core.serving.presets import to_query

    run = now.run
    expander = st.sidebar.expander("Share this setup", key="share", on_change="rerun")
    if not expander.open:  # lazy: the link and its copy button are sent only when asked for
        return
    if run is not None and not run.dataset.synthetic:
        with expander:
            st.caption("Links share setups on the lesson's synthetic data; your file stays in your session. "
                       "To share a CSV run, export it (JSON or .keras) below.")
        return
    query = to_query(run.config if run is not None else now.config)
    page = st.context.url or ""
    with expander:
        st.code(page + (f"?{query}" if query else "") or "(the default setup: share the page's address)",
                language=None, wrap_lines=True)
        st.caption("For a room demo, this link also locks the controls, so everyone trains the same model:")
        st.code(f"{page}?{query + '&' if query else ''}lock=1", language=None, wrap_lines=True)


JSON_NOTE = ("The JSON holds the whole run: its settings, every epoch, and one traced sequence (the one on the "
             "Prediction trace tab), as the command line's `--json` gives it.")


def export(run, compared: Callable[[object], tuple] = lambda run: ()) -> None:
    """Download the run on screen (if any); each file is made only when its button is clicked. ``compared(run)``:
    its Why gates? comparisons, whose cells' gradient flow the JSON holds too."""
    if run is None:
        return
    from lstm_core.present import exports

    expander = st.sidebar.expander("Export this run", key="export", on_change="rerun")
    if not expander.open:  # lazy, like the tabs
        return
    stem = exports.file_stem(run)
    # Read now: the download callbacks run without this session's state. The trace tab's widget holds a
    # change made this rerun (its kept copy is updated only when the tab draws, after this).
    sample = exports.shown_sample(st.session_state.get("sample"), recall("sample", 0), run.config.sequences)
    # on_click="ignore": a download needs no rerun, and a rerun gives every deferred file a new id, so a
    # second click sent before the page has the new ids fails ("Failed to generate file for download").
    with expander:
        st.download_button("History (CSV)", lambda: exports.history_csv(run), f"{stem}_history.csv", "text/csv",
                           key="dl_csv", on_click="ignore", width="stretch")
        others = compared(run)
        st.download_button("Whole run (JSON)", lambda: exports.run_json(run, sample, others), f"{stem}.json",
                           "application/json", key="dl_json", on_click="ignore", width="stretch")
        st.download_button("Trained model (.keras)", lambda: exports.model_bytes(run), f"{stem}.keras",
                           "application/octet-stream", key="dl_model", on_click="ignore", width="stretch")
        if run.dataset.synthetic:
            st.download_button("Python script to reproduce it", lambda: exports.reproduce_script(run.config, f"{stem}.py"),
                               f"{stem}.py", "text/x-python", key="dl_script", on_click="ignore",
                               width="stretch")
            st.caption(f"{JSON_NOTE} The script needs only NumPy and Keras.")
        else:
            st.caption(f"{JSON_NOTE} The script is for the lesson's data: to train on your file again, use the "
                       "command line (`python -m lstm_core --csv`).")
