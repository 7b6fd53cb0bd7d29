"""Schedules. The full refresh runs monthly (grid data and registrations are revised monthly);
per-source cadences come with the connectors for every source family."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import refresh_all_job

monthly_refresh_schedule = ScheduleDefinition(
    name="monthly_full_refresh",
    job=refresh_all_job,
    cron_schedule="0 5 2 * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description="Full refresh at 05:00 UTC on the 2nd of each month (turn on in the UI or with `dagster schedule start`).",
)
