"""The calculator against the publication of the offline refresh (session fixture): the compiled
method run by DuckDB on an Arrow batch reproduces the published facts row for row, never needs the
warehouse (it computes while another process holds the writer lock), reports a batch's bad rows by
row number and field while computing the others, and the publication carries its reference.

Real dbt compile (in the refresh), real DuckDB, real files and processes."""

import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from filelock import FileLock, Timeout

from greenbridge import footprint, footprints
from orchestration.calculator.method import INPUT_RELATION, compiled_method
from orchestration.calculator.output import OUTPUT_SCHEMA
from orchestration.calculator.reference import REFERENCE_FILE, build_reference, discard, open_reference
from orchestration.cli import main as greenbridge_main
from warehouse.contracts.marts import FCT_VEHICLE_FOOTPRINT
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DBT_PROJECT_DIR, DataPaths

RELATIVE = 1e-9
KEY = ("model_id", "market_code", "registration_year")
BEV = {"model": "Batch BEV", "powertrain": "BEV", "fuel": "electricity", "curb_mass_kg": 1764, "battery_kwh": 67.2,
       "battery_chemistry": "NMC622", "battery_production_country": "CHN", "production_country": "CHN",
       "consumption": {"basis": "WLTP", "fuel_l_per_100km": 0, "electricity_kwh_per_100km": 16.9},
       "electric_range_km": None}
PETROL = {"model": "Batch petrol", "powertrain": "ICEV", "fuel": "petrol", "curb_mass_kg": 1350, "battery_kwh": 0,
          "production_country": "CHN",
          "consumption": {"basis": "WLTP", "fuel_l_per_100km": 6.8, "electricity_kwh_per_100km": 0}}
PHEV = {"model": "Batch PHEV", "powertrain": "PHEV", "fuel": "petrol", "curb_mass_kg": 1850, "battery_kwh": 18.3,
        "battery_chemistry": "LFP", "battery_production_country": "CHN", "production_country": "CHN",
        "consumption": {"basis": "WLTP", "fuel_l_per_100km": 1.2, "electricity_kwh_per_100km": 15.0},
        "electric_range_km": 60}


def _flat(spec: dict, **extra) -> dict:
    """A spec as a row of a CSV/Parquet batch (consumption flattened)."""
    row = {key: value for key, value in spec.items() if key != "consumption"}
    consumption = spec["consumption"]
    row.update(consumption_basis=consumption["basis"], fuel_l_per_100km=consumption["fuel_l_per_100km"],
               electricity_kwh_per_100km=consumption["electricity_kwh_per_100km"])
    row.update(extra)
    return row


def _script() -> Path:
    script = Path(sys.executable).with_name("greenbridge")
    if not script.exists():
        pytest.skip("the greenbridge console script is not installed next to this python")
    return script


# ---- the method: one implementation ----------------------------------------------------------


def test_the_calculator_reproduces_every_published_footprint(refreshed_data_dir):
    """Every model x market x year of fct_vehicle_footprint, computed from the catalogue inputs
    the mart was built from, as one batch through the Python API: equal row for row."""
    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        inputs = connection.sql(
            "select inputs.* exclude (market_code, registration_year, lifetime_km_override), "
            "inputs.market_code as market, inputs.registration_year as year, "
            "catalogue.make, catalogue.model, catalogue.estimated_fields "
            "from intermediate.int_footprint__catalogue_inputs as inputs "
            "join marts.dim_vehicle_model as catalogue using (model_id)"
        ).to_arrow_table()
    computed = footprints(inputs, data_dir=refreshed_data_dir)
    published = pq.read_table(refreshed_data_dir / "published" / "fct_vehicle_footprint" / "part-0.parquet")

    assert computed.column("error").null_count == computed.num_rows, computed.filter(
        computed.column("error").is_valid()).select(["row", "error"]).to_pylist()[:3]
    assert computed.num_rows == published.num_rows == inputs.num_rows > 300
    by_key = {tuple(row[k] for k in KEY): row for row in computed.to_pylist()}
    assert len(by_key) == computed.num_rows
    numeric = {field.name for field in FCT_VEHICLE_FOOTPRINT.to_pyarrow() if pa.types.is_floating(field.type)}
    for expected in published.to_pylist():
        row = by_key[tuple(expected[k] for k in KEY)]
        for column in FCT_VEHICLE_FOOTPRINT.column_names:
            got, want = row[column], expected[column]
            if column in numeric and want is not None and got is not None:
                assert got == pytest.approx(want, rel=RELATIVE, abs=1e-12), (expected["model_id"], column)
            else:
                assert got == want, (expected["model_id"], expected["market_code"], column)


def test_the_publication_carries_the_compiled_method_and_exactly_what_it_reads(refreshed_data_dir, tmp_path):
    paths = DataPaths.at(refreshed_data_dir)
    version = paths.published_dir / os.readlink(paths.publication_current_link)
    manifest = json.loads((version / "_manifest.json").read_text())
    entry = manifest["files"][REFERENCE_FILE]
    content = (version / REFERENCE_FILE).read_bytes()
    assert entry["sha256"] == hashlib.sha256(content).hexdigest() and entry["bytes"] == len(content)
    assert entry["run_id"] == manifest["run_id"]

    with open_reference(paths) as reference:
        method = reference.method
        tables = set(reference.connection.execute(
            "select table_schema || '.' || table_name from information_schema.tables where table_catalog = ?",
            [method.database]).fetchall())
    relations = {(f"{relation.schema}.{relation.name}",) for relation in method.relations}
    own = {("calculator.method",), ("calculator.markets",), ("calculator.battery_chemistries",), ("calculator.grid_series",)}
    assert tables == relations | own
    assert INPUT_RELATION in method.sql and '"greenbridge"."staging"."stg_parameters__market_lifetime"' in method.sql

    # The cache beside the project's manifest serves the next build without dbt, from any data dir:
    # compiled once per method.
    assert (DBT_PROJECT_DIR / "target" / "calculator" / f"method-{method.key}.json").is_file()
    again, compiled = compiled_method(paths)
    assert not compiled and again.sql_sha256 == method.sql_sha256
    elsewhere, compiled = compiled_method(DataPaths.at(tmp_path / "another"))
    assert not compiled and elsewhere.sql_sha256 == method.sql_sha256


# ---- never blocks ----------------------------------------------------------------------------


HOLD_WAREHOUSE = textwrap.dedent("""
    import sys, time, duckdb
    from warehouse.duckdb_store import Warehouse
    warehouse = Warehouse(sys.argv[1])
    with warehouse.lock():
        connection = duckdb.connect(str(warehouse.path))  # a writer holds the file, as a refresh does
        connection.execute("create or replace table main.held as select 1 as held")
        print("held", flush=True)
        time.sleep(120)
""")


def test_a_footprint_is_computed_while_another_process_holds_the_warehouse(refreshed_data_dir, tmp_path):
    warehouse = Warehouse(refreshed_data_dir / "warehouse" / "greenbridge.duckdb")
    spec = tmp_path / "bev.json"
    spec.write_text(json.dumps(BEV))
    expected = footprint(BEV, "IDN", 2024, data_dir=refreshed_data_dir)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WAREHOUSE, str(warehouse.path)], stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).resolve().parents[1])
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Timeout):  # the writer lock really is taken
            FileLock(str(warehouse.lock_path)).acquire(timeout=0.2)
        started = time.monotonic()
        done = subprocess.run([str(_script()), "footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024",
                               "--json", "--data-dir", str(refreshed_data_dir)], capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
        assert elapsed < 30, f"took {elapsed:.1f} s: it waited for something"
        assert holder.poll() is None, "the writer was still holding the warehouse throughout"
    finally:
        holder.kill()
        holder.wait()


def test_without_a_publication_it_exits_1(tmp_path, capsys):
    spec = tmp_path / "bev.json"
    spec.write_text(json.dumps(BEV))
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024",
                                  "--data-dir", str(tmp_path / "empty")])
    assert exit_code == 1
    assert "run `greenbridge refresh` first" in capsys.readouterr().err


# ---- batches ---------------------------------------------------------------------------------


def _batch_rows() -> list[dict]:
    """Ten rows; rows 3, 6 and 9 are bad (a spec rule, a reference check, a flattened consumption field)."""
    rows = []
    for index, (spec, market) in enumerate([(BEV, "IDN"), (PETROL, "POL"), (BEV, "THA"), (PHEV, "THA"), (PETROL, "CHN"),
                                            (BEV, "HUN"), (PHEV, "EU27"), (BEV, "USA"), (PETROL, "ZAF"), (PHEV, "SGP")],
                                           start=1):
        rows.append(_flat(spec, market=market, year=2023 + index % 2, model_id=f"variant_{index}", make="Test"))
    rows[2]["curb_mass_kg"] = -1200
    rows[5]["battery_chemistry"] = "NMC999"
    rows[8]["consumption_basis"] = "WLTC"
    return rows


EXPECTED_ERRORS = {3: "curb_mass_kg", 6: "battery_chemistry", 9: "consumption_basis"}


def _assert_batch(table: pa.Table, data_dir: Path) -> None:
    assert table.schema.names == OUTPUT_SCHEMA.names
    assert table.column("row").to_pylist() == list(range(1, 11))
    failed = {row["row"]: row["error_field"] for row in table.to_pylist() if row["error"] is not None}
    assert failed == EXPECTED_ERRORS
    for row, source in zip(table.to_pylist(), _batch_rows()):
        if row["row"] in EXPECTED_ERRORS:
            assert row["total_kg_co2e"] is None and row["model_id"] is None
            continue
        spec = {key: value for key, value in source.items() if key not in ("consumption_basis", "fuel_l_per_100km",
                                                                             "electricity_kwh_per_100km", "market", "year")}
        spec["consumption"] = {"basis": source["consumption_basis"], "fuel_l_per_100km": source["fuel_l_per_100km"],
                               "electricity_kwh_per_100km": source["electricity_kwh_per_100km"]}
        single = footprint(spec, source["market"], source["year"], data_dir=data_dir)
        assert (row["model_id"], row["make"], row["model"]) == (source["model_id"], "Test", source["model"])
        assert (row["market_code"], row["registration_year"]) == (source["market"], source["year"])
        assert row["total_kg_co2e"] == pytest.approx(single["total_kg"], rel=RELATIVE)
        assert {stage: row[f"{stage}_kg_co2e"] for stage in single["stages_kg"]} == pytest.approx(single["stages_kg"], rel=RELATIVE)


def test_a_csv_batch_with_three_bad_rows_reports_exactly_them_and_computes_the_rest(refreshed_data_dir, tmp_path):
    batch = tmp_path / "specs.csv"
    pacsv.write_csv(pa.Table.from_pylist(_batch_rows()), batch)
    out = tmp_path / "footprints.parquet"
    done = subprocess.run([str(_script()), "footprint", "--specs", str(batch), "--out", str(out),
                           "--data-dir", str(refreshed_data_dir)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("greenbridge footprint: row ")]
    assert [line.split(":")[1].strip() for line in lines] == ["row 3", "row 6", "row 9"]
    assert "'curb_mass_kg': must be > 0" in lines[0] and "unknown chemistry 'NMC999'" in lines[1] and "'WLTC'" in lines[2]
    assert "7 rows computed, 3 failed" in done.stderr
    _assert_batch(pq.read_table(out), refreshed_data_dir)


def test_a_json_lines_batch_names_the_spec_path_and_takes_market_and_year_once(refreshed_data_dir, tmp_path, capsys):
    lines = [json.dumps(spec) for spec in (BEV, PETROL, {**BEV, "curb_mass_kg": "heavy"}, PHEV)]
    lines.insert(2, "")  # a blank line is skipped, rows keep their line numbers
    lines.append("{not json")
    batch = tmp_path / "specs.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    exit_code = greenbridge_main(["footprint", "--specs", str(batch), "--market", "IDN", "--year", "2024",
                                  "--data-dir", str(refreshed_data_dir)])
    captured = capsys.readouterr()
    assert exit_code == 3
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [row["row"] for row in rows] == [1, 2, 4, 5, 6]
    assert {row["row"]: row["error_field"] for row in rows if row["error"]} == {4: "curb_mass_kg", 6: "spec"}
    assert rows[0]["total_kg_co2e"] == pytest.approx(footprint(BEV, "IDN", 2024, data_dir=refreshed_data_dir)["total_kg"],
                                                     rel=RELATIVE)
    assert rows[0]["model_id"] == "spec-1" and rows[3]["market_code"] == "IDN"


def test_the_python_api_takes_a_pandas_frame(refreshed_data_dir):
    import pandas as pd

    frame = pd.DataFrame(_batch_rows())  # NaN where a value is missing, as pandas holds it
    _assert_batch(footprints(frame, data_dir=refreshed_data_dir), refreshed_data_dir)


def test_a_bad_batch_option_or_file_exits_2_before_the_publication(tmp_path, capsys):
    batch = tmp_path / "specs.csv"
    batch.write_text("model\nx\n")
    for arguments, phrase in ((["--specs", str(batch), "--market", "Idn!"], "--market: expected a market code"),
                              (["--specs", str(batch), "--year", "1999"], "--year: expected a registration year"),
                              (["--specs", str(tmp_path / "none.csv")], "not found"),
                              (["--specs", str(tmp_path / "specs.xlsx")], "unknown batch format"),
                              (["--specs", str(batch), "--out", str(tmp_path / "out.xml")], "unknown output format")):
        exit_code = greenbridge_main(["footprint", *arguments, "--data-dir", str(tmp_path / "no-data")])
        assert exit_code == 2, arguments
        assert phrase in capsys.readouterr().err
    assert not (tmp_path / "no-data").exists()


def test_a_reference_missing_a_relation_of_the_method_is_not_built(refreshed_data_dir, tmp_path):
    """A warehouse without a relation the method reads: building its reference fails (the
    publication step builds it before publishing, so nothing is switched) and leaves nothing behind."""
    data = tmp_path / "data"
    (data / "warehouse").mkdir(parents=True)
    warehouse_file = data / "warehouse" / "greenbridge.duckdb"
    warehouse_file.write_bytes((refreshed_data_dir / "warehouse" / "greenbridge.duckdb").read_bytes())
    paths = DataPaths.at(data)
    with duckdb.connect(str(warehouse_file)) as connection:
        connection.execute("drop view staging.stg_parameters__market_lifetime")
    with pytest.raises(Exception, match="stg_parameters__market_lifetime"):
        build_reference(paths, Warehouse(warehouse_file), "broken")
    assert not [path for path in paths.calculator_dir.iterdir() if path.name.startswith("build-")]


def test_a_build_folder_left_by_a_killed_publication_is_removed_by_the_next_build(refreshed_data_dir):
    """A publication killed while the reference is built leaves its build folder; the next build
    removes it (one publication at a time), but not a folder touched within the margin."""
    paths = DataPaths.at(refreshed_data_dir)
    abandoned, recent = paths.calculator_dir / "build-abandoned", paths.calculator_dir / "build-recent"
    for folder in (abandoned, recent):
        folder.mkdir(parents=True)
        (folder / "reference.duckdb").write_bytes(b"partial")
    old = time.time() - 2 * 3600
    os.utime(abandoned, (old, old))
    discard(build_reference(paths, Warehouse(paths.warehouse_file), "after a kill"))
    assert not abandoned.exists()
    assert recent.exists()
    shutil.rmtree(recent)


def test_building_a_reference_again_reuses_the_compiled_method_and_cleans_up(refreshed_data_dir):
    paths = DataPaths.at(refreshed_data_dir)
    built = build_reference(paths, Warehouse(paths.warehouse_file), "again")
    try:
        assert not built.compiled
        with duckdb.connect() as connection:
            connection.execute(f"attach '{built.path}' as reference_check (read_only)")
            count = connection.execute("select count(*) from reference_check.calculator.markets").fetchone()[0]
        assert count >= 10
    finally:
        discard(built)
    assert not built.path.exists()
    assert math.isfinite(footprint(PETROL, "POL", 2024, data_dir=refreshed_data_dir)["total_kg"])
