"""The Definitions the UI loads are valid, and the lineage runs from every raw source to Parquet."""

from dagster import AssetKey, Definitions

from orchestration.build import build_defs
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import Settings
from warehouse.contracts.tables import PUBLISHED_TABLES
from warehouse.paths import DEFAULT_SNAPSHOT_DIR


def _defs(tmp_path):
    return build_defs(Settings(data_dir=tmp_path / "data", snapshot_dir=DEFAULT_SNAPSHOT_DIR))


def test_definitions_load_and_validate(tmp_path):
    defs = _defs(tmp_path)
    Definitions.validate_loadable(defs)
    assert defs.resolve_job_def("refresh_all") is not None


def test_every_published_table_descends_from_the_raw_grid_source(tmp_path):
    graph = _defs(tmp_path).resolve_asset_graph()
    raw_grid = AssetKey(["raw", "owid_energy__grid_carbon_intensity"])
    catalogue = AssetKey(["raw", "vehicle_catalogue"])
    for table in PUBLISHED_TABLES:
        upstream = graph.get_ancestor_asset_keys(AssetKey(["published", table]))
        if table in ("fct_vehicle_footprint", "dim_emission_factor"):
            assert raw_grid in upstream, f"{table} is not downstream of {raw_grid}"
        if table in ("fct_vehicle_footprint", "dim_vehicle_model"):
            assert catalogue in upstream


def test_groups_are_layers_and_warehouse_writers_share_one_pool(tmp_path):
    defs = _defs(tmp_path)
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    assert groups == {"raw", "staging", "intermediate", "marts", "published"}
    for assets_def in defs.assets:
        assert assets_def.op.pool == WAREHOUSE_POOL, f"{assets_def.node_def.name} writes the warehouse outside the pool"
