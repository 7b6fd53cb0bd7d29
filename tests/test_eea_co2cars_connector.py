"""The EEA CO2 monitoring connector's live code path (Discodata SQL endpoint, paged) replayed on
127.0.0.1, its parse rules, and the embedded snapshot's aggregate checked against the raw rows."""

import csv
import hashlib
import io
import json
import time
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pandera.errors
import pytest

from connectors import eea_co2cars
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

AGGREGATE_FILE = "eea/discodata_co2cars_2025Pv31_DE_sample500_aggregated.json"
RAW_FILE = "eea/co2cars_2025Pv31_DE_sample500_raw.csv"
RECORDED = (DEFAULT_SNAPSHOT_DIR / AGGREGATE_FILE).read_bytes()
REAL_ROW = json.loads(RECORDED)["results"][0]
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)
IMPATIENT = HttpPolicy(connect_timeout_s=2, read_timeout_s=0.3, max_retries=0, backoff_factor_s=0.01, min_interval_s=0)
JSON = {"Content-Type": "application/json"}
# Discodata's answer to a query whose first column has no alias (sources.md section 5).
ERROR_10004 = json.dumps({"errors": [{"errorcode": 10004, "error": "No column name was specified for column 1 of 'x'."}]}).encode()


def page(*rows: dict) -> bytes:
    return json.dumps({"results": list(rows)}).encode()


def requested(log_entry: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(log_entry).query).items()}


def test_pages_are_requested_until_a_short_page():
    # Three groups in pages of two: the test input varies the real row's commercial name.
    rows = [dict(REAL_ROW, commercial_name=name) for name in ("I20", "I20 N", "I20 ACTIVE")]
    script = [(200, JSON, page(*rows[:2])), (200, JSON, page(rows[2]))]
    with scripted_server(script) as (base_url, log):
        fetches = eea_co2cars.fetch_live(build_session(FAST), 2025, base_url=f"{base_url}/sql", page_size=2)
    assert [requested(entry)["p"] for entry in log] == ["1", "2"]
    assert all(requested(entry)["nrOfHits"] == "2" for entry in log)
    query = requested(log[0])["query"]
    assert "FROM [CO2Emission].[latest].[co2cars_2025Pv31]" in query and "GROUP BY" in query
    assert [fetch.parameters for fetch in fetches] == [
        {"year": 2025, "table": "co2cars_2025Pv31", "page": 1, "page_size": 2},
        {"year": 2025, "table": "co2cars_2025Pv31", "page": 2, "page_size": 2},
    ]
    assert all(fetch.mode == "live" and fetch.http_status == 200 and "p=" in fetch.url for fetch in fetches)
    frame = pd.concat([eea_co2cars.parse(fetch.content) for fetch in fetches], ignore_index=True)
    assert frame["commercial_name"].tolist() == ["I20", "I20 N", "I20 ACTIVE"]


def test_each_year_queries_its_release_table():
    with scripted_server([(200, JSON, page())]) as (base_url, log):
        fetches = eea_co2cars.fetch_live(build_session(FAST), 2023, base_url=f"{base_url}/sql")
    assert "[co2cars_2023Fv28]" in requested(log[0])["query"] and len(fetches) == 1
    assert eea_co2cars.parse(fetches[0].content).empty
    with pytest.raises(SourceError, match=r"eea_co2cars.*2019"):
        eea_co2cars.build_query(2019)


def test_query_follows_the_discodata_rules():
    query = eea_co2cars.build_query(2024)
    assert "[co2cars_2024Fv30]" in query and "WITH" not in query.upper().split()
    assert query.startswith("SELECT [MS] AS member_state,")
    assert "AVG(CAST([M (kg)] AS float)) AS mean_mass_kg" in query
    assert "AVG(CAST([Z (Wh/km)] AS float)) AS mean_electricity_wh_per_km" in query
    assert "SUM([R]) AS registrations" in query
    assert "GROUP BY [MS], [Mk], [Cn], [Ft], [Fm], [Year]" in query


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (200, JSON, RECORDED)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        fetches = eea_co2cars.fetch_live(build_session(FAST), 2025, base_url=f"{base_url}/sql")
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9 and len(fetches) == 1


def test_server_error_is_retried_then_succeeds():
    with scripted_server([(500, {}, b"down"), (200, JSON, RECORDED)]) as (base_url, log):
        fetches = eea_co2cars.fetch_live(build_session(FAST), 2025, base_url=f"{base_url}/sql")
    assert len(log) == 2 and eea_co2cars.parse(fetches[0].content)["registrations_units"].tolist() == [500]


def test_read_timeout_names_the_source():
    with scripted_server([(200, JSON, RECORDED, {"delay_s": 1.0})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[eea_co2cars\] .*timed out"):
            eea_co2cars.fetch_live(build_session(IMPATIENT), 2025, base_url=f"{base_url}/sql")


def test_truncated_body_names_the_source():
    script = [(200, JSON, RECORDED, {"declared_length": len(RECORDED) + 500})]
    with scripted_server(script) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[eea_co2cars\]") as error:
            eea_co2cars.fetch_live(build_session(FAST), 2025, base_url=f"{base_url}/sql")
    assert not isinstance(error.value, SchemaDriftError)


@pytest.mark.parametrize("status", [200, 400])
def test_error_envelope_is_quoted(status):
    session = build_session(FAST)
    with scripted_server([(status, JSON, ERROR_10004)]) as (base_url, log):
        with pytest.raises(SourceError, match=r"\[eea_co2cars\].*error 10004: No column name was specified") as error:
            eea_co2cars.fetch_live(session, 2025, base_url=f"{base_url}/sql")
    assert not isinstance(error.value, SchemaDriftError) and len(log) == 1
    with pytest.raises(SourceError, match="error 10004"):
        eea_co2cars.parse(ERROR_10004)


def test_missing_aliased_field_is_schema_drift():
    drifted = {name: value for name, value in REAL_ROW.items() if name != "mean_mass_kg"}
    with scripted_server([(200, JSON, page(drifted))]) as (base_url, _):
        fetches = eea_co2cars.fetch_live(build_session(FAST), 2025, base_url=f"{base_url}/sql")
    with pytest.raises(SchemaDriftError, match="eea_co2cars.*mean_mass_kg") as error:
        eea_co2cars.parse(fetches[0].content)
    assert error.value.field == "mean_mass_kg"


def test_non_numeric_mean_and_malformed_body():
    with pytest.raises(SchemaDriftError) as error:
        eea_co2cars.parse(page(dict(REAL_ROW, mean_fuel_l_per_100km="5,3")))
    assert error.value.field == "mean_fuel_l_per_100km"
    with pytest.raises(SourceError, match=r"\[eea_co2cars\].*not valid JSON"):
        eea_co2cars.parse(RECORDED[: len(RECORDED) // 2])


def test_powertrain_rule_and_fuel_type_case():
    rows = [
        dict(REAL_ROW, commercial_name="a", fuel_type="Hydrogen", fuel_mode="M"),
        dict(REAL_ROW, commercial_name="b", fuel_type="electric", fuel_mode="E"),
        dict(REAL_ROW, commercial_name="c", fuel_type="petrol/electric", fuel_mode="P"),
        dict(REAL_ROW, commercial_name="d", fuel_type="petrol", fuel_mode="H"),
        dict(REAL_ROW, commercial_name="e", fuel_type="lpg", fuel_mode="B"),
    ]
    frame = eea_co2cars.parse(page(*rows))
    assert frame["powertrain"].tolist() == ["FCEV", "BEV", "PHEV", "HEV", "ICEV"]
    assert frame["fuel_type"].iloc[0] == "hydrogen"


def test_snapshot_aggregate_matches_the_raw_rows():
    snapshot = Snapshot(DEFAULT_SNAPSHOT_DIR)
    fetches = eea_co2cars.fetch_snapshot(snapshot, 2025)
    assert [fetch.mode for fetch in fetches] == ["snapshot"]
    frame = eea_co2cars.parse(fetches[0].content)
    raw = list(csv.DictReader(io.StringIO((DEFAULT_SNAPSHOT_DIR / RAW_FILE).read_text(encoding="utf-8-sig")), delimiter=";"))
    group = [row for row in raw if (row["MS"], row["Mk"], row["Cn"], row["Ft"], row["Fm"], row["Year"])
             == ("DE", "HYUNDAI", "I20", "petrol", "M", "2025")]
    row = frame.set_index(["member_state", "make", "commercial_name", "fuel_type", "fuel_mode"]).loc[
        ("DE", "HYUNDAI", "I20", "petrol", "M")]
    assert row["registrations_units"] == sum(1 for item in group if item["R"] == "1") == 500
    assert row["mean_mass_kg"] == pytest.approx(sum(float(item["M (kg)"]) for item in group) / len(group))
    assert row["mean_mass_kg"] == pytest.approx(1143.0)
    assert row["mean_wltp_co2_g_per_km"] == pytest.approx(sum(float(item["Ewltp (g/km)"]) for item in group) / len(group))
    fuel = [float(item["Fc"].replace(",", ".")) for item in group if item["Fc"]]
    assert row["mean_fuel_l_per_100km"] == pytest.approx(sum(fuel) / len(fuel))
    assert pd.isna(row["mean_electricity_wh_per_km"]) and row["powertrain"] == "ICEV"


def test_snapshot_without_the_year_names_source_year_and_held_years():
    with pytest.raises(SourceError, match=r"\[eea_co2cars\].*2022.*\['2025'\]"):
        eea_co2cars.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), 2022)


def test_parsed_snapshot_passes_the_raw_contract():
    frame = eea_co2cars.parse(RECORDED).assign(source_sha256=hashlib.sha256(RECORDED).hexdigest())
    validated = RAW_EEA_CO2CARS_REGISTRATIONS.to_pandera().validate(frame)
    assert list(validated.columns) == RAW_EEA_CO2CARS_REGISTRATIONS.column_names
    broken = frame.assign(member_state="DEU")
    with pytest.raises(pandera.errors.SchemaError, match="member_state"):
        RAW_EEA_CO2CARS_REGISTRATIONS.to_pandera().validate(broken)


def test_parse_keeps_the_contract_columns_on_an_empty_page():
    frame = eea_co2cars.parse(page())
    assert list(frame.columns) == [name for name in RAW_EEA_CO2CARS_REGISTRATIONS.column_names if name != "source_sha256"]
