"""Sensors: record every failed run next to the publication, so whoever reads the Parquet can see
that the newest refresh did not publish and why (the Parquet itself stays at the last good run);
and the automation sensor that lets dbt models and the publication follow their sources."""

import json
from datetime import datetime, timezone

from dagster import (
    ResourceParam,
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunFailureSensorContext,
    run_failure_sensor,
)

from orchestration.resources import WarehouseResource


@run_failure_sensor(name="publication_failure_log", default_status=DefaultSensorStatus.RUNNING,
                    description="Writes published/_last_failed_run.json when a run fails.")
def publication_failure_log(context: RunFailureSensorContext, warehouse: ResourceParam[WarehouseResource]) -> None:
    record = {
        "run_id": context.dagster_run.run_id,
        "job": context.dagster_run.job_name,
        "failed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "failure": context.failure_event.message,
    }
    target = warehouse.paths.published_dir / "_last_failed_run.json"
    target.write_text(json.dumps(record, indent=2))


# Stopped by default like the schedules: start it together with them in a deployment.
follow_upstream_sensor = AutomationConditionSensorDefinition(
    name="follow_upstream",
    target=AssetSelection.all(),
    default_status=DefaultSensorStatus.STOPPED,
    description="Materializes dbt models and the Parquet publication when their upstream sources update.",
)
