"""Take a run away: the history as CSV, the run as JSON (the CLI's --json schema), the model as .keras,
and a standalone script that reproduces the run with plain Keras."""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd

from lstm_core.config import CELL_NAMES, LSTMConfig
from lstm_core.data.synthetic import FEATURE_OFFSET, MAX_RISE, MIN_RISE, NOISE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets treat as the start of a formula


def neutralise(cell):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; numbers pass."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV with no formula injection from any text cell or column name."""
    out = frame.rename(columns=lambda c: neutralise(str(c)))
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out.to_csv(index=False).encode("utf-8")


def history_csv(run) -> bytes:
    """The epoch table as the page shows it (the noise columns are in the JSON)."""
    from lstm_core.pipeline.noise import yardstick_of
    from lstm_core.pipeline.run import HISTORY_COLUMNS
    from lstm_core.teaching.observations import observed

    return safe_csv(observed(run.history, yardstick_of(run))[[*HISTORY_COLUMNS, "observation"]])


def run_json(run, sample: int = 0, compared=()) -> bytes:
    from lstm_core.present.report import build_report

    return json.dumps(build_report(run, sample, compared), indent=1, allow_nan=False).encode("utf-8")


def model_bytes(run) -> bytes:
    """The trained model in Keras's .keras format, saved where it was trained (see train.finish)."""
    return run.keras_bytes


SCRIPT = '''"""Reproduce an LSTM Pipeline Trace run ({layer} cell) with plain Keras: data, model, fit.

Config: {config}
Run it with:  python {name}
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np

SEQUENCES, TIMESTEPS, FEATURES = {sequences}, {timesteps}, {features}
UNITS, EPOCHS, BATCH_SIZE, LEARNING_RATE, SEED = {units}, {epochs}, {batch_size}, {learning_rate!r}, {seed}
VAL_SEQUENCES = {val_sequences}


def make_data(seed):
    """Noisy ramps up (label 1) or down (label 0, the same ramp reversed) at a random level."""
    rng = np.random.default_rng(seed)
    n, t, f = SEQUENCES, TIMESTEPS, FEATURES
    y = rng.integers(0, 2, size=n)
    if np.ptp(y[: n - VAL_SEQUENCES]) == 0:  # both labels among the training sequences
        y[0] = 1 - y[0]
    rise = rng.uniform({min_rise!r}, {max_rise!r}, size=(n, 1, 1))
    level = rng.uniform(0.0, 1.0 - rise)
    ramp = np.linspace(0.0, 1.0, t)[None, :, None]
    ramp = np.where(y[:, None, None] == 1, ramp, ramp[:, ::-1])
    offset = rng.uniform(-{offset!r}, {offset!r}, size=(n, 1, f))
    x = level + rise * ramp + offset + rng.normal(0.0, {noise!r}, size=(n, t, f))
    return x.astype(np.float32), y.astype(np.float32)


x, y = make_data(SEED)
inputs = keras.Input(shape=(TIMESTEPS, FEATURES))
hidden = keras.layers.{layer}(UNITS, kernel_initializer=keras.initializers.GlorotUniform(seed=SEED),
                           recurrent_initializer=keras.initializers.Orthogonal(seed=SEED + 1))(inputs)
outputs = keras.layers.Dense(1, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=SEED + 2))(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="binary_crossentropy", metrics=["accuracy"])

n_train = SEQUENCES - VAL_SEQUENCES
history = model.fit(x[:n_train], y[:n_train], validation_data=(x[n_train:], y[n_train:]),
                    epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0).history

print("input:", x.shape)
print("{cell} output:", keras.Model(inputs, hidden).predict(x[:1], verbose=0).shape[1:], "per sequence")
print("dense output:", model.predict(x, verbose=0).shape)
for epoch in range(EPOCHS):
    print(f"epoch {{epoch + 1}}: loss {{history['loss'][epoch]:.4f}} accuracy {{history['accuracy'][epoch]:.4f}} "
          f"val_loss {{history['val_loss'][epoch]:.4f}} val_accuracy {{history['val_accuracy'][epoch]:.4f}}")
print(f"final accuracy {{history['accuracy'][-1]:.4f}} val_accuracy {{history['val_accuracy'][-1]:.4f}}")
'''


def reproduce_script(config: LSTMConfig, name: str = "lstm_run.py") -> str:
    """A standalone script (NumPy and Keras only) that makes the same data and trains the same model."""
    return SCRIPT.format(config=config.key(), name=name, val_sequences=config.val_sequences, noise=NOISE,
                         layer=CELL_NAMES[config.cell],
                         min_rise=MIN_RISE, max_rise=MAX_RISE, offset=FEATURE_OFFSET, **config.to_dict())


def shown_sample(typed, kept: int, sequences: int) -> int:
    """The sample the trace tab shows: the one typed this rerun if it is in range, else the last good
    one (within this run's sequences). An export must trace that one, not a refused entry."""
    if typed is not None and 0 <= typed < sequences:
        return int(typed)
    return min(max(int(kept), 0), sequences - 1)


def file_stem(run) -> str:
    """A download's name that tells runs apart: the config (fields off their defaults too) and the data."""
    c, default = run.config, LSTMConfig()
    parts = [f"u{c.units}", f"t{c.timesteps}", f"f{c.features}", f"e{c.epochs}", f"s{c.seed}"]
    parts += [f"{tag}{getattr(c, name):g}" for tag, name in (("n", "sequences"), ("b", "batch_size"), ("lr", "learning_rate"))
              if getattr(c, name) != getattr(default, name)]
    if not run.dataset.synthetic:  # the file's name, and which file, columns and changes
        name = re.sub(r"[^A-Za-z0-9]+", "-", run.dataset.name.rsplit(".", 1)[0]).strip("-")[:24] or "data"
        parts.append(f"{name}-{hashlib.sha256(run.dataset.key.encode()).hexdigest()[:6]}")
    return f"{c.cell}_" + "_".join(parts)

