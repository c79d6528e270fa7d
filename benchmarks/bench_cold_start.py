"""Cold start, restart and cache hit, in headless Chromium, each against a baseline measured in the same run.

  first paint  = server healthy -> title and sidebar visible        vs the page floor (a minimal page)   <= 1.3x
  full result  = server healthy -> every epoch row and the chart,    vs the bare baseline (a subprocess   <= 1.25x
                 with an empty store (LSTM_TRACE_DATA: a fresh         that imports TensorFlow and fits the
                 folder), so the default config trains                 same config with plain Keras)
  restart      = the same folder, now holding the default run (the   vs the page floor                    <= 1.5x
                 cold server above trained and saved it), on a new
                 server: server healthy -> the full result
  cache hit    = a second session's full result on the cold server   vs the page floor                    <= 1.5x

Every server gets LSTM_TRACE_DATA: without it, the app keeps its runs in the user's cache folder, where
an earlier run of anything has saved the default config, and the "cold" start would load it from disk.

    python benchmarks/bench_cold_start.py [--repeats N]
"""

from __future__ import annotations

import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, chromium, cpu_shares, cpu_snapshot, server, task_events, verdict, worker_ready  # noqa: E402

FLOOR_APP = 'import streamlit as st\nst.title("Page floor")\nst.slider("A slider", 0, 10, 5)\n'
BARE_FIT = """
import os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2"); os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, {root!r})
import keras
from lstm_core.config import LSTMConfig
from lstm_core.data.synthetic import make_dataset
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


def saved_runs(folder: Path) -> int:
    """How many trained runs the store in folder holds (read straight from its SQLite file)."""
    try:
        with sqlite3.connect(f"file:{folder / 'runs.sqlite3'}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM runs WHERE key LIKE 'lstm|%'").fetchone()[0]
    except sqlite3.Error:  # not made yet
        return 0


def wait_saved(folder: Path, timeout: float = 30) -> None:
    """The run is saved in a thread once its training is done; a restart must find it there."""
    deadline = time.monotonic() + timeout
    while saved_runs(folder) < 1:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the default run was not saved in {folder} within {timeout:.0f} s")
        time.sleep(0.1)


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


def app_timings(browser, folder: Path) -> tuple[float, float, float, str]:
    """First paint, full result and cache hit on a server whose store (folder) starts empty, and a
    timeline of the cold start from the server's log."""
    if saved_runs(folder):
        raise RuntimeError(f"{folder} is not empty: the cold start would load the run instead of training it")
    log_path = folder / "server.log"  # beside the store, which uses only its own runs.sqlite3
    with server(ROOT / "streamlit_app.py", log_path, env={"LSTM_TRACE_DATA": str(folder)}) as (url, proc, healthy), \
            fresh_page(browser) as page:
        healthy_at = time.time() - (time.perf_counter() - healthy)  # the log's clock
        before = cpu_snapshot(proc.pid)
        page.goto(url)
        page.get_by_role("heading", name="LSTM Pipeline Trace").wait_for()
        page.get_by_test_id("stSidebar").get_by_role("slider").first.wait_for()
        first_paint = time.perf_counter() - healthy
        paint_cpu = cpu_shares(before, cpu_snapshot(proc.pid))
        full_result(page)
        full = time.perf_counter() - healthy
        # The first session finishes its run (the rerun that draws the final tab) before the second
        # learner arrives, so the cache hit is not timed against the cold session's tail.
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
        start = time.perf_counter()  # a second learner opens the page: the run comes from the cache
        with fresh_page(browser) as second:
            second.goto(url)
            full_result(second)
            hit = time.perf_counter() - start
        wait_saved(folder)
    return first_paint, full, hit, f"{timeline(log_path.read_text(), healthy_at, first_paint, full)}; " \
                                    f"CPU in cores up to the first paint: {paint_cpu}"


def timeline(log: str, healthy_at: float, first_paint: float, full: float) -> str:
    """Seconds from the server's health answer: the page's script submitted the training, the worker
    (started by that same script run) had imported TensorFlow, the training's result reached the server,
    and the page's first paint and full result."""
    events = [e for e in task_events(log) if e[2] == "train_task"]
    started = next((t for t, what, *_ in events if what == "started"), float("nan"))
    done = next((t for t, what, *_ in events if what != "started"), float("nan"))
    pid = next((p for _, what, _, p, _ in events if what == "started"), None)
    ready = worker_ready(log).get(pid, float("nan"))
    return (f"first paint {first_paint:.2f}, training submitted {started - healthy_at:.2f}, worker ready about "
            f"{started - healthy_at + ready:.2f} (TensorFlow's import {ready:.2f} s after its start), result in the "
            f"server {done - healthy_at:.2f}, full result on the page {full:.2f}")


def restart_timing(browser, folder: Path, cpu: list[str]) -> float:
    """A new server on a folder that holds the default run: server healthy -> the full default result.
    Appends to ``cpu`` who used the cores meanwhile (the first page view also starts a worker, which
    imports TensorFlow whether or not anything needs training)."""
    if not saved_runs(folder):
        raise RuntimeError(f"{folder} holds no run: the restart would train instead of loading")
    with server(ROOT / "streamlit_app.py", env={"LSTM_TRACE_DATA": str(folder)}) as (url, proc, healthy), \
            fresh_page(browser) as page:
        before = cpu_snapshot(proc.pid)
        page.goto(url)
        full_result(page)
        took = time.perf_counter() - healthy
        cpu.append(cpu_shares(before, cpu_snapshot(proc.pid)))
        return took


def main() -> list[str]:
    repeats = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else 3
    floors, bares, paints, fulls, hits, restarts, restart_cpu, timelines = [], [], [], [], [], [], [], []
    with chromium() as browser:
        for _ in range(repeats):  # interleaved, so the machine's drifts hit every side alike
            floors.append(page_floor(browser))
            bares.append(bare_baseline())
            with tempfile.TemporaryDirectory() as folder:  # a fresh, empty store for each cold start
                paint, full, hit, line = app_timings(browser, Path(folder))
                timelines.append(line)
                restarts.append(restart_timing(browser, Path(folder), restart_cpu))
            paints.append(paint), fulls.append(full), hits.append(hit)
    floor, bare = statistics.median(floors), statistics.median(bares)
    paint, full, hit = statistics.median(paints), statistics.median(fulls), statistics.median(hits)
    restart = statistics.median(restarts)
    lines = [
        f"cold start first paint: {paint:.2f} s vs page floor {floor:.2f} s = {paint / floor:.2f}x  target <= 1.3x  {verdict(paint / floor <= 1.3)}",
        f"cold start full result, empty store: {full:.2f} s vs bare TF fit {bare:.2f} s = {full / bare:.2f}x  target <= 1.25x  {verdict(full / bare <= 1.25)}",
        f"restart full result, run in the store: {restart:.2f} s vs page floor {floor:.2f} s = {restart / floor:.2f}x  target <= 1.5x  {verdict(restart / floor <= 1.5)}",
        f"cache hit full result: {hit:.2f} s vs page floor {floor:.2f} s = {hit / floor:.2f}x  target <= 1.5x  {verdict(hit / floor <= 1.5)}",
    ]
    print(f"(median of {repeats}; floors {[round(v, 2) for v in floors]}, bare {[round(v, 2) for v in bares]}, "
          f"paint {[round(v, 2) for v in paints]}, full {[round(v, 2) for v in fulls]}, restart {[round(v, 2) for v in restarts]}, "
          f"hit {[round(v, 2) for v in hits]})")
    for k, said in enumerate(timelines, 1):
        print(f"(cold start {k}, seconds from the server's health answer: {said})")
    for k, said in enumerate(restart_cpu, 1):
        print(f"(restart {k}, CPU in cores from the page's request to its full result: {said})")
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
