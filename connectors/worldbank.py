"""World Bank Indicators API v2: population, GDP, CO2 per capita and the official exchange rate of the
target markets by year.

Live: ``GET {BASE_URL}/country/{codes ;-joined}/indicator/{indicator}?format=json&per_page=&page=&date=``,
no key. Each answer is a two-element JSON list, ``[page metadata, records]``; the connector follows
``page=1..pages`` and keeps one ``RawFetch`` per page. Errors come back with HTTP 200 as
``[{"message": [{"id", "key", "value"}]}]``; an empty result has ``null`` records. Every indicator
is asked for the markets; the exchange rate also for the euro area (``EXTRA_COUNTRY_CODES``). Offline:
the recorded answers in the embedded snapshot (``source_id`` "worldbank"). Licence CC BY 4.0.
"""

import json

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.limits import PAGES, LimitExceeded
from connectors.parsing import load_json
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot
from warehouse.contracts.vocabularies import MARKETS

SOURCE = "worldbank"
BASE_URL = "https://api.worldbank.org/v2"
URL_TEMPLATE = "{base_url}/country/{codes}/indicator/{indicator}"
LICENCE = "CC BY 4.0"
CITATION = "World Bank, World Development Indicators (Indicators API v2, api.worldbank.org); CC BY 4.0"

# indicator id -> unit of its values (the API itself sends an empty "unit" field)
INDICATORS = {
    "SP.POP.TOTL": "persons",
    "NY.GDP.MKTP.CD": "current USD",
    "EN.GHG.CO2.PC.CE.AR5": "t CO2e per capita, excl. LULUCF",
    "PA.NUS.FCRF": "LCU per US$",
}
EXCHANGE_RATE = "PA.NUS.FCRF"  # official exchange rate, local currency units per US$, period average
# World Bank codes of the markets (seed markets, column worldbank_code: the ISO3 code, EUU for the EU)
MARKET_COUNTRY_CODES = tuple(market.worldbank_code for market in MARKETS)
# Codes an indicator is asked for beyond the markets. The euro's rate is published for the euro area
# (EMU, API id XC), not for the EU (EUU has no exchange rate): euro amounts are converted at EMU's.
EXTRA_COUNTRY_CODES = {EXCHANGE_RATE: ("EMU",)}
FIRST_YEAR = 2015  # first year asked for; the last is the current year

COLUMNS = (
    "indicator_id",
    "indicator_name",
    "country_wb_id",
    "country_name",
    "country_iso3",
    "year",
    "value",
    "value_unit",
    "last_updated",
)
PAGE_KEYS = ("page", "pages", "per_page", "total", "lastupdated")
RECORD_KEYS = ("indicator", "country", "countryiso3code", "date", "value")


def requested_codes(indicator: str) -> tuple[str, ...]:
    """The country and aggregate codes ``indicator`` is requested for: the markets, then its extras."""
    return MARKET_COUNTRY_CODES + EXTRA_COUNTRY_CODES.get(indicator, ())


def fetch_live(
    session: requests.Session,
    indicator: str,
    country_codes: tuple[str, ...] | list[str],
    start_year: int,
    end_year: int,
    base_url: str = BASE_URL,
    per_page: int = 1000,
) -> list[RawFetch]:
    """Every page of one indicator for ``country_codes`` over ``start_year..end_year``."""
    if indicator not in INDICATORS:
        raise ValueError(f"unknown indicator {indicator!r}; known: {sorted(INDICATORS)}")
    url = URL_TEMPLATE.format(base_url=base_url.rstrip("/"), codes=";".join(country_codes), indicator=indicator)
    fetches: list[RawFetch] = []
    pages = total = received = 0
    page = 1
    while page == 1 or page <= pages:
        params = {"format": "json", "per_page": str(per_page), "page": str(page), "date": f"{start_year}:{end_year}"}
        response = get_bytes(session, SOURCE, url, params)
        meta, records = _load(response.content)
        if page == 1:
            pages, total = meta["pages"], meta["total"]
            most = int(PAGES.value(SOURCE))
            if pages > most:
                # The server decides how many pages there are: never let it decide how many we fetch.
                raise LimitExceeded(SOURCE, PAGES, f"{indicator} announces {pages:,} pages", most)
        elif (meta["page"], meta["pages"], meta["total"]) != (page, pages, total):
            # The data changed between requests (a WDI update mid-fetch): the pages do not add up.
            raise SourceError(SOURCE, f"page {page} answered page {meta['page']} of {meta['pages']} "
                                      f"(total {meta['total']}); page 1 said {pages} pages, total {total}")
        received += len(records)
        fetches.append(
            live_fetch(response, SOURCE, params, LICENCE, CITATION)
        )
        page += 1
    if received != total:
        raise SourceError(SOURCE, f"{url}: page metadata announces {total} records, the pages held {received}")
    return fetches


def fetch_all_live(session: requests.Session, start_year: int, end_year: int, base_url: str = BASE_URL) -> list[RawFetch]:
    """Every page of every indicator of ``INDICATORS``, each for its ``requested_codes``."""
    return [
        fetch
        for indicator in INDICATORS
        for fetch in fetch_live(session, indicator, requested_codes(indicator), start_year, end_year, base_url=base_url)
    ]


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    """The recorded answers of this source in the embedded snapshot (not the error fixture)."""
    return [from_snapshot(snapshot, path) for path in snapshot.paths_for(SOURCE)]


def parse(content: bytes) -> pd.DataFrame:
    """One page of an indicator answer -> one typed row per (indicator, country, year)."""
    meta, records = _load(content)
    rows = [_row(record, position, meta["lastupdated"]) for position, record in enumerate(records)]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["year"] = frame["year"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    return frame


def _load(content: bytes) -> tuple[dict, list]:
    """Decode one answer into (page metadata with int counts, records), raising on errors and drift."""
    payload = load_json(SOURCE, content)
    _raise_on_error_envelope(payload)
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], dict)):
        raise SourceError(SOURCE, f"expected [page metadata, records], got {_preview(payload)}")
    meta, records = dict(payload[0]), payload[1]
    for key in PAGE_KEYS:
        if key not in meta:
            raise SchemaDriftError(SOURCE, key, f"page metadata key missing; got {sorted(meta)}")
    for key in ("page", "pages", "per_page", "total"):
        meta[key] = _count(meta[key], key)
    if records is None:  # a valid, empty result
        return meta, []
    if not isinstance(records, list):
        raise SchemaDriftError(SOURCE, "records", f"expected a list or null, got {type(records).__name__}")
    return meta, records


def _raise_on_error_envelope(payload) -> None:
    if isinstance(payload, list) and payload and isinstance(payload[0], dict) and "message" in payload[0]:
        messages = payload[0]["message"]
        if not isinstance(messages, list):
            messages = [messages]
        quoted = "; ".join(
            f"id {item.get('id')!r}, key {item.get('key')!r}: {item.get('value')!r}" if isinstance(item, dict) else repr(item)
            for item in messages
        )
        raise SourceError(SOURCE, f"API returned an error envelope with HTTP 200: {quoted}")


def _count(value, key: str) -> int:
    # Documented as ints; older answers sent some as digit strings ("per_page": "50").
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.isdigit())):
        raise SchemaDriftError(SOURCE, key, f"expected a whole number, got {value!r}")
    return int(value)


def _row(record, position: int, last_updated: str) -> dict:
    if not isinstance(record, dict):
        raise SchemaDriftError(SOURCE, "records", f"record {position} is a {type(record).__name__}, not an object")
    for key in RECORD_KEYS:
        if key not in record:
            raise SchemaDriftError(SOURCE, key, f"record {position} has no {key!r}; got {sorted(record)}")
    indicator_id = _nested(record, "indicator", "id", position)
    if indicator_id not in INDICATORS:
        raise SchemaDriftError(SOURCE, "indicator.id", f"unknown indicator {indicator_id!r}: its unit is not known")
    date = record["date"]
    if not (isinstance(date, str) and len(date) == 4 and date.isdigit()):
        raise SchemaDriftError(SOURCE, "date", f"record {position}: expected a year 'YYYY', got {date!r}")
    iso3 = record["countryiso3code"]
    if iso3 is not None and not isinstance(iso3, str):
        raise SchemaDriftError(SOURCE, "countryiso3code", f"record {position}: expected a string, got {iso3!r}")
    return {
        "indicator_id": indicator_id,
        "indicator_name": _nested(record, "indicator", "value", position),
        "country_wb_id": _nested(record, "country", "id", position),
        "country_name": _nested(record, "country", "value", position),
        # Aggregates such as "Not classified" send "" for the ISO3 code.
        "country_iso3": (iso3.strip() or None) if iso3 is not None else None,
        "year": int(date),
        "value": _number(record["value"], position),
        "value_unit": INDICATORS[indicator_id],
        "last_updated": last_updated,
    }


def _nested(record: dict, outer: str, inner: str, position: int) -> str:
    part = record[outer]
    if not isinstance(part, dict) or inner not in part:
        raise SchemaDriftError(SOURCE, f"{outer}.{inner}", f"record {position}: {outer} is {_preview(part)}")
    if not isinstance(part[inner], str):
        raise SchemaDriftError(SOURCE, f"{outer}.{inner}", f"record {position}: expected a string, got {part[inner]!r}")
    return part[inner]


def _number(value, position: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SchemaDriftError(SOURCE, "value", f"record {position}: expected a number or null, got {value!r}")
    return float(value)


def _preview(value) -> str:
    return json.dumps(value)[:200]
