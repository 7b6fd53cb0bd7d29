"""EEA CO2 monitoring of new passenger cars (Regulation (EU) 2019/631): registrations by member
state, make, commercial name, fuel type and fuel mode, with mean mass, WLTP CO2, electricity
consumption, electric range and fuel consumption.

Live: Discodata's SQL REST endpoint (no key). The release tables hold one row per registered car
(10.8 M rows in 2025), so the query aggregates server side (``build_query``) and is paged with
``p``/``nrOfHits``. Offline: the embedded snapshot's Discodata-shaped aggregate, derived from 500
real rows by ``connectors/snapshot_builders/eea_co2cars_aggregate.py``. Both go through ``parse``.
Licence CC BY 4.0 (DG CLIMA).
"""

import json
import math
from urllib.parse import quote, urlencode

import pandas as pd
import requests

from connectors.errors import HttpStatusError, SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.limits import PAGES, LimitExceeded
from connectors.parsing import integers, load_json, numbers
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot

SOURCE = "eea_co2cars"
BASE_URL = "https://discodata.eea.europa.eu/sql"
LICENCE = "CC BY 4.0 (DG CLIMA)"
CITATION = (
    "European Environment Agency, Monitoring of CO2 emissions from passenger cars, "
    "Regulation (EU) 2019/631, Discodata [CO2Emission].[latest] release tables; CC BY 4.0"
)
DATABASE = "[CO2Emission].[latest]"
# Reporting year -> Discodata release table (F = final, P = provisional; the version number is
# not regular, so each name is listed rather than built).
RELEASE_TABLES = {
    2021: "co2cars_2021Fv24",
    2022: "co2cars_2022Fv26",
    2023: "co2cars_2023Fv28",
    2024: "co2cars_2024Fv30",
    2025: "co2cars_2025Pv31",
}
DEFAULT_PAGE_SIZE = 10000
# A server that ignored ``p`` would answer full pages for ever; 1,000 pages of 10,000 groups is far
# beyond the ~100,000 make/model groups a year has.
MAX_PAGES = 1000

# Response field (the SQL alias) -> source column it is computed from. The aliases are the field
# names ``parse`` expects; the snapshot builder uses the same tables.
GROUP_FIELDS = {
    "member_state": "MS",
    "make": "Mk",
    "commercial_name": "Cn",
    "fuel_type": "Ft",
    "fuel_mode": "Fm",
    "reporting_year": "Year",
}
SUM_FIELDS = {"registrations": "R"}
MEAN_FIELDS = {
    "mean_mass_kg": "M (kg)",
    "mean_wltp_co2_g_per_km": "Ewltp (g/km)",
    "mean_electricity_wh_per_km": "Z (Wh/km)",
    "mean_electric_range_km": "Zr",
    "mean_fuel_l_per_100km": "Fc",
}
RESPONSE_FIELDS = (*GROUP_FIELDS, *SUM_FIELDS, *MEAN_FIELDS)

COLUMNS = (
    "member_state", "make", "commercial_name", "fuel_type", "fuel_mode", "powertrain",
    "reporting_year", "registrations_units", "mean_mass_kg", "mean_wltp_co2_g_per_km",
    "mean_electricity_wh_per_km", "mean_electric_range_km", "mean_fuel_l_per_100km",
)
# Fm code -> powertrain (sources.md section 5); hydrogen fuel overrides it (FCEV).
POWERTRAIN_BY_FUEL_MODE = {"E": "BEV", "P": "PHEV", "H": "HEV"}


def release_table(year: int) -> str:
    try:
        return RELEASE_TABLES[int(year)]
    except KeyError:
        raise SourceError(SOURCE, f"no Discodata release table known for {year}; known years {sorted(RELEASE_TABLES)}") from None


def build_query(year: int) -> str:
    """T-SQL aggregating one release table to one row per (MS, Mk, Cn, Ft, Fm, Year).

    Discodata rules: every column is bracketed (several names hold spaces), every output column has
    an alias (the first one must), no CTE. AVG over an integer column is integer-truncated in
    T-SQL, so each averaged column is cast to float first."""
    keys = ", ".join(f"[{column}]" for column in GROUP_FIELDS.values())
    select = [f"[{column}] AS {alias}" for alias, column in GROUP_FIELDS.items()]
    select += [f"SUM([{column}]) AS {alias}" for alias, column in SUM_FIELDS.items()]
    select += [f"AVG(CAST([{column}] AS float)) AS {alias}" for alias, column in MEAN_FIELDS.items()]
    # ORDER BY makes the pages of p=1,2,... a stable partition of the groups.
    return (
        f"SELECT {', '.join(select)} FROM {DATABASE}.[{release_table(year)}] "
        f"GROUP BY {keys} ORDER BY {keys}"
    )


def fetch_live(session: requests.Session, year: int, base_url: str = BASE_URL,
               page_size: int = DEFAULT_PAGE_SIZE) -> list[RawFetch]:
    """Fetch every page of the year's aggregate: p=1,2,... until a page holds fewer than
    ``page_size`` rows. One RawFetch per page."""
    table = release_table(year)
    query = build_query(year)
    fetches: list[RawFetch] = []
    previous_content = None
    most = int(PAGES.value(SOURCE, default=MAX_PAGES))
    for page in range(1, most + 1):
        # quote (not quote_plus): spaces travel as %20, which every server decodes as a space.
        url = f"{base_url}?{urlencode({'query': query, 'p': page, 'nrOfHits': page_size}, quote_via=quote)}"
        response = _get(session, url, year)
        rows = _results(response.content)
        if previous_content is not None and response.content == previous_content and rows:
            raise SourceError(SOURCE, f"page {page} for {year} repeats page {page - 1}: the server ignores paging")
        parameters = {"year": int(year), "table": table, "page": page, "page_size": page_size}
        fetches.append(live_fetch(response, SOURCE, parameters, LICENCE, CITATION))
        if len(rows) < page_size:
            return fetches
        previous_content = response.content
    raise LimitExceeded(SOURCE, PAGES, f"more than {most:,} pages of {page_size} rows for {year}", most)


def fetch_snapshot(snapshot: Snapshot, year: int) -> list[RawFetch]:
    paths = snapshot.paths_for(SOURCE, str(year))
    if not paths:
        held = snapshot.partitions_of(SOURCE)
        raise SourceError(SOURCE, f"the snapshot holds no aggregate for year {year} (it holds years {held or 'none'})")
    return [from_snapshot(snapshot, path) for path in paths]


def parse(content: bytes) -> pd.DataFrame:
    """One Discodata page -> one row per (member state, make, commercial name, Ft, Fm, year)."""
    rows = _results(content)
    for field in RESPONSE_FIELDS:
        for index, row in enumerate(rows):
            if field not in row:
                raise SchemaDriftError(SOURCE, field, f"row {index} lacks it (has {sorted(row)[:10]})")
    frame = pd.DataFrame([{field: row[field] for field in RESPONSE_FIELDS} for row in rows],
                         columns=list(RESPONSE_FIELDS), dtype=object)
    for field in GROUP_FIELDS:
        if field != "reporting_year":
            frame[field] = _text(frame[field], field)
    frame["fuel_type"] = frame["fuel_type"].str.lower()
    frame["reporting_year"] = integers(SOURCE, "reporting_year", frame["reporting_year"])
    frame["registrations_units"] = integers(SOURCE, "registrations", frame["registrations"])
    for field in MEAN_FIELDS:
        frame[field] = numbers(SOURCE, field, frame[field])
    frame["powertrain"] = [
        powertrain(fuel_type, fuel_mode) for fuel_type, fuel_mode in zip(frame["fuel_type"], frame["fuel_mode"])
    ]
    return frame[list(COLUMNS)].reset_index(drop=True)


def powertrain(fuel_type: str | None, fuel_mode: str | None) -> str:
    if (fuel_type or "").lower() == "hydrogen":
        return "FCEV"
    return POWERTRAIN_BY_FUEL_MODE.get((fuel_mode or "").upper(), "ICEV")


def _get(session: requests.Session, url: str, year: int) -> requests.Response:
    """``get_bytes``, except that a 4xx carrying Discodata's error envelope is reported with the
    envelope's code and message."""
    try:
        return get_bytes(session, SOURCE, url)
    except HttpStatusError as error:
        message = _envelope_message(_json_or_none(error.body)) if 400 <= error.status < 500 else None
        if message is None:
            raise
        raise SourceError(SOURCE, f"Discodata rejected the query for {year} (HTTP {error.status}): {message}") from None


def _json_or_none(content: bytes):
    try:
        return json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


def _envelope_message(document) -> str | None:
    """``error <code>: <message>`` of a decoded Discodata error envelope, or None if it is not one."""
    if not isinstance(document, dict) or not document.get("errors"):
        return None
    errors = document["errors"] if isinstance(document["errors"], list) else [document["errors"]]
    return "; ".join(
        f"error {error.get('errorcode')}: {error.get('error')}" if isinstance(error, dict) else str(error)
        for error in errors
    )


def _results(content: bytes) -> list[dict]:
    document = load_json(SOURCE, content)
    message = _envelope_message(document)
    if message is not None:
        raise SourceError(SOURCE, f"Discodata returned an error envelope: {message}")
    if not isinstance(document, dict) or "results" not in document:
        raise SchemaDriftError(SOURCE, "results", f"expected {{\"results\": [...]}}, got {str(document)[:120]}")
    rows = document["results"]
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise SchemaDriftError(SOURCE, "results", "expected a list of row objects")
    return rows


def _text(values: pd.Series, field: str) -> pd.Series:
    def clean(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if not isinstance(value, str):
            raise SchemaDriftError(SOURCE, field, f"expected text, got {value!r}")
        return value.strip()

    return values.map(clean).astype(object)
