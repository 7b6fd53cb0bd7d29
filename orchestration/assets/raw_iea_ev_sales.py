"""Raw assets for market EV sales: IEA Global EV Outlook electric car sales and sales shares by
country (via OWID grapher CSVs), one asset per dataset."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import iea_ev_sales
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE

IEA_EV_SALES = RawTable(RAW_IEA_ELECTRIC_CAR_SALES, iea_ev_sales.parse_electric_car_sales)
IEA_EV_SALES_SHARE = RawTable(RAW_IEA_ELECTRIC_CAR_SALES_SHARE, iea_ev_sales.parse_electric_car_sales_share)


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
