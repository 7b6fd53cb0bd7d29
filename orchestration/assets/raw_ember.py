"""Raw asset: electricity carbon intensity by country and year from the Ember API, partitioned by
year. The API needs a free key (``EMBER_API_KEY``); without one, a live run does not call Ember,
keeps whatever Ember rows the warehouse has, and says in its metadata that grid intensity comes
from the OWID energy dataset (which republishes Ember's yearly data). Where both have a value for
a country-year, Ember wins (it is the primary source and is updated more often); see
``stg_grid__carbon_intensity``."""

from datetime import date

from dagster import AssetCheckResult, AssetExecutionContext, MaterializeResult, ResourceParam, asset

from connectors import ember
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import RawTable, land_raw_table
from orchestration.partitions import GRID_YEARS
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.contracts.validation import CONTRACT_CHECK_NAME

EMBER_GRID = RawTable(RAW_EMBER_GRID_INTENSITY, ember.parse, partition_column="year", partition_value=int)
FALLBACK_NOTE = (
    f"{ember.API_KEY_ENV} is not set: the Ember API was not called and no Ember rows changed; grid intensity "
    "comes from raw/owid_energy__grid_carbon_intensity (OWID republishes Ember's yearly data)"
)


@asset(**raw_asset_kwargs(RAW_EMBER_GRID_INTENSITY, ember.LICENCE, ember.BASE_URL, cadence="monthly",
                          partitions_def=GRID_YEARS, extra_metadata={"api_key_env": ember.API_KEY_ENV}))
def raw_ember__grid_carbon_intensity(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    years = context.partition_keys
    if not sources.live:
        snapshot = sources.snapshot()
        batches = {year: ember.fetch_snapshot(snapshot, int(year)) for year in years}
        yield from land_raw_table(context, warehouse, EMBER_GRID, batches)
        return
    api_key = ember.api_key_from_env()
    if api_key is None:
        context.log.warning(FALLBACK_NOTE)
        yield AssetCheckResult(check_name=CONTRACT_CHECK_NAME, passed=True, metadata={"rows_validated": 0, "note": FALLBACK_NOTE})
        yield MaterializeResult(metadata={"fallback": "owid_energy", "fallback_reason": FALLBACK_NOTE, "fetch_count": 0})
        return
    # One request per year keeps every partition's bytes separate in the fetch log.
    # One session for every year, so its polite interval spaces all the run's requests.
    session, base_url = sources.session(), sources.endpoint(ember.SOURCE, ember.BASE_URL)
    batches = {
        year: ember.fetch_live(session, api_key, int(year), int(year), base_url=base_url)
        for year in years
        if int(year) <= date.today().year
    }
    yield from land_raw_table(context, warehouse, EMBER_GRID, batches, {"api_key": "from EMBER_API_KEY (not stored)"})
