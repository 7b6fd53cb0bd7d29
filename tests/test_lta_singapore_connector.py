"""The LTA Singapore connector (M03, new car registrations by make, importer, fuel and body type): the
snapshot CSV parses to its real values and the raw contract; the live path (data.gov.sg datastore
pages) is replayed on 127.0.0.1 and assembled in page order; a renamed field, an unknown fuel type
or a missing dataset id fails naming it; the asset lands the snapshot with a fetch-log row and the
content-addressed bytes."""

import hashlib
import io
import json
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from dagster import materialize

from connectors import lta_singapore
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from orchestration.assets.raw_lta_singapore import raw_lta_singapore__car_registrations_by_make
from orchestration.resources import SourcesResource, WarehouseResource
from tests.landed import landed
from tests.local_http import scripted_server
from warehouse.contracts.raw_lta_singapore import RAW_LTA_SINGAPORE_CAR_REGISTRATIONS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR
from warehouse.raw_store import sha256_hex

FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=1, backoff_factor_s=0.01, min_interval_s=0)
SNAPSHOT_FETCHES = lta_singapore.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
CSV = SNAPSHOT_FETCHES[0].content
SNAPSHOT_ROWS = lta_singapore.parse_body(CSV, lta_singapore.SNAPSHOT_FILE)
DATASET_ID = "d_test_m03_dataset"


def records_of(start: int, stop: int) -> list[dict]:
    """Rows start..stop of the snapshot CSV as datastore records (every value text, as a datastore
    holding the CSV serves them, plus its _id)."""
    frame = pd.read_csv(io.BytesIO(CSV), dtype=str, keep_default_na=False).iloc[start:stop]
    return [{"_id": start + index + 1, **row} for index, row in enumerate(frame.to_dict("records"))]


def page(records: list[dict], total: int) -> bytes:
    return json.dumps({"help": "https://data.gov.sg/api/3/action/help_show?name=datastore_search", "success": True,
                       "result": {"resource_id": DATASET_ID, "fields": [], "records": records, "total": total,
                                  "limit": 3}}).encode()


def endpoint(base_url: str) -> str:
    return f"{base_url}/api/action/datastore_search?resource_id={DATASET_ID}"


def test_the_snapshot_parses_to_its_rows_and_the_contract():
    assert len(SNAPSHOT_ROWS) == 38013
    validated = RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.to_pandera().validate(SNAPSHOT_ROWS.assign(source_sha256=sha256_hex(CSV)))
    assert list(validated.columns) == RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.column_names
    assert set(SNAPSHOT_ROWS["market_code"]) == {"SGP"}
    assert (SNAPSHOT_ROWS["month"].min(), SNAPSHOT_ROWS["month"].max()) == ("2016-01", "2023-09")
    assert set(SNAPSHOT_ROWS["fuel_type"]) == set(lta_singapore.POWERTRAIN_BY_FUEL_TYPE)


def test_values_are_the_files_own():
    rows = SNAPSHOT_ROWS.set_index(["month", "make", "importer_type", "fuel_type", "body_type"], drop=False)
    first = rows.loc[("2016-01", "ALFA ROMEO", None, "Petrol", "Hatchback")]
    assert first["registrations"] == 3 and first["powertrain"] == "petrol" and not first["registrations_blank_in_source"]
    byd_suv = SNAPSHOT_ROWS.query("month == '2023-09' and make == 'BYD' and importer_type == 'AMD' "
                                  "and body_type == 'Sports Utility Vehicle'")
    assert byd_suv["registrations"].tolist() == [128] and byd_suv["powertrain"].tolist() == ["bev"]
    # LTA leaves a count empty where it means none: lands as 0, flagged.
    byd_wagon = SNAPSHOT_ROWS.query("month == '2023-09' and make == 'BYD' and body_type == 'Station-wagon'")
    assert byd_wagon["registrations"].tolist() == [0] and byd_wagon["registrations_blank_in_source"].all()
    # Before 2023 LTA does not split by importer type.
    assert SNAPSHOT_ROWS.loc[SNAPSHOT_ROWS["month"] < "2023-01", "importer_type"].isna().all()
    assert set(SNAPSHOT_ROWS.loc[SNAPSHOT_ROWS["month"] >= "2023-01", "importer_type"]) == {"AMD", "PI"}
    # Two spellings of one make, one normalised make.
    assert set(SNAPSHOT_ROWS.loc[SNAPSHOT_ROWS["make"].isin(["Mclaren", "MCLAREN"]), "make_normalised"]) == {"MCLAREN"}
    plug_in = SNAPSHOT_ROWS.loc[SNAPSHOT_ROWS["fuel_type"] == "Petrol-Electric (Plug-In)", "powertrain"]
    assert set(plug_in) == {"phev"}


def test_an_unknown_fuel_type_fails_naming_file_row_and_column():
    content = CSV.replace(b"2016-01,AUDI,,Petrol,Hatchback,45", b"2016-01,AUDI,,Hydrogen,Hatchback,45", 1)
    assert content != CSV
    with pytest.raises(SchemaDriftError, match="unknown fuel type") as raised:
        lta_singapore.parse_body(content, lta_singapore.SNAPSHOT_FILE)
    assert raised.value.field == f"{lta_singapore.SNAPSHOT_FILE}:fuel_type"
    message = str(raised.value)
    assert "Hydrogen" in message and "row(s) 4" in message and "[lta_singapore]" in message


def test_a_renamed_column_fails_naming_it():
    header, rest = CSV.split(b"\n", 1)
    with pytest.raises(SchemaDriftError, match="expected column missing") as raised:
        lta_singapore.parse_body(header.replace(b"vehicle_type", b"body_type") + b"\n" + rest, lta_singapore.SNAPSHOT_FILE)
    assert raised.value.field == f"{lta_singapore.SNAPSHOT_FILE}:vehicle_type"


@pytest.mark.parametrize("cell, expected", [("-3", "negative"), ("4.5", "non-integer"), ("n/a", "non-numeric")])
def test_a_count_that_is_not_a_whole_number_of_cars_fails_naming_the_column(cell, expected):
    content = CSV.replace(b"2016-01,AUDI,,Petrol,Hatchback,45", f"2016-01,AUDI,,Petrol,Hatchback,{cell}".encode(), 1)
    with pytest.raises(SchemaDriftError, match=expected) as raised:
        lta_singapore.parse_body(content, lta_singapore.SNAPSHOT_FILE)
    assert raised.value.field == f"{lta_singapore.SNAPSHOT_FILE}:number"


def test_two_live_pages_are_fetched_by_offset_and_assembled_in_order():
    first, second = records_of(0, 3), records_of(3, 5)
    answers = [(200, {"Content-Type": "application/json"}, page(first, 5)),
               (200, {"Content-Type": "application/json"}, page(second, 5))]
    with scripted_server(answers) as (base_url, log):
        fetches = lta_singapore.fetch_live(build_session(FAST), endpoint(base_url), page_size=3)
    queries = [parse_qs(urlsplit(path).query) for path in log]
    assert [(query["resource_id"], query["offset"], query["limit"]) for query in queries] == [
        ([DATASET_ID], ["0"], ["3"]), ([DATASET_ID], ["3"], ["3"])]
    assert [(fetch.mode, fetch.http_status, fetch.parameters["page"], fetch.parameters["offset"]) for fetch in fetches] == [
        ("live", 200, 1, 0), ("live", 200, 2, 3)]
    assembled = pd.concat([lta_singapore.parse_fetch(fetch) for fetch in fetches], ignore_index=True)
    pd.testing.assert_frame_equal(assembled, SNAPSHOT_ROWS.iloc[:5].reset_index(drop=True))


def test_a_live_page_with_a_renamed_field_fails_naming_the_page_and_the_field():
    renamed = [{("fuel" if name == "fuel_type" else name): value for name, value in record.items()} for record in records_of(3, 5)]
    answers = [(200, {}, page(records_of(0, 3), 5)), (200, {}, page(renamed, 5))]
    with scripted_server(answers) as (base_url, _):
        fetches = lta_singapore.fetch_live(build_session(FAST), endpoint(base_url), page_size=3)
    with pytest.raises(SchemaDriftError, match="expected column missing") as raised:
        lta_singapore.parse_fetch(fetches[1])
    assert raised.value.field == "page 2 (offset 3):fuel_type"


def test_an_unknown_fuel_type_on_a_live_page_fails_naming_page_row_and_value():
    records = records_of(0, 3)
    records[1]["fuel_type"] = "Hydrogen-Electric"
    with scripted_server([(200, {}, page(records, 3))]) as (base_url, _):
        fetches = lta_singapore.fetch_live(build_session(FAST), endpoint(base_url), page_size=3)
    with pytest.raises(SchemaDriftError, match="unknown fuel type") as raised:
        lta_singapore.parse_fetch(fetches[0])
    assert raised.value.field == "page 1 (offset 0):fuel_type"
    assert "Hydrogen-Electric" in str(raised.value) and "row(s) 2" in str(raised.value)


def test_a_page_ending_before_the_total_fails_instead_of_landing_part_of_the_dataset():
    answers = [(200, {}, page(records_of(0, 3), 10)), (200, {}, page([], 10))]
    with scripted_server(answers) as (base_url, _):
        with pytest.raises(SourceError, match=r"page 2 \(offset 3\) is empty after 3 of 10 rows"):
            lta_singapore.fetch_live(build_session(FAST), endpoint(base_url), page_size=3)


def test_an_unsuccessful_answer_fails_quoting_the_error():
    body = json.dumps({"success": False, "error": {"message": "Not found: Resource was not found."}}).encode()
    with scripted_server([(200, {}, body)]) as (base_url, _):
        with pytest.raises(SourceError, match="Resource was not found"):
            lta_singapore.fetch_live(build_session(FAST), endpoint(base_url))


def test_without_a_dataset_id_a_live_fetch_fails_naming_the_setting_and_calls_nothing():
    with scripted_server([(200, {}, page([], 0))]) as (base_url, log):
        with pytest.raises(SourceError, match=lta_singapore.ENDPOINT_VARIABLE):
            lta_singapore.fetch_live(build_session(FAST), f"{base_url}/api/action/datastore_search")
    assert list(log) == []
    with pytest.raises(SourceError, match="no data.gov.sg dataset id"):
        lta_singapore.dataset_url(lta_singapore.DATASTORE_URL)


def test_the_snapshot_lands_with_a_fetch_log_row_and_its_content_addressed_bytes(tmp_path):
    data_dir = tmp_path / "data"
    resources = {"sources": SourcesResource(snapshot_dir=str(DEFAULT_SNAPSHOT_DIR)),
                 "warehouse": WarehouseResource(data_dir=str(data_dir))}
    result = materialize([raw_lta_singapore__car_registrations_by_make], resources=resources)
    assert result.success
    log, table = landed(data_dir, RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.name)
    assert len(log) == 1
    row = log.iloc[0]
    assert row["mode"] == "snapshot" and row["licence"] == lta_singapore.LICENCE and row["url"] == SNAPSHOT_FETCHES[0].url
    assert row["sha256"] == hashlib.sha256(CSV).hexdigest() and row["byte_count"] == len(CSV) and row["row_count"] == 38013
    assert (data_dir / "raw" / "sha256" / row["sha256"][:2] / row["sha256"]).read_bytes() == CSV
    assert len(table) == 38013 and set(table["source_sha256"]) == {row["sha256"]}
    assert int(table["registrations"].sum()) == int(SNAPSHOT_ROWS["registrations"].sum())
    assert [check.passed for check in result.get_asset_check_evaluations()] == [True]


def test_the_live_path_of_the_asset_lands_every_page_through_the_configured_endpoint(tmp_path):
    data_dir = tmp_path / "data"
    answers = [(200, {}, page(records_of(0, 3), 5)), (200, {}, page(records_of(3, 5), 5))]
    with scripted_server(answers) as (base_url, requests_made):
        resources = {"sources": SourcesResource(live=True, snapshot_dir=str(DEFAULT_SNAPSHOT_DIR),
                                                endpoints={lta_singapore.SOURCE: endpoint(base_url)}),
                     "warehouse": WarehouseResource(data_dir=str(data_dir))}
        result = materialize([raw_lta_singapore__car_registrations_by_make], resources=resources)
    # The default page is larger than the answer: the offset follows the rows received.
    assert result.success and len(requests_made) == 2
    log, table = landed(data_dir, RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.name)
    assert set(log["mode"]) == {"live"} and set(log["http_status"]) == {200} and log["row_count"].sum() == 5
    assert sorted(table["make"]) == sorted(SNAPSHOT_ROWS["make"].iloc[:5])
