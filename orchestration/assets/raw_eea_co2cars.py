"""Raw asset: new-car registrations by member state, make, model and fuel from the EEA CO2
monitoring data (Discodata), one partition per release year, aggregated server side."""

from dagster import AssetExecutionContext, ResourceParam, asset

from connectors import eea_co2cars
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import RawTable, land_raw_table
from orchestration.partitions import REGISTRATION_YEARS
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS

EEA_REGISTRATIONS = RawTable(RAW_EEA_CO2CARS_REGISTRATIONS, eea_co2cars.parse, partition_column="reporting_year", partition_value=int)


@asset(**raw_asset_kwargs(RAW_EEA_CO2CARS_REGISTRATIONS, eea_co2cars.LICENCE, eea_co2cars.BASE_URL, cadence="monthly",
                          partitions_def=REGISTRATION_YEARS))
def raw_eea_co2cars__registrations_by_model(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    years = context.partition_keys
    if sources.live:
        # One session for every year, so its polite interval spaces all the run's requests.
        session, base_url = sources.session(), sources.endpoint(eea_co2cars.SOURCE, eea_co2cars.BASE_URL)
        batches = {year: eea_co2cars.fetch_live(session, int(year), base_url) for year in years}
    else:
        snapshot = sources.snapshot()
        batches = {year: eea_co2cars.fetch_snapshot(snapshot, int(year)) for year in years}
    yield from land_raw_table(context, warehouse, EEA_REGISTRATIONS, batches,
                              {"release_tables": ", ".join(eea_co2cars.RELEASE_TABLES[int(year)] for year in years)})
