"""Benchmark of the calculator (``greenbridge footprint``, ``greenbridge.footprints``), one run.

Against a refreshed data dir (``--data-dir``, or a fresh offline refresh into a temporary folder,
untimed), with synthetic specs: variants of the published catalogue (``dim_vehicle_model``), curb
mass and consumption moved by up to ±10 % so no two specs of a batch are alike.

1. one spec: ``greenbridge footprint --spec F --market IDN --year 2024 --json`` as a subprocess of
   the installed console script, wall time, median of ``--runs`` after one untimed warm-up
   (target ≤ 1.5 s; the ``dbt show`` calculator it replaced took 8.3-9.3 s);
2. a batch of 10,000 specs × 1 market end to end (the console script, start-up included):
   Parquet in and out, and JSON lines in and out (target ≤ 5 s);
3. 1,000,000 spec × market rows (100,000 specs × 10 markets, Parquet in and out): wall time,
   throughput and the peak resident memory of the process (target < 4 GB);
4. carculator (PyPI ``carculator`` 1.9.x, in the throwaway venv ``/tmp/carcvenv``, created here
   with pip when missing; skipped with a note when it cannot be installed or run): the time of one
   vectorised call (``CarModel(...).set_all()`` and ``InventoryCar(...).calculate_impacts()``) over
   every size × powertrain × year of its static parameters, against ``greenbridge.footprints`` on
   as many specs, in process; reported as footprints/s and their ratio.

Usage: ``python -m tests.benchmarks.calculator_benchmark [--data-dir DIR] [--runs 5] [--write BENCHMARKS.md]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.benchmarks.report import replace_section

REPO = Path(__file__).resolve().parents[2]
SECTION = "calculator"
MARKETS = ("CHN", "EU27", "HUN", "IDN", "PAK", "POL", "RUS", "SGP", "THA", "USA")
CARCULATOR_VENV = Path("/tmp/carcvenv")
CARCULATOR_REQUIREMENT = "carculator==1.9.*"
# Peak resident memory of a child, measured in a process of its own (RUSAGE_CHILDREN is a maximum over
# every child ever waited for).
PEAK_OF = textwrap.dedent("""
    import json, resource, subprocess, sys, time
    started = time.monotonic()
    done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": time.monotonic() - started, "returncode": done.returncode, "stderr": done.stderr[-2000:],
                      "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}))
""")
CARCULATOR_RUN = textwrap.dedent("""
    import contextlib, io, json, time
    import numpy as np
    from carculator import CarInputParameters, CarModel, InventoryCar, fill_xarray_from_input_parameters
    import carculator
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        started = time.monotonic()
        parameters = CarInputParameters()
        parameters.static()
        _, array = fill_xarray_from_input_parameters(parameters)
        prepared = time.monotonic()
        model = CarModel(array, cycle="WLTC")
        model.set_all()
        modelled = time.monotonic()
        results = InventoryCar(model).calculate_impacts()
        done = time.monotonic()
    climate = results.sel(impact_category="climate change").sum(dim="impact")
    vehicles = int(np.count_nonzero(np.isfinite(climate.values) & (climate.values > 0)))
    version = carculator.__version__
    version = ".".join(map(str, version)) if isinstance(version, (tuple, list)) else str(version)
    print(json.dumps({"version": version, "vehicles": vehicles, "shape": dict(climate.sizes),
                      "prepare_s": prepared - started, "model_s": modelled - prepared, "impacts_s": done - modelled}))
""")


def script() -> Path:
    path = Path(sys.executable).with_name("greenbridge")
    if not path.exists():
        raise SystemExit(f"the greenbridge console script is not installed next to {sys.executable}")
    return path


def refreshed(data_dir: Path | None, scratch: Path) -> Path:
    if data_dir is not None:
        return data_dir.resolve()
    target = scratch / "data"
    print(f"offline refresh into {target} (untimed) ...", flush=True)
    done = subprocess.run([str(script()), "refresh", "--data-dir", str(target)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"the refresh failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return target


def specs_table(data_dir: Path, count: int) -> pa.Table:
    """``count`` distinct spec variants of the published catalogue, flattened as a batch file holds them."""
    catalogue = pq.read_table(data_dir / "published" / "dim_vehicle_model" / "part-0.parquet").to_pylist()
    catalogue.sort(key=lambda row: row["model_id"])
    rows = []
    for index in range(count):
        base = catalogue[index % len(catalogue)]
        factor = 1 + ((index * 7919) % 201 - 100) / 1000  # -10 % .. +10 %, deterministic
        electricity = base["electricity_kwh_per_100km"] * factor
        if base["powertrain"] == "BEV":
            electricity = min(max(electricity, 10.0), 30.0)
        rows.append({
            "model_id": f"{base['model_id']}_v{index}", "make": base["make"], "model": f"{base['model']} v{index}",
            "powertrain": base["powertrain"], "fuel": base["fuel"], "segment": base["segment"],
            "curb_mass_kg": round(min(max(base["curb_mass_kg"] * factor, 600.0), 3500.0), 1),
            "battery_kwh": base["battery_kwh"], "battery_chemistry": base["battery_chemistry"],
            "battery_production_country": base["battery_production_country"],
            "production_country": base["production_country"], "consumption_basis": base["consumption_basis"],
            "fuel_l_per_100km": round(base["fuel_l_per_100km"] * factor, 3),
            "electricity_kwh_per_100km": round(electricity, 3), "electric_range_km": base["electric_range_km"],
        })
    return pa.Table.from_pylist(rows)


def with_markets(specs: pa.Table, markets) -> pa.Table:
    tables = [specs.append_column("market", pa.array([market] * specs.num_rows)) for market in markets]
    table = pa.concat_tables(tables)
    return table.append_column("year", pa.array([2024] * table.num_rows, pa.int64()))


def write_jsonl(specs: pa.Table, path: Path) -> None:
    flat = ("consumption_basis", "fuel_l_per_100km", "electricity_kwh_per_100km")
    with open(path, "w") as handle:
        for row in specs.to_pylist():
            document = {key: value for key, value in row.items() if key not in flat}
            document["consumption"] = {"basis": row["consumption_basis"], "fuel_l_per_100km": row["fuel_l_per_100km"],
                                       "electricity_kwh_per_100km": row["electricity_kwh_per_100km"]}
            handle.write(json.dumps(document) + "\n")


def timed(command: list[str]) -> dict:
    """Run ``command`` in a wrapper process: wall time, exit code and the command's own peak memory."""
    done = subprocess.run([sys.executable, "-c", PEAK_OF, *command], capture_output=True, text=True, cwd=REPO)
    result = json.loads(done.stdout)
    if result["returncode"] != 0:
        raise SystemExit(f"{' '.join(command)} exited {result['returncode']}:\n{result['stderr']}")
    return result


def bench_single(data_dir: Path, scratch: Path, runs: int) -> dict:
    spec = scratch / "spec.json"
    row = specs_table(data_dir, 1).to_pylist()[0]
    spec.write_text(json.dumps({
        "model": row["model"], "powertrain": row["powertrain"], "fuel": row["fuel"], "curb_mass_kg": row["curb_mass_kg"],
        "battery_kwh": row["battery_kwh"], "battery_chemistry": row["battery_chemistry"],
        "battery_production_country": row["battery_production_country"], "production_country": row["production_country"],
        "consumption": {"basis": row["consumption_basis"], "fuel_l_per_100km": row["fuel_l_per_100km"],
                        "electricity_kwh_per_100km": row["electricity_kwh_per_100km"]},
        "electric_range_km": row["electric_range_km"],
    }))
    command = [str(script()), "footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024", "--json",
               "--data-dir", str(data_dir)]
    timed(command)  # warm-up: the interpreter's bytecode caches, the file system cache
    measured = [timed(command) for _ in range(runs)]
    seconds = [result["seconds"] for result in measured]
    return {"runs": seconds, "median_s": statistics.median(seconds),
            "cpu_s": statistics.median(result["cpu_s"] for result in measured)}


def bench_batch(data_dir: Path, scratch: Path, count: int) -> dict:
    specs = specs_table(data_dir, count)
    results = {}
    parquet_in, jsonl_in = scratch / f"specs{count}.parquet", scratch / f"specs{count}.jsonl"
    pq.write_table(specs, parquet_in)
    write_jsonl(specs, jsonl_in)
    for label, source, out in (("parquet", parquet_in, scratch / "out.parquet"), ("jsonl", jsonl_in, scratch / "out.jsonl")):
        measured = [timed([str(script()), "footprint", "--specs", str(source), "--market", "IDN", "--year", "2024",
                           "--out", str(out), "--data-dir", str(data_dir)]) for _ in range(3)]
        if label == "parquet":
            written = pq.read_table(out)
            assert written.num_rows == count and written.column("error").null_count == count, "a row failed"
        results[label] = statistics.median(result["seconds"] for result in measured)
        results[f"{label}_cpu"] = statistics.median(result["cpu_s"] for result in measured)
    return results


def bench_large(data_dir: Path, scratch: Path, specs: int, markets) -> dict:
    table = with_markets(specs_table(data_dir, specs), markets)
    source, out = scratch / "specs_large.parquet", scratch / "out_large.parquet"
    pq.write_table(table, source)
    result = timed([str(script()), "footprint", "--specs", str(source), "--out", str(out), "--data-dir", str(data_dir)])
    written = pq.ParquetFile(out).metadata.num_rows
    assert written == table.num_rows, (written, table.num_rows)
    return {"rows": table.num_rows, "seconds": result["seconds"], "rows_per_s": table.num_rows / result["seconds"],
            "cpu_s": result["cpu_s"], "peak_mib": result["peak_mib"]}


def carculator_python() -> tuple[Path | None, str]:
    """The venv's python with carculator, creating the venv when missing; (None, why) when not possible."""
    python = CARCULATOR_VENV / "bin" / "python"
    check = [str(python), "-c", "import carculator"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    print(f"installing {CARCULATOR_REQUIREMENT} into {CARCULATOR_VENV} ...", flush=True)
    base = shutil.which("python3.11") or shutil.which("python3") or sys.executable
    steps = [[base, "-m", "venv", str(CARCULATOR_VENV)], [str(python), "-m", "pip", "install", "-q", CARCULATOR_REQUIREMENT]]
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            return None, f"`{' '.join(step)}` took more than 30 min"
        if done.returncode != 0:
            return None, f"`{' '.join(step)}` failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return python, ""


def bench_carculator(data_dir: Path, runs: int) -> dict:
    python, why = carculator_python()
    if python is None:
        return {"skipped": why}
    done = subprocess.run([str(python), "-c", CARCULATOR_RUN], capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        return {"skipped": f"carculator did not run: {done.stderr.strip()[-500:]}"}
    carculator = json.loads(done.stdout.strip().splitlines()[-1])
    carculator["seconds"] = carculator["model_s"] + carculator["impacts_s"]
    carculator["per_s"] = carculator["vehicles"] / carculator["seconds"]

    from greenbridge import footprints  # in process, like carculator: start-up not counted on either side

    specs = with_markets(specs_table(data_dir, carculator["vehicles"]), ["IDN"])
    footprints(specs, data_dir=data_dir)  # warm-up: the reference's pages in the file system cache
    seconds = []
    for _ in range(runs):
        started = time.monotonic()
        table = footprints(specs, data_dir=data_dir)
        seconds.append(time.monotonic() - started)
        assert table.column("error").null_count == table.num_rows
    greenbridge = {"vehicles": specs.num_rows, "seconds": statistics.median(seconds)}
    greenbridge["per_s"] = greenbridge["vehicles"] / greenbridge["seconds"]
    return {"carculator": carculator, "greenbridge": greenbridge, "ratio": greenbridge["per_s"] / carculator["per_s"]}


def report(results: dict) -> str:
    single, batch, large, carc = results["single"], results["batch"], results["large"], results["carculator"]
    lines = [
        "## greenbridge footprint: the calculator",
        "",
        f"Measured {results['date']} in one run of `python -m tests.benchmarks.calculator_benchmark` (part of "
        f"`make bench`); machine: {results['machine']}; load average at the start {results['load']}. Synthetic specs: "
        "variants of the published catalogue (curb mass and consumption within ±10 %).",
        "",
        "| measurement | result | target |",
        "|---|---|---|",
        f"| one `greenbridge footprint --spec` call (console script, wall, median of {len(single['runs'])}) | "
        f"**{single['median_s']:.2f} s** (runs: {', '.join(f'{s:.2f}' for s in single['runs'])}; CPU {single['cpu_s']:.2f} s); "
        "was 8.3-9.3 s with `dbt show` | ≤ 1.5 s |",
        f"| batch of 10,000 specs × 1 market, end to end, Parquet in and out (median of 3) | **{batch['parquet']:.2f} s** "
        f"(CPU {batch['parquet_cpu']:.2f} s) | ≤ 5 s |",
        f"| the same batch as JSON lines in and out (median of 3) | **{batch['jsonl']:.2f} s** (CPU {batch['jsonl_cpu']:.2f} s) | ≤ 5 s |",
        f"| {large['rows']:,} spec × market rows (100,000 specs × {len(MARKETS)} markets, Parquet in and out) | "
        f"**{large['seconds']:.0f} s, {large['rows_per_s']:,.0f} rows/s, peak {large['peak_mib']:,.0f} MiB** "
        f"(CPU {large['cpu_s']:.0f} s) | peak < 4 GB |",
    ]
    if "skipped" in carc:
        lines.append(f"| carculator comparison | skipped: {carc['skipped']} | |")
    else:
        c, g = carc["carculator"], carc["greenbridge"]
        lines.append(
            f"| vs carculator {c['version']} on one vectorised call ({c['vehicles']} vehicles: "
            f"{' × '.join(f'{n} {d}' for d, n in c['shape'].items() if n > 1)}) | carculator {c['per_s']:.1f} footprints/s "
            f"({c['seconds']:.1f} s: model {c['model_s']:.1f} s, impacts {c['impacts_s']:.1f} s); Greenbridge "
            f"{g['per_s']:,.0f} footprints/s ({g['seconds']:.2f} s, in process); **ratio {carc['ratio']:,.0f}×** | |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None, help="a refreshed data dir (default: refresh into a temporary one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--large-specs", type=int, default=100_000)
    parser.add_argument("--no-carculator", action="store_true")
    parser.add_argument("--write", type=Path, default=None, help="replace this benchmark's section of BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="greenbridge-calculator-bench-") as folder:
        scratch = Path(folder)
        data_dir = refreshed(args.data_dir, scratch)
        results = {"date": date.today().isoformat(), "load": ", ".join(f"{load:.1f}" for load in os.getloadavg()),
                   "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}
        print("one spec ...", flush=True)
        results["single"] = bench_single(data_dir, scratch, args.runs)
        print(f"  median {results['single']['median_s']:.2f} s", flush=True)
        print(f"batch of {args.batch:,} ...", flush=True)
        results["batch"] = bench_batch(data_dir, scratch, args.batch)
        print(f"  {results['batch']}", flush=True)
        print(f"{args.large_specs * len(MARKETS):,} rows ...", flush=True)
        results["large"] = bench_large(data_dir, scratch, args.large_specs, MARKETS)
        print(f"  {results['large']}", flush=True)
        results["carculator"] = {"skipped": "--no-carculator"} if args.no_carculator else bench_carculator(data_dir, 3)
        print(f"  {results['carculator']}", flush=True)
    text = report(results)
    print(text)
    if args.write:
        replace_section(args.write, SECTION, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
