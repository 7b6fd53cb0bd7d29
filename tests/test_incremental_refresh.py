"""An unchanged refresh is nearly free (orchestration/incremental.py): when every source's bytes,
the seeds and the code are those the current publication was computed from, the refresh lands the
sources, says "nothing changed" and rebuilds nothing; a changed source rebuilds and publishes. Raw
assets carry a Dagster data version of their bytes, equal across landings of the same bytes."""

import json
import shutil

from dagster import AssetKey, DagsterEventType, EventRecordsFilter

from orchestration.cli import main as greenbridge_main
from orchestration.instance import dagster_instance
from tests.conftest import copy_snapshot, owid_set_intensity, publication_bytes, rewrite_snapshot_file

OWID = AssetKey(["raw", "owid_energy__grid_carbon_intensity"])
OWID_FILE = "owid/owid_carbon_intensity_elec_2015_2024.csv"


def _data_versions(data_dir, key, limit=2):
    records = dagster_instance(data_dir).get_event_records(
        EventRecordsFilter(event_type=DagsterEventType.ASSET_MATERIALIZATION, asset_key=key), limit=limit)
    return [record.asset_materialization.tags.get("dagster/data_version") for record in records]


def run_before_sources(data_dir):
    """The run that last landed OWID's bytes in full: the one before the latest landing."""
    records = dagster_instance(data_dir).get_event_records(
        EventRecordsFilter(event_type=DagsterEventType.ASSET_MATERIALIZATION, asset_key=OWID), limit=2)
    return records[1].run_id


def test_an_unchanged_refresh_rebuilds_nothing_and_a_changed_source_rebuilds(tmp_path, refreshed_data_dir, capsys):
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir, symlinks=True)
    before = publication_bytes(data_dir / "published")
    run_before = json.loads((data_dir / "published" / "_manifest.json").read_text())["run_id"]

    capsys.readouterr()
    assert greenbridge_main(["refresh", "--data-dir", str(data_dir)]) == 0
    output = capsys.readouterr().out
    assert "nothing changed" in output and run_before[:8] in output
    assert "== refresh_all: models, checks, publication" not in output and "[started] dbt_greenbridge" not in output
    assert publication_bytes(data_dir / "published") == before
    same, previous = _data_versions(data_dir, OWID)
    assert same is not None and same == previous  # the same bytes landed again: the same data version
    # ...and were not parsed, validated or written again (orchestration/assets/raw_landing.py).
    latest = dagster_instance(data_dir).get_latest_materialization_event(OWID).asset_materialization
    assert latest.metadata["unchanged_since_run"].value == run_before_sources(data_dir)

    snapshot = copy_snapshot(tmp_path / "snapshot")
    rewrite_snapshot_file(snapshot, OWID_FILE, owid_set_intensity("Indonesia", 2024, "701"))
    assert greenbridge_main(["refresh", "--data-dir", str(data_dir), "--snapshot-dir", str(snapshot)]) == 0
    output = capsys.readouterr().out
    assert "nothing changed" not in output and "[started] dbt_greenbridge" in output
    assert json.loads((data_dir / "published" / "_manifest.json").read_text())["run_id"] != run_before
    changed, same_again = _data_versions(data_dir, OWID)
    assert changed != same_again
