"""Schedules by cadence. Partitioned sources re-fetch their newest partitions (sources revise them)
in one run per schedule tick; unpartitioned sources run by cadence job. Downstream dbt models and
the publication are not scheduled: they follow their sources through declarative automation
(orchestration/automation.py). Every schedule starts stopped: turn them on in the UI or with
``dagster schedule start``, once the deployment is configured for live sources."""

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from orchestration.jobs import monthly_sources_job, quarterly_sources_job
from orchestration.sources import PARTITIONED_SOURCES, PartitionedSource

TIMEZONE = "UTC"
# The run tags Dagster reads as the partition range of a run (how a single-run backfill of a range
# is requested: dagster-io/dagster discussion 11653); RunRequest.partition_key_range reads them back.
ASSET_PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags asking a single-run backfill policy asset for the partitions first..last."""
    return {ASSET_PARTITION_RANGE_START_TAG: first, ASSET_PARTITION_RANGE_END_TAG: last}


def _newest_partitions_schedule(source: PartitionedSource):
    @schedule(
        name=f"{source.job_name}_schedule",
        job_name=source.job_name,
        cron_schedule=source.cadence_cron,
        execution_timezone=TIMEZONE,
        default_status=DefaultScheduleStatus.STOPPED,
        description=f"Re-fetch the newest {source.live_window} partitions of {source.key.to_user_string()}.",
    )
    def _schedule(context: ScheduleEvaluationContext):
        keys = source.partitions_def.get_partition_keys(current_time=context.scheduled_execution_time)
        if not keys:
            return SkipReason("no partition has started yet")
        window = keys[-source.live_window:]
        return RunRequest(run_key=f"{window[0]}..{window[-1]}", tags=partition_range_tags(window[0], window[-1]))

    return _schedule


monthly_sources_schedule = ScheduleDefinition(
    name="sources_monthly_schedule",
    job=monthly_sources_job,
    cron_schedule="0 4 2 * *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.STOPPED,
    description="OWID grid intensity, GAIKINDO model wholesales, EPA vehicles, IEA EV sales, carsales new-car sales by powertrain and LTA Singapore registrations by make and fuel, at 04:00 UTC on the 2nd of each month.",
)

quarterly_sources_schedule = ScheduleDefinition(
    name="sources_quarterly_schedule",
    job=quarterly_sources_job,
    cron_schedule="0 4 3 1,4,7,10 *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.STOPPED,
    description="World Bank indicators, Comtrade partner list, open-ev-data trim specifications and the curated factor seeds, quarterly.",
)

ALL_SCHEDULES = [
    *[_newest_partitions_schedule(source) for source in PARTITIONED_SOURCES],
    monthly_sources_schedule,
    quarterly_sources_schedule,
]
