"""The registry of raw sources as the scheduler and the CLI see them: which raw assets are
partitioned, which snapshot source holds their partitions offline, and how many of the newest
partitions a scheduled or default live refresh fetches (sources revise recent periods)."""

from dataclasses import dataclass

from dagster import AssetKey, AssetsDefinition, PartitionsDefinition

from connectors import comtrade, eea_co2cars, ember
from connectors.snapshot import Snapshot
from orchestration.assets.raw_comtrade import raw_comtrade__china_car_exports
from orchestration.assets.raw_eea_co2cars import raw_eea_co2cars__registrations_by_model
from orchestration.assets.raw_ember import raw_ember__grid_carbon_intensity


@dataclass(frozen=True)
class PartitionedSource:
    asset: AssetsDefinition
    snapshot_source: str
    live_window: int  # newest partitions re-fetched by a scheduled or default live refresh
    job_name: str
    cadence_cron: str

    @property
    def key(self) -> AssetKey:
        return self.asset.key

    @property
    def partitions_def(self) -> PartitionsDefinition:
        return self.asset.partitions_def

    def default_keys(self, live: bool, snapshot: Snapshot | None) -> list[str]:
        """Live: the newest ``live_window`` partitions. Offline: every partition the snapshot holds."""
        keys = self.partitions_def.get_partition_keys()
        if live:
            return keys[-self.live_window:]
        held = set(snapshot.partitions_of(self.snapshot_source)) if snapshot is not None else set()
        return [key for key in keys if key in held]


PARTITIONED_SOURCES = (
    # Comtrade publishes China's month with a 2-3 month lag and revises: re-fetch the last 4 months.
    PartitionedSource(raw_comtrade__china_car_exports, comtrade.SOURCE, live_window=4,
                      job_name="trade_monthly", cadence_cron="0 4 5 * *"),
    # Ember revises the last years as new data arrive: re-fetch the last 2 complete years monthly.
    PartitionedSource(raw_ember__grid_carbon_intensity, ember.SOURCE, live_window=2,
                      job_name="grid_intensity_recent_years", cadence_cron="0 4 3 * *"),
    # The EEA publishes provisional data in June and final data the next spring: last 2 releases.
    PartitionedSource(raw_eea_co2cars__registrations_by_model, eea_co2cars.SOURCE, live_window=2,
                      job_name="registrations_recent_releases", cadence_cron="0 4 4 * *"),
)


def partitioned_source(key: AssetKey | str) -> PartitionedSource:
    wanted = key if isinstance(key, AssetKey) else AssetKey.from_user_string(key)
    for source in PARTITIONED_SOURCES:
        if source.key == wanted:
            return source
    known = ", ".join(source.key.to_user_string() for source in PARTITIONED_SOURCES)
    raise KeyError(f"{wanted.to_user_string()} is not a partitioned source; partitioned sources: {known}")
