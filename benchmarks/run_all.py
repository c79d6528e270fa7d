"""Run every benchmark and print each target with its measured value and PASS or FAIL.

    python benchmarks/run_all.py            # everything (about 25 to 35 minutes on 2 cores)
    python benchmarks/run_all.py --quick    # skip the cost model's worst-case trainings; a long day of 20, not 100
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("training overhead and NumPy trace", ["bench_training.py"]),
    ("cold start, restart and cache hit", ["bench_cold_start.py"]),
    ("a room of 20", ["bench_load.py"]),
    ("cost model and work cap", ["bench_cost_model.py"]),
    ("a long day: 100 trainings on one server", ["bench_long_day.py"]),
]
QUICK = ("bench_cost_model.py", "bench_long_day.py")  # these take --quick


def main() -> int:
    quick = "--quick" in sys.argv
    verdicts = []
    for title, args in BENCHES:
        if quick and args[0] in QUICK:
            args = [*args, "--quick"]
        print(f"\n=== {title}: {' '.join(args)}", flush=True)
        proc = subprocess.run([sys.executable, str(HERE / args[0]), *args[1:]], capture_output=True, text=True)
        print(proc.stdout, end="")
        if proc.returncode != 0:
            print(proc.stderr[-3000:])
            verdicts.append(f"{args[0]} crashed (exit {proc.returncode})  FAIL")
        verdicts += [line.strip() for line in proc.stdout.splitlines() if line.rstrip().endswith(("PASS", "FAIL"))]
    print("\n=== summary")
    print("\n".join(verdicts))
    failed = sum(v.endswith("FAIL") for v in verdicts)
    print(f"{len(verdicts) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
