"""GAIKINDO model wholesales: the embedded extract parses to the totals the shared data's README
states; a field outside its rule fails naming the file, row and column (never the value); the
folder of dropped files refuses a link leaving it; and the asset, as Dagster materializes it,
lands fetch-log rows and content-addressed bytes (offline: the extract; live: the dropped files)."""

import hashlib
import os

import duckdb
import pytest
from dagster import materialize

from connectors import gaikindo
from connectors.errors import SchemaDriftError, SourceError
from connectors.snapshot import Snapshot
from orchestration.assets.raw_gaikindo import FALLBACK, raw_gaikindo__model_wholesales
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import Settings
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

NODE = "raw__gaikindo__model_wholesales"
SNAPSHOT_FILE = "indonesia_model_wholesales_2022_2025.csv"
HEADER = "month,gaikindo_row_id,brand,model,type,category,fuel,engine_cc,transmission,gvw,built_up,origin,wholesales\n"
JANUARY = (
    HEADER
    + "2026-01,CAR0100,BYD,SEAL,SEAL PREMIUM AWD,SEDAN,BEV,,AT,,CBU,CHINA,120\n"
    + "2026-01,CAR0200,TOYOTA,AVANZA,AVANZA 1.5 G CVT,4X2,G,1496,CVT,\"1 ,700\",CKD,INDONESIA, 3004 \n"
    + "2026-01,CAR0300,HINO,FL 280 JW,FL 280 JW,TRUCK,,18--,,26,000,,,7\n"
).replace("26,000", '"26,000"')


@pytest.fixture(scope="module")
def extract():
    fetches = gaikindo.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
    assert [gaikindo.file_name(fetch) for fetch in fetches] == [SNAPSHOT_FILE]
    return gaikindo.parser_for(fetches)(fetches[0])


def _resources(tmp_path, live=False, gaikindo_dir=None):
    return {"sources": SourcesResource(snapshot_dir=str(DEFAULT_SNAPSHOT_DIR), live=live, gaikindo_dir=gaikindo_dir),
            "warehouse": WarehouseResource(data_dir=str(tmp_path / "data"))}


def _query(tmp_path, sql):
    with duckdb.connect(str(tmp_path / "data" / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        return connection.sql(sql).fetchall()


def test_the_extract_sums_to_the_yearly_totals_the_shared_readme_states(extract):
    assert len(extract) == 24_568
    by_year = extract.groupby(extract["month"].str[:4])["wholesales"].sum()
    # ../shared/data/README.md: "yearly totals 1.048 M, 1.006 M, 0.866 M, 0.804 M", to the thousand.
    assert {year: round(total / 1e6, 3) for year, total in by_year.items()} == {
        "2022": 1.048, "2023": 1.006, "2024": 0.866, "2025": 0.804}


def test_the_extract_maps_fuel_origin_and_engine_explicitly(extract):
    year_2024 = extract[extract["month"].str.startswith("2024")]
    by_brand = year_2024.groupby(["brand", "fuel_code"])["wholesales"].sum()
    # The README's Chinese brands in 2024 (its BEV figures count the code BEV, not EV).
    assert by_brand["BYD", "BEV"] == 16_669 and by_brand["WULING", "BEV"] == 11_228
    assert by_brand["CHERY", "BEV"] == 5_010 and by_brand["CHERY", "G"] == 4_181
    pairs = set(zip(extract["fuel_code"].dropna(), extract["powertrain"].dropna()))
    assert ("EV", "bev") in pairs and ("HYBRID", "hev") in pairs and ("G", "petrol") in pairs
    assert extract["fuel_code"].isna().equals(extract["powertrain"].isna())
    indonesian = extract[extract["origin"] == "INDONESIA"]
    assert set(indonesian["origin_iso3"]) == {"IDN"} and set(extract.loc[extract["origin"] == "SWEDIA", "origin_iso3"]) == {"SWE"}
    assert extract["origin"].isna().equals(extract["origin_iso3"].isna())
    # Garbled engine figures are kept as text beside a null number, never coerced.
    assert set(extract["engine_cc_unparsed"].dropna()) == {"18--", "91 kWh"}
    assert extract.loc[extract["engine_cc_unparsed"].notna(), "engine_cc"].isna().all()
    assert str(extract["engine_cc"].dtype) == "Int64" and extract["engine_cc"].max() < 20_000


def test_a_dropped_file_parses_each_field():
    frame = gaikindo.parse_file("jan.csv", JANUARY.encode())
    assert frame.drop(columns=["category", "model", "type"]).astype(object).where(frame.notna(), None).to_dict("records") == [
        {"source_file": "jan.csv", "source_row": 1, "month": "2026-01", "gaikindo_row_id": "CAR0100", "brand": "BYD",
         "fuel_code": "BEV", "powertrain": "bev", "engine_cc": None, "engine_cc_unparsed": None, "transmission": "AT",
         "gvw": None, "built_up": "CBU", "origin": "CHINA", "origin_iso3": "CHN", "wholesales": 120},
        {"source_file": "jan.csv", "source_row": 2, "month": "2026-01", "gaikindo_row_id": "CAR0200", "brand": "TOYOTA",
         "fuel_code": "G", "powertrain": "petrol", "engine_cc": 1496, "engine_cc_unparsed": None, "transmission": "CVT",
         "gvw": "1 ,700", "built_up": "CKD", "origin": "INDONESIA", "origin_iso3": "IDN", "wholesales": 3004},
        {"source_file": "jan.csv", "source_row": 3, "month": "2026-01", "gaikindo_row_id": "CAR0300", "brand": "HINO",
         "fuel_code": None, "powertrain": None, "engine_cc": None, "engine_cc_unparsed": "18--", "transmission": None,
         "gvw": "26,000", "built_up": None, "origin": None, "origin_iso3": None, "wholesales": 7},
    ]


@pytest.mark.parametrize("column, good, bad", [
    ("fuel", ",BEV,", ",LPG,"),
    ("origin", ",CHINA,", ",ATLANTIS,"),
    ("built_up", ",CBU,", ",IKD,"),
    ("month", "2026-01,CAR0100", "2026-13,CAR0100"),
    ("wholesales", ",120\n", ",-120\n"),
])
def test_a_value_outside_its_rule_fails_naming_file_row_and_column_not_the_value(column, good, bad):
    content = JANUARY.replace(good, bad, 1).encode()
    with pytest.raises(SchemaDriftError) as raised:
        gaikindo.parse_file("gaikindo_2026-01.csv", content)
    message = str(raised.value)
    assert raised.value.field == column and raised.value.source == "gaikindo"
    assert "gaikindo_2026-01.csv" in message and "data row(s) 1 " in message and f"'{column}'" in message
    assert bad.strip(",\n") not in message, message


def test_a_missing_column_names_the_file_and_column():
    with pytest.raises(SchemaDriftError, match=r"'built_up'.*jan\.csv: expected column missing"):
        gaikindo.parse_file("jan.csv", JANUARY.replace("built_up", "imported").encode())


def test_a_dropped_link_leaving_the_folder_is_refused_not_read(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    outside = tmp_path / "secret.csv"
    outside.write_text(JANUARY)
    (inbox / "gaikindo_2026-01.csv").symlink_to(outside)
    with pytest.raises(SourceError, match=r"\[gaikindo\] gaikindo_2026-01\.csv: a link to a file outside the GAIKINDO folder"):
        gaikindo.fetch_directory(str(inbox))


def test_the_same_month_in_two_files_is_refused(tmp_path):
    (tmp_path / "a.csv").write_text(JANUARY)
    (tmp_path / "b.csv").write_text(JANUARY.replace(",7\n", ",8\n"))
    fetches = gaikindo.fetch_directory(str(tmp_path))
    parse = gaikindo.parser_for(fetches)
    parse(fetches[0])
    with pytest.raises(SourceError, match=r"b\.csv and a\.csv both hold month 2026-01"):
        parse(fetches[1])
    (tmp_path / "b.csv").write_text(JANUARY)
    with pytest.raises(SourceError, match=r"a\.csv and b\.csv have the same bytes"):
        gaikindo.parser_for(gaikindo.fetch_directory(str(tmp_path)))


def test_settings_default_the_folder_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("GREENBRIDGE_GAIKINDO_DIR", raising=False)
    settings = Settings(data_dir=tmp_path / "data", snapshot_dir=DEFAULT_SNAPSHOT_DIR)
    assert settings.gaikindo_inbox == (tmp_path / "data" / "inbox" / "gaikindo").resolve()
    monkeypatch.setenv("GREENBRIDGE_GAIKINDO_DIR", str(tmp_path / "drop"))
    assert Settings.from_env().gaikindo_inbox == (tmp_path / "drop").resolve()


def test_offline_landing_writes_the_fetch_log_and_the_content_addressed_bytes(tmp_path):
    result = materialize([raw_gaikindo__model_wholesales], resources=_resources(tmp_path))
    assert result.success
    metadata = result.asset_materializations_for_node(NODE)[0].metadata
    assert metadata["dagster/row_count"].value == 24_568 and metadata["mode"].value == "snapshot"
    content = (DEFAULT_SNAPSHOT_DIR / "gaikindo" / SNAPSHOT_FILE).read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    assert (tmp_path / "data" / "raw" / "sha256" / digest[:2] / digest).read_bytes() == content
    log = _query(tmp_path, "select source, mode, sha256, row_count, table_name from raw.raw_fetch_log")
    assert log == [("gaikindo", "snapshot", digest, 24_568, "gaikindo__model_wholesales")]
    assert _query(tmp_path, "select sum(wholesales) from raw.gaikindo__model_wholesales "
                            "where month like '2024-%'") == [(865_795,)]


def test_live_landing_reads_the_dropped_files_or_says_it_fell_back(tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    result = materialize([raw_gaikindo__model_wholesales], resources=_resources(tmp_path, live=True, gaikindo_dir=str(inbox)))
    assert result.success
    metadata = result.asset_materializations_for_node(NODE)[0].metadata
    assert metadata["fallback"].value == FALLBACK and metadata["dagster/row_count"].value == 24_568

    (inbox / "gaikindo_2026-01.csv").write_text(JANUARY)
    os.utime(inbox / "gaikindo_2026-01.csv", (1_769_904_000, 1_769_904_000))  # 2026-02-01T00:00:00Z
    result = materialize([raw_gaikindo__model_wholesales], resources=_resources(tmp_path, live=True, gaikindo_dir=str(inbox)))
    assert result.success
    metadata = result.asset_materializations_for_node(NODE)[0].metadata
    assert "fallback" not in metadata and metadata["mode"].value == "file"
    assert _query(tmp_path, "select brand, wholesales from raw.gaikindo__model_wholesales order by source_row") == [
        ("BYD", 120), ("TOYOTA", 3004), ("HINO", 7)]
    log = _query(tmp_path, "select mode, parameters, row_count, retrieved_at from raw.raw_fetch_log where mode = 'file'")
    assert log == [("file", "{'file': 'gaikindo_2026-01.csv'}", 3, "2026-02-01T00:00:00+00:00")]
