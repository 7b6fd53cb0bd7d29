"""Sources that failed to land in a refresh, and whether the publication may go ahead on their last
good data.

A refresh lands each source independently (orchestration/cli.py): one that fails (unreachable,
refused, timed out, an HTTP error, a schema drift) keeps its last good raw table, and the models,
checks and publication run on it. The run that publishes carries the failed sources' asset keys in
the run tag ``FAILED_SOURCES_TAG``; the publication step judges each one here: a source whose last
good landing (its latest materialization in the Dagster instance) is within its freshness policy's
fail window (orchestration/freshness.py) is published *stale*, named as a warning in the run's
metadata, the summary and ``data_quality_results``; one past its window, or that never landed,
blocks the publication. A source whose new rows broke its contract is no stale source: its raw
table holds part of a new landing, not its last good data, so the CLI builds and publishes nothing
(the summary describes it here too). Belongs here: that judgement. Not here: how a source fails (connectors/), the other
gates (orchestration/checks/publication_gate.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from dagster import AssetKey

FAILED_SOURCES_TAG = "greenbridge/failed_sources"
STALE_SOURCE_RULE = "DQ-FRESHNESS"


@dataclass(frozen=True)
class StaleSource:
    """A failed source as the publication sees it."""

    asset_key: AssetKey
    last_landed: datetime | None
    fail_window: timedelta | None
    contract_broken: bool = False

    @property
    def age(self) -> timedelta | None:
        return None if self.last_landed is None else datetime.now(timezone.utc) - self.last_landed

    @property
    def publishable(self) -> bool:
        return (not self.contract_broken and self.last_landed is not None and self.fail_window is not None
                and self.age <= self.fail_window)

    def describe(self) -> str:
        name = self.asset_key.to_user_string()
        if self.contract_broken:
            return f"{name}: its new rows broke the contract, so its raw table is not its last good data"
        if self.last_landed is None:
            return f"{name}: failed and never landed before: no good data to publish from"
        age_days = self.age.total_seconds() / 86400
        window_days = self.fail_window.days if self.fail_window is not None else None
        return (f"{name}: last landed {self.last_landed:%Y-%m-%d %H:%M} UTC, {age_days:.1f} days ago "
                f"(freshness window {window_days} days)")


def encode(keys) -> str:
    return ",".join(sorted({key.to_user_string() for key in keys}))


def decode(text: str | None) -> list[AssetKey]:
    return [AssetKey.from_user_string(part) for part in (text or "").split(",") if part]


def fail_windows() -> dict[AssetKey, timedelta]:
    """Each raw source's freshness fail window, as its asset declares it."""
    from orchestration.assets.raw_sources import RAW_SOURCE_ASSETS

    return {spec.key: spec.freshness_policy.fail_window.to_timedelta()
            for asset in RAW_SOURCE_ASSETS for spec in asset.specs
            if getattr(spec.freshness_policy, "fail_window", None) is not None}


def judge(instance, failed: list[AssetKey], contract_broken: list[AssetKey]) -> list[StaleSource]:
    """Each failed source with its last good landing and its freshness window."""
    windows = fail_windows() if failed or contract_broken else {}
    sources = []
    for key in sorted(set(failed) | set(contract_broken), key=lambda key: key.to_user_string()):
        event = instance.get_latest_materialization_event(key)
        last_landed = datetime.fromtimestamp(event.timestamp, timezone.utc) if event is not None else None
        sources.append(StaleSource(key, last_landed, windows.get(key), key in contract_broken))
    return sources
