"""A long day on one server: 100 trainings of distinct configs, one after another, from one browser page.

One real server (through serve.py, which logs each task and the worker that ran it) with a fresh, empty
LSTM_TRACE_DATA folder, and one headless Chromium page. Training i navigates that page to
``/?units={4 + i % 40}&epochs=1&seed={i}``: every navigation is a new Streamlit session, whose first
run trains that config (the seed makes each config distinct, so nothing comes from a cache). It is
timed from the navigation until the Training tab shows "Trained 1 of 1 epoch"; the page then waits for
its run to end before the next navigation.

A thread samples memory every 0.5 s: the server's VmRSS, and the sum of VmRSS over the server and all
its descendants (the training workers; read from /proc). Targets, each against a limit fixed in advance:

  server growth   = server RSS after training 100 - after training 50, per training      <= 1 MB
  peak, all       = the largest sum outside worker replacements                            <= 1024 MB
                    and anywhere, replacements included                                    <= 1600 MB
  errors          = trainings that did not show their result, or showed an error element    0

Reported without a target: how many times the worker was replaced (distinct worker pids seen as
children of the server, less the first), and what a replacement costs the next learner (the time to
"Trained" of each training that ran on a new worker, against the median of the others; the first
training of the day, on the worker started with the server, is left out of both).

A replacement's window, for the peaks, runs from two samples before its new worker was first seen until
one sample after its warm-up (TensorFlow's import) ended, as lstm_core.serving.workers logs it; a sample with two
workers alive is in a replacement too.

    python benchmarks/bench_long_day.py            # 100 trainings, about 8 to 10 minutes on 2 cores
    python benchmarks/bench_long_day.py --quick    # 20 trainings (growth over the last 10), about 2 minutes

With --quick the growth reads high: its last 10 trainings are still in the server's warm-up, which levelled
off after about 30 trainings in the full run of 2026-12-06 (caches filling: the 8 finished runs kept in
memory, Streamlit's sessions kept 2 minutes after their tab closed; a run with that kept 5 s grew as fast
over its first 20). Only the full run's figure says whether the server leaks.
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from harness import ROOT, MemorySampler, chromium, server, task_events, verdict, worker_ready  # noqa: E402

from lstm_core.serving.presets import parse_query  # noqa: E402

GROWTH_TARGET_MB = 1.0  # per training, server RSS
PEAK_TARGET_MB = 1024  # all processes, outside a worker replacement
REPLACING_TARGET_MB = 1600  # all processes, during a worker replacement
SAMPLE_SECONDS = 0.5
TIMEOUT_MS = 180_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def preset(i: int) -> dict[str, int]:
    return {"units": 4 + i % 40, "epochs": 1, "seed": i}


def config_key(values: dict[str, int]) -> str:
    """The key the app trains for this URL (the same parsing as the page's)."""
    return parse_query({k: [str(v)] for k, v in values.items()}).config.key()


def fmt(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.1f}" for v in values) + "]"


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys against xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else float("nan")


def main() -> list[str]:
    n = 20 if "--quick" in sys.argv else 100
    half = n // 2
    errors: list[str] = []
    took: list[float] = []  # seconds from navigation to "Trained", per training (nan if it never came)
    navigated: list[float] = []  # Unix time of each navigation, to line up with the server log
    server_after: list[float] = []  # server VmRSS (MB) once each training's run had ended
    total_after: list[float] = []
    workers_after: list[dict[int, float]] = []  # each worker's VmRSS (MB) once each training's run had ended
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        folder, log_path = Path(tmp) / "saved-runs", Path(tmp) / "server.log"
        folder.mkdir()
        with server(ROOT / "streamlit_app.py", log_path, env={"LSTM_TRACE_DATA": str(folder)}) as (url, proc, _), \
                MemorySampler(proc.pid, SAMPLE_SECONDS) as memory:
            context = browser.new_context()
            page = context.new_page()
            for i in range(n):
                query = "&".join(f"{k}={v}" for k, v in preset(i).items())
                start = time.perf_counter()
                navigated.append(time.time())
                try:
                    page.goto(f"{url}/?{query}")
                    training = page.get_by_role("tabpanel", name="Training")
                    training.get_by_text("Trained 1 of 1 epoch").wait_for(timeout=TIMEOUT_MS)
                    took.append(time.perf_counter() - start)
                    page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)
                    if page.get_by_test_id("stException").count() or page.get_by_test_id("stAlertContentError").count():
                        errors.append(f"training {i + 1} ({query}): an error is on the page")
                except Exception as err:  # a training that never shows its result is an error, not a crash
                    took.append(float("nan"))
                    errors.append(f"training {i + 1} ({query}): {type(err).__name__}: {str(err).splitlines()[0]}")
                _, server_mb, total_mb, workers, *_ = memory.sample()
                server_after.append(server_mb), total_after.append(total_mb), workers_after.append(workers)
                if (i + 1) % 10 == 0:
                    print(f"  after {i + 1:3d} trainings ({time.perf_counter() - started:5.0f} s): server {server_mb:.0f} MB, "
                          f"all processes {total_mb:.0f} MB, workers {dict((p, round(m)) for p, m in workers.items())}, "
                          f"last 10 took {fmt(took[-10:])} s", flush=True)
            context.close()
            time.sleep(2 * SAMPLE_SECONDS)  # a last sample or two after the page has gone
        log = log_path.read_text()
    wall = time.perf_counter() - started
    samples = memory.samples

    # Which worker ran each training, from serve.py's task lines (the key tells the trainings apart).
    events = task_events(log)
    ran_on = {key: pid for _, what, name, pid, key in events if what == "started" and name == "train_task"}
    task_start = {key: t for t, what, name, _, key in events if what == "started" and name == "train_task"}
    task_end = {key: t for t, what, name, _, key in events if what != "started" and name == "train_task"}
    starts = [key for _, what, name, _, key in events if what == "started" and name == "train_task"]
    keys = [config_key(preset(i)) for i in range(n)]
    pids = [ran_on.get(key) for key in keys]
    after_replacement = [i for i in range(1, n) if pids[i] is not None and pids[i - 1] is not None and pids[i] != pids[i - 1]]
    others = [i for i in range(1, n) if i not in after_replacement and not math.isnan(took[i])]

    # Replacements: every worker pid seen as the server's child after the first; their memory windows (and
    # any sample with two workers alive: a replacement that starts the new one before the old has gone).
    seen = memory.first_seen()
    worker_pids = memory.worker_pids()
    ready = worker_ready(log)
    windows = []
    for pid in worker_pids[1:]:
        warm = ready.get(pid, wall)  # never given a task (the day ended): its window runs to the end
        windows.append((seen[pid] - 2 * SAMPLE_SECONDS, seen[pid] + warm + SAMPLE_SECONDS))
    outside = [s for s in samples if len(s.workers) < 2 and not any(a <= s.t <= b for a, b in windows)]
    peak_all = max(samples, key=lambda s: s.total)
    peak_out = max(outside, key=lambda s: s.total) if outside else None
    worker_peaks = {pid: max(s.workers.get(pid, 0.0) for s in samples) for pid in worker_pids}
    tasks_per_worker = {pid: sum(1 for _, what, _, p, _ in events if what == "started" and p == pid) for pid in worker_pids}

    # The worker's memory after its 1st, 2nd, ... training (a worker that was already replaced is not seen).
    by_turn: dict[int, list[float]] = {}
    for i, pid in enumerate(pids):
        if pid is not None and pid in workers_after[i]:
            by_turn.setdefault(pids[: i + 1].count(pid), []).append(workers_after[i][pid])
    print("(worker RSS after its k-th training, median MB: "
          + ", ".join(f"k={k}: {statistics.median(v):.0f} ({len(v)})" for k, v in sorted(by_turn.items())) + ")")

    def held(sample) -> str:
        """Who held the memory in a sample."""
        said = f"server {sample.server:.0f} MB, " + (", ".join(f"worker {pid} {mb:.0f} MB" for pid, mb in sample.workers.items())
                                                     or "no worker")
        return said + "".join(f", other child {pid} ({memory.names.get(pid, '?')[:60]}) {mb:.0f} MB"
                              for pid, mb in sample.others.items())

    growth = (server_after[-1] - server_after[half - 1]) / (n - half)
    fit = slope(list(range(half, n + 1)), server_after[half - 1:])
    cost_after = [took[i] for i in after_replacement if not math.isnan(took[i])]
    typical = statistics.median(took[i] for i in others) if others else float("nan")
    cost = statistics.median(cost_after) / typical if cost_after and others else float("nan")

    def parts(indices: list[int]) -> str:
        """Medians of: navigation -> task started on a worker -> task done there -> "Trained" on the page."""
        rows = [(task_start[keys[i]] - navigated[i], task_end[keys[i]] - task_start[keys[i]],
                 navigated[i] + took[i] - task_end[keys[i]]) for i in indices
                if keys[i] in task_start and keys[i] in task_end and not math.isnan(took[i])]
        if not rows:
            return "n/a"
        return " + ".join(f"{statistics.median(r[k] for r in rows):.2f}" for k in range(3)) + " s"

    print(f"(navigation -> task on a worker -> task done -> \"Trained\", medians: others {parts(others)}, "
          f"right after a replacement {parts(after_replacement)}, first training {parts([0])})")
    print(f"(trainings' times to \"Trained\": median {statistics.median(t for t in took if not math.isnan(t)):.2f} s, "
          f"first {took[0]:.2f} s, slowest {max(t for t in took if not math.isnan(t)):.2f} s; "
          f"{len(samples)} memory samples; workers: "
          + ", ".join(f"pid {pid} ran {tasks_per_worker[pid]} tasks, peak {worker_peaks[pid]:.0f} MB" for pid in worker_pids)
          + ")")
    for line in log.splitlines():
        if "replacing worker" in line:
            print(f"(server log: {line.split(' ', 3)[-1]})")
    lines = [
        f"long day: {n} trainings of distinct configs in {wall:.0f} s",
        f"long day trainings started on the workers: {len(starts)} for {len(set(starts))} distinct configs, all of this "
        f"day's: {set(starts) == set(keys)}  target {n} for {n}  {verdict(len(starts) == n and set(starts) == set(keys))}",
        f"long day errors: {len(errors)}  target 0  {verdict(not errors)}" + "".join(f"\n  - {e}" for e in errors[:10]),
        f"long day server RSS: {server_after[half - 1]:.0f} MB after training {half}, {server_after[-1]:.0f} MB after training {n}",
        f"long day server RSS growth over the last {n - half}: {growth:.2f} MB a training (least-squares {fit:.2f}) "
        f"vs target {GROWTH_TARGET_MB:.0f} MB = {growth / GROWTH_TARGET_MB:.2f}x"
        f"{' (--quick: still the warm-up, see the docstring)' if n < 100 else ''}  {verdict(growth <= GROWTH_TARGET_MB)}",
    ]
    if peak_out is not None:
        lines.append(
            f"long day peak, all processes, outside replacements: {peak_out.total:.0f} MB ({held(peak_out)}) "
            f"vs target {PEAK_TARGET_MB} MB = "
            f"{peak_out.total / PEAK_TARGET_MB:.2f}x  {verdict(peak_out.total <= PEAK_TARGET_MB)}")
    lines += [
        f"long day peak, all processes, overall: {peak_all.total:.0f} MB ({held(peak_all)}) vs target {REPLACING_TARGET_MB} MB = "
        f"{peak_all.total / REPLACING_TARGET_MB:.2f}x  {verdict(peak_all.total <= REPLACING_TARGET_MB)}",
        f"long day worker replacements: {len(worker_pids) - 1} ({len(worker_pids)} distinct worker pids); "
        f"the trainings right after one: {[i + 1 for i in after_replacement]}",
        (f"long day replacement cost: the next learner's time to \"Trained\" {statistics.median(cost_after):.2f} s "
         f"{fmt(cost_after)} vs the others' median {typical:.2f} s = {cost:.2f}x  (reported, no target)") if cost_after else
        "long day replacement cost: no training ran right after a replacement  (reported, no target)",
    ]
    print("\n".join(lines))
    return lines


if __name__ == "__main__":
    main()
