"""Raw assets from UN Comtrade: China's monthly car exports by partner (partitioned by month) and
the partner reference list that maps Comtrade partner codes to ISO3."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import comtrade
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.partitions import TRADE_MONTHS
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS

CHINA_CAR_EXPORTS = RawTable(RAW_COMTRADE_CHINA_CAR_EXPORTS, comtrade.parse, partition_column="month")
PARTNER_AREAS = RawTable(RAW_COMTRADE_PARTNER_AREAS, comtrade.parse_partner_areas)


@asset(**raw_asset_kwargs(RAW_COMTRADE_CHINA_CAR_EXPORTS, comtrade.LICENCE, comtrade.DATA_URL, cadence="monthly",
                          partitions_def=TRADE_MONTHS, extra_metadata={"api_key_env": comtrade.API_KEY_ENV}))
def raw_comtrade__china_car_exports(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    months = context.partition_keys
    notes = {}
    if sources.live:
        api_key = comtrade.api_key_from_env()
        notes["endpoint"] = "data (COMTRADE_API_KEY set)" if api_key else "public preview (no COMTRADE_API_KEY: 500-record cap per call)"
        # One session for every month, so its polite interval spaces all the run's requests.
        session, base_url = sources.session(), sources.endpoint(comtrade.SOURCE, comtrade.BASE_URL)
        batches = {month: comtrade.fetch_live(session, month, api_key, base_url) for month in months}
    else:
        snapshot = sources.snapshot()
        batches = {month: comtrade.fetch_snapshot(snapshot, month) for month in months}
    yield from land_raw_table(context, warehouse, CHINA_CAR_EXPORTS, batches, notes)


@asset(**raw_asset_kwargs(RAW_COMTRADE_PARTNER_AREAS, comtrade.LICENCE, comtrade.PARTNER_AREAS_URL, cadence="quarterly"))
def raw_comtrade__partner_areas(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        base_url = sources.endpoint(comtrade.REFERENCE_SOURCE, comtrade.BASE_URL)
        fetches = comtrade.fetch_partner_areas_live(sources.session(), base_url)
    else:
        fetches = comtrade.fetch_partner_areas_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, PARTNER_AREAS, {UNPARTITIONED: fetches})
