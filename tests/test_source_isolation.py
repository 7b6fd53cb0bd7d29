"""One failing source does not stop the others (orchestration/cli.py, orchestration/stale_sources.py):
it keeps its last good raw table, the others land, the models and checks run, and the publication
goes ahead while the failed source's last good landing is within its freshness window, naming it as
stale (exit 3); a source that never landed, or whose rows broke its contract, blocks it (exit 1);
``--strict`` stops at the first failure."""

import json
import shutil
from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow.parquet as pq
from dagster import AssetKey

from orchestration.cli import EXIT_FAILED, EXIT_PUBLISHED_STALE, main as greenbridge_main
from orchestration.stale_sources import StaleSource
from tests.conftest import copy_snapshot, publication_bytes, rewrite_snapshot_file
from tests.test_publication_safety import COMTRADE_2024_FILE, _rename_comtrade_field

COMTRADE = AssetKey(["raw", "comtrade__china_car_exports"])


def _refresh(data_dir, snapshot, capsys, *extra):
    capsys.readouterr()
    code = greenbridge_main(["refresh", "--data-dir", str(data_dir), "--snapshot-dir", str(snapshot), *extra])
    return code, capsys.readouterr().out


def _drifted_snapshot(tmp_path):
    snapshot = copy_snapshot(tmp_path / "snapshot")
    rewrite_snapshot_file(snapshot, COMTRADE_2024_FILE, _rename_comtrade_field("primaryValue", "primaryValueUSD"))
    return snapshot


def _results(data_dir, rule_id):
    folder = data_dir / "published" / "data_quality_results"
    rows = [row for path in folder.rglob("*.parquet") for row in pq.read_table(path).to_pylist()]
    return [row for row in rows if row["rule_id"] == rule_id]


def test_a_failing_source_is_published_stale_and_the_others_land(tmp_path, refreshed_data_dir, capsys):
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir, symlinks=True)
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        comtrade_before = connection.execute("select count(*) from raw.comtrade__china_car_exports").fetchall()
        runs_before = [row[0] for row in connection.execute("select distinct run_id from raw.raw_fetch_log").fetchall()]
    manifest_before = json.loads((data_dir / "published" / "_manifest.json").read_text())

    code, output = _refresh(data_dir, _drifted_snapshot(tmp_path), capsys)

    assert code == EXIT_PUBLISHED_STALE, output[-3000:]
    assert "[comtrade] schema drift in field 'primaryValue'" in output  # the real cause, named
    assert "published with STALE sources" in output and "raw/comtrade__china_car_exports: last landed" in output
    manifest = json.loads((data_dir / "published" / "_manifest.json").read_text())
    assert manifest["run_id"] != manifest_before["run_id"]  # a new publication...
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        # ...on the failed source's last good rows, while every other source landed again.
        assert connection.execute("select count(*) from raw.comtrade__china_car_exports").fetchall() == comtrade_before
        landed = connection.execute("select distinct table_name from raw.raw_fetch_log where not list_contains(?, run_id)",
                                    [runs_before]).fetchall()
    landed = {row[0] for row in landed}
    assert {"owid_energy__grid_carbon_intensity", "worldbank__indicators", "ember__grid_carbon_intensity"} <= landed
    assert "comtrade__china_car_exports" not in landed
    stale = _results(data_dir, "DQ-FRESHNESS")
    assert [(row["asset"], row["severity"], row["outcome"]) for row in stale] == [
        ("raw/comtrade__china_car_exports", "WARN", "published on its last good data")]


def test_strict_stops_at_the_first_failing_source(tmp_path, refreshed_data_dir, capsys):
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir, symlinks=True)
    before = publication_bytes(data_dir / "published")
    code, output = _refresh(data_dir, _drifted_snapshot(tmp_path), capsys, "--strict")
    assert code == EXIT_FAILED
    assert "[comtrade] schema drift in field 'primaryValue'" in output and "published tables: none" in output
    assert "== refresh_all" not in output
    assert publication_bytes(data_dir / "published") == before


def test_a_source_that_never_landed_blocks_the_publication(tmp_path, capsys):
    data_dir = tmp_path / "data"
    code, output = _refresh(data_dir, _drifted_snapshot(tmp_path), capsys)
    assert code == EXIT_FAILED, output[-3000:]
    assert "never landed before" in output and "published tables: none" in output
    assert "== rebuild" not in output  # the failed source was partitioned: refresh_all itself rebuilt
    assert not (data_dir / "published" / "current").exists()


def test_the_freshness_window_decides():
    now = datetime.now(timezone.utc)
    window = timedelta(days=45)
    assert StaleSource(COMTRADE, now - timedelta(days=44), window).publishable
    assert not StaleSource(COMTRADE, now - timedelta(days=46), window).publishable
    assert not StaleSource(COMTRADE, None, window).publishable
    assert not StaleSource(COMTRADE, now, window, contract_broken=True).publishable
    assert "46.0 days ago (freshness window 45 days)" in StaleSource(COMTRADE, now - timedelta(days=46), window).describe()


LIVE_SOURCES = ("owid_energy", "ember", "comtrade", "comtrade_partner_areas", "worldbank", "eea_co2cars",
                "epa_fueleconomy", "owid_grapher_ev_sales", "owid_grapher_ev_share")


def test_a_live_refresh_with_unreachable_sources_publishes_them_as_stale(tmp_path, refreshed_data_dir, capsys,
                                                                          monkeypatch):
    """Every live endpoint on a closed loopback port: each source fails naming the refused connection,
    and the last good data (landed by the fixture's refresh, minutes ago) is published, named stale."""
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir, symlinks=True)
    for source in LIVE_SOURCES:
        monkeypatch.setenv(f"GREENBRIDGE_ENDPOINT_{source.upper()}", "http://127.0.0.1:9")
    monkeypatch.setenv("GREENBRIDGE_LIMIT_FETCH_DEADLINE_S", "0.5")  # no retries: fail at the first refusal
    capsys.readouterr()
    code = greenbridge_main(["refresh", "--live", "--data-dir", str(data_dir)])
    output = capsys.readouterr().out
    assert code == EXIT_PUBLISHED_STALE, output[-3000:]
    assert "connection refused" in output
    assert "published with STALE sources" in output
    for table in ("comtrade__china_car_exports", "owid_energy__grid_carbon_intensity", "worldbank__indicators"):
        assert f"raw/{table}: last landed" in output
