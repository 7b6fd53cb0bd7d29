"""Raw asset for electric vehicle trim specifications: open-ev-data's layered JSON, compiled to one
row per trim (quarterly: the dataset is released irregularly and specifications change slowly)."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import open_ev_data
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_open_ev_data import RAW_OPEN_EV_DATA_TRIMS

OPEN_EV_DATA_TRIMS = RawTable(RAW_OPEN_EV_DATA_TRIMS, open_ev_data.parse)


@asset(**raw_asset_kwargs(RAW_OPEN_EV_DATA_TRIMS, open_ev_data.LICENCE, open_ev_data.LIVE_URL, cadence="quarterly"))
def raw_open_ev_data__trims(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        fetches = open_ev_data.fetch_live(sources.session(), sources.endpoint(open_ev_data.SOURCE, open_ev_data.LIVE_URL))
    else:
        fetches = open_ev_data.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, OPEN_EV_DATA_TRIMS, {UNPARTITIONED: fetches})
