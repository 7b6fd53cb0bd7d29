"""Declarative automation: downstream models and the publication follow their sources instead of
one big cron. A model (or the Parquet publication) is requested when any upstream asset was updated
since it last ran, and nothing upstream is in progress.

Dagster's ``eager()`` also waits until no upstream partition is missing; a monthly trade series
always has a newest month that Comtrade has not published yet, so that clause would hold the marts
back forever and is dropped here.
"""

from dagster import AutomationCondition


def follow_upstream() -> AutomationCondition:
    return AutomationCondition.eager().without(~AutomationCondition.any_deps_missing())
