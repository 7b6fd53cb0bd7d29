"""Benchmark of ``greenbridge refresh`` end to end on the embedded snapshot.

Runs the installed CLI as a subprocess N times into fresh data dirs and records wall time and peak
resident memory of the whole process tree (dbt runs as a child process). Baseline in the same run:
``python -c "import dagster"`` start-up, so the ratio is comparable across noisy machines.
Usage: ``python -m tests.benchmarks.refresh_benchmark [--runs 3] [--write BENCHMARKS.md]``.
"""

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.benchmarks.report import replace_section

REPO = Path(__file__).resolve().parents[2]


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest child process of ``command``."""
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"benchmark command failed ({completed.returncode}): {' '.join(command)}\n{completed.stderr[-2000:]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kib / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    greenbridge = str(Path(sys.executable).with_name("greenbridge"))
    baseline = [timed([sys.executable, "-c", "import dagster, dagster_dbt"])[0] for _ in range(args.runs)]
    refresh_times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, _ = timed([greenbridge, "refresh", "--data-dir", os.path.join(tmp, "data")])
            refresh_times.append(seconds)
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = statistics.median(refresh_times)
    baseline_median = statistics.median(baseline)
    report = "\n".join([
        "## greenbridge refresh on the embedded snapshot",
        "",
        f"- date: {date.today().isoformat()}; machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        f"- runs: {args.runs}; wall time per run (s): {', '.join(f'{t:.1f}' for t in refresh_times)}",
        f"- **median wall time: {median:.1f} s** (target: under 60 s)",
        f"- peak resident memory of the largest process: {peak_mib:.0f} MiB",
        f"- baseline in the same run, `import dagster, dagster_dbt`: median {baseline_median:.1f} s; refresh / baseline = {median / baseline_median:.1f}x",
        "",
    ])
    print(report)
    if args.write:
        replace_section(args.write, "refresh", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
