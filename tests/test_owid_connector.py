"""The OWID connector's live code path, replaying the recorded full-header response on 127.0.0.1."""

import time

import pytest

from connectors import owid_energy
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from tests.local_http import scripted_server
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

RECORDED = (DEFAULT_SNAPSHOT_DIR / "owid" / "owid_energy_data_fixture_fullheader.csv").read_bytes()
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)


def test_live_fetch_parses_the_recorded_response():
    with scripted_server([(200, {"Content-Type": "text/csv"}, RECORDED)]) as (base_url, log):
        fetch = owid_energy.fetch_live(build_session(FAST), url=f"{base_url}/owid-energy-data.csv")
    frame = owid_energy.parse(fetch.content)
    assert fetch.mode == "live" and fetch.http_status == 200 and log == ["/owid-energy-data.csv"]
    asean_2023 = frame[(frame["country"] == "ASEAN (Ember)") & (frame["year"] == 2023)]
    assert asean_2023["carbon_intensity_elec_g_per_kwh"].item() == pytest.approx(568.73)
    assert list(frame.columns) == ["country", "iso_code", "year", "carbon_intensity_elec_g_per_kwh"]


def test_server_error_is_retried_then_succeeds():
    script = [(503, {}, b"busy"), (200, {}, RECORDED)]
    with scripted_server(script) as (base_url, log):
        fetch = owid_energy.fetch_live(build_session(FAST), url=f"{base_url}/data.csv")
    assert fetch.http_status == 200 and len(log) == 2


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (200, {}, RECORDED)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        owid_energy.fetch_live(build_session(FAST), url=f"{base_url}/data.csv")
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9


def test_persistent_failure_names_the_source():
    with scripted_server([(500, {}, b"down")]) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[owid_energy\] HTTP 500"):
            owid_energy.fetch_live(build_session(FAST), url=f"{base_url}/data.csv")


def test_renamed_column_is_schema_drift_naming_the_field():
    drifted = RECORDED.replace(b"carbon_intensity_elec,", b"carbon_intensity_electricity,", 1)
    with pytest.raises(SchemaDriftError, match="owid_energy.*carbon_intensity_elec") as error:
        owid_energy.parse(drifted)
    assert error.value.field == "carbon_intensity_elec"


def test_non_numeric_intensity_is_schema_drift():
    lines = RECORDED.decode().splitlines()
    header = lines[0].split(",")
    position = header.index("carbon_intensity_elec")
    row = lines[1].split(",")
    row[position] = "n/a"
    broken = "\n".join([lines[0], ",".join(row)]).encode()
    with pytest.raises(SchemaDriftError, match="carbon_intensity_elec"):
        owid_energy.parse(broken)
