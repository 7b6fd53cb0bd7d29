"""The EPA fueleconomy.gov connector's live code path (vehicles.csv.zip) replayed on 127.0.0.1 with
a zip built from the snapshot's real rows, and parse checked against those rows."""

import csv
import hashlib
import io
import time
import zipfile

import pandas as pd
import pandera.errors
import pytest

from connectors import epa_fueleconomy
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SNAPSHOT_CSV = (DEFAULT_SNAPSHOT_DIR / "epa" / "vehicles_sample_tidytuesday2019.csv").read_bytes()
ROWS = {row["id"]: row for row in csv.DictReader(io.StringIO(SNAPSHOT_CSV.decode()))}
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)
IMPATIENT = HttpPolicy(connect_timeout_s=2, read_timeout_s=0.3, max_retries=0, backoff_factor_s=0.01, min_interval_s=0)
ZIP = {"Content-Type": "application/zip"}


def zipped(csv_bytes: bytes, member: str = "vehicles.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, csv_bytes)
    return buffer.getvalue()


RECORDED_ZIP = zipped(SNAPSHOT_CSV)


def fetch(base_url: str, policy: HttpPolicy = FAST):
    return epa_fueleconomy.fetch_live(build_session(policy), url=f"{base_url}/feg/epadata/vehicles.csv.zip")


def test_live_zip_is_fetched_and_parsed():
    with scripted_server([(200, ZIP, RECORDED_ZIP)]) as (base_url, log):
        fetches = fetch(base_url)
    assert log == ["/feg/epadata/vehicles.csv.zip"] and len(fetches) == 1
    assert fetches[0].mode == "live" and fetches[0].http_status == 200 and fetches[0].url.endswith("vehicles.csv.zip")
    frame = epa_fueleconomy.parse(fetches[0].content)
    assert len(frame) == len(ROWS) and frame["epa_vehicle_id"].is_unique
    assert list(frame.columns) == [name for name in RAW_EPA_FUELECONOMY_VEHICLES.column_names if name != "source_sha256"]


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (200, ZIP, RECORDED_ZIP)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        fetch(base_url)
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9


def test_server_error_is_retried_then_succeeds():
    with scripted_server([(500, {}, b"down"), (200, ZIP, RECORDED_ZIP)]) as (base_url, log):
        fetches = fetch(base_url)
    assert len(log) == 2 and len(epa_fueleconomy.parse(fetches[0].content)) == len(ROWS)


def test_read_timeout_names_the_source():
    with scripted_server([(200, ZIP, RECORDED_ZIP, {"delay_s": 1.0})]) as (base_url, _):
        # connectors.http says "timed out" for a requests Timeout; once urllib3 has spent its read
        # retries the timeout arrives wrapped in a ConnectionError and is named by its cause instead.
        with pytest.raises(SourceError, match=r"^\[epa_fueleconomy\] .*timed out"):
            fetch(base_url, IMPATIENT)


def test_truncated_body_names_the_source():
    with scripted_server([(200, ZIP, RECORDED_ZIP, {"declared_length": len(RECORDED_ZIP) + 500})]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[epa_fueleconomy\]") as error:
            fetch(base_url)
    assert not isinstance(error.value, SchemaDriftError)


def test_zip_without_vehicles_csv_and_broken_zip_are_source_errors():
    with pytest.raises(SourceError, match=r"\[epa_fueleconomy\].*0 vehicles.csv members"):
        epa_fueleconomy.parse(zipped(SNAPSHOT_CSV, member="emissions.csv"))
    with pytest.raises(SourceError, match=r"\[epa_fueleconomy\].*not a readable zip"):
        epa_fueleconomy.parse(RECORDED_ZIP[: len(RECORDED_ZIP) // 2])


def test_dropped_co2_column_is_schema_drift():
    frame = pd.read_csv(io.BytesIO(SNAPSHOT_CSV), dtype=str, keep_default_na=False).drop(columns=["co2TailpipeGpm"])
    with scripted_server([(200, ZIP, zipped(frame.to_csv(index=False).encode()))]) as (base_url, _):
        fetches = fetch(base_url)
    with pytest.raises(SchemaDriftError, match="epa_fueleconomy.*co2TailpipeGpm") as error:
        epa_fueleconomy.parse(fetches[0].content)
    assert error.value.field == "co2TailpipeGpm"


def test_non_numeric_combe_is_schema_drift():
    drifted = SNAPSHOT_CSV.replace(b",30.1816,", b",30.1816 kWh,", 1)
    assert drifted != SNAPSHOT_CSV
    with pytest.raises(SchemaDriftError) as error:
        epa_fueleconomy.parse(drifted)
    assert error.value.field == "combE"


def test_snapshot_values_bev_and_phev():
    fetches = epa_fueleconomy.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))
    assert [fetch.mode for fetch in fetches] == ["snapshot"] and fetches[0].source == "epa_fueleconomy"
    frame = epa_fueleconomy.parse(fetches[0].content).set_index("epa_vehicle_id")
    leaf_row, leaf = ROWS["40812"], frame.loc[40812]
    assert leaf["make"] == "Nissan" and leaf["powertrain"] == "BEV" and leaf["model_year"] == 2019
    assert leaf["tailpipe_co2_g_per_km"] == 0
    assert leaf["electricity_kwh_per_100km"] == pytest.approx(float(leaf_row["combE"]) / 1.609344)
    assert leaf["electricity_kwh_per_100km"] == pytest.approx(18.754, abs=1e-3)
    assert leaf["electric_range_km"] == pytest.approx(float(leaf_row["range"]) * 1.609344)
    fusion = frame.loc[40809]
    assert fusion["powertrain"] == "PHEV" and fusion["phev_utility_factor"] == pytest.approx(float(ROWS["40809"]["combinedUF"]))
    assert fusion["tailpipe_co2_g_per_km"] == pytest.approx(99 / 1.609344)
    malibu = frame.loc[40776]
    assert malibu["powertrain"] == "ICEV" and pd.isna(malibu["atv_type"])
    assert pd.isna(malibu["electricity_kwh_per_100km"]) and pd.isna(malibu["phev_utility_factor"])
    assert frame.loc[40766, "powertrain"] == "HEV" and frame.loc[40784, "powertrain"] == "ICEV"


def test_empty_strings_and_na_are_both_missing():
    rows = list(csv.reader(io.StringIO(SNAPSHOT_CSV.decode())))
    assert sum(cell == "NA" for row in rows for cell in row) > 0
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([["" if cell == "NA" else cell for cell in row] for row in rows])
    epa_style = buffer.getvalue().encode()
    pd.testing.assert_frame_equal(epa_fueleconomy.parse(epa_style), epa_fueleconomy.parse(SNAPSHOT_CSV))


def test_parsed_snapshot_passes_the_raw_contract():
    frame = epa_fueleconomy.parse(SNAPSHOT_CSV).assign(source_sha256=hashlib.sha256(SNAPSHOT_CSV).hexdigest())
    validated = RAW_EPA_FUELECONOMY_VEHICLES.to_pandera().validate(frame)
    assert len(validated) == len(ROWS)
    with pytest.raises(pandera.errors.SchemaError, match="phev_utility_factor"):
        RAW_EPA_FUELECONOMY_VEHICLES.to_pandera().validate(frame.assign(phev_utility_factor=1.5))
