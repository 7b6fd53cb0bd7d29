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


def test_live_trade_partition_lands_through_a_configured_endpoint(tmp_path, monkeypatch):
    """The live path of the asset itself (not just the connector): 13 preview calls to the endpoint
    configured for the source, one fetch-log row each, provenance marked live with HTTP 200."""
    import json

    import duckdb

    from connectors import comtrade
    from connectors.snapshot import Snapshot
    from orchestration.assets.raw_comtrade import raw_comtrade__china_car_exports
    from tests.local_http import scripted_server

    monkeypatch.delenv("COMTRADE_API_KEY", raising=False)
    document = json.loads(comtrade.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), "2024-12")[0].content)
    records = [record for record in document["data"] if record["period"] == "202412"]
    answer = json.dumps({"count": len(records), "data": records, "error": ""}).encode()
    # The first call asks for HS 8703 (the snapshot's records); the subheadings answer empty.
    empty = json.dumps({"count": 0, "data": [], "error": ""}).encode()
    with scripted_server([(200, {}, answer), (200, {}, empty)]) as (base_url, log):
        resources = _resources(tmp_path, live=True)
        resources["sources"] = SourcesResource(live=True, snapshot_dir=str(DEFAULT_SNAPSHOT_DIR),
                                               endpoints={"comtrade": base_url})
        result = materialize([raw_comtrade__china_car_exports], partition_key="2024-12", resources=resources)
    assert result.success and len(log) == len(comtrade.CMD_CODES)
    metadata = result.asset_materializations_for_node("raw__comtrade__china_car_exports")[0].metadata
    assert metadata["mode"].value == "live" and metadata["http_status"].value == 200
    assert metadata["url"].value.startswith(base_url + "/public/v1/preview/C/M/HS?")
    with duckdb.connect(str(tmp_path / "data" / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        log_rows = connection.sql("select mode, http_status, partition_key from raw.raw_fetch_log").fetchall()
        landed = connection.sql("select count(*) from raw.comtrade__china_car_exports").fetchall()[0][0]
    assert log_rows == [("live", 200, "2024-12")] * len(comtrade.CMD_CODES)
    assert landed == len(records)


def test_each_partition_of_a_range_lists_only_its_own_fetches(tmp_path):
    """A landing of several partitions gives each partition's event its own fetches; a range's list
    copied into every partition's event grew the event log with the square of the range."""
    import duckdb
    from dagster import DagsterInstance

    from orchestration.schedules import partition_range_tags

    resources = _resources(tmp_path)
    with DagsterInstance.ephemeral() as instance:
        result = materialize([raw_ember__grid_carbon_intensity], instance=instance, resources=resources,
                             tags=partition_range_tags("2022", "2024"))
        assert result.success
        events = result.asset_materializations_for_node("raw__ember__grid_carbon_intensity")
    assert sorted(event.partition for event in events) == ["2022", "2023", "2024"]
    warehouse_file = tmp_path / "data" / "warehouse" / "greenbridge.duckdb"
    with duckdb.connect(str(warehouse_file), read_only=True) as connection:
        logged = connection.execute("select partition_key, sha256 from raw.raw_fetch_log where run_id = ?",
                                    [result.run_id]).fetchall()
    assert len({partition for partition, _ in logged}) == 3
    for event in events:
        listed = {fetch["sha256"] for fetch in event.metadata["fetches"].value}
        assert listed == {sha256 for partition, sha256 in logged if partition == event.partition}, event.partition
        assert event.metadata["fetch_count"].value == len(listed)
        assert event.metadata["fetch_count_all_partitions"].value == len(logged)
        assert event.metadata["partitions"].value == "2022..2024 (3)"
