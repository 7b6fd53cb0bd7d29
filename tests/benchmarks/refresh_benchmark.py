"""Benchmark of ``greenbridge refresh`` end to end on the embedded snapshot.

Runs the installed CLI as a subprocess, alternating the kinds of refresh so all see the same
machine: **cold** (a new data dir each run), **warm** (the same data dir again, ``--force`` so it
rebuilds and publishes although nothing changed) and **unchanged** (the same data dir again: the
sources land, nothing is rebuilt). With ``--baseline-tree DIR`` (another checkout with its own
``.venv``, e.g. the tree before a change) its cold and warm refreshes (it rebuilds every time)
alternate with ours, so the ratio after/before is measured in the same session. Baseline in the
same run: ``python -c "import dagster, dagster_dbt"``, so ratios are comparable across noisy machines.

Usage: ``python -m tests.benchmarks.refresh_benchmark [--runs 3] [--baseline-tree DIR] [--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests.benchmarks.report import replace_section

REPO = Path(__file__).resolve().parents[2]
# warm and unchanged: the operations issue (13); cold: the real-fleets issue (14), several hundred variants.
TARGETS = {"warm": 25.0, "unchanged": 10.0, "cold": 60.0}


# A step's progress line: "[   done] dbt_greenbridge (18 checks passed, 9.6 s)".
STEP_DONE = re.compile(r"^\[\s*done\] (\S+) \((?:.*, )?([0-9.]+) s\)$", re.MULTILINE)


def supports_force(greenbridge: str, cwd: Path) -> bool:
    """Whether a tree's ``greenbridge refresh`` has ``--force`` (older trees rebuild every time)."""
    completed = subprocess.run([greenbridge, "refresh", "--help"], cwd=cwd, capture_output=True, text=True)
    return "--force" in completed.stdout


def timed(command: list[str], cwd: Path, expect: str | None = None,
          steps: dict[str, list[float]] | None = None) -> float:
    """Wall seconds of ``command``; fails on a non-zero exit or when ``expect`` is not printed. With
    ``steps``, each step's own duration from its progress line is appended there."""
    environment = {**os.environ, "PATH": os.pathsep.join([str(Path(command[0]).parent), os.environ.get("PATH", "")])}
    environment.pop("DAGSTER_HOME", None)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment)
    elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"benchmark command failed ({completed.returncode}): {' '.join(command)}\n"
                         f"{(completed.stdout + completed.stderr)[-3000:]}")
    if expect is not None and expect not in completed.stdout:
        raise SystemExit(f"benchmark command did not print {expect!r}: {' '.join(command)}\n{completed.stdout[-3000:]}")
    if steps is not None:
        for step, seconds in STEP_DONE.findall(completed.stdout):
            if not step.startswith("raw__"):
                steps.setdefault(step, []).append(float(seconds))
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-tree", type=Path, default=None,
                        help="another checkout with its own .venv, measured alternately (cold and warm)")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    trees = {"this tree": REPO, **({"baseline tree": args.baseline_tree.resolve()} if args.baseline_tree else {})}
    times: dict[tuple[str, str], list[float]] = {}
    warm_steps: dict[str, list[float]] = {}
    forces = {name: supports_force(str(tree / ".venv" / "bin" / "greenbridge"), tree) for name, tree in trees.items()}
    imports = []
    scratch = Path(tempfile.mkdtemp(prefix="refresh-bench-"))
    try:
        for run in range(args.runs):
            imports.append(timed([sys.executable, "-c", "import dagster, dagster_dbt"], REPO))
            for name, tree in trees.items():
                greenbridge = str(tree / ".venv" / "bin" / "greenbridge")
                cold_dir = scratch / f"{name}-cold-{run}" / "data"
                warm_dir = scratch / f"{name}-warm" / "data"
                times.setdefault((name, "cold"), []).append(timed([greenbridge, "refresh", "--data-dir", str(cold_dir)], tree))
                shutil.rmtree(cold_dir.parent, ignore_errors=True)
                if run == 0:  # the warm data dir's first refresh, untimed
                    timed([greenbridge, "refresh", "--data-dir", str(warm_dir)], tree)
                force = ["--force"] if forces[name] else []
                times.setdefault((name, "warm"), []).append(
                    timed([greenbridge, "refresh", *force, "--data-dir", str(warm_dir)], tree,
                          steps=warm_steps if name == "this tree" else None))
                if name == "this tree":
                    times.setdefault((name, "unchanged"), []).append(
                        timed([greenbridge, "refresh", "--data-dir", str(warm_dir)], tree, expect="nothing changed"))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    baseline = statistics.median(imports)
    lines = [
        "## greenbridge refresh on the embedded snapshot",
        "",
        f"Measured {date.today().isoformat()} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {args.runs} alternating runs of each kind "
        f"(`python -m tests.benchmarks.refresh_benchmark`). Baseline in the same run, "
        f"`import dagster, dagster_dbt`: median {baseline:.1f} s.",
        "",
        "| tree | refresh | runs (s) | median (s) | / import baseline | target |",
        "|---|---|---|---|---|---|",
    ]
    for (name, kind), values in times.items():
        median = statistics.median(values)
        target = TARGETS.get(kind) if name == "this tree" else None
        verdict = "" if target is None else f"≤ {target:.0f} s: {'met' if median <= target else 'NOT met'}"
        lines.append(f"| {name} | {kind} | {', '.join(f'{v:.1f}' for v in values)} | **{median:.1f}** | "
                     f"{median / baseline:.1f}× | {verdict} |")
    if args.baseline_tree:
        lines.append("")
        for kind in ("cold", "warm"):
            after, before = (statistics.median(times[(name, kind)]) for name in trees)
            lines.append(f"- {kind}: this tree / baseline tree = **{after / before:.2f}×**")
    if warm_steps:
        lines += ["", "Where a warm refresh of this tree spends its time (median of the steps' own durations; the rest "
                  "is starting up, loading the Definitions and landing the sources): "
                  + ", ".join(f"{step} {statistics.median(values):.1f} s" for step, values in warm_steps.items()) + "."]
    lines += ["", "cold: a new data dir each run; warm: the same data dir, `--force` where the tree has it (older "
              "trees rebuild every time); unchanged: the same data dir, nothing changed (the sources land, nothing "
              "is rebuilt)."]
    report = "\n".join(lines)
    print(report)
    if args.write:
        replace_section(args.write, "refresh", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
