"""Raw asset: electricity carbon intensity by country and year from OWID's energy dataset."""

from dagster import AssetCheckSpec, AssetExecutionContext, AssetKey, asset

from connectors import owid_energy
from orchestration.assets.raw_landing import CONTRACT_CHECK_NAME, RAW_SCHEMA, land_raw_table
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, SourcesResource, WarehouseResource
from warehouse.contracts.tables import RAW_OWID_GRID_INTENSITY

ASSET_KEY = AssetKey([RAW_SCHEMA, RAW_OWID_GRID_INTENSITY.name])


@asset(
    key=ASSET_KEY,
    group_name="raw",
    kinds={"python", "duckdb"},
    description=RAW_OWID_GRID_INTENSITY.description,
    check_specs=[AssetCheckSpec(CONTRACT_CHECK_NAME, asset=ASSET_KEY, blocking=True,
                                description="pandera contract: types, ISO3 codes, 0-1300 g/kWh, unique country-year")],
    pool=WAREHOUSE_POOL,
    op_tags=WAREHOUSE_TAGS,
    metadata={"licence": owid_energy.LICENCE, "live_url": owid_energy.LIVE_URL},
)
def raw_owid_energy__grid_carbon_intensity(
    context: AssetExecutionContext, sources: SourcesResource, warehouse: WarehouseResource
):
    fetch = owid_energy.fetch_live(sources.session()) if sources.live else owid_energy.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, fetch, owid_energy.parse, RAW_OWID_GRID_INTENSITY)
