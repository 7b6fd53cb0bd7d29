"""The carsales connector (new-car sales by market, month and powertrain): every country's snapshot
file parses to its real values and the raw contract, an unknown or missing column fails naming the
file and the column, the live code path is replayed on 127.0.0.1, and the asset lands the snapshot
with a fetch-log row and the content-addressed bytes of every file."""

import hashlib
import json

import duckdb
import pandas as pd
import pytest
from dagster import materialize

from connectors import carsales
from connectors.errors import HttpStatusError, SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from orchestration.assets.raw_carsales import raw_carsales__new_car_sales
from orchestration.resources import SourcesResource, WarehouseResource
from tests.landed import landed
from tests.local_http import scripted_server
from warehouse.contracts.raw_carsales import RAW_CARSALES_NEW_CAR_SALES
from warehouse.contracts.vocabularies import MARKET_CODES, MARKETS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR
from warehouse.raw_store import sha256_hex

FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=1, backoff_factor_s=0.01, min_interval_s=0)
SNAPSHOT_FETCHES = carsales.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
BODIES = {carsales.file_name(fetch): fetch.content for fetch in SNAPSHOT_FETCHES}
PUBLISHERS = carsales.parse_publishers(BODIES[carsales.SOURCES_FILE])
COUNTRY = {country.slug: country for country in carsales.COUNTRIES}


def parse(country: carsales.Country, content: bytes | None = None) -> pd.DataFrame:
    return carsales.parse_country(BODIES[country.file] if content is None else content, country, PUBLISHERS[country.sources_name])


def sales(frame: pd.DataFrame, month: str, powertrain: str) -> int:
    return int(frame.set_index(["month", "powertrain"]).loc[(month, powertrain), "new_car_sales"])


def with_header(country: carsales.Country, old: str, new: str) -> bytes:
    header, rest = BODIES[country.file].split(b"\n", 1)
    assert old.encode() in header
    return header.replace(old.encode(), new.encode(), 1) + b"\n" + rest


@pytest.mark.parametrize("country", carsales.COUNTRIES, ids=lambda country: country.slug)
def test_every_country_file_parses_to_each_of_its_columns_and_months(country):
    content = BODIES[country.file]
    frame = parse(country)
    months = content.count(b"\n") - 1 + (not content.endswith(b"\n"))
    assert len(frame) == months * len(country.columns) and months > 12
    assert set(frame["powertrain"]) == {carsales.POWERTRAIN_BY_COLUMN[column] for column in country.columns}
    assert set(frame["market_code"]) == {country.market_code}
    assert set(frame["publisher"]) == {PUBLISHERS[country.sources_name]}
    validated = RAW_CARSALES_NEW_CAR_SALES.to_pandera().validate(frame.assign(source_sha256=sha256_hex(content)))
    assert list(validated.columns) == RAW_CARSALES_NEW_CAR_SALES.column_names


def test_parsed_values_are_the_files_own():
    indonesia = parse(COUNTRY["indonesia"])
    assert sales(indonesia, "2010-01", "diesel") == 2922 and sales(indonesia, "2010-01", "petrol") == 35644
    assert sales(indonesia, "2026-06", "bev") == 12695 and sales(indonesia, "2026-06", "other") == 11
    # China writes some counts with decimals (322182.000000): still whole numbers.
    china = parse(COUNTRY["china"])
    assert sales(china, "2026-06", "phev") == 322182 and sales(china, "2026-06", "ice") == 595171
    assert sales(parse(COUNTRY["usa"]), "2010-12", "ice") == 1115903
    assert sales(parse(COUNTRY["poland"]), "2018-01", "lpg") == 1143
    assert sales(parse(COUNTRY["malaysia"]), "2026-07", "hybrid") == 4964
    assert sales(parse(COUNTRY["europeanunion"]), "2026-06", "hev") == 404608


def test_publishers_come_from_sources_data_json():
    assert PUBLISHERS["Indonesia"] == "https://files.gaikindo.or.id/index.php"
    assert PUBLISHERS["EUROPEAN UNION"] == "https://www.acea.auto/nav/?content=press-releases"
    assert PUBLISHERS["Thailand"].split(carsales.PUBLISHER_SEPARATOR) == [
        "https://web.dlt.go.th/statistics/",
        "https://data.thaiauto.or.th/auto/auto-stat/auto-registration/stat-auto-registration-energy-menu.html"]


def test_market_codes_are_the_seeds_and_the_eu_is_coded_as_the_seed_codes_it():
    codes = {country.market_code for country in carsales.COUNTRIES}
    aggregate = next(market.code for market in MARKETS if market.iso3 is None and market.worldbank_code == "EUU")
    assert COUNTRY["europeanunion"].market_code == aggregate
    # Malaysia is the one market of the dataset the project does not model (yet).
    assert codes - set(MARKET_CODES) == {"MYS"}


@pytest.mark.parametrize("slug, old, new", [
    ("thailand", "Others", "Hydrogen"),  # a column nobody mapped
    ("china", "ICE", "Petrol"),  # a known column, but not China's: beside ICE it would double count
])
def test_an_unknown_column_fails_naming_the_file_and_the_column(slug, old, new):
    country = COUNTRY[slug]
    with pytest.raises(SchemaDriftError, match="unknown column") as raised:
        parse(country, with_header(country, f'"{old}"', f'"{new}"'))
    assert raised.value.field == f"{country.file}:{new}"
    assert country.file in str(raised.value) and new in str(raised.value) and "[carsales]" in str(raised.value)


def test_a_missing_month_column_fails_naming_the_file():
    country = COUNTRY["usa"]
    with pytest.raises(SchemaDriftError, match="month column is missing") as raised:
        parse(country, with_header(country, '"YYYYMM"', '"Month"'))
    assert raised.value.field == "usa_carsales_monthly.csv:YYYYMM"


def test_a_missing_powertrain_column_fails_naming_it():
    country = COUNTRY["indonesia"]
    header, rest = BODIES[country.file].split(b"\n", 1)
    dropped = header.replace(b',"Others"', b"") + b"\n" + b"\n".join(line.rsplit(b",", 1)[0] for line in rest.splitlines())
    with pytest.raises(SchemaDriftError, match="expected column missing") as raised:
        parse(country, dropped)
    assert raised.value.field == "indonesia_carsales_monthly.csv:Others"


@pytest.mark.parametrize("cell, expected", [("", "rows without a value"), ("12.5", "non-integer"), ("n/a", "non-numeric")])
def test_a_count_that_is_not_a_whole_number_fails_naming_file_and_column(cell, expected):
    country = COUNTRY["hungary"]
    content = BODIES[country.file].replace(b"202201,874,", f"202201,{cell},".encode(), 1)
    with pytest.raises(SchemaDriftError, match=expected) as raised:
        parse(country, content)
    assert raised.value.field == "hungary_carsales_monthly.csv:Diesel"


def test_a_malformed_month_fails_naming_it():
    country = COUNTRY["hungary"]
    with pytest.raises(SchemaDriftError, match="not a YYYYMM month") as raised:
        parse(country, BODIES[country.file].replace(b"\n202201,", b"\n202213,", 1))
    assert raised.value.field == "hungary_carsales_monthly.csv:YYYYMM" and "202213" in str(raised.value)


def test_a_country_missing_from_sources_data_json_fails_naming_it():
    document = [entry for entry in json.loads(BODIES[carsales.SOURCES_FILE]) if entry["country"] != "Malaysia"]
    fetches = [fetch if carsales.file_name(fetch) != carsales.SOURCES_FILE else
               type(fetch)(**{**fetch.__dict__, "content": json.dumps(document).encode()}) for fetch in SNAPSHOT_FETCHES]
    parser = carsales.parser_for(fetches)
    malaysia = next(fetch for fetch in fetches if carsales.file_name(fetch) == "malaysia_carsales_monthly.csv")
    with pytest.raises(SchemaDriftError, match="no entry for 'Malaysia'") as raised:
        parser(malaysia)
    assert "malaysia_carsales_monthly.csv" in str(raised.value)


def test_a_snapshot_without_one_of_the_files_fails_naming_it(tmp_path):
    manifest = json.loads((DEFAULT_SNAPSHOT_DIR / "manifest.json").read_text())
    manifest["files"] = [entry for entry in manifest["files"] if not entry["path"].endswith("usa_carsales_monthly.csv")]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(SourceError, match="usa_carsales_monthly.csv"):
        carsales.fetch_snapshot(Snapshot(tmp_path))


def test_live_fetch_gets_every_file_and_parses_as_the_snapshot_does():
    answers = [(200, {"Content-Type": "text/csv"}, BODIES[name]) for name in carsales.FILES]
    with scripted_server(answers) as (base_url, log):
        fetches = carsales.fetch_live(build_session(FAST), base_url=f"{base_url}/carsales/data")
    assert list(log) == [f"/carsales/data/{name}" for name in carsales.FILES]
    assert [(fetch.mode, fetch.http_status, fetch.parameters) for fetch in fetches] == [
        ("live", 200, {"file": name}) for name in carsales.FILES]
    assert fetches[1].url == f"{base_url}/carsales/data/indonesia_carsales_monthly.csv"
    assert fetches[1].licence == "CC BY 4.0" and "indonesia_carsales_monthly.csv" in fetches[1].citation
    live, offline = carsales.parser_for(fetches), carsales.parser_for(SNAPSHOT_FETCHES)
    snapshot = {carsales.file_name(fetch): fetch for fetch in SNAPSHOT_FETCHES}
    for fetch in fetches:
        pd.testing.assert_frame_equal(live(fetch), offline(snapshot[carsales.file_name(fetch)]))


def test_live_fetch_names_the_file_a_server_does_not_have():
    answers = [(200, {}, BODIES[carsales.SOURCES_FILE]), (404, {}, b"not found")]
    with scripted_server(answers) as (base_url, _):
        with pytest.raises(HttpStatusError, match="HTTP 404") as raised:
            carsales.fetch_live(build_session(FAST), base_url=base_url)
    assert "indonesia_carsales_monthly.csv" in str(raised.value) and "[carsales]" in str(raised.value)


def test_the_snapshot_lands_with_a_fetch_log_row_and_the_bytes_of_every_file(tmp_path):
    data_dir = tmp_path / "data"
    resources = {"sources": SourcesResource(snapshot_dir=str(DEFAULT_SNAPSHOT_DIR)),
                 "warehouse": WarehouseResource(data_dir=str(data_dir))}
    result = materialize([raw_carsales__new_car_sales], resources=resources)
    assert result.success
    log, table = landed(data_dir, RAW_CARSALES_NEW_CAR_SALES.name)
    assert sorted(log["url"]) == sorted(f"{carsales.BASE_URL}/{name}" for name in carsales.FILES)
    assert set(log["mode"]) == {"snapshot"} and set(log["licence"]) == {"CC BY 4.0"}
    for row in log.itertuples():
        stored = data_dir / "raw" / "sha256" / row.sha256[:2] / row.sha256
        content = BODIES[row.url.rsplit("/", 1)[1]]
        assert stored.read_bytes() == content and row.sha256 == hashlib.sha256(content).hexdigest()
        assert row.byte_count == len(content)
    rows_by_file = dict(zip(log["url"].str.rsplit("/", n=1).str[1], log["row_count"]))
    assert rows_by_file[carsales.SOURCES_FILE] == 0
    expected = {country.file: len(parse(country)) for country in carsales.COUNTRIES}
    assert {name: rows for name, rows in rows_by_file.items() if name != carsales.SOURCES_FILE} == expected
    assert len(table) == sum(expected.values())
    # Every row traces to the bytes of its country's file.
    digest_of = {country.market_code: sha256_hex(BODIES[country.file]) for country in carsales.COUNTRIES}
    assert (table["source_sha256"] == table["market_code"].map(digest_of)).all()
    checks = result.get_asset_check_evaluations()
    assert [check.passed for check in checks] == [True]


def test_the_live_path_of_the_asset_lands_through_the_configured_endpoint(tmp_path):
    data_dir = tmp_path / "data"
    answers = [(200, {}, BODIES[name]) for name in carsales.FILES]
    with scripted_server(answers) as (base_url, requests_made):
        resources = {"sources": SourcesResource(live=True, snapshot_dir=str(DEFAULT_SNAPSHOT_DIR),
                                                endpoints={carsales.SOURCE: base_url}),
                     "warehouse": WarehouseResource(data_dir=str(data_dir))}
        result = materialize([raw_carsales__new_car_sales], resources=resources)
    assert result.success and len(requests_made) == len(carsales.FILES)
    log, table = landed(data_dir, RAW_CARSALES_NEW_CAR_SALES.name)
    assert set(log["mode"]) == {"live"} and set(log["http_status"]) == {200}
    assert set(log["url"]) == {f"{base_url}/{name}" for name in carsales.FILES}
    assert set(table["market_code"]) == {country.market_code for country in carsales.COUNTRIES}


def test_staging_maps_each_sales_powertrain_to_the_catalogues(refreshed_data_dir):
    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        mapping = dict(connection.sql("select distinct powertrain, catalogue_powertrain "
                                      "from staging.stg_carsales__new_car_sales").fetchall())
        counts = connection.sql("select (select count(*) from staging.stg_carsales__new_car_sales), "
                                f"(select count(*) from raw.{RAW_CARSALES_NEW_CAR_SALES.name})").fetchall()[0]
    assert mapping == {"diesel": "ICEV", "petrol": "ICEV", "lpg": "ICEV", "ice": "ICEV", "hev": "HEV",
                       "phev": "PHEV", "bev": "BEV", "hybrid": None, "other": None}
    assert counts[0] == counts[1] > 8000
