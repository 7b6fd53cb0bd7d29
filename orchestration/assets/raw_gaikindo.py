"""Raw asset for Indonesia's model wholesales (GAIKINDO), monthly: offline the embedded extract;
live the report files dropped in ``GREENBRIDGE_GAIKINDO_DIR``, or, while that folder holds none,
the embedded extract again, said in the metadata (``fallback``) so nobody takes it for new data."""

from dagster import AssetExecutionContext, MetadataValue, ResourceParam, asset

from connectors import gaikindo
from orchestration.assets.raw_asset_spec import raw_asset_kwargs
from orchestration.assets.raw_landing import UNPARTITIONED, RawTable, land_raw_table
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.contracts.raw_gaikindo import RAW_GAIKINDO_MODEL_WHOLESALES

FALLBACK = "embedded snapshot (no *.csv file in the GAIKINDO folder)"


@asset(**raw_asset_kwargs(RAW_GAIKINDO_MODEL_WHOLESALES, gaikindo.LICENCE, gaikindo.LIVE_URL, cadence="monthly"))
def raw_gaikindo__model_wholesales(context: AssetExecutionContext, sources: ResourceParam[SourcesResource], warehouse: ResourceParam[WarehouseResource]):
    notes = {}
    fetches = []
    if sources.live:
        directory = sources.gaikindo_dir or str(warehouse.paths.gaikindo_inbox_dir)
        fetches = gaikindo.fetch_directory(directory)
        notes["gaikindo_dir"] = directory
        if not fetches:
            context.log.warning(f"{RAW_GAIKINDO_MODEL_WHOLESALES.name}: no *.csv file in {directory}; "
                                "landing the embedded extract instead")
            notes["fallback"] = FALLBACK
    if not fetches:
        fetches = gaikindo.fetch_snapshot(sources.snapshot())
    notes["files"] = MetadataValue.json([gaikindo.file_name(fetch) for fetch in fetches])
    table = RawTable(RAW_GAIKINDO_MODEL_WHOLESALES, parse_fetch=gaikindo.parser_for(fetches))
    yield from land_raw_table(context, warehouse, table, {UNPARTITIONED: fetches}, notes=notes)
