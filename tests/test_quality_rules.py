"""The standard's data-quality rules, each broken by one corrupted copy of the embedded snapshot
(``greenbridge refresh --snapshot-dir``): the run fails on exactly that rule with a message naming
it, rows breaking a row-level rule are quarantined, the outcome is in data_quality_results, and the
previous publication stays byte-for-byte as it was."""

import csv
import io
import json
import re
import shutil

import pyarrow.parquet as pq
import pytest

from orchestration.cli import main as greenbridge_main
from tests.conftest import copy_snapshot, owid_set_intensity, publication_bytes, rewrite_snapshot_file

OWID_FILE = "owid/owid_carbon_intensity_elec_2015_2024.csv"
EMBER_FILE = "ember/ember_api_carbon_intensity_yearly_CONSTRUCTED.json"
EPA_FILE = "epa/vehicles_sample_tidytuesday2019.csv"
COMTRADE_2023_FILE = "comtrade/china_hs8703_exports_2023.json"


def _ember(edit):
    def transform(text: str) -> str:
        document = json.loads(text)
        document["data"] = [record for record in (edit(record) for record in document["data"]) if record is not None]
        document["stats"]["number_of_records"] = len(document["data"])
        return json.dumps(document, indent=1)
    return transform


def _owid_without(country: str):
    def transform(text: str) -> str:
        return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(f"{country},"))
    return transform


def _epa_break_carbon_balance(text: str) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    target = next(row for row in rows if row["fuelType"] == "Regular" and row.get("atvType") in ("", "NA")
                  and float(row["co2TailpipeGpm"]) > 0)
    target["co2TailpipeGpm"] = str(float(target["co2TailpipeGpm"]) * 1.5)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _comtrade_triple_first_month(text: str) -> str:
    document = json.loads(text)
    document["data"][0]["qty"] = document["data"][0]["qty"] * 3
    return json.dumps(document, indent=1)


def _refresh_corrupted(tmp_path, refreshed_data_dir, capsys, *edits):
    data_dir = tmp_path / "data"
    shutil.copytree(refreshed_data_dir, data_dir)
    before = publication_bytes(data_dir / "published")
    snapshot = copy_snapshot(tmp_path / "snapshot")
    for relative_path, transform in edits:
        rewrite_snapshot_file(snapshot, relative_path, transform)
    capsys.readouterr()
    exit_code = greenbridge_main(["refresh", "--data-dir", str(data_dir), "--snapshot-dir", str(snapshot)])
    output = capsys.readouterr().out
    return data_dir, exit_code, output, before, publication_bytes(data_dir / "published")


def _failed_checks(output: str) -> set[str]:
    return set(re.findall(r"^    FAILED ([^\s:]+:[^\s:]+)", output, flags=re.MULTILINE))


def _results_of_last_run(data_dir):
    runs = sorted((data_dir / "published" / "data_quality_results").iterdir(), key=lambda path: path.stat().st_mtime)
    return pq.read_table(runs[-1]).to_pandas()


def _quarantined(data_dir, table: str, rule_id: str) -> list[dict]:
    quarantine = pq.read_table(data_dir / "published" / "data_quality_quarantine").to_pandas()
    rows = quarantine[(quarantine["table_name"] == table) & (quarantine["rule_id"] == rule_id)]
    return [json.loads(row) for row in rows["row_json"]]


def _assert_failed_only(output, check, rule_id, exit_code, before, after):
    """``check`` (a check key, or a set of them when one corruption breaks several rules) failed, and
    nothing else; ``rule_id`` (one or a tuple) is named."""
    assert exit_code != 0
    assert _failed_checks(output) == ({check} if isinstance(check, str) else set(check)), output
    assert all(rule in output for rule in ((rule_id,) if isinstance(rule_id, str) else rule_id))
    assert "published tables: none" in output
    assert after == before


def test_negative_grid_intensity_is_quarantined_and_blocks(tmp_path, refreshed_data_dir, capsys):
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys, (OWID_FILE, owid_set_intensity("Poland", 2021, "-42.5")))
    _assert_failed_only(output, "raw/owid_energy__grid_carbon_intensity:contract", "DQ-CONTRACT", exit_code, before, after)
    assert "greater_than_or_equal_to(0)" in output
    quarantine = pq.read_table(data_dir / "published" / "data_quality_quarantine").to_pandas()
    assert list(quarantine["table_name"]) == ["owid_energy__grid_carbon_intensity"]
    assert quarantine["failing_value"].iloc[0] == "-42.5"
    assert json.loads(quarantine["row_json"].iloc[0])["country"] == "Poland"
    results = _results_of_last_run(data_dir)
    contract = results[results["asset"] == "raw/owid_energy__grid_carbon_intensity"].iloc[0]
    assert (contract["outcome"], contract["failing_rows"]) == ("failed", 1)


def test_petrol_car_breaking_the_carbon_balance_is_quarantined_and_blocks(tmp_path, refreshed_data_dir, capsys):
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys, (EPA_FILE, _epa_break_carbon_balance))
    _assert_failed_only(output, "raw/epa_fueleconomy__vehicles:contract", "DQ-PLAUSIBILITY", exit_code, before, after)
    assert "carbon balance" in output
    quarantine = pq.read_table(data_dir / "published" / "data_quality_quarantine").to_pandas()
    assert list(quarantine["rule_id"]) == ["DQ-PLAUSIBILITY"]
    assert json.loads(quarantine["row_json"].iloc[0])["fuel_type"] == "Regular"


def test_missing_stage_fails_stage_completeness(tmp_path, refreshed_data_dir, capsys):
    # No grid value at all for Pakistan (a market no catalogue variant is built in): the fuel production
    # stage of every car charged there is missing.
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys,
        (EMBER_FILE, _ember(lambda record: None if record["entity_code"] == "PAK" else record)),
        (OWID_FILE, _owid_without("Pakistan")))
    # The ledger names what could not be priced (DQ-PRICED), the completeness rule the stage it leaves empty.
    _assert_failed_only(output, {"marts/fct_vehicle_footprint:stage_completeness",
                                 "marts/fct_footprint_component:priced_components"},
                        ("DQ-STAGES", "DQ-PRICED"), exit_code, before, after)
    assert "fuel_production_kg_co2e" in output and "/ PAK /" in output
    assert "/ PAK / 2024: charging_electricity:2024.." in output and "no factor was found" in output
    withheld = _quarantined(data_dir, "fct_vehicle_footprint", "DQ-STAGES")
    assert withheld and {row["market_code"] for row in withheld} == {"PAK"}


def _owid_only_an_old_value(country: str, year: int):
    """Keep one row of ``country``, moved to ``year``; drop its others."""
    def transform(text: str) -> str:
        lines, kept = [], False
        for line in text.splitlines(keepends=True):
            if line.startswith(f"{country},"):
                if kept:
                    continue
                fields = line.split(",")
                fields[2] = str(year)
                line, kept = ",".join(fields), True
            lines.append(line)
        return "".join(lines)
    return transform


def test_ten_year_old_grid_factor_fails_temporal_representativeness(tmp_path, refreshed_data_dir, capsys):
    # Singapore's latest grid value is from 2014 (OWID only; Ember has none): ten years old for a 2024
    # car, nine beyond its one-year validity.
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys,
        (EMBER_FILE, _ember(lambda record: None if record["entity_code"] == "SGP" else record)),
        (OWID_FILE, _owid_only_an_old_value("Singapore", 2014)))
    _assert_failed_only(output, "marts/fct_footprint_data_quality:temporal_representativeness", "DQ-TEMPORAL",
                        exit_code, before, after)
    assert "max_years_beyond_validity" in output and "/ SGP /" in output
    withheld = _quarantined(data_dir, "fct_footprint_data_quality", "DQ-TEMPORAL")
    assert withheld and {row["market_code"] for row in withheld} == {"SGP"}
    assert {row["least_current_reference_year"] for row in withheld} == {2014}


def test_grid_factor_of_another_country_fails_geographical_representativeness(tmp_path, refreshed_data_dir, capsys):
    # The source files Singapore's values under Malaysia's code: not Singapore's own grid, and no
    # proxy is declared for it.
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys,
        (EMBER_FILE, _ember(lambda record: {**record, "entity_code": "MYS"} if record["entity_code"] == "SGP" else record)))
    _assert_failed_only(output, "marts/fct_footprint_data_quality:geographical_representativeness", "DQ-GEOGRAPHY",
                        exit_code, before, after)
    assert "/ SGP /" in output
    withheld = _quarantined(data_dir, "fct_footprint_data_quality", "DQ-GEOGRAPHY")
    assert {(row["market_code"], row["market_grid_geography"]) for row in withheld} == {("SGP", "MYS")}


def test_exports_far_from_the_reference_fail_reconciliation(tmp_path, refreshed_data_dir, capsys):
    data_dir, exit_code, output, before, after = _refresh_corrupted(
        tmp_path, refreshed_data_dir, capsys, (COMTRADE_2023_FILE, _comtrade_triple_first_month))
    _assert_failed_only(output, "marts/fct_export_exposure:reconciliation", "DQ-RECONCILIATION", exit_code, before, after)
    assert "china_hs8703_exports_2023" in output
    assert [row["reference_id"] for row in _quarantined(data_dir, "int_quality__reconciliation", "DQ-RECONCILIATION")] == [
        "china_hs8703_exports_2023"]
    results = _results_of_last_run(data_dir)
    reconciliation = results[results["check_name"] == "reconciliation"].iloc[0]
    assert reconciliation["outcome"] == "failed" and reconciliation["severity"] == "blocking"


@pytest.mark.parametrize("name", ["cut_off", "temporal_representativeness"])
def test_the_embedded_snapshot_warns_without_blocking(refreshed_data_dir, name):
    """On the real data two rules warn (BEV battery replacements outside the core boundary; the 2010
    well-to-tank factor): reported in data_quality_results, published anyway."""
    results = _results_of_last_run(refreshed_data_dir)
    row = results[results["check_name"] == name].iloc[0]
    assert row["outcome"] == "warning" and not row["passed"]
    assert (refreshed_data_dir / "published" / "fct_vehicle_footprint" / "part-0.parquet").exists()
