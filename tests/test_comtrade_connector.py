"""The Comtrade connector's live code path on 127.0.0.1: preview calls split by HS code without a
key, one data call with the key in a header (never in a URL), retries, the HTTP-200 error envelope,
the preview cap, schema drift, and partner codes mapped through the reference list."""

import json
import time

import pytest

from connectors import comtrade
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=1, max_retries=2, backoff_factor_s=0.01, min_interval_s=0)
SNAPSHOT = Snapshot(DEFAULT_SNAPSHOT_DIR)
SECRET = "sentinel-comtrade-key-123"


def _month_answer(month: str) -> bytes:
    """The snapshot's records for one month, as the data endpoint answers them."""
    document = json.loads(comtrade.fetch_snapshot(SNAPSHOT, month)[0].content)
    records = [record for record in document["data"] if record["period"] == month.replace("-", "")]
    return json.dumps({"elapsedTime": "0.5 secs", "count": len(records), "data": records, "error": ""}).encode()


DECEMBER = _month_answer("2024-12")


def _urls(base_url):
    return {"base_url": base_url}


def test_preview_without_key_makes_one_call_per_hs_code():
    with scripted_server([(200, {}, DECEMBER)]) as (base_url, log):
        fetches = comtrade.fetch_live(build_session(FAST), "2024-12", None, **_urls(base_url))
    assert len(log) == len(comtrade.CMD_CODES) == len(fetches)
    assert all(path.startswith("/public/v1/preview/C/M/HS?") for path in log)
    assert {fetch.parameters["cmdCode"] for fetch in fetches} == set(comtrade.CMD_CODES)
    assert all("period=202412" in path and "reporterCode=156" in path for path in log)


def test_data_endpoint_with_key_keeps_the_key_out_of_urls_and_parameters():
    with scripted_server([(200, {}, DECEMBER)]) as (base_url, log):
        fetches = comtrade.fetch_live(build_session(FAST), "2024-12", SECRET, **_urls(base_url))
    assert len(log) == 1 and log[0].startswith("/data/v1/get/C/M/HS?")
    assert SECRET not in log[0] and SECRET not in fetches[0].url and SECRET not in str(fetches[0].parameters)
    frame = comtrade.parse(fetches[0].content)
    world = frame[frame["partner_code"] == 0]
    assert world["quantity_units"].item() == 576799.0 and world["primary_value_usd"].item() == 7459869230.0


def test_retry_after_then_success_and_server_error_then_success():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (500, {}, b"oops"), (200, {}, DECEMBER)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        fetches = comtrade.fetch_live(build_session(FAST), "2024-12", SECRET, **_urls(base_url))
        waited = time.monotonic() - started
    assert len(log) == 3 and waited >= 0.9 and fetches[0].http_status == 200


def test_timeout_names_the_source_without_the_key():
    with scripted_server([(200, {}, DECEMBER, {"delay_s": 3})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[comtrade\] timed out") as error:
            comtrade.fetch_live(build_session(FAST), "2024-12", SECRET, **_urls(base_url))
    assert SECRET not in str(error.value)


def test_truncated_body_names_the_source():
    with scripted_server([(200, {}, DECEMBER[:200], {"declared_length": len(DECEMBER)})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[comtrade\]"):
            comtrade.fetch_live(build_session(FAST), "2024-12", SECRET, **_urls(base_url))


def test_truncated_json_without_length_is_a_clear_parse_error():
    with pytest.raises(SourceError, match=r"^\[comtrade\] response is not valid JSON"):
        comtrade.parse(DECEMBER[:300])


def test_error_envelope_with_http_200_fails_quoting_it():
    envelope = json.dumps({"elapsedTime": "0 secs", "count": 0, "data": None, "error": "Invalid period: 2024-13"}).encode()
    with scripted_server([(200, {}, envelope)]) as (base_url, _):
        fetches = comtrade.fetch_live(build_session(FAST), "2024-12", SECRET, **_urls(base_url))
    with pytest.raises(SourceError, match=r"\[comtrade\] Comtrade returned an error: Invalid period"):
        comtrade.parse(fetches[0].content)


def test_gateway_error_envelope_fails_quoting_it():
    gateway = json.dumps({"statusCode": 401, "message": "Access denied due to invalid subscription key."}).encode()
    with pytest.raises(SourceError, match=r"gateway error 401: Access denied"):
        comtrade.parse(gateway)


def test_preview_answer_at_the_record_cap_is_refused_not_truncated():
    record = json.loads(DECEMBER)["data"][0]
    capped = json.dumps({"count": 500, "data": [record] * 500, "error": ""}).encode()
    with scripted_server([(200, {}, capped)]) as (base_url, _):
        with pytest.raises(SourceError, match=r"500-record cap.*COMTRADE_API_KEY"):
            comtrade.fetch_live(build_session(FAST), "2024-12", None, **_urls(base_url))


def test_count_disagreeing_with_records_is_refused():
    document = json.loads(DECEMBER)
    document["count"] += 1
    with pytest.raises(SourceError, match="count="):
        comtrade.parse(json.dumps(document).encode())


def test_missing_field_is_schema_drift_naming_it():
    document = json.loads(DECEMBER)
    for record in document["data"]:
        record["partnerCodeISO"] = record.pop("partnerCode")
    with pytest.raises(SchemaDriftError, match=r"\[comtrade\] schema drift in field 'partnerCode'") as error:
        comtrade.parse(json.dumps(document).encode())
    assert error.value.field == "partnerCode"


def test_snapshot_2023_world_total_matches_the_reference_figure():
    # Reference: China's HS 8703 exports to the world in 2023 = 5.39 M units (../shared/docs/sources.md).
    frame = comtrade.parse(comtrade.fetch_snapshot(SNAPSHOT, "2023-06")[0].content)
    world = frame[(frame["partner_code"] == 0) & (frame["ref_year"] == 2023)]
    assert len(world) == 12
    assert world["quantity_units"].sum() == pytest.approx(5.39e6, rel=0.005)


def test_snapshot_without_the_month_names_what_it_holds():
    with pytest.raises(SourceError, match=r"no data for month 2025-01 \(it holds 2020-01\.\.2024-12\)"):
        comtrade.fetch_snapshot(SNAPSHOT, "2025-01")


def test_partner_codes_map_through_the_reference_list_not_iso_numerics():
    partners = comtrade.parse_partner_areas(comtrade.fetch_partner_areas_snapshot(SNAPSHOT)[0].content)
    by_code = partners.set_index("partner_code")["partner_iso3"]
    # Comtrade codes that differ from ISO numeric: France 251 (ISO 250), India 699 (ISO 356).
    assert by_code[251] == "FRA" and by_code[699] == "IND" and by_code[0] == "W00"


def test_snapshot_rows_satisfy_the_raw_contracts():
    exports = comtrade.parse(comtrade.fetch_snapshot(SNAPSHOT, "2024-12")[0].content).assign(source_sha256="0" * 64)
    RAW_COMTRADE_CHINA_CAR_EXPORTS.to_pandera().validate(exports)
    partners = comtrade.parse_partner_areas(comtrade.fetch_partner_areas_snapshot(SNAPSHOT)[0].content)
    RAW_COMTRADE_PARTNER_AREAS.to_pandera().validate(partners.assign(source_sha256="0" * 64))
