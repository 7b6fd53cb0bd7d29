"""Raw asset for vehicle specifications: the US EPA fueleconomy.gov vehicles file."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import epa_fueleconomy
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES

EPA_VEHICLES = RawTable(RAW_EPA_FUELECONOMY_VEHICLES, epa_fueleconomy.parse)


@asset(**raw_asset_kwargs(RAW_EPA_FUELECONOMY_VEHICLES, epa_fueleconomy.LICENCE, epa_fueleconomy.LIVE_URL, cadence="monthly"))
def raw_epa_fueleconomy__vehicles(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        fetches = epa_fueleconomy.fetch_live(sources.session(), sources.endpoint(epa_fueleconomy.SOURCE, epa_fueleconomy.LIVE_URL))
    else:
        fetches = epa_fueleconomy.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, EPA_VEHICLES, {UNPARTITIONED: fetches})
