"""The dbt unit tests of the footprint method (models/marts/_fct_vehicle_footprint__unit_tests.yml:
the golden petrol car, BEV and PHEV of test_footprint_method.py on fct_vehicle_footprint, every input
mocked by tests/fixtures/footprint_golden/): they pass under ``dbt test --select test_type:unit``,
and their fixtures still hold the warehouse's own rows (real seed values)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from warehouse.paths import DBT_PROJECT_DIR

FIXTURES = DBT_PROJECT_DIR / "tests" / "fixtures" / "footprint_golden"
GOLDEN_TESTS = {f"unit_test.greenbridge.fct_vehicle_footprint.fct_vehicle_footprint_golden_{case}"
                for case in ("petrol", "bev", "phev")}


def test_the_golden_unit_tests_pass(tmp_path):
    """Every input is SQL, so no warehouse is needed: an empty DuckDB file is the whole profile."""
    profile = ("greenbridge:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
               f"      path: {json.dumps(str(tmp_path / 'greenbridge.duckdb'))}\n      threads: 1\n")
    (tmp_path / "profiles.yml").write_text(profile)
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([
        str(dbt if dbt.exists() else "dbt"), "test", "--select", "test_type:unit",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(tmp_path),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
    ], capture_output=True, text=True, timeout=300, env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"})
    assert result.returncode == 0, result.stdout[-4000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    statuses = {row["unique_id"]: row["status"] for row in results}
    assert GOLDEN_TESTS <= set(statuses), statuses
    assert all(status == "pass" for status in statuses.values()), statuses


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("golden__*.sql")), ids=lambda path: path.stem)
def test_a_fixture_holds_the_warehouses_rows(refreshed_data_dir, fixture):
    """The fixture's rows are rows of the relation it mocks, in the refreshed warehouse. When a seed
    changes, update the fixture from the warehouse and the unit tests' expected values with it
    (what ``greenbridge footprint`` returns for the golden specs; test_footprint_method.py checks them)."""
    relation = fixture.stem.removeprefix("golden__")
    sql = fixture.read_text()
    columns = re.search(r"\) as fixture\((.*?)\)\s*$", sql, re.DOTALL).group(1).replace("\n", " ").strip()
    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        (schema,) = connection.execute("select table_schema from information_schema.tables where table_name = ?",
                                       [relation]).fetchone()
        rows = connection.execute(f"select count(*) from ({sql})").fetchone()[0]
        stale = connection.execute(f"select * from ({sql}) except all "
                                   f"select {columns} from {schema}.{relation}").fetchall()
    assert rows > 0
    assert not stale, f"{fixture.name}: rows that {schema}.{relation} no longer holds: {stale}"


def test_a_refresh_runs_the_unit_tests_once_per_version_of_the_code(tmp_path):
    """orchestration/dbt_unit_tests.py on a copy of the project's manifest: run until they all pass,
    then skipped; a changed macro, or one failing or missing unit test, runs them again."""
    from orchestration.dbt_unit_tests import SKIP_UNIT_TESTS, plan

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())
    manifest_path = tmp_path / "target" / "manifest.json"
    manifest_path.parent.mkdir()
    manifest_path.write_text(json.dumps(manifest))
    project_file = DBT_PROJECT_DIR / "dbt_project.yml"

    first = plan(manifest_path, project_file)
    assert first.arguments == () and first.key and GOLDEN_TESTS <= first.unit_tests
    passed = {"results": [{"unique_id": test, "status": "pass"} for test in first.unit_tests]}
    one_failed = {"results": [{**row, "status": "fail" if index == 0 else "pass"}
                              for index, row in enumerate(passed["results"])]}
    assert not first.record_if_passed(manifest_path, one_failed)
    assert not first.record_if_passed(manifest_path, {"results": passed["results"][1:]})
    assert plan(manifest_path, project_file).arguments == ()
    assert first.record_if_passed(manifest_path, passed)
    assert plan(manifest_path, project_file).arguments == SKIP_UNIT_TESTS

    macro_id = next(macro for macro in manifest["macros"] if macro.startswith("macro.greenbridge."))
    manifest["macros"][macro_id]["macro_sql"] += "\n-- changed"
    manifest_path.write_text(json.dumps(manifest))
    changed = plan(manifest_path, project_file)
    assert changed.arguments == () and changed.key != first.key
