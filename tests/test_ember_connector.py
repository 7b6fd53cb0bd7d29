"""The Ember connector's live code path, replaying the snapshot's records on 127.0.0.1, and its snapshot."""

import json
import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors import ember
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SNAPSHOT_FILE = DEFAULT_SNAPSHOT_DIR / "ember" / "ember_api_carbon_intensity_yearly_CONSTRUCTED.json"
RECORDS = json.loads(SNAPSHOT_FILE.read_bytes())["data"]
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)
JSON = {"Content-Type": "application/json"}
SENTINEL_KEY = "SENTINEL-ember-key-7f3a9c"


def _answer(records, announced=None) -> bytes:
    count = len(records) if announced is None else announced
    return json.dumps({"stats": {"number_of_records": count}, "data": records}).encode()


COUNTRIES = _answer([record for record in RECORDS if not record["is_aggregate_entity"]])
EU = _answer([record for record in RECORDS if record["entity"] == "EU"])


def _fetch(base_url, policy=FAST, **overrides):
    arguments = {"api_key": SENTINEL_KEY, "start_year": 2019, "end_year": 2024, "base_url": base_url, **overrides}
    return ember.fetch_live(build_session(policy), **arguments)


def _query(path: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(path).query).items()}


def _assert_no_key(error: pytest.ExceptionInfo) -> None:
    assert SENTINEL_KEY not in str(error.value) and SENTINEL_KEY not in repr(error.value.args)


def test_live_fetch_asks_countries_then_eu_and_keeps_the_key_out_of_the_fetch():
    with scripted_server([(200, JSON, COUNTRIES), (200, JSON, EU)]) as (base_url, log):
        fetches = _fetch(base_url)
    assert [urlsplit(path).path for path in log] == ["/carbon-intensity/yearly"] * 2
    countries, eu = (_query(path) for path in log)
    assert countries == {"entity_code": ",".join(ember.MARKET_ENTITY_CODES), "start_date": "2019",
                         "end_date": "2024", "api_key": SENTINEL_KEY}
    assert eu == {"entity": "EU", "start_date": "2019", "end_date": "2024", "api_key": SENTINEL_KEY}
    for fetch in fetches:
        assert SENTINEL_KEY not in fetch.url and "api_key" not in fetch.url
        assert SENTINEL_KEY not in repr(fetch.parameters) and "api_key" not in fetch.parameters
        assert fetch.mode == "live" and fetch.http_status == 200 and fetch.source == "ember"
    assert fetches[1].parameters == {"entity": "EU", "start_date": "2019", "end_date": "2024"}
    frame = ember.parse(fetches[1].content)
    assert frame["entity_code"].isna().all() and frame["is_aggregate_entity"].all()
    assert frame.loc[frame["year"] == 2023, "carbon_intensity_elec_g_per_kwh"].item() == pytest.approx(237.487)


def test_missing_key_is_refused_before_any_request(monkeypatch):
    monkeypatch.setenv(ember.API_KEY_ENV, "")
    assert ember.api_key_from_env() is None
    monkeypatch.setenv(ember.API_KEY_ENV, SENTINEL_KEY)
    assert ember.api_key_from_env() == SENTINEL_KEY
    with scripted_server([(200, JSON, COUNTRIES)]) as (base_url, log):
        with pytest.raises(SourceError, match=r"\[ember\] no API key: set EMBER_API_KEY"):
            _fetch(base_url, api_key=None)
    assert log == []


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b'{"detail": "rate limited"}'), (200, JSON, COUNTRIES)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        fetches = _fetch(base_url, include_eu=False)
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9 and len(fetches) == 1


def test_server_error_is_retried_then_succeeds():
    with scripted_server([(500, {}, b"internal error"), (200, JSON, COUNTRIES)]) as (base_url, log):
        fetches = _fetch(base_url, include_eu=False)
    assert len(log) == 2 and fetches[0].http_status == 200
    assert len(ember.parse(fetches[0].content)) == 59


def test_read_timeout_names_the_source_and_logs_no_key(caplog):
    slow = HttpPolicy(connect_timeout_s=1, read_timeout_s=0.3, max_retries=1, backoff_factor_s=0.01, min_interval_s=0)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    with scripted_server([(200, JSON, COUNTRIES, {"delay_s": 1.0})]) as (base_url, log):
        # connectors.http retries a read timeout itself (max_retries), then names the cause.
        with pytest.raises(SourceError, match=r"^\[ember\] timed out waiting for the answer .*after 2 attempts") as error:
            _fetch(base_url, policy=slow)
    _assert_no_key(error)
    assert len(log) == 2 and SENTINEL_KEY in log[0]  # the key was sent, twice...
    assert "Starting new HTTP connection" in caplog.text
    assert SENTINEL_KEY not in caplog.text  # ...but no log line of urllib3 prints it


def test_truncated_body_names_the_source():
    with scripted_server([(200, JSON, COUNTRIES, {"declared_length": len(COUNTRIES) + 300})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[ember\]") as error:
            _fetch(base_url)
    _assert_no_key(error)


def test_rejected_key_is_an_error_without_the_key():
    with scripted_server([(403, JSON, b'{"detail": "Not authenticated"}')]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[ember\] HTTP 403") as error:
            _fetch(base_url)
    _assert_no_key(error)


def test_error_envelope_is_quoted_and_an_echoed_key_refuses_the_answer():
    envelope = json.dumps({"detail": "Invalid API key"}).encode()
    with scripted_server([(200, JSON, envelope)]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[ember\] API returned an error.*Invalid API key") as error:
            _fetch(base_url)
    echoing = json.dumps({"detail": f"Invalid API key {SENTINEL_KEY}"}).encode()
    with scripted_server([(200, JSON, echoing)]) as (base_url, _):
        with pytest.raises(SourceError, match=r"^\[ember\] the answer from .* contains an active API key") as error:
            _fetch(base_url)
    _assert_no_key(error)
    with pytest.raises(SourceError, match="rate limit exceeded"):
        ember.parse(b'{"error": {"code": 429, "message": "rate limit exceeded"}}')
    with pytest.raises(SourceError, match="no 'data'"):
        ember.parse(b'{"stats": {"number_of_records": 0}}')


def test_number_of_records_mismatch_is_refused():
    records = json.loads(COUNTRIES)["data"]
    truncated = _answer(records[:40], announced=len(records))
    with scripted_server([(200, JSON, truncated)]) as (base_url, _):
        with pytest.raises(SourceError, match=r"number_of_records is 59 but data holds 40") as error:
            _fetch(base_url)
    _assert_no_key(error)


def test_renamed_value_field_is_schema_drift():
    drifted = SNAPSHOT_FILE.read_bytes().replace(b'"emissions_intensity_gco2_per_kwh"', b'"emissions_intensity_gco2e_per_kwh"')
    with pytest.raises(SchemaDriftError, match="ember.*emissions_intensity_gco2_per_kwh") as error:
        ember.parse(drifted)
    assert error.value.field == "emissions_intensity_gco2_per_kwh"
    non_numeric = _answer([{**RECORDS[0], "emissions_intensity_gco2_per_kwh": "619.6 g"}])
    with pytest.raises(SchemaDriftError) as error:
        ember.parse(non_numeric)
    assert error.value.field == "emissions_intensity_gco2_per_kwh"


def test_truncated_json_is_a_source_error():
    with pytest.raises(SourceError, match=r"^\[ember\] response is not valid JSON"):
        ember.parse(COUNTRIES[:-40])


def test_snapshot_gives_the_real_values_and_selects_by_year():
    snapshot = Snapshot(DEFAULT_SNAPSHOT_DIR)
    fetches = ember.fetch_snapshot(snapshot)
    assert [fetch.parameters["snapshot_file"] for fetch in fetches] == [
        "ember/ember_api_carbon_intensity_yearly_CONSTRUCTED.json"
    ]
    assert fetches[0].source == "ember" and fetches[0].mode == "snapshot"
    assert snapshot.partitions_of("ember") == ["2019", "2020", "2021", "2022", "2023", "2024"]
    assert ember.fetch_snapshot(snapshot, 2024) == fetches and ember.fetch_snapshot(snapshot, 2018) == []
    frame = ember.parse(fetches[0].content).set_index(["entity_code", "year"])
    assert len(frame) == 64
    assert frame.loc[("CHN", 2024), "carbon_intensity_elec_g_per_kwh"] == pytest.approx(559.552)
    assert frame.loc[("HUN", 2019), "carbon_intensity_elec_g_per_kwh"] == pytest.approx(266.044)


def test_snapshot_frame_satisfies_the_contract():
    frame = ember.parse(ember.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))[0].content)
    frame["source_sha256"] = "b" * 64
    validated = RAW_EMBER_GRID_INTENSITY.to_pandera().validate(frame)
    assert list(validated.columns) == RAW_EMBER_GRID_INTENSITY.column_names
    assert validated.loc[validated["entity"] == "EU", "entity_code"].isna().all()
