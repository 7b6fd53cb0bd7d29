"""A failed run never touches the previous publication: a raw contract failure, a schema drift in
a source (under ``--strict``) and a failed blocking check each exit non-zero, name the rule or
field, and leave every published byte as it was."""

import json
import shutil

from orchestration.cli import main as greenbridge_main
from tests.conftest import copy_snapshot, owid_set_intensity, publication_bytes, rewrite_snapshot_file

OWID_FILE = "owid/owid_carbon_intensity_elec_2015_2024.csv"
EMBER_FILE = "ember/ember_api_carbon_intensity_yearly_CONSTRUCTED.json"
COMTRADE_2024_FILE = "comtrade/china_hs8703_exports_2024.json"


def _set_ember_intensity(entity_code: str, year: int, value: float):
    def transform(text: str) -> str:
        document = json.loads(text)
        for record in document["data"]:
            if record["entity_code"] == entity_code and record["date"] == str(year):
                record["emissions_intensity_gco2_per_kwh"] = value
        return json.dumps(document, indent=1)
    return transform


def _rename_comtrade_field(old: str, new: str):
    def transform(text: str) -> str:
        document = json.loads(text)
        document["data"] = [{(new if key == old else key): value for key, value in record.items()} for record in document["data"]]
        return json.dumps(document, indent=1)
    return transform


def _run_with(tmp_path, refreshed_data_dir, transform, capsys, snapshot_file=OWID_FILE, extra=()):
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir)
    before = publication_bytes(data_dir / "published")
    snapshot = copy_snapshot(tmp_path / "snapshot")
    rewrite_snapshot_file(snapshot, snapshot_file, transform)
    capsys.readouterr()
    exit_code = greenbridge_main(["refresh", "--data-dir", str(data_dir), "--snapshot-dir", str(snapshot), *extra])
    output = capsys.readouterr().out
    after = publication_bytes(data_dir / "published")
    return exit_code, output, before, after


def test_raw_contract_failure_keeps_previous_publication(tmp_path, refreshed_data_dir, capsys):
    exit_code, output, before, after = _run_with(tmp_path, refreshed_data_dir, owid_set_intensity("China", 2024, "-5"), capsys)
    assert exit_code != 0
    assert "carbon_intensity_elec_g_per_kwh" in output and "greater_than_or_equal_to(0)" in output
    assert "published tables: none" in output
    assert after == before


def test_failed_blocking_check_keeps_previous_publication(tmp_path, refreshed_data_dir, capsys):
    # 1,900 g/kWh passes the raw contract (real values reach 1,306) but breaks the footprint
    # contract's 0-1,300 range on the market grid used for Pakistan (Ember's value wins over OWID's).
    exit_code, output, before, after = _run_with(
        tmp_path, refreshed_data_dir, _set_ember_intensity("PAK", 2024, 1900.0), capsys, snapshot_file=EMBER_FILE
    )
    assert exit_code != 0
    assert "market_grid_service_life_g_per_kwh" in output and "FAILED" in output
    assert after == before


def test_schema_drift_in_a_source_names_source_and_field_and_keeps_publication(tmp_path, refreshed_data_dir, capsys):
    # --strict: without it the other sources land and the drifted one is published stale
    # (tests/test_source_isolation.py).
    exit_code, output, before, after = _run_with(
        tmp_path, refreshed_data_dir, _rename_comtrade_field("primaryValue", "primaryValueUSD"), capsys,
        snapshot_file=COMTRADE_2024_FILE, extra=("--strict",),
    )
    assert exit_code != 0
    assert "[comtrade] schema drift in field 'primaryValue'" in output
    assert "published tables: none" in output
    assert after == before
