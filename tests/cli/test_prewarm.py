"""python -m lstm_core prewarm: setups trained into the saved runs before a workshop are the app's cache hits."""

import io
import os
import pickle
import subprocess
import sys
import time

import pytest

from lstm_core.config import LSTMConfig
from lstm_core.serving.store import FILE, SavedRuns

TINY = "units=2&epochs=1&sequences=40&timesteps=3&features=2"
TINY_SEED = TINY + "&seed=1"
CONFIGS = [LSTMConfig(units=2, epochs=1, sequences=40, timesteps=3, features=2),
           LSTMConfig(units=2, epochs=1, sequences=40, timesteps=3, features=2, seed=1)]
LABELS = ["units=2&epochs=1&timesteps=3&features=2&sequences=40",  # as the app's address bar writes them
          "units=2&epochs=1&timesteps=3&features=2&sequences=40&seed=1"]


def prewarm(*args, data=None, timeout=120, stdin=None):
    env = {**os.environ, "LSTM_TRACE_DATA": str(data) if data is not None else "memory"}
    return subprocess.run([sys.executable, "-m", "lstm_core", "prewarm", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, input=stdin)


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """One real prewarm of two tiny setups (the second given twice, spelled two ways)."""
    folder = tmp_path_factory.mktemp("store")
    proc = prewarm("--preset", TINY, "--preset", TINY_SEED, "--preset", "seed=1&" + TINY, data=folder)
    return folder, proc


def test_prewarm_trains_each_setup_once_under_the_apps_keys(warmed):
    folder, proc = warmed
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, proc.stderr
    assert lines[0].startswith(f"[1/2] trained {LABELS[0]} in ") and lines[1].startswith(f"[2/2] trained {LABELS[1]} in ")
    assert "prewarm: 2 trained, 0 already saved, 0 failed of 2 setups (1 repeated preset skipped)" in proc.stdout
    saved = SavedRuns(folder)
    try:
        assert sorted(saved.keys()) == sorted(f"lstm|{c.key()}" for c in CONFIGS)
        for config in CONFIGS:
            run = pickle.loads(saved.get(f"lstm|{config.key()}"))
            assert run.config == config and len(run.history) == 1
    finally:
        saved.close()


def test_a_second_prewarm_trains_nothing(warmed):
    folder, _ = warmed
    start = time.monotonic()
    proc = prewarm("--preset", "features=2&timesteps=3&sequences=40&epochs=1&units=2",  # the same setup, reordered
                   "--presets", "-", data=folder, stdin=f"# the workshop\n\n{TINY_SEED}\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [f"[1/2] already saved: {LABELS[0]}", f"[2/2] already saved: {LABELS[1]}"]
    assert "prewarm: 0 trained, 2 already saved, 0 failed of 2 setups" in proc.stdout
    assert time.monotonic() - start < 15  # no worker, no TensorFlow


def test_the_app_hands_out_a_prewarmed_run_without_training(warmed):
    from lstm_core.serving.jobs import JobBoard

    folder, _ = warmed
    saved = SavedRuns(folder)
    try:
        board = JobBoard(keep=4, saved=saved)  # as the app's job_board("lstm")

        def make(on_done):
            raise AssertionError("the app trained a setup that prewarm had saved")

        for config in CONFIGS:
            status = board.job(config.key(), make, watcher="a learner").status()  # the app's run key: config.key()
            assert status.state == "done" and status.run.config == config
    finally:
        saved.close()


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--preset", "units=999"], "--preset 'units=999': the app would not open it as given, so nothing was "
                                    "trained: URL parameter units='999' was not used"),
        (["--preset", "units=2", "--preset", "colour=red"], "--preset 'colour=red': the app would not open it"),
        (["--preset", "units=256&epochs=100"], "URL parameters units=256, epochs=100 together break a cap: too slow to train here (work cap)"),
        (["--preset", "units=2&lock=maybe"], "lock='maybe' is not 1 or 0"),
        (["--preset", "units=3&units=4"], "URL parameter units was given 2 times"),
        (["--presets", "PRESETS"], "PRESETS' line 4 ('epochs=0'): the app would not open it as given"),
        (["--presets", "no/such/presets.txt"], "--presets: cannot read 'no/such/presets.txt' (No such file or directory)"),
        (["--presets", "EMPTY"], "no presets: give --preset QUERY (repeatable) or --presets FILE"),
        ([], "no presets: give --preset QUERY"),
        (["--preset", "units=2", "--data", "none"], "LSTM_TRACE_DATA=none keeps saved runs in memory only, so "
                                                    "prewarmed runs would be lost"),
        (["--preset", "units=2", "--wat"], "unrecognized arguments: --wat"),
    ],
    ids=["out-of-range", "unknown", "over-a-cap", "bad-lock", "repeated", "file-line", "no-file", "empty-file",
         "nothing", "memory-store", "unknown-option"],
)
def test_bad_input_exits_2_with_one_line_and_trains_nothing(tmp_path, args, needle):
    presets, empty = tmp_path / "workshop.txt", tmp_path / "empty.txt"
    presets.write_text("# workshop\nunits=2\n\nepochs=0\n")
    empty.write_text("\n# nothing yet\n")
    args = [str(presets) if a == "PRESETS" else str(empty) if a == "EMPTY" else a for a in args]
    needle = needle.replace("PRESETS", str(presets))
    store = tmp_path / "store"
    proc = prewarm(*args, data=store, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("python -m lstm_core prewarm: error: "), proc.stderr
    assert needle in lines[0] and "Traceback" not in proc.stderr
    assert not (store / FILE).exists()


def test_a_memory_store_is_refused():
    proc = prewarm("--preset", "default", timeout=60)  # LSTM_TRACE_DATA=memory
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("python -m lstm_core prewarm: error: LSTM_TRACE_DATA=memory keeps saved runs in "
                                   "memory only, so prewarmed runs would be lost when this command ends; set "
                                   "LSTM_TRACE_DATA (or --data) to the folder the app keeps its runs in")


def test_a_preset_is_read_as_the_app_reads_its_address():
    from lstm_core.cli import preset_config
    from lstm_core.serving.presets import to_query

    assert preset_config("") == preset_config("default") == preset_config("  ?lock=1 ") == LSTMConfig()
    assert preset_config("https://lstm.example/?units=2&epochs=1&lock=1") == LSTMConfig(units=2, epochs=1)
    config = LSTMConfig(units=7, learning_rate=0.0123, seed=9)
    assert preset_config(to_query(config)) == config  # the share link's query string
    with pytest.raises(ValueError, match="units='0' was not used"):
        preset_config("units=0")


# --- Progress and failures, through the real worker pool with a task that needs no TensorFlow ---

def failing_task(config_key, dataset, baselines, emit, should_stop):
    """Emits two epochs, then fails (as a training that diverged into an error would)."""
    for epoch in (1, 2):
        emit({"epoch": epoch})
        time.sleep(0.5)  # each bar is drawn before the next event
    raise RuntimeError("the worker ran out of memory")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_a_bar_per_epoch_and_a_failure_is_named(tmp_path, monkeypatch, capsys):
    import lstm_core.serving.jobs
    import lstm_core.serving.workers
    from lstm_core import cli

    monkeypatch.setenv("LSTM_TRACE_DATA", "memory")  # --data sets it for this process: put it back after
    monkeypatch.setattr(lstm_core.serving.jobs, "train_task", failing_task)
    monkeypatch.setattr(lstm_core.serving.workers, "warm_keras", None)  # the task needs no Keras
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["prewarm", "--preset", "units=2&epochs=3", "--data", str(tmp_path)]) == 1
    shown = terminal.getvalue()
    assert "\r[1/1] units=2&epochs=3  epoch 1/3 ######--------------" in shown
    assert "\r[1/1] units=2&epochs=3  epoch 2/3 #############-------" in shown
    assert shown.endswith("\r\x1b[K[1/1] FAILED units=2&epochs=3: RuntimeError: the worker ran out of memory\n")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("prewarm: 0 trained, 0 already saved, 1 failed of 1 setup in ")
    assert out[1:] == ["failed: units=2&epochs=3: RuntimeError: the worker ran out of memory"]
    saved = SavedRuns(tmp_path)
    try:
        assert len(saved) == 0
    finally:
        saved.close()
