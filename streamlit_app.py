"""LSTM Pipeline Trace: the page, top to bottom. Layout only: the sidebar is app/sidebar.py, each tab a view
in app/views, the session's trainings app/session.py; every number on the page comes from lstm_core.

TensorFlow never loads in this process: trainings run in worker processes (lstm_core.serving.workers), the
first of which starts, and imports TensorFlow, while this page paints.
"""

import streamlit as st

from app import session, sidebar
from app.resources import training_pool
from app.views import common, compare, guided, pipeline, quiz, trace, training, why_gates
from lstm_core.data.choice import DataKind
from lstm_core.teaching import text

TABS = ["Pipeline", "Training", "Prediction trace", "Why gates?", "Quiz", "Compare"]

training_pool()
st.set_page_config(page_title=text.TITLE, page_icon="🔁", layout="wide")
st.title(text.TITLE)
st.caption(text.INTRO)
layout = st.container()  # Explore or Guided, chosen once the link's preset is read

# --- The sidebar: the link's setup (trained on a first visit), the data, the model's controls ---
trainer = session.trainer()
preset = sidebar.preset(want=trainer.want)
choice = sidebar.data_source(locked=preset.lock)
values, pressed = sidebar.model_form(locked=preset.lock, csv=choice.kind is not DataKind.SYNTHETIC)
sidebar.link_warnings(preset, trained=pressed)
if pressed:
    session.train(values, choice)
elif trainer.pending is None and trainer.run is not None:  # a choice of data trains nothing until Train
    sidebar.data_note(trainer.run, choice)
    sidebar.settings_note(trainer.run, choice)  # a moved slider, too, trains nothing until Train
now = session.look()  # a training finished meanwhile: its run goes on screen now, or its error is said
common.failed(now.error)
sidebar.share(now)
sidebar.export(now.run, session.compared)

# --- Guided: the first visit as seven steps, one at a time (the link's mode=guided opens on it) ---
if guided.chosen(layout, preset):
    guided.view(now, trainer.status, session.keras_check, train=lambda guess: session.train(values, choice, guess))
    st.stop()

# --- The tabs: lazy, only the open one runs and is sent, so a page (or a cached run) paints fast. A visit
# opens on Training, where the run streams in (or arrives from the cache) without a click.
if now.job is not None and st.session_state.get("tab", "Training") != "Training":
    common.watch(trainer.status, training.pending_line)  # one status line above the other tabs
tabs = st.tabs(TABS, default="Training", key="tab", on_change="rerun")
common.tab(tabs[0], now, pipeline.view)
common.tab(tabs[1], now, session.results, training=lambda: training.waiting(now, trainer.status))
common.tab(tabs[2], now, lambda run: trace.view(run, check=session.keras_check))
common.tab(tabs[3], now, lambda run: why_gates.view(run, session.ask_cells(run), session.cells_asked(run),
                                                    session.ask_horizon(run), session.horizon_asked(run)))
common.tab(tabs[4], now, lambda run: quiz.view(run, session.compared(run)))
common.tab(tabs[5], now, lambda run: compare.view(run, session.run_store()))
