"""Raw asset for Singapore's new car registrations by make, importer type, fuel type and body type
(LTA M03), monthly."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import lta_singapore
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_lta_singapore import RAW_LTA_SINGAPORE_CAR_REGISTRATIONS


@asset(**raw_asset_kwargs(RAW_LTA_SINGAPORE_CAR_REGISTRATIONS, lta_singapore.LICENCE, lta_singapore.DATASTORE_URL,
                          cadence="monthly", extra_metadata={"markets": lta_singapore.MARKET_CODE}))
def raw_lta_singapore__car_registrations_by_make(context: AssetExecutionContext, sources: ResourceParam[SourcesResource],
                                                 warehouse: ResourceParam[WarehouseResource]):
    if sources.live:
        # No default dataset id: the endpoint setting carries it (connectors.lta_singapore says why).
        fetches = lta_singapore.fetch_live(sources.session(), sources.endpoint(lta_singapore.SOURCE, lta_singapore.DATASTORE_URL))
    else:
        fetches = lta_singapore.fetch_snapshot(sources.snapshot())
    # A datastore page does not say which page it is: the parser reads that from the fetch, to name it in errors.
    table = RawTable(RAW_LTA_SINGAPORE_CAR_REGISTRATIONS, parse_fetch=lta_singapore.parse_fetch)
    yield from land_raw_table(context, warehouse, table, {UNPARTITIONED: fetches})
