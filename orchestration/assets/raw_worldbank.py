"""Raw asset: World Bank indicators for market context (population, GDP, CO2 per capita, official
exchange rate) for the target markets, quarterly (WDI is revised several times a year)."""

from datetime import date

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import worldbank
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS

WORLDBANK_INDICATORS = RawTable(RAW_WORLDBANK_INDICATORS, worldbank.parse)


@asset(**raw_asset_kwargs(RAW_WORLDBANK_INDICATORS, worldbank.LICENCE, worldbank.BASE_URL, cadence="quarterly",
                          extra_metadata={"indicators": ", ".join(worldbank.INDICATORS)}))
def raw_worldbank__indicators(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        session = sources.session()
        fetches = worldbank.fetch_all_live(session, worldbank.FIRST_YEAR, date.today().year,
                                           base_url=sources.endpoint(worldbank.SOURCE, worldbank.BASE_URL))
    else:
        fetches = worldbank.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, WORLDBANK_INDICATORS, {UNPARTITIONED: fetches})
