"""Jobs: the full refresh (every asset, raw to published)."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

refresh_all_job = define_asset_job(
    name="refresh_all",
    selection=AssetSelection.all(),
    description="Fetch every source, rebuild the dbt models, run all checks and publish Parquet if the blocking checks pass.",
)
