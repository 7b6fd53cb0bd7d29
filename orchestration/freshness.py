"""Freshness: a source that has not landed within its window is flagged in the Dagster UI (warn,
then fail), before anyone reads stale data. The windows follow each source's cadence plus a grace
period for the source's own publication lag."""

from datetime import timedelta

from dagster import FreshnessPolicy

# cadence -> (warn after, fail after) without a new materialization
FRESHNESS_WINDOWS = {
    "monthly": (timedelta(days=35), timedelta(days=45)),
    "quarterly": (timedelta(days=95), timedelta(days=110)),
}


def freshness_policy(cadence: str) -> FreshnessPolicy:
    warn_window, fail_window = FRESHNESS_WINDOWS[cadence]
    return FreshnessPolicy.time_window(fail_window=fail_window, warn_window=warn_window)
