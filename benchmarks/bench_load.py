"""A room of 20 on one server: 10 sessions open the default setup and 10 open distinct presets, at once.

Real clients: 20 pages in headless Chromium, each its own Streamlit session over its own websocket.
Each page waits for its run on the Training tab (where a visit opens), then opens the Pipeline tab.
Checks: 0 errors; every session shows the shapes of its *own* config; the default config trains once;
wall time; the server's peak RSS (VmHWM) <= 1 GB. The wall time is also given against the time the
server spent training (first start to last finish in its log), measured in the same run.

    python benchmarks/bench_load.py [--sessions 20]
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from harness import ROOT, chromium, peak_rss_mb, server, verdict  # noqa: E402

from lstm_core.config import LSTMConfig  # noqa: E402

RSS_TARGET_MB = 1024
TIMEOUT_MS = 300_000


def configs(n: int) -> list[dict]:
    """Half the room on the default, half on distinct small presets (units tell them apart on screen)."""
    half = n // 2
    return [{} for _ in range(half)] + [{"units": 4 + i, "epochs": 3, "timesteps": 8 + i} for i in range(n - half)]


def expected_text(preset: dict) -> tuple[str, str]:
    units, timesteps = preset.get("units", 20), preset.get("timesteps", 10)
    return f"1000 sequences x {timesteps} timesteps x 5 features", f"1000 sequences x {units} units"


def main() -> list[str]:
    n = int(sys.argv[sys.argv.index("--sessions") + 1]) if "--sessions" in sys.argv else 20
    presets = configs(n)
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        log_path = Path(tmp) / "server.log"
        with server(ROOT / "streamlit_app.py", log_path) as (url, proc, _):
            pages = []
            start = time.perf_counter()
            for preset in presets:  # open all 20 before waiting on any: they arrive together
                page = browser.new_context().new_page()
                query = "&".join(f"{k}={v}" for k, v in preset.items())
                page.goto(f"{url}/?{query}" if query else url, wait_until="commit")
                pages.append(page)
            done_at = []
            for page, preset in zip(pages, presets):
                try:  # a visit opens on Training: wait for its run to finish there, then read the shapes
                    epochs = preset.get("epochs", LSTMConfig().epochs)
                    training = page.get_by_role("tabpanel", name="Training")
                    training.get_by_text(f"Trained {epochs} of {epochs} epochs").wait_for(timeout=TIMEOUT_MS)
                    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
                    page.get_by_role("tab", name="Pipeline").click()
                    for text in expected_text(preset):
                        page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
                    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=TIMEOUT_MS)
                    if page.get_by_test_id("stException").count() or page.get_by_test_id("stAlertContentError").count():
                        errors.append(f"{preset or 'default'}: an error is on the page")
                except Exception as err:  # a session that never shows its result is an error, not a crash
                    errors.append(f"{preset or 'default'}: {type(err).__name__}: {str(err).splitlines()[0]}")
                done_at.append(time.perf_counter() - start)
            wall = time.perf_counter() - start
            rss = peak_rss_mb(proc.pid)
        log = log_path.read_text()
    started = re.findall(r"training started: (\{.*\})", log)
    stamps = [time.strptime(t.split(",")[0], "%Y-%m-%d %H:%M:%S") for t in
              re.findall(r"^(\S+ \S+) lstm_core.jobs training (?:started|finished)", log, re.M)]
    finished = re.findall(r"training finished", log)
    training_span = time.mktime(stamps[-1]) - time.mktime(stamps[0]) + 1 if stamps else float("nan")
    default_trainings = sum(1 for key in started if key == LSTMConfig().key())
    distinct = len({json.dumps(p, sort_keys=True) for p in presets})
    lines = [
        f"load: {n} sessions ({n // 2} default, {n - n // 2} distinct presets), wall {wall:.1f} s, "
        f"{len(started)} trainings for {distinct} distinct configs; wall / training span {training_span:.0f} s "
        f"= {wall / training_span:.2f}x",
        f"load errors: {len(errors)}  target 0  {verdict(not errors)}" + "".join(f"\n  - {e}" for e in errors),
        f"load own-config results: {n - len(errors)} of {n}  {verdict(not errors)}",
        f"load default config trained: {default_trainings} time(s)  target 1  {verdict(default_trainings == 1)}",
        f"load peak server RSS: {rss:.0f} MB vs target {RSS_TARGET_MB} MB = {rss / RSS_TARGET_MB:.2f}x  {verdict(rss <= RSS_TARGET_MB)}",
    ]
    if len(finished) != len(started):
        lines.append(f"load: {len(started)} trainings started but {len(finished)} finished  FAIL")
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
