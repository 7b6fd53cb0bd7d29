"""Compute one spec's footprint with the dbt method: check the spec against the warehouse's
reference data (market, chemistry, grid coverage), render a one-row input, and run
``footprint_method`` on it with ``dbt show --inline`` against the warehouse. No footprint
arithmetic happens in Python.

Only validated enums, codes and numbers reach the SQL (the model name never does), so the inline
query cannot be injected into.
"""

from __future__ import annotations

from dataclasses import dataclass
from orchestration.calculator.spec import SpecError, VehicleSpec
from warehouse.contracts.marts import LIFE_CYCLE_STAGES as STAGES
from warehouse.dbt_profile import write_dbt_profile
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DBT_PROJECT_DIR, DataPaths



class WarehouseNotReady(RuntimeError):
    """The warehouse has not been built (run ``greenbridge refresh`` first)."""


@dataclass(frozen=True)
class FootprintRequest:
    spec: VehicleSpec
    market: str
    year: int
    lifetime_km: float | None = None


def compute_footprint(request: FootprintRequest, paths: DataPaths) -> dict:
    """The footprint of ``request`` as the JSON-ready dict ``greenbridge footprint --json`` prints."""
    warehouse = Warehouse(paths.warehouse_file)
    if not paths.warehouse_file.exists():
        raise WarehouseNotReady(f"no warehouse at {paths.warehouse_file}: run `greenbridge refresh` first")
    check_against_reference(request, warehouse)
    with warehouse.lock():  # dbt opens the file itself; hold the writer lock like every dbt run
        row = _run_method(request, paths)
    return _as_output(request, row)


def check_against_reference(request: FootprintRequest, warehouse: Warehouse) -> None:
    """Fail naming the field when the warehouse cannot price the request."""
    spec = request.spec
    try:
        with warehouse.connect(read_only=True) as connection:
            markets = {code for (code,) in connection.sql("select market_code from staging.stg_parameters__markets").fetchall()}
            chemistries = {c for (c,) in connection.sql(
                "select battery_chemistry from intermediate.int_batteries__chemistry_factors").fetchall()}
            first_grid_year = dict(connection.sql(
                "select area_code, min(year) from intermediate.int_grid__intensity_series group by area_code").fetchall())
    except Exception as error:  # a missing relation means the warehouse was never built
        if "does not exist" in str(error):
            raise WarehouseNotReady(f"the warehouse at {warehouse.path} has no footprint models: "
                                    "run `greenbridge refresh` first") from None
        raise
    if request.market not in markets:
        raise SpecError(f"--market: unknown market {request.market!r}; known: {', '.join(sorted(markets))}")
    if spec.battery_chemistry is not None and spec.battery_chemistry not in chemistries:
        raise SpecError(f"spec field 'battery_chemistry': unknown chemistry {spec.battery_chemistry!r}; "
                        f"known: {', '.join(sorted(chemistries))}")
    for field, area in (("--market", request.market), ("production_country", spec.production_country),
                        ("battery_production_country", spec.battery_production_country if spec.battery_kwh > 0 else None)):
        if area is None:
            continue
        first = first_grid_year.get(area)
        if first is None:
            raise SpecError(f"{_name(field)}: no grid carbon intensity for {area!r} in the warehouse")
        if first > request.year:
            raise SpecError(f"{_name(field)}: the grid series of {area!r} starts in {first}, after --year {request.year}")


def _name(field: str) -> str:
    return field if field.startswith("--") else f"spec field '{field}'"


def render_input(request: FootprintRequest) -> str:
    """The one-row input relation of footprint_method, as a parenthesised SQL subquery."""
    spec = request.spec

    def text(value: str | None) -> str:
        return "cast(null as varchar)" if value is None else "'" + value.replace("'", "''") + "'"

    def number(value: float | None) -> str:
        return "cast(null as double)" if value is None else f"cast({float(value)!r} as double)"

    columns = {
        "model_id": "'spec'",
        "powertrain": text(spec.powertrain),
        "fuel": text(spec.fuel),
        "segment": text(spec.segment),
        "curb_mass_kg": number(spec.curb_mass_kg),
        "battery_kwh": number(spec.battery_kwh),
        "battery_chemistry": text(spec.battery_chemistry),
        "electric_range_km": number(spec.electric_range_km),
        "consumption_basis": text(spec.consumption_basis),
        "fuel_l_per_100km": number(spec.fuel_l_per_100km),
        "electricity_kwh_per_100km": number(spec.electricity_kwh_per_100km),
        "production_country": text(spec.production_country),
        "battery_production_country": text(spec.battery_production_country),
        "market_code": text(request.market),
        "registration_year": f"cast({int(request.year)} as integer)",
        "lifetime_km_override": number(request.lifetime_km),
    }
    return "(select " + ", ".join(f"{value} as {name}" for name, value in columns.items()) + ")"


def _run_method(request: FootprintRequest, paths: DataPaths) -> dict:
    from dbt.cli.main import dbtRunner

    write_dbt_profile(paths)
    # The inline query names the input explicitly; {{ }} is Jinja, so the subquery is passed as a string.
    inline = "{{ footprint_method(\"" + render_input(request) + "\") }}"
    target = paths.root / "dbt" / "calculator-target"
    try:
        result = dbtRunner().invoke([
            "--log-level", "none", "--log-level-file", "info", "show", "--inline", inline, "--limit", "1",
            "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(paths.dbt_profiles_dir),
            "--target-path", str(target), "--log-path", str(paths.root / "logs"),
        ])
    finally:
        _release_duckdb_file()
    if not result.success:
        detail = result.exception or _first_error(result)
        raise RuntimeError(f"dbt could not run the footprint method: {detail}")
    table = result.result.results[0].agate_table
    return dict(zip(table.column_names, table.rows[0]))


def _release_duckdb_file() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after an in-process run, so
    the file is free for the next reader or writer (another process, or a read-only check here)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None and hasattr(environment, "close"):
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _first_error(result) -> str:
    try:
        return "; ".join(str(item.message) for item in result.result.results if item.status != "success")
    except Exception:
        return "see data/logs/dbt.log"


def _as_output(request: FootprintRequest, row: dict) -> dict:
    missing = [stage for stage in STAGES if row.get(f"{stage}_kg_co2e") is None]
    if missing:
        raise RuntimeError(f"the method left stage(s) {', '.join(missing)} empty: a factor it needs is missing "
                           f"from the seeds (cited ids: {row.get('factor_ids')})")
    return {
        "model": request.spec.model,
        "market": request.market,
        "year": request.year,
        "lifetime_km": float(row["lifetime_km"]),
        "methodology_version": row["methodology_version"],
        "stages_kg": {stage: float(row[f"{stage}_kg_co2e"]) for stage in STAGES},
        "stages_g_per_km": {stage: float(row[f"{stage}_g_co2e_per_km"]) for stage in STAGES},
        "total_kg": float(row["total_kg_co2e"]),
        "g_per_km": float(row["total_g_co2e_per_km"]),
        "core_boundary_stages": row["core_boundary_stages"].split(";"),
        "total_all_stages_kg": float(row["total_all_stages_kg_co2e"]),
        "factor_ids": sorted(set(row["factor_ids"].split(";"))),
    }
