"""Raw assets as Dagster materializes them: provenance metadata from the snapshot, and the Ember
fallback to OWID when a live run has no EMBER_API_KEY."""

from dagster import materialize

from orchestration.assets.raw_comtrade import raw_comtrade__partner_areas
from orchestration.assets.raw_ember import raw_ember__grid_carbon_intensity
from orchestration.resources import SourcesResource, WarehouseResource
from warehouse.paths import DEFAULT_SNAPSHOT_DIR


def _resources(tmp_path, live=False):
    return {"sources": SourcesResource(live=live, snapshot_dir=str(DEFAULT_SNAPSHOT_DIR)),
            "warehouse": WarehouseResource(data_dir=str(tmp_path / "data"))}


def test_raw_asset_metadata_carries_provenance(tmp_path):
    result = materialize([raw_comtrade__partner_areas], resources=_resources(tmp_path))
    metadata = result.asset_materializations_for_node("raw__comtrade__partner_areas")[0].metadata
    assert metadata["source"].value == "comtrade_partner_areas" and metadata["mode"].value == "snapshot"
    assert len(metadata["sha256"].value) == 64 and metadata["licence"].value.startswith("UN Comtrade")
    assert "partnerAreas.json" in metadata["url"].value
    assert (tmp_path / "data" / "raw" / "sha256").exists()
    fetches = metadata["fetches"].value
    assert fetches[0]["row_count"] == metadata["dagster/row_count"].value > 0


def test_live_ember_without_key_falls_back_to_owid_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("EMBER_API_KEY", raising=False)
    result = materialize([raw_ember__grid_carbon_intensity], partition_key="2024", resources=_resources(tmp_path, live=True))
    assert result.success
    metadata = result.asset_materializations_for_node("raw__ember__grid_carbon_intensity")[0].metadata
    assert metadata["fallback"].value == "owid_energy"
    assert "EMBER_API_KEY is not set" in metadata["fallback_reason"].value
    assert not (tmp_path / "data" / "warehouse" / "greenbridge.duckdb").exists(), "nothing should be written"
