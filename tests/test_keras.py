"""lstm_core._keras: TensorFlow imports with the garbage collector paused, and leaves it as it found it.

Each case runs in a fresh interpreter, because the test process has imported Keras long ago.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, sys
sys.path.insert(0, {root!r})
{before}
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info["generation"]))
import lstm_core._keras
gc.callbacks.clear()
print(len(collections), gc.isenabled(), gc.get_freeze_count(), "keras" in sys.modules, "pandas" in sys.modules)
"""


def probe(before: str = "") -> tuple[int, bool, int, bool, bool]:
    out = subprocess.run([sys.executable, "-c", PROBE.format(root=str(ROOT), before=before)],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), out[1] == "True", int(out[2]), out[3] == "True", out[4] == "True"


def test_the_import_runs_no_collection_then_freezes_and_turns_the_collector_back_on():
    collections, enabled, frozen, keras_loaded, pandas_loaded = probe()
    assert keras_loaded and pandas_loaded  # TensorFlow's own imports (pandas among them) are all inside the pause
    assert collections == 0  # without the pause, hundreds of collections run during this import
    assert enabled
    assert frozen > 100_000  # TensorFlow's long-lived objects are out of every later collection


def test_a_collector_the_caller_turned_off_stays_off():
    collections, enabled, _, _, _ = probe("gc.disable()")
    assert collections == 0 and not enabled
