"""Raw asset for market sales by powertrain: new-car sales per market, month and powertrain from
Robbie Andrew's carsales dataset (one file per market plus the publishers' list), monthly."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import carsales
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_carsales import RAW_CARSALES_NEW_CAR_SALES


@asset(**raw_asset_kwargs(RAW_CARSALES_NEW_CAR_SALES, carsales.LICENCE, carsales.LIVE_URL_TEMPLATE, cadence="monthly",
                          extra_metadata={"markets": ", ".join(country.market_code for country in carsales.COUNTRIES)}))
def raw_carsales__new_car_sales(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        fetches = carsales.fetch_live(sources.session(), sources.endpoint(carsales.SOURCE, carsales.BASE_URL))
    else:
        fetches = carsales.fetch_snapshot(sources.snapshot())
    # A country's file does not name its country: the parser reads it from the fetch's file name.
    table = RawTable(RAW_CARSALES_NEW_CAR_SALES, parse_fetch=carsales.parser_for(fetches))
    yield from land_raw_table(context, warehouse, table, {UNPARTITIONED: fetches})
