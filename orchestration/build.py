"""Build the Dagster Definitions for given settings. The UI loads ``orchestration.definitions``
(settings from the environment); the CLI and tests call ``build_defs`` with their own settings.

Building them writes nothing and runs nothing: the data dir and its dbt profile are created when a
run first opens the warehouse or initialises dbt (orchestration/resources.py, orchestration/dbt_project.py)."""

from __future__ import annotations

from collections.abc import Mapping

from dagster import Definitions, LoggerDefinition, multiprocess_executor

from orchestration.assets.dbt_models import dbt_greenbridge
from orchestration.assets.published import published_parquet
from orchestration.assets.raw_sources import RAW_SOURCE_ASSETS
from orchestration.checks.data_quality_checks import data_quality_checks
from orchestration.jobs import ALL_JOBS
from orchestration.dbt_project import dbt_cli
from orchestration.resources import WAREHOUSE_TAGS, SourcesResource, WarehouseResource, fixed, fixed_at_run_time
from orchestration.schedules import ALL_SCHEDULES
from orchestration.sensors import follow_upstream_sensor, publication_failure_log
from orchestration.settings import Settings
from warehouse.paths import DataPaths

ASSETS = [*RAW_SOURCE_ASSETS, dbt_greenbridge, published_parquet]
ASSET_CHECKS = [data_quality_checks]

# Within a run, at most one step holding the DuckDB file at a time, whatever the instance config.
WAREHOUSE_EXECUTOR = multiprocess_executor.configured(
    {"tag_concurrency_limits": [{"key": key, "value": value, "limit": 1} for key, value in WAREHOUSE_TAGS.items()]}
)


def build_defs(settings: Settings | None = None, loggers: Mapping[str, LoggerDefinition] | None = None) -> Definitions:
    settings = settings or Settings.from_env()
    paths = DataPaths.at(settings.data_dir)
    return Definitions(
        assets=ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=ALL_JOBS,
        schedules=ALL_SCHEDULES,
        sensors=[publication_failure_log, follow_upstream_sensor],
        # Fixed from the settings: where keys go, what is read from disk and what is executed are
        # never a run config's to decide (orchestration/resources.py, SECURITY.md).
        resources={
            "sources": fixed(SourcesResource(live=settings.live, snapshot_dir=str(settings.snapshot_dir),
                                             endpoints=dict(settings.endpoints),
                                             registrations_dir=str(settings.registrations_inbox),
                                             gaikindo_dir=str(settings.gaikindo_inbox))),
            "warehouse": fixed(WarehouseResource(data_dir=str(paths.root))),
            "dbt": fixed_at_run_time(lambda: dbt_cli(paths), "DbtCliResource of the data dir"),
        },
        executor=WAREHOUSE_EXECUTOR,
        loggers=dict(loggers) if loggers else None,
    )
