"""Raw asset for registrations dropped as files: new-car registrations by catalogue model, market
and month, from the CSV files users put in the registrations folder (``GREENBRIDGE_REGISTRATIONS_DIR``).

With no file it lands an empty table with the contract's columns, which the dbt models read (market
footprints then fall back to China's export quantities)."""

from dagster import AssetExecutionContext, MetadataValue, ResourceParam, asset

from connectors import registration_files
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH

REGISTRATIONS = RawTable(RAW_REGISTRATIONS_BY_MODEL_MONTH, registration_files.parse)


@asset(**raw_asset_kwargs(RAW_REGISTRATIONS_BY_MODEL_MONTH, registration_files.LICENCE,
                          "file://<GREENBRIDGE_REGISTRATIONS_DIR>/*.csv", cadence="monthly"))
def raw_registrations__by_model_month(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    directory = sources.registrations_dir or str(warehouse.paths.registrations_inbox_dir)
    fetches = registration_files.fetch_directory(directory)
    if not fetches:
        context.log.info(f"{RAW_REGISTRATIONS_BY_MODEL_MONTH.name}: no *.csv file in {directory}; landing an empty table")
    yield from land_raw_table(context, warehouse, REGISTRATIONS, {UNPARTITIONED: fetches},
                              notes={"registrations_dir": directory, "files": MetadataValue.json([fetch.parameters["file"] for fetch in fetches])})
