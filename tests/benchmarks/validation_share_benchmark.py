"""Benchmark: what data-quality validation costs within ``greenbridge refresh``.

Runs the installed CLI with a throwaway ``DAGSTER_HOME`` (so the run's events are stored), then
reads from the same run: the wall time of the refresh, the duration of each validation step (the
pandera contract checks of every dbt table, and the standard's rules in Great Expectations,
including their process start and the GX import), the time dbt spent in tests (run_results.json;
dbt runs one thread), and the pandera validation of the raw tables while they land (re-measured on
the landed tables). Reports validation as a share of the refresh and as time added to a refresh
without it. Usage: ``python -m tests.benchmarks.validation_share_benchmark [--write BENCHMARKS.md]``.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.refresh_benchmark import REPO
from tests.benchmarks.report import replace_section
VALIDATION_STEPS = ("data_quality_checks",)


def refresh(data_dir: Path, dagster_home: Path) -> float:
    greenbridge = str(Path(sys.executable).with_name("greenbridge"))
    dagster_home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    completed = subprocess.run([greenbridge, "refresh", "--data-dir", str(data_dir)], cwd=REPO, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, "DAGSTER_HOME": str(dagster_home)})
    if completed.returncode != 0:
        raise SystemExit(f"refresh failed:\n{completed.stderr[-2000:]}")
    return time.perf_counter() - started


def step_seconds(dagster_home: Path) -> dict[str, float]:
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    from dagster import DagsterInstance

    instance = DagsterInstance.get()
    seconds: dict[str, float] = {}
    for run in instance.get_runs():
        for stats in instance.get_run_step_stats(run.run_id):
            if stats.start_time and stats.end_time:
                seconds[stats.step_key] = seconds.get(stats.step_key, 0.0) + stats.end_time - stats.start_time
    return seconds


def dbt_test_seconds() -> float:
    # dagster-dbt gives each invocation its own target folder: the refresh's is the newest.
    latest = max((REPO / "dbt_project" / "target").glob("*/run_results.json"), key=lambda path: path.stat().st_mtime)
    results = json.loads(latest.read_text())
    return sum(result["execution_time"] for result in results["results"] if result["unique_id"].startswith("test."))


def raw_landing_validation_seconds(data_dir: Path) -> float:
    from warehouse.contracts.registry import CONTRACTS
    from warehouse.contracts.validation import split_by_contract
    from warehouse.duckdb_store import Warehouse

    store = Warehouse(data_dir / "warehouse" / "greenbridge.duckdb")
    names = [name for name, contract in CONTRACTS.items() if contract.layer == "raw"]
    frames = dict(zip(names, store.read_tables([f"raw.{name}" for name in names]).values()))
    started = time.perf_counter()
    for name, frame in frames.items():
        split_by_contract(CONTRACTS[name], frame)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, dagster_home = Path(tmp) / "data", Path(tmp) / "dagster_home"
        total = refresh(data_dir, dagster_home)
        steps = step_seconds(dagster_home)
        dbt_tests = dbt_test_seconds()
        raw = raw_landing_validation_seconds(data_dir)
    check_steps = {step: steps.get(step, 0.0) for step in VALIDATION_STEPS}
    validation = sum(check_steps.values()) + dbt_tests + raw
    without = total - validation
    lines = [
        "## Validation cost within a refresh",
        "",
        "Measured by `make bench` (tests/benchmarks/validation_share_benchmark.py): one `greenbridge refresh` of the "
        "embedded snapshot, its step timings read back from the run's Dagster event log.",
        "",
        "| part | seconds |",
        "|---|---|",
        f"| whole refresh (wall) | {total:.1f} |",
        *[f"| step `{step}` (process start, imports, validation) | {seconds:.1f} |" for step, seconds in check_steps.items()],
        f"| dbt tests inside the dbt step (sum of run_results) | {dbt_tests:.1f} |",
        f"| pandera on the raw tables while they land | {raw:.2f} |",
        f"| **validation, total** | **{validation:.1f}** |",
        "",
        f"- validation is **{validation / total:.0%} of the refresh** and adds **{validation / without:.0%}** to a "
        f"refresh without it ({without:.1f} s). Target: at most 25% added.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        replace_section(args.write, "validation-share", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
