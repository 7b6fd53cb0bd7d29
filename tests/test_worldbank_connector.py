"""The World Bank connector's live code path, replaying recorded answers on 127.0.0.1, and its snapshot."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors import worldbank
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SNAPSHOT = DEFAULT_SNAPSHOT_DIR / "worldbank"
MEX_EMU = (SNAPSHOT / "wb_gdp_recorded_mex_emu.json").read_bytes()
USA_2024 = (SNAPSHOT / "wb_gdp_usa_2024_single.json").read_bytes()
ERROR_ENVELOPE = (SNAPSHOT / "wb_error_invalid_value.json").read_bytes()
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)
JSON = {"Content-Type": "application/json;charset=utf-8"}


def _fetch(base_url, policy=FAST, **overrides):
    arguments = {"indicator": "NY.GDP.MKTP.CD", "country_codes": ("MEX", "EMU"), "start_year": 2024,
                 "end_year": 2025, "base_url": base_url, **overrides}
    return worldbank.fetch_live(build_session(policy), **arguments)


def _query(path: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(path).query).items()}


def _recorded_over_two_pages() -> list[bytes]:
    """The recorded MEX/EMU answer split into pages of 2 records, with the metadata the API would send."""
    meta, records = json.loads(MEX_EMU)
    pages = []
    for number, chunk in ((1, records[:2]), (2, records[2:])):
        pages.append(json.dumps([{**meta, "page": number, "pages": 2, "per_page": 2}, chunk]).encode())
    return pages


def _with_first_record(change) -> bytes:
    meta, records = json.loads(MEX_EMU)
    change(records[0])
    return json.dumps([meta, records]).encode()


def test_pagination_requests_every_page_and_parses_all_rows():
    first, second = _recorded_over_two_pages()
    with scripted_server([(200, JSON, first), (200, JSON, second)]) as (base_url, log):
        fetches = _fetch(base_url, per_page=2)
    assert [_query(path)["page"] for path in log] == ["1", "2"]
    assert urlsplit(log[0]).path == "/country/MEX;EMU/indicator/NY.GDP.MKTP.CD"
    assert _query(log[0]) == {"format": "json", "per_page": "2", "page": "1", "date": "2024:2025"}
    assert [fetch.parameters["page"] for fetch in fetches] == ["1", "2"]
    assert all(fetch.mode == "live" and fetch.http_status == 200 and fetch.source == "worldbank" for fetch in fetches)
    assert "page=2" in fetches[1].url and fetches[1].url.startswith(base_url)
    frames = [worldbank.parse(fetch.content) for fetch in fetches]
    assert [len(frame) for frame in frames] == [2, 2]
    mexico_2024 = frames[0][(frames[0]["country_iso3"] == "MEX") & (frames[0]["year"] == 2024)]
    assert mexico_2024["value"].item() == pytest.approx(1830489311088.89)
    assert frames[1]["country_name"].tolist() == ["Euro area", "Not classified"]


def test_pages_that_do_not_add_up_to_the_total_are_refused():
    first, second = _recorded_over_two_pages()
    meta, records = json.loads(second)
    short_second = json.dumps([meta, records[:1]]).encode()
    with scripted_server([(200, JSON, first), (200, JSON, short_second)]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[worldbank\].*announces 4 records.*held 3"):
            _fetch(base_url, per_page=2)


def test_empty_result_is_valid_and_gives_zero_rows():
    empty = b'[{"page":1,"pages":0,"per_page":1000,"total":0,"sourceid":null,"lastupdated":"2026-07-13"},null]'
    with scripted_server([(200, JSON, empty)]) as (base_url, log):
        fetches = _fetch(base_url)
    frame = worldbank.parse(fetches[0].content)
    assert len(log) == 1 and len(fetches) == 1
    assert frame.empty and list(frame.columns) == list(worldbank.COLUMNS)


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (200, JSON, USA_2024)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        fetches = _fetch(base_url, country_codes=("USA",))
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9
    assert worldbank.parse(fetches[0].content)["value"].item() == 29298013000000


def test_server_error_is_retried_then_succeeds():
    with scripted_server([(500, {}, b"internal error"), (200, JSON, USA_2024)]) as (base_url, log):
        fetches = _fetch(base_url, country_codes=("USA",))
    assert len(log) == 2 and len(fetches) == 1 and fetches[0].http_status == 200


def test_read_timeout_names_the_source():
    slow = HttpPolicy(connect_timeout_s=1, read_timeout_s=0.3, max_retries=1, backoff_factor_s=0.01, min_interval_s=0)
    with scripted_server([(200, JSON, USA_2024, {"delay_s": 1.0})]) as (base_url, _):
        # connectors.http says "timed out" for a requests Timeout; once urllib3 has spent its read
        # retries the timeout arrives wrapped in a ConnectionError and is named by its cause instead.
        with pytest.raises(SourceError, match=r"^\[worldbank\] .*timed out"):
            _fetch(base_url, policy=slow)


def test_truncated_body_names_the_source():
    with scripted_server([(200, JSON, MEX_EMU, {"declared_length": len(MEX_EMU) + 500})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[worldbank\]") as error:
            _fetch(base_url)
    assert not isinstance(error.value, SchemaDriftError)


def test_truncated_json_is_a_source_error():
    with pytest.raises(SourceError, match=r"\[worldbank\] response is not valid JSON"):
        worldbank.parse(MEX_EMU[: len(MEX_EMU) // 2])


def test_recorded_error_envelope_with_http_200_quotes_id_key_and_value():
    with scripted_server([(200, JSON, ERROR_ENVELOPE)]) as (base_url, log):
        with pytest.raises(SourceError) as error:
            _fetch(base_url, country_codes=("XXX",))
    message = str(error.value)
    assert message.startswith("[worldbank]") and len(log) == 1
    assert "120" in message and "Invalid value" in message and "The provided parameter value is not valid" in message
    with pytest.raises(SourceError, match="Invalid value"):
        worldbank.parse(ERROR_ENVELOPE)


def test_record_without_iso3_code_is_schema_drift():
    drifted = _with_first_record(lambda record: record.pop("countryiso3code"))
    with pytest.raises(SchemaDriftError, match="worldbank.*countryiso3code") as error:
        worldbank.parse(drifted)
    assert error.value.field == "countryiso3code"


def test_non_numeric_value_is_schema_drift():
    drifted = _with_first_record(lambda record: record.update(value="1.8 trillion"))
    with scripted_server([(200, JSON, drifted)]) as (base_url, _):
        fetches = _fetch(base_url)  # the fetch lands the bytes; parsing refuses them
    with pytest.raises(SchemaDriftError) as error:
        worldbank.parse(fetches[0].content)
    assert error.value.field == "value"


def test_unknown_indicator_and_missing_page_metadata_are_schema_drift():
    unknown = _with_first_record(lambda record: record["indicator"].update(id="NY.GDP.MKTP.KN"))
    with pytest.raises(SchemaDriftError) as error:
        worldbank.parse(unknown)
    assert error.value.field == "indicator.id"
    meta, records = json.loads(MEX_EMU)
    del meta["lastupdated"]
    with pytest.raises(SchemaDriftError) as error:
        worldbank.parse(json.dumps([meta, records]).encode())
    assert error.value.field == "lastupdated"


def test_snapshot_gives_the_recorded_values_and_skips_the_error_fixture():
    fetches = worldbank.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
    assert [fetch.parameters["snapshot_file"] for fetch in fetches] == [
        "worldbank/wb_gdp_recorded_mex_emu.json",
        "worldbank/wb_gdp_usa_2024_single.json",
    ]
    assert all(fetch.mode == "snapshot" and fetch.source == "worldbank" for fetch in fetches)
    mex_emu, usa = (worldbank.parse(fetch.content) for fetch in fetches)
    assert usa.loc[0, "value"] == 29298013000000 and usa.loc[0, "year"] == 2024
    assert usa.loc[0, "country_iso3"] == "USA" and usa.loc[0, "value_unit"] == "current USD"
    not_classified = mex_emu[mex_emu["country_name"] == "Not classified"]
    assert not_classified["country_iso3"].isna().item() and not_classified["country_wb_id"].item() == "XX"
    assert mex_emu.loc[mex_emu["country_iso3"] == "EMU", "value"].isna().item()
    assert set(mex_emu["last_updated"]) == {"2026-07-13"}


def test_snapshot_frames_satisfy_the_contract():
    schema = RAW_WORLDBANK_INDICATORS.to_pandera()
    for fetch in worldbank.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR)):
        frame = worldbank.parse(fetch.content)
        frame["source_sha256"] = "a" * 64
        validated = schema.validate(frame)
        assert list(validated.columns) == RAW_WORLDBANK_INDICATORS.column_names
