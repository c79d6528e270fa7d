"""Cold start and cache hit, in headless Chromium, each against a baseline measured in the same run.

  first paint  = server healthy -> title and sidebar visible        vs the page floor (a minimal page)
  full result  = server healthy -> every epoch row and the chart     vs the bare baseline (a subprocess
                 that imports TensorFlow and fits the same config with plain Keras)
  cache hit    = a second session's full result                      vs the page floor

    python benchmarks/bench_cold_start.py [--repeats N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, chromium, server, verdict  # noqa: E402

FLOOR_APP = 'import streamlit as st\nst.title("Page floor")\nst.slider("A slider", 0, 10, 5)\n'
BARE_FIT = """
import os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2"); os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, {root!r})
import keras
from lstm_core.config import LSTMConfig
from lstm_core.data import make_dataset
c = LSTMConfig(); d = make_dataset(c); n = c.train_sequences
m = keras.Sequential([keras.Input((c.timesteps, c.features)), keras.layers.LSTM(c.units), keras.layers.Dense(1, activation="sigmoid")])
m.compile(optimizer=keras.optimizers.Adam(c.learning_rate), loss="binary_crossentropy", metrics=["accuracy"])
m.fit(d.x[:n], d.y[:n], validation_data=(d.x[n:], d.y[n:]), epochs=c.epochs, batch_size=c.batch_size, verbose=0)
print("fitted", flush=True)
"""


def bare_baseline() -> float:
    """From launch to the end of the fit. The process's exit is not counted: a Python process that has
    loaded TensorFlow takes another 0.6 to 0.9 s to exit (its final garbage collection), and a learner
    never waits for that."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BARE_FIT.format(root=str(ROOT))], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    end = time.perf_counter()
    if proc.wait() != 0 or line.strip() != "fitted":
        raise RuntimeError(f"the bare baseline failed (exit {proc.returncode})")
    return end - start


@contextmanager
def fresh_page(browser):
    """A page in a new browser context (a cold browser cache), closed afterwards: a page left open on a
    stopped server keeps trying to reconnect and steals CPU from the next measurement."""
    context = browser.new_context()
    try:
        yield context.new_page()
    finally:
        context.close()


def page_floor(browser) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "floor.py"
        script.write_text(FLOOR_APP)
        with server(script) as (url, _, healthy), fresh_page(browser) as page:
            page.goto(url)
            page.get_by_role("heading", name="Page floor").wait_for()
            page.get_by_role("slider").wait_for()
            return time.perf_counter() - healthy


def full_result(page) -> None:
    """Every epoch row and the chart are on screen (the Training tab, as a learner would open it)."""
    page.get_by_role("tab", name="Training").click()
    panel = page.get_by_role("tabpanel", name="Training")
    panel.get_by_test_id("stTable").get_by_role("row").nth(5).wait_for(timeout=120_000)  # header + 5 epochs
    panel.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=120_000)


def app_timings(browser) -> tuple[float, float, float]:
    with server(ROOT / "streamlit_app.py") as (url, _, healthy), fresh_page(browser) as page:
        page.goto(url)
        page.get_by_role("heading", name="LSTM Pipeline Trace").wait_for()
        page.get_by_test_id("stSidebar").get_by_role("slider").first.wait_for()
        first_paint = time.perf_counter() - healthy
        full_result(page)
        full = time.perf_counter() - healthy
        # The first session finishes its run (the rerun that draws the final tab) before the second
        # learner arrives, so the cache hit is not timed against the cold session's tail.
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
        start = time.perf_counter()  # a second learner opens the page: the run comes from the cache
        with fresh_page(browser) as second:
            second.goto(url)
            full_result(second)
            return first_paint, full, time.perf_counter() - start


def main() -> list[str]:
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    floors, bares, paints, fulls, hits = [], [], [], [], []
    with chromium() as browser:
        for _ in range(repeats):  # interleaved, so the machine's drifts hit every side alike
            floors.append(page_floor(browser))
            bares.append(bare_baseline())
            paint, full, hit = app_timings(browser)
            paints.append(paint), fulls.append(full), hits.append(hit)
    floor, bare = statistics.median(floors), statistics.median(bares)
    paint, full, hit = statistics.median(paints), statistics.median(fulls), statistics.median(hits)
    lines = [
        f"cold start first paint: {paint:.2f} s vs page floor {floor:.2f} s = {paint / floor:.2f}x  target <= 1.3x  {verdict(paint / floor <= 1.3)}",
        f"cold start full result: {full:.2f} s vs bare TF fit {bare:.2f} s = {full / bare:.2f}x  target <= 1.2x  {verdict(full / bare <= 1.2)}",
        f"cache hit full result: {hit:.2f} s vs page floor {floor:.2f} s = {hit / floor:.2f}x  target <= 1.5x  {verdict(hit / floor <= 1.5)}",
    ]
    print(f"(median of {repeats}; floors {[round(v, 2) for v in floors]}, bare {[round(v, 2) for v in bares]}, "
          f"paint {[round(v, 2) for v in paints]}, full {[round(v, 2) for v in fulls]}, hit {[round(v, 2) for v in hits]})")
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
