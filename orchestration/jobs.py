"""Jobs. Partitioned sources each have their own job (a job holds one partitioning); unpartitioned
sources are grouped by cadence; ``refresh_all`` rebuilds everything unpartitioned, raw to published,
and is what ``greenbridge refresh`` runs after landing the partitioned sources."""

from dagster import AssetSelection, define_asset_job

from orchestration.assets.dbt_models import SEED_KEYS
from orchestration.assets.raw_asset_spec import CADENCE_TAG
from orchestration.sources import PARTITIONED_SOURCES

PARTITIONED = AssetSelection.assets(*[source.key for source in PARTITIONED_SOURCES])

PARTITIONED_SOURCE_JOBS = [
    define_asset_job(
        name=source.job_name,
        selection=AssetSelection.assets(source.key),
        partitions_def=source.partitions_def,
        description=f"Land {source.key.to_user_string()} for one partition or a range (single run).",
    )
    for source in PARTITIONED_SOURCES
]

monthly_sources_job = define_asset_job(
    name="sources_monthly",
    selection=AssetSelection.tag(CADENCE_TAG, "monthly") - PARTITIONED,
    description="Land the unpartitioned sources that revise monthly (OWID grid intensity, EPA vehicles, IEA EV sales, carsales new-car sales by powertrain, LTA Singapore registrations by make and fuel, GAIKINDO model wholesales, dropped registrations files).",
)

quarterly_sources_job = define_asset_job(
    name="sources_quarterly",
    selection=(AssetSelection.tag(CADENCE_TAG, "quarterly") | AssetSelection.assets(*SEED_KEYS)),
    description="Land the quarterly sources: World Bank indicators, Comtrade partner list, open-ev-data trim specifications, and the curated "
                "parameter seeds (emission factors, method parameters, material composition, catalogue, markets).",
)

refresh_all_job = define_asset_job(
    name="refresh_all",
    selection=AssetSelection.all() - PARTITIONED,
    description="Fetch every unpartitioned source, rebuild the dbt models, run all checks and publish Parquet "
                "if the blocking checks pass (partitioned sources are landed by their own jobs first).",
)

ALL_JOBS = [refresh_all_job, monthly_sources_job, quarterly_sources_job, *PARTITIONED_SOURCE_JOBS]

