"""The CLI in a subprocess, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

SMALL_ARGS = ["--sequences", "60", "--timesteps", "4", "--features", "2", "--units", "3", "--epochs", "2"]


def run_cli(*args, timeout=120):
    """python -m lstm_core in the repository's folder: the paths below are relative to it."""
    return subprocess.run([sys.executable, "-m", "lstm_core", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


@pytest.fixture(scope="module")
def json_out():
    proc = run_cli(*SMALL_ARGS, "--json")
    assert proc.returncode == 0, proc.stderr
    return proc


def test_json_is_exactly_one_object_with_the_schema(json_out):
    report = json.loads(json_out.stdout)  # fails on any extra output
    assert report["config"]["units"] == 3 and set(report["config"]) >= {
        "sequences", "timesteps", "features", "units", "epochs", "batch_size", "learning_rate", "validation_split", "seed"}
    assert [s["name"] for s in report["stages"]] == ["Input Data", "LSTM Layer", "Dense Layer"]
    assert report["stages"][1]["output"] == "60 sequences x 3 units"
    assert report["stages"][2]["output_shape"] == [60, 1]
    assert report["params"] == {"recurrent": 4 * 3 * (2 + 3 + 1), "dense": 4, "total": 4 * 3 * 6 + 4}
    assert [r["epoch"] for r in report["history"]] == [1, 2]
    assert all(set(r) >= {"loss", "accuracy", "val_loss", "val_accuracy", "observation"} for r in report["history"])
    trace = report["trace"]
    assert len(trace["input"]) == 4 and len(trace["input"][0]) == 2
    for name in ("input_gate", "forget_gate", "candidate", "output_gate", "cell_state", "hidden_state"):
        assert len(trace["gates"][name]) == 4 and len(trace["gates"][name][0]) == 3
    assert trace["recurrent_output"] == trace["gates"]["hidden_state"][-1]
    assert 0 <= trace["dense_output"] <= 1 and trace["keras_max_diff"] < 1e-5


@pytest.mark.parametrize("cell,states,blocks,biases", [("gru", ["update_gate", "reset_gate", "candidate", "hidden_state"], 3, 2),
                                                      ("rnn", ["hidden_state"], 1, 1)])
def test_each_cell_trains_traces_and_reports_its_own_gates(cell, states, blocks, biases):
    proc = run_cli(*SMALL_ARGS, "--cell", cell.upper(), "--json")  # any case, as in a link
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["config"]["cell"] == cell and report["params"]["recurrent"] == blocks * 3 * (2 + 3 + biases)
    assert list(report["trace"]["gates"]) == states and report["trace"]["keras_max_diff"] < 1e-5
    flow = report["gradient_flow"][cell]
    assert list(report["gradient_flow"]) == [cell] and len(flow["init"]) == len(flow["trained"]) == 4
    assert flow["trained"][-1] == pytest.approx(1.0)


def test_tensorflow_start_up_log_is_silenced(json_out):
    assert "oneDNN" not in json_out.stderr and "absl" not in json_out.stderr
    assert json_out.stderr.strip() == ""


def test_plain_output_is_the_seed_page_as_text():
    proc = run_cli(*SMALL_ARGS)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for text in ("Data flow - 3 stages", "60 sequences x 4 timesteps x 2 features -> 60 sequences x 3 units",
                 "Epoch", "Val accuracy", "Observation", "Starting point", "|*", "Prediction trace", "Key insight"):
        assert text in out


def test_save_model_loads_back(tmp_path):
    path = tmp_path / "m.keras"
    proc = run_cli(*SMALL_ARGS, "--json", "--save-model", str(path))
    assert proc.returncode == 0, proc.stderr
    from lstm_core.pipeline._keras import keras

    model = keras.models.load_model(path)
    assert model.get_layer("lstm").units == 3
    assert json.loads(proc.stdout)["saved_model"] == str(path)


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--units", "0"], "--units: units = 0 is out of range; allowed: 1 to 256"),
        (["--epochs", "-3"], "--epochs: epochs = -3 is out of range; allowed: 1 to 100"),
        (["--timesteps", "ten"], "--timesteps: timesteps = 'ten' is not a number; allowed: 2 to 200"),
        (["--batch-size", "2.5"], "--batch-size: batch_size = '2.5' is not a whole number; allowed: 1 to 1024"),
        (["--learning-rate", "5"], "--learning-rate: learning_rate = 5.0 is out of range; allowed: 1e-05 to 1"),
        (["--seed", "-1"], "--seed: seed = -1 is out of range"),
        (["--units", "256", "--epochs", "100"], "work cap"),
        (["--sequences", "20000", "--timesteps", "200", "--features", "32"], "data cap"),
        (["--save-model", "/no/such/dir/m.keras"], "--save-model: cannot write"),
        (["--save-model", "model.h5"], "--save-model: 'model.h5' must end in .keras"),
        (["--sample", "5000"], "--sample: '5000' is not allowed; give a whole number from 0 to 999"),
        (["--wat"], "unrecognized arguments: --wat"),
        (["--cell", "lstmm"], "--cell: cell = 'lstmm' is not a cell here; allowed: one of lstm, gru, rnn."),
    ],
)
def test_bad_input_exits_2_with_one_line(args, needle):
    proc = run_cli(*args, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0] and "Traceback" not in proc.stderr


def test_csv_json_has_the_same_outputs_as_a_synthetic_run():
    proc = run_cli("--csv", "tests/files/good_tab.csv", "--target", "reading", "--features", "step",
                   "--timesteps", "5", "--units", "3", "--epochs", "2", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    # 2 columns and their changes from the row before (the first row only starts the changes)
    assert report["stages"][0]["output"] == "48 sequences x 5 timesteps x 4 features"
    assert report["stages"][1]["output"] == "48 sequences x 3 units"
    assert report["config"]["sequences"] == 48 and report["config"]["features"] == 4
    assert report["dataset"]["name"] == "good_tab.csv" and "'reading'" in report["dataset"]["description"]
    assert report["dataset"]["target"] == "reading"  # the export records what was learned from which columns
    assert report["dataset"]["features"] == ["reading", "step", "change in reading", "change in step"]
    assert len(report["trace"]["gates"]["forget_gate"][0]) == 3
    levels = json.loads(run_cli("--csv", "tests/files/good_tab.csv", "--target", "reading", "--no-changes",
                                "--timesteps", "5", "--units", "3", "--epochs", "1", "--json").stdout)
    assert levels["stages"][0]["output"] == "50 sequences x 5 timesteps x 1 feature"


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--csv", "tests/files/missing.csv"], "--csv: 2 missing values: column 'value' rows 3, 5."),
        (["--csv", "tests/files/excel.csv"], "--csv: This is a zip archive"),
        (["--csv", "no/such.csv"], "--csv: cannot read 'no/such.csv'"),
        (["--csv", "data/co2.csv", "--target", "date"], "--csv: The target column 'date' is not a numeric column"),
        (["--csv", "data/co2.csv", "--timesteps", "200", "--units", "256", "--epochs", "2"], "--csv: with this file, too slow to train here (work cap)"),
        (["--target", "co2"], "--target goes with --csv"),
        (["--csv", "/dev/zero"], "--csv: The file is over the size limit of 2 MB."),  # read no further than that
        (["--csv", "data/co2.csv", "--sequences", "50"], "--sequences: with --csv the file's rows set the number"),
        (["--csv", ""], "--csv: the path is empty"),  # not the synthetic data without a word
        (["--csv", "data/co2.csv", "--target", ""], "--csv: The target column '' is not a numeric column"),
        (["--target", ""], "--target goes with --csv"),
    ],
)
def test_bad_csv_input_exits_2_with_one_line(args, needle):
    if args[1] == "/dev/zero" and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    proc = run_cli(*args, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], proc.stderr


def test_the_cli_default_target_skips_a_column_that_only_rises():
    """good_tab.csv's first column, 'step', only rises: as the app's picker does, the CLI starts on 'reading'."""
    proc = run_cli("--csv", "tests/files/good_tab.csv", "--timesteps", "5", "--units", "2", "--epochs", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["dataset"]["target"] == "reading"
