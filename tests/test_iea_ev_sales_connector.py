"""The IEA EV sales connector (OWID grapher CSVs): both datasets' snapshot files parse to their real
values and contracts, and the live code path is replayed on 127.0.0.1 (retries, timeout,
truncation, schema drift)."""

import hashlib
import time
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pandera.errors
import pytest

from connectors import iea_ev_sales
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.snapshot import Snapshot
from tests.local_http import scripted_server
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SALES_CSV = (DEFAULT_SNAPSHOT_DIR / "owid_grapher" / "electric-car-sales.csv").read_bytes()
SHARE_CSV = (DEFAULT_SNAPSHOT_DIR / "owid_grapher" / "electric-car-sales-share.csv").read_bytes()
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=3, backoff_factor_s=0.01, min_interval_s=0)
IMPATIENT = HttpPolicy(connect_timeout_s=2, read_timeout_s=0.3, max_retries=0, backoff_factor_s=0.01, min_interval_s=0)
CSV = {"Content-Type": "text/csv"}


def value(frame: pd.DataFrame, entity: str, year: int, column: str):
    return frame.set_index(["entity", "year"]).loc[(entity, year), column]


def test_sales_snapshot_parses_to_real_values():
    fetches = iea_ev_sales.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), iea_ev_sales.EV_SALES)
    assert [(fetch.mode, fetch.source) for fetch in fetches] == [("snapshot", "owid_grapher_ev_sales")]
    frame = iea_ev_sales.parse_electric_car_sales(fetches[0].content)
    assert list(frame.columns) == ["entity", "code", "year", "electric_car_sales_units"]
    assert value(frame, "Australia", 2023, "electric_car_sales_units") == 98000
    assert value(frame, "China", 2024, "electric_car_sales_units") == 11_300_000
    assert value(frame, "Poland", 2025, "electric_car_sales_units") == 84000
    # IEA's residual region is published negative in some years; it has no code.
    assert value(frame, "Rest of World", 2019, "electric_car_sales_units") == -49752
    assert pd.isna(value(frame, "Rest of World", 2019, "code"))
    assert value(frame, "World", 2025, "code") == "OWID_WRL"


def test_share_snapshot_parses_to_real_values():
    fetches = iea_ev_sales.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), iea_ev_sales.EV_SHARE)
    assert [fetch.source for fetch in fetches] == ["owid_grapher_ev_share"]
    frame = iea_ev_sales.parse_electric_car_sales_share(fetches[0].content)
    assert list(frame.columns) == ["entity", "code", "year", "electric_car_sales_share_pct"]
    assert value(frame, "Australia", 2023, "electric_car_sales_share_pct") == pytest.approx(11)
    assert value(frame, "Poland", 2023, "electric_car_sales_share_pct") == pytest.approx(6.4)
    assert value(frame, "China", 2025, "electric_car_sales_share_pct") == pytest.approx(53)
    assert value(frame, "Australia", 2011, "electric_car_sales_share_pct") == pytest.approx(0.0061)


@pytest.mark.parametrize("content, parser, contract", [
    (SALES_CSV, iea_ev_sales.parse_electric_car_sales, RAW_IEA_ELECTRIC_CAR_SALES),
    (SHARE_CSV, iea_ev_sales.parse_electric_car_sales_share, RAW_IEA_ELECTRIC_CAR_SALES_SHARE),
])
def test_parsed_snapshots_pass_their_raw_contracts(content, parser, contract):
    frame = parser(content).assign(source_sha256=hashlib.sha256(content).hexdigest())
    validated = contract.to_pandera().validate(frame)
    assert list(validated.columns) == contract.column_names and len(validated) > 500


def test_share_above_100_breaks_the_contract():
    frame = iea_ev_sales.parse_electric_car_sales_share(SHARE_CSV).assign(source_sha256="0" * 64)
    frame.loc[0, "electric_car_sales_share_pct"] = 110.0
    with pytest.raises(pandera.errors.SchemaError, match="electric_car_sales_share_pct"):
        RAW_IEA_ELECTRIC_CAR_SALES_SHARE.to_pandera().validate(frame)


def test_live_fetch_requests_the_full_csv_of_the_slug():
    with scripted_server([(200, CSV, SHARE_CSV)]) as (base_url, log):
        fetches = iea_ev_sales.fetch_live(build_session(FAST), iea_ev_sales.EV_SHARE, base_url=f"{base_url}/grapher")
    path, query = urlsplit(log[0]).path, parse_qs(urlsplit(log[0]).query)
    assert path == "/grapher/electric-car-sales-share.csv"
    assert query == {"v": ["1"], "csvType": ["full"], "useColumnShortNames": ["false"]}
    fetch = fetches[0]
    assert (fetch.source, fetch.mode, fetch.http_status) == ("owid_grapher_ev_share", "live", 200)
    assert fetch.parameters == {"slug": "electric-car-sales-share", "v": "1", "csvType": "full", "useColumnShortNames": "false"}
    assert iea_ev_sales.parse_electric_car_sales_share(fetch.content).equals(iea_ev_sales.parse_electric_car_sales_share(SHARE_CSV))


def test_retry_after_is_honoured():
    script = [(429, {"Retry-After": "1"}, b"slow down"), (200, CSV, SALES_CSV)]
    with scripted_server(script) as (base_url, log):
        started = time.monotonic()
        iea_ev_sales.fetch_live(build_session(FAST), iea_ev_sales.EV_SALES, base_url=base_url)
        waited = time.monotonic() - started
    assert len(log) == 2 and waited >= 0.9


def test_server_error_is_retried_then_succeeds():
    with scripted_server([(500, {}, b"down"), (200, CSV, SALES_CSV)]) as (base_url, log):
        fetches = iea_ev_sales.fetch_live(build_session(FAST), iea_ev_sales.EV_SALES, base_url=base_url)
    assert len(log) == 2 and fetches[0].content == SALES_CSV


def test_read_timeout_names_the_source():
    with scripted_server([(200, CSV, SALES_CSV, {"delay_s": 1.0})]) as (base_url, _):
        # connectors.http says "timed out" for a requests Timeout; once urllib3 has spent its read
        # retries the timeout arrives wrapped in a ConnectionError and is named by its cause instead.
        with pytest.raises(SourceError, match=r"^\[owid_grapher_ev_sales\] .*timed out"):
            iea_ev_sales.fetch_live(build_session(IMPATIENT), iea_ev_sales.EV_SALES, base_url=base_url)


def test_truncated_body_names_the_source():
    script = [(200, CSV, SHARE_CSV, {"declared_length": len(SHARE_CSV) + 500})]
    with scripted_server(script) as (base_url, _):
        with pytest.raises(SourceError, match=r"\[owid_grapher_ev_share\]") as error:
            iea_ev_sales.fetch_live(build_session(FAST), iea_ev_sales.EV_SHARE, base_url=base_url)
    assert not isinstance(error.value, SchemaDriftError)


def test_renamed_value_header_is_schema_drift_naming_the_expected_header():
    drifted = SALES_CSV.replace(b"Electric cars sold", b"Electric car sales", 1)
    with pytest.raises(SchemaDriftError, match="owid_grapher_ev_sales.*Electric cars sold") as error:
        iea_ev_sales.parse_electric_car_sales(drifted)
    assert error.value.field == "Electric cars sold"
    # The share parser does not accept the sales file either: its header is another indicator.
    with pytest.raises(SchemaDriftError) as error:
        iea_ev_sales.parse_electric_car_sales_share(SALES_CSV)
    assert error.value.field == "Share of new cars that are electric"


def test_non_numeric_and_fractional_counts_are_schema_drift():
    with pytest.raises(SchemaDriftError) as error:
        iea_ev_sales.parse_electric_car_sales(SALES_CSV.replace(b"Australia,AUS,2023,98000", b"Australia,AUS,2023,98k"))
    assert error.value.field == "Electric cars sold"
    with pytest.raises(SchemaDriftError, match="expected counts"):
        iea_ev_sales.parse_electric_car_sales(SALES_CSV.replace(b"Australia,AUS,2023,98000", b"Australia,AUS,2023,98.5"))


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="owid_grapher_ev_sales"):
        iea_ev_sales.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), "car-sales")
