import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset
from lstm_core.pipeline._keras import keras
from lstm_core.pipeline.noise import yardstick_of
from lstm_core.present.exports import history_csv, model_bytes, neutralise, reproduce_script, run_json, safe_csv
from lstm_core.present.tables import epoch_table
from tests.support import SMALL


def test_history_csv_matches_the_history(small_run):
    back = pd.read_csv(__import__("io").BytesIO(history_csv(small_run)))
    assert list(back.columns) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy", "observation"]
    np.testing.assert_allclose(back["loss"], small_run.history["loss"], rtol=1e-6)
    assert list(back["observation"]) == list(epoch_table(small_run.history, yardstick_of(small_run))["Observation"])


def test_csv_injection_is_neutralised():
    frame = pd.DataFrame({"=cmd": ["=1+1", "+SUM(A1)", "-2+3", "@x", "\tnote", "safe"], "n": [-1.5, 2, 3, 4, 5, 6]})
    text = safe_csv(frame).decode()
    lines = text.splitlines()
    assert lines[0] == "'=cmd,n"
    assert "'=1+1" in text and "'+SUM(A1)" in text and "'-2+3" in text and "'@x" in text
    assert lines[-1] == "safe,6.0" and ",-1.5" in text  # numbers, even negative, pass untouched
    assert neutralise(-3) == -3


def test_json_loads_back_in_the_cli_schema(small_run):
    report = json.loads(run_json(small_run, sample=2))
    assert set(report) >= {"config", "stages", "params", "history", "trace"}
    assert report["config"] == SMALL.to_dict() and report["trace"]["sample"] == 2
    assert [r["epoch"] for r in report["history"]] == [1, 2]


def test_model_round_trips(small_run, tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(model_bytes(small_run))
    loaded = keras.models.load_model(path)
    x = small_run.dataset.x[:4]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), small_run.model.predict(x, verbose=0), atol=1e-6)


def test_the_script_makes_the_same_data():
    # seed 45 with 10 sequences draws 8 training labels all 1: both make the first one go the other way
    for config in (LSTMConfig(), LSTMConfig(sequences=50, timesteps=3, features=2, seed=7),
                   LSTMConfig(sequences=10, seed=45)):
        namespace = {"__name__": "not_main"}
        source = reproduce_script(config)
        exec(source.split("x, y = make_data(SEED)")[0], namespace)  # the constants and make_data only
        x, y = namespace["make_data"](config.seed)
        d = make_dataset(config)
        np.testing.assert_array_equal(x, d.x)
        np.testing.assert_array_equal(y, d.y)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_the_script_builds_the_same_model(cell):
    """Every cell's script starts from the weights the app's model starts from (its fit is then the same)."""
    from lstm_core.pipeline.model import build_model

    config = LSTMConfig(cell=cell, units=3, timesteps=4, features=2, sequences=30, seed=5)
    namespace = {"__name__": "not_main"}
    exec(reproduce_script(config).split("n_train = ")[0], namespace)  # data and model, no fit
    theirs, ours = namespace["model"], build_model(config)
    assert type(theirs.layers[1]).__name__ == type(ours.layers[1]).__name__
    for a, b in zip(theirs.get_weights(), ours.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_the_exported_script_runs_and_reproduces_the_run(tmp_path, default_run):
    script = tmp_path / "lstm_run.py"
    script.write_text(reproduce_script(LSTMConfig()))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "input: (1000, 10, 5)" in out.stdout
    assert "lstm output: (20,) per sequence" in out.stdout and "dense output: (1000, 1)" in out.stdout
    final = out.stdout.strip().splitlines()[-1].split()
    accuracy, val_accuracy = float(final[2]), float(final[4])
    assert accuracy >= 0.88 and val_accuracy >= 0.85
    assert abs(accuracy - default_run.history["accuracy"].iloc[-1]) < 0.02  # the same run, not just a similar one


def test_exports_trace_the_sample_on_screen_not_a_refused_entry():
    from lstm_core.present.exports import shown_sample

    assert shown_sample(7, 900, 1000) == 7  # typed this rerun, in range
    assert shown_sample(5000, 900, 1000) == 900 and shown_sample(-1, 900, 1000) == 900  # refused: the last good one
    assert shown_sample(None, 900, 100) == 99  # a smaller run: inside its range


def test_download_names_tell_runs_apart():
    """Runs that differ in any setting (the default run and one at learning rate 0.00001, say), or in their
    data, download under different names."""
    from types import SimpleNamespace

    from lstm_core.present.exports import file_stem

    def run(data_key="synthetic", name="Synthetic (lesson)", **config):
        return SimpleNamespace(config=LSTMConfig(**config), dataset=SimpleNamespace(key=data_key, name=name, synthetic=data_key == "synthetic"))

    stems = [file_stem(r) for r in (run(), run(learning_rate=0.00001), run(batch_size=8), run(sequences=500),
                                    run("abc:1", "my data (v2).csv", features=2),
                                    run("abc:2", "my data (v2).csv", features=2), run(features=2))]
    assert stems[0] == "lstm_u20_t10_f5_e5_s0" and stems[1] == "lstm_u20_t10_f5_e5_s0_lr1e-05"
    assert stems[4].startswith("lstm_u20_t10_f2_e5_s0_my-data-v2-") and len(set(stems)) == len(stems)
