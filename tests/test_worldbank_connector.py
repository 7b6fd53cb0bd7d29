"""The World Bank connector's live code path, replaying recorded answers on 127.0.0.1, and its snapshot."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors import worldbank
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from connectors.snapshot_builders import worldbank_exchange_rates
from tests.local_http import scripted_server
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SNAPSHOT = DEFAULT_SNAPSHOT_DIR / "worldbank"
MEX_EMU = (SNAPSHOT / "wb_gdp_recorded_mex_emu.json").read_bytes()
USA_2024 = (SNAPSHOT / "wb_gdp_usa_2024_single.json").read_bytes()
ERROR_ENVELOPE = (SNAPSHOT / "wb_error_invalid_value.json").read_bytes()
EXCHANGE_RATE_FILE = "worldbank/wb_pa_nus_fcrf_markets_2015_2025.json"
EXCHANGE_RATES = (DEFAULT_SNAPSHOT_DIR / EXCHANGE_RATE_FILE).read_bytes()
# PA.NUS.FCRF as printed in the WDI bulk CSV API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv (Last Updated
# 2026-07-13), favourdavidemeka/nigeria-market-analysis@338825da02091afd3105d111ef747de9fd0296eb data-raw/,
# read there cell by cell: local currency units per US$, period average.
TRANSCRIBED_RATES = {
    ("IDN", 2022): 14849.8539362105, ("IDN", 2023): 15236.8846620506, ("IDN", 2024): 15855.4482866711,
    ("THA", 2022): 35.0613502144776, ("THA", 2023): 34.8021885808364, ("THA", 2024): 35.2935380808081,
    ("SGP", 2022): 1.37866666666667, ("SGP", 2023): 1.34276666666667, ("SGP", 2024): 1.33623333333333,
    ("HUN", 2022): 372.595833333333, ("HUN", 2023): 353.088333333333, ("HUN", 2024): 365.690833333333,
    ("POL", 2022): 4.45775833333333, ("POL", 2023): 4.20366666666667, ("POL", 2024): 3.98078333333333,
    ("CHN", 2022): 6.73715811237119, ("CHN", 2023): 7.08399842343631, ("CHN", 2024): 7.19749110789917,
    ("ZAF", 2022): 16.3558534845, ("ZAF", 2023): 18.4502441785, ("ZAF", 2024): 18.3286575505,
    ("PAK", 2022): 204.867187469982, ("PAK", 2023): 280.356111655149, ("PAK", 2024): 278.580716167563,
    ("RUS", 2022): 68.4849416666667, ("RUS", 2023): 85.1620083333333, ("RUS", 2024): 92.5524,
    ("EMU", 2022): 0.949623753156941, ("EMU", 2023): 0.924839558470698, ("EMU", 2024): 0.923889546117607,
    ("USA", 2022): 1.0, ("USA", 2023): 1.0, ("USA", 2024): 1.0,
    ("IDN", 2020): 14582.2034678177, ("EMU", 2021): 0.84549413889045, ("SGP", 2025): 1.30745,
}
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
        EXCHANGE_RATE_FILE,
    ]
    assert all(fetch.mode == "snapshot" and fetch.source == "worldbank" for fetch in fetches)
    mex_emu, usa, _ = (worldbank.parse(fetch.content) for fetch in fetches)
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


def _empty_answer() -> bytes:
    return b'[{"page":1,"pages":0,"per_page":1000,"total":0,"sourceid":"2","lastupdated":"2026-07-13"},null]'


def test_the_exchange_rate_is_asked_for_the_markets_and_the_euro_area():
    assert worldbank.INDICATORS["PA.NUS.FCRF"] == "LCU per US$"
    assert worldbank.requested_codes("PA.NUS.FCRF") == worldbank.MARKET_COUNTRY_CODES + ("EMU",)
    assert {"IDN", "THA", "SGP", "HUN", "POL", "CHN", "ZAF", "PAK", "RUS", "USA", "EUU"} <= set(worldbank.MARKET_COUNTRY_CODES)
    # the euro area is added for the currency only: the other indicators stay with the markets
    assert worldbank.requested_codes("SP.POP.TOTL") == worldbank.MARKET_COUNTRY_CODES


def test_live_path_requests_every_indicator_and_parses_the_exchange_rate():
    answers = {indicator: _empty_answer() for indicator in worldbank.INDICATORS}
    answers["PA.NUS.FCRF"] = EXCHANGE_RATES
    with scripted_server([(200, JSON, answers[indicator]) for indicator in worldbank.INDICATORS]) as (base_url, log):
        fetches = worldbank.fetch_all_live(build_session(FAST), 2015, 2026, base_url=base_url)
    paths = [urlsplit(path).path for path in log]
    assert paths == [f"/country/{';'.join(worldbank.requested_codes(indicator))}/indicator/{indicator}"
                     for indicator in worldbank.INDICATORS]
    assert paths[-1] == "/country/CHN;IDN;THA;SGP;HUN;POL;ZAF;PAK;RUS;EUU;USA;EMU/indicator/PA.NUS.FCRF"
    assert _query(log[-1]) == {"format": "json", "per_page": "1000", "page": "1", "date": "2015:2026"}
    assert all(fetch.mode == "live" for fetch in fetches) and len(fetches) == len(worldbank.INDICATORS)
    rates = worldbank.parse(fetches[-1].content)
    assert set(rates["indicator_id"]) == {"PA.NUS.FCRF"} and set(rates["value_unit"]) == {"LCU per US$"}
    indonesia_2024 = rates[(rates["country_iso3"] == "IDN") & (rates["year"] == 2024)]
    assert indonesia_2024["value"].item() == 15855.4482866711
    assert rates.loc[rates["country_iso3"] == "EMU", "country_wb_id"].unique().tolist() == ["XC"]


def test_snapshot_lands_the_transcribed_exchange_rates():
    fetch = next(fetch for fetch in worldbank.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
                 if fetch.parameters["snapshot_file"] == EXCHANGE_RATE_FILE)
    rates = worldbank.parse(fetch.content)
    landed = {(row.country_iso3, row.year): row.value for row in rates.itertuples()}
    for key, value in TRANSCRIBED_RATES.items():
        assert landed[key] == value, key
    assert set(rates["last_updated"]) == {"2026-07-13"} and set(rates["year"]) == set(range(2015, 2026))
    # where the WDI file has no value the answer says null; nothing is filled in
    assert landed[("RUS", 2025)] != landed[("RUS", 2025)]  # NaN
    assert rates.loc[rates["country_iso3"] == "EUU", "value"].isna().all()
    assert rates["value"].notna().sum() == 11 * 11 - 1  # 11 codes with values x 2015-2025, less RUS 2025


def test_exchange_rate_answer_is_rebuilt_from_the_transcription_and_cites_it():
    assert worldbank_exchange_rates.build(DEFAULT_SNAPSHOT_DIR) == EXCHANGE_RATES
    snapshot = Snapshot(DEFAULT_SNAPSHOT_DIR)
    entry = snapshot.entry(EXCHANGE_RATE_FILE)
    codes = ";".join(worldbank.requested_codes("PA.NUS.FCRF"))
    assert entry.url == (f"https://api.worldbank.org/v2/country/{codes}/indicator/PA.NUS.FCRF"
                         "?format=json&per_page=1000&page=1&date=2015:2026")
    assert entry.retrieved_date == "2026-12-02" and entry.licence == "CC BY 4.0"
    assert entry.citation == "World Bank, World Development Indicators, PA.NUS.FCRF"
    manifest = json.loads((DEFAULT_SNAPSHOT_DIR / "manifest.json").read_text())
    trust = next(record["trust"] for record in manifest["files"] if record["path"] == EXCHANGE_RATE_FILE)
    assert trust.startswith("V2 (second-hand): values transcribed from favourdavidemeka/nigeria-market-analysis@338825da")
    excerpt = snapshot.entry(worldbank_exchange_rates.EXCERPT_FILE)
    assert excerpt.source_id != worldbank.SOURCE  # the excerpt is the source of the answer, not an answer
    snapshot.read(worldbank_exchange_rates.EXCERPT_FILE)  # its bytes match the manifest
