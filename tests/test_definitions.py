"""The Definitions the UI loads are valid, and the lineage runs from every raw source to Parquet."""

from dagster import AssetKey, Definitions

from orchestration.build import build_defs
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import Settings
from warehouse.contracts.registry import PUBLISHED_TABLES
from warehouse.paths import DEFAULT_SNAPSHOT_DIR


def _defs(tmp_path):
    return build_defs(Settings(data_dir=tmp_path / "data", snapshot_dir=DEFAULT_SNAPSHOT_DIR))


def test_definitions_load_and_validate(tmp_path):
    defs = _defs(tmp_path)
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("refresh_all") is not None


def test_every_published_table_descends_from_the_raw_grid_source(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    raw_grid = AssetKey(["raw", "owid_energy__grid_carbon_intensity"])
    catalogue = AssetKey(["raw", "vehicle_catalogue"])
    for table in PUBLISHED_TABLES:
        upstream = graph.get_ancestor_asset_keys(AssetKey(["published", table]))
        if table in ("fct_vehicle_footprint", "dim_emission_factor"):
            assert raw_grid in upstream, f"{table} is not downstream of {raw_grid}"
        if table in ("fct_vehicle_footprint", "dim_vehicle_model"):
            assert catalogue in upstream


def test_groups_are_layers_and_warehouse_writers_share_one_pool(tmp_path):
    defs = _defs(tmp_path)
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    assert groups == {"raw", "staging", "intermediate", "marts", "published"}
    for assets_def in defs.assets:
        assert assets_def.op.pool == WAREHOUSE_POOL, f"{assets_def.node_def.name} writes the warehouse outside the pool"


def test_schedules_by_cadence_and_partitioned_sources(tmp_path):
    defs = _defs(tmp_path)
    schedules = {schedule.name: schedule for schedule in defs.schedules}
    assert set(schedules) == {"trade_monthly_schedule", "grid_intensity_recent_years_schedule",
                              "registrations_recent_releases_schedule", "sources_monthly_schedule",
                              "sources_quarterly_schedule"}
    # Every partitioned source's schedule runs monthly and re-fetches its newest partitions; its name says so.
    for name in ("grid_intensity_recent_years_schedule", "registrations_recent_releases_schedule"):
        assert schedules[name].cron_schedule.endswith(" * *"), name
    assert schedules["sources_quarterly_schedule"].cron_schedule == "0 4 3 1,4,7,10 *"
    graph = defs.resolve_asset_graph()
    partitioned = {key.to_user_string(): graph.get(key).partitions_def for key in graph.get_all_asset_keys()
                   if graph.get(key).partitions_def is not None}
    assert set(partitioned) == {"raw/comtrade__china_car_exports", "raw/ember__grid_carbon_intensity",
                                "raw/eea_co2cars__registrations_by_model"}
    assert partitioned["raw/comtrade__china_car_exports"].get_partition_keys()[:2] == ["2020-01", "2020-02"]


def test_trade_schedule_requests_the_newest_months_as_one_range(tmp_path):
    from datetime import datetime, timezone

    from dagster import build_schedule_context

    schedule = next(s for s in _defs(tmp_path).schedules if s.name == "trade_monthly_schedule")
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 5, 4, tzinfo=timezone.utc))
    request = schedule.evaluate_tick(context).run_requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == "2026-07"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-10"
    # Dagster reads these tags as the run's partition range (public RunRequest.partition_key_range).
    assert tuple(request.partition_key_range) == ("2026-07", "2026-10")


def test_every_raw_source_has_freshness_and_models_follow_upstream(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        if not node.is_materializable:
            continue
        if key.path[0] == "raw" and node.tags.get("greenbridge/cadence"):
            assert node.freshness_policy is not None, f"{key.to_user_string()} has no freshness policy"
        if key.path[0] in ("staging", "intermediate", "marts", "published"):
            assert node.automation_condition is not None, f"{key.to_user_string()} does not follow its sources"


def test_every_source_family_lands_a_raw_asset_feeding_dbt(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    families = {
        "grid": ["owid_energy__grid_carbon_intensity", "ember__grid_carbon_intensity"],
        "factors": ["emission_factors"],
        "registrations": ["eea_co2cars__registrations_by_model", "epa_fueleconomy__vehicles", "iea__electric_car_sales"],
        "trade": ["comtrade__china_car_exports", "comtrade__partner_areas", "worldbank__indicators"],
    }
    for family, tables in families.items():
        for table in tables:
            key = AssetKey(["raw", table])
            assert graph.has(key), f"{family}: no raw asset {table}"
            assert graph.get(key).child_keys, f"{family}: nothing reads raw/{table}"


# Run in a fresh interpreter: record every subprocess started while the UI's Definitions are imported.
_IMPORT_DEFINITIONS = r"""
import json, subprocess
started = []
original = subprocess.Popen.__init__
def recording(self, args, *rest, **options):
    started.append([str(part) for part in (args if isinstance(args, (list, tuple)) else [args])])
    original(self, args, *rest, **options)
subprocess.Popen.__init__ = recording
import orchestration.definitions
print(json.dumps(started))
"""


def test_importing_the_definitions_writes_nothing_and_runs_no_dbt(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from orchestration.dbt_project import DBT_PROJECT, manifest_is_stale
    from warehouse.paths import REPO_ROOT

    assert not manifest_is_stale(), "conftest prepares the manifest"
    data_dir = tmp_path / "fresh-data"
    manifest_mtime = DBT_PROJECT.manifest_path.stat().st_mtime_ns
    environment = {key: value for key, value in os.environ.items() if key != "DAGSTER_IS_DEV_CLI"}
    environment.update(GREENBRIDGE_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO_ROOT),
                       PATH=os.pathsep.join((os.path.dirname(sys.executable), os.environ.get("PATH", ""))))
    completed = subprocess.run([sys.executable, "-c", _IMPORT_DEFINITIONS], cwd=tmp_path, env=environment,
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr[-3000:]
    started = json.loads(completed.stdout.strip().splitlines()[-1])
    assert [command for command in started if any("dbt" in os.path.basename(part) for part in command[:2])] == []
    assert not data_dir.exists(), f"importing the Definitions created {sorted(data_dir.rglob('*'))}"
    assert DBT_PROJECT.manifest_path.stat().st_mtime_ns == manifest_mtime
