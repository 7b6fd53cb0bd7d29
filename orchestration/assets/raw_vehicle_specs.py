"""Raw assets for vehicle specifications and market EV sales: the US EPA fueleconomy.gov vehicles
file, and IEA Global EV Outlook EV sales and shares by country (via OWID grapher CSVs)."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import epa_fueleconomy, iea_ev_sales
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE

EPA_VEHICLES = RawTable(RAW_EPA_FUELECONOMY_VEHICLES, epa_fueleconomy.parse)
IEA_EV_SALES = RawTable(RAW_IEA_ELECTRIC_CAR_SALES, iea_ev_sales.parse_electric_car_sales)
IEA_EV_SALES_SHARE = RawTable(RAW_IEA_ELECTRIC_CAR_SALES_SHARE, iea_ev_sales.parse_electric_car_sales_share)


@asset(**raw_asset_kwargs(RAW_EPA_FUELECONOMY_VEHICLES, epa_fueleconomy.LICENCE, epa_fueleconomy.LIVE_URL, cadence="monthly"))
def raw_epa_fueleconomy__vehicles(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        fetches = epa_fueleconomy.fetch_live(sources.session(), sources.endpoint(epa_fueleconomy.SOURCE, epa_fueleconomy.LIVE_URL))
    else:
        fetches = epa_fueleconomy.fetch_snapshot(sources.snapshot())
    yield from land_raw_table(context, warehouse, EPA_VEHICLES, {UNPARTITIONED: fetches})


def _iea_asset(table: RawTable, dataset: str):
    @asset(**raw_asset_kwargs(table.contract, iea_ev_sales.LICENCE, iea_ev_sales.URL_TEMPLATE.format(slug=iea_ev_sales.dataset_for(dataset).slug), cadence="monthly"))
    def _raw_iea(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
        if sources.live:
            fetches = iea_ev_sales.fetch_live(sources.session(), dataset, sources.endpoint(dataset, iea_ev_sales.BASE_URL))
        else:
            fetches = iea_ev_sales.fetch_snapshot(sources.snapshot(), dataset)
        yield from land_raw_table(context, warehouse, table, {UNPARTITIONED: fetches})

    return _raw_iea


raw_iea__electric_car_sales = _iea_asset(IEA_EV_SALES, iea_ev_sales.EV_SALES)
raw_iea__electric_car_sales_share = _iea_asset(IEA_EV_SALES_SHARE, iea_ev_sales.EV_SHARE)
