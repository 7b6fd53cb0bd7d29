"""Scale benchmark of the sales-weighted market footprint: dbt against one hand-written query.

Builds a warehouse from the embedded snapshot, then for each size (1 M and 10 M rows):
1. a synthetic catalogue: variants of the 14 catalogue models (same specs, ids ``<model>_v<k>``)
   and synthetic registrations, one row per variant x market x month (2023-01..2024-12) with a
   random count, written to raw.registrations__by_model_month;
2. an untimed ``dbt run`` so fct_vehicle_footprint holds a footprint for every variant;
3. timed, each in its own process so peak memory is its own:
   - dbt: ``dbt run --select fct_market_footprint`` (wall time of the CLI, and the model's own
     execution time from run_results.json);
   - hand: one DuckDB ``create table as`` query computing the same table from the same inputs
     (raw registrations, fct_vehicle_footprint, the Comtrade staging view);
4. the two tables are compared row by row (they must be equal).
Usage: ``python -m tests.benchmarks.market_footprint_benchmark [--sizes 1000000 10000000] [--runs 3] [--write BENCHMARKS.md]``.
"""

import argparse
import json
import math
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.report import replace_section

from warehouse.contracts.marts import STAGES

REPO = Path(__file__).resolve().parents[2]
MONTHS = 24
SECTION = "market-footprint-benchmark"
STAGE_COLUMNS = tuple(stage for stage, _ in STAGES)  # the six stages and both totals

HAND_QUERY = """
create or replace table main.hand_market_footprint as
with registrations as (
    select model_id, market_code, cast(substr(month, 1, 4) as integer) as registration_year,
        sum(registrations) as registrations
    from raw.registrations__by_model_month
    group by all
),
exports as (
    select partner_iso3 as market_code, year as registration_year, powertrain, sum(quantity_units) as export_units
    from staging.stg_comtrade__china_car_exports
    where not is_world and powertrain in ('ICEV', 'HEV', 'PHEV', 'BEV')
    group by all
),
aggregated as (
    select f.market_code, f.registration_year, f.powertrain, count(*) as model_count,
        sum(coalesce(r.registrations, 0)) as registrations,
        {stage_sql}
        min(f.lifetime_km) as lifetime_km, min(f.methodology_version) as methodology_version
    from marts.fct_vehicle_footprint as f
    left join registrations as r using (model_id, market_code, registration_year)
    group by all
)
select a.market_code, a.registration_year, a.powertrain,
    case when a.registrations > 0 then 'registrations' when e.export_units > 0 then 'china_exports' else 'unweighted' end
        as weight_basis,
    case when a.registrations > 0 then a.registrations when e.export_units > 0 then e.export_units end as vehicle_count,
    a.* exclude (market_code, registration_year, powertrain, registrations)
from aggregated as a
left join exports as e using (market_code, registration_year, powertrain)
"""


def hand_query() -> str:
    parts = []
    for stage in STAGE_COLUMNS:
        for column in (f"{stage}_kg_co2e", f"{stage}_g_co2e_per_km"):
            parts.append(
                f"case when sum(coalesce(r.registrations, 0)) > 0 then sum(f.{column} * coalesce(r.registrations, 0)) "
                f"/ sum(coalesce(r.registrations, 0)) else avg(f.{column}) end as {column},"
            )
    return HAND_QUERY.format(stage_sql="\n        ".join(parts))


def run(command: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess:
    completed = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"failed ({completed.returncode}): {' '.join(command)}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return completed


def dbt_command(data_dir: Path, *args: str) -> list[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [dbt, *args, "--project-dir", str(REPO / "dbt_project"), "--profiles-dir", str(data_dir / "dbt"),
            "--target-path", str(data_dir / "dbt" / "bench-target"), "--log-path", str(data_dir / "logs")]


def prepare(base_data_dir: Path, data_dir: Path, rows: int) -> int:
    """Copy the base warehouse, write the synthetic catalogue and registrations, build footprints."""
    import duckdb

    from warehouse.dbt_profile import write_dbt_profile
    from warehouse.paths import DataPaths

    shutil.copytree(base_data_dir, data_dir)
    write_dbt_profile(DataPaths.at(data_dir))  # the copied profile still points at the base warehouse
    variants_per_model = math.ceil(rows / (14 * 11 * MONTHS))
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb")) as connection:
        connection.execute(f"""
            create or replace table parameters.vehicle_catalogue as
            select catalogue.* replace (catalogue.model_id || '_v' || copies.copy_number as model_id)
            from parameters.vehicle_catalogue as catalogue, range({variants_per_model}) as copies(copy_number)
        """)
        connection.execute(f"""
            create or replace table raw.registrations__by_model_month as
            select model_id, market_code, month, registrations, 'synthetic benchmark' as publisher,
                repeat('0', 64) as source_sha256
            from (
                select catalogue.model_id, markets.market_code,
                    strftime(date '2023-01-01' + to_months(months.m), '%Y-%m') as month,
                    cast(floor(random() * 500) as bigint) as registrations,
                    row_number() over () as n
                from parameters.vehicle_catalogue as catalogue
                cross join parameters.markets as markets
                cross join range({MONTHS}) as months(m)
            )
            where n <= {rows}
        """)
        landed = connection.sql("select count(*) from raw.registrations__by_model_month").fetchall()[0][0]
    run(dbt_command(data_dir, "run", "--exclude", "fct_market_footprint+"))
    return landed


def step(kind: str, data_dir: Path) -> dict:
    """Run one timed step in a child process; returns its wall time, model time and peak RSS."""
    completed = run([sys.executable, "-m", "tests.benchmarks.market_footprint_benchmark", "--step", kind,
                     "--data-dir", str(data_dir)])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child_step(kind: str, data_dir: Path) -> None:
    started = time.perf_counter()
    if kind == "dbt":
        run(dbt_command(data_dir, "run", "--select", "fct_market_footprint"))
        results = json.loads((data_dir / "dbt" / "bench-target" / "run_results.json").read_text())
        model_seconds = sum(result["execution_time"] for result in results["results"])
        wall = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    else:
        import duckdb

        with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb")) as connection:
            query_started = time.perf_counter()
            connection.execute(hand_query())
            model_seconds = time.perf_counter() - query_started
        wall = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall_s": wall, "model_s": model_seconds, "peak_mib": peak_mib}))


def assert_equal_tables(data_dir: Path) -> int:
    import duckdb

    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        columns = [row[0] for row in connection.sql("describe marts.fct_market_footprint").fetchall()]
        different = connection.sql(f"""
            select count(*) from marts.fct_market_footprint as d
            full join main.hand_market_footprint as h using (market_code, registration_year, powertrain)
            where d.market_code is null or h.market_code is null
               or d.weight_basis <> h.weight_basis or d.model_count <> h.model_count
               or {" or ".join(f"abs(d.{c} - h.{c}) > 1e-6 * greatest(1, abs(d.{c}))" for c in columns if c.endswith(("_co2e", "_per_km")))}
        """).fetchall()[0][0]
        rows = connection.sql("select count(*) from marts.fct_market_footprint").fetchall()[0][0]
        weighted = connection.sql("select count(*) from marts.fct_market_footprint where weight_basis = 'registrations'").fetchall()[0][0]
    if different or weighted != rows:
        raise SystemExit(f"dbt and hand-written results differ in {different} rows ({weighted}/{rows} registration-weighted)")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--step", choices=("dbt", "hand"), default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.step:
        child_step(args.step, args.data_dir)
        return 0

    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        print("building the base warehouse from the embedded snapshot ...", flush=True)
        run([str(Path(sys.executable).with_name("greenbridge")), "refresh", "--data-dir", str(base)])
        for rows in args.sizes:
            data_dir = Path(tmp) / f"rows-{rows}"
            landed = prepare(base, data_dir, rows)
            measured = {"dbt": [], "hand": []}
            for _ in range(args.runs):  # alternate, so drift in machine load hits both alike
                measured["dbt"].append(step("dbt", data_dir))
                measured["hand"].append(step("hand", data_dir))
            output_rows = assert_equal_tables(data_dir)

            def median(kind: str, key: str) -> float:
                return statistics.median(result[key] for result in measured[kind])

            peak = {kind: max(result["peak_mib"] for result in measured[kind]) for kind in measured}
            line = (f"| {landed:,} | {median('dbt', 'model_s'):.2f} | {median('hand', 'model_s'):.2f} | "
                    f"**{median('dbt', 'model_s') / median('hand', 'model_s'):.2f}×** | {median('dbt', 'wall_s'):.2f} | "
                    f"{median('hand', 'wall_s'):.2f} | {median('dbt', 'wall_s') / median('hand', 'wall_s'):.2f}× | "
                    f"{peak['dbt']:,.0f} | {peak['hand']:,.0f} | {output_rows} |")
            print(line, flush=True)
            lines.append(line)
            shutil.rmtree(data_dir)
    report = "\n".join([
        f"Measured {time.strftime('%Y-%m-%d')}, median of {args.runs} alternating runs per size, "
        f"`python -m tests.benchmarks.market_footprint_benchmark` (part of `make bench`).",
        "",
        "| registration rows | dbt model s | hand query s | model ratio | dbt CLI wall s | hand process wall s | wall ratio | dbt peak MiB | hand peak MiB | output rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *lines,
    ])
    print(report)
    if args.write:
        replace_section(args.write, SECTION, report, "## Market footprint at scale (dbt vs one hand-written query)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
