"""Raw asset: electricity carbon intensity by country and year from OWID's energy dataset (one
file with every year, so not partitioned)."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import owid_energy
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_owid_energy import RAW_OWID_GRID_INTENSITY

OWID_GRID = RawTable(RAW_OWID_GRID_INTENSITY, owid_energy.parse)


@asset(**raw_asset_kwargs(RAW_OWID_GRID_INTENSITY, owid_energy.LICENCE, owid_energy.LIVE_URL, cadence="monthly"))
def raw_owid_energy__grid_carbon_intensity(
    context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]
):
    if sources.live:
        fetch = owid_energy.fetch_live(sources.session(), sources.endpoint(owid_energy.SOURCE, owid_energy.LIVE_URL))
    else:
        fetch = owid_energy.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, OWID_GRID, {UNPARTITIONED: [fetch]})
