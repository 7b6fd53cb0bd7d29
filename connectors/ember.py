"""Ember API v1: yearly carbon intensity of electricity generation of the target markets and the EU.

Live: ``GET {BASE_URL}/carbon-intensity/yearly?entity_code=<ISO3 list>&start_date=&end_date=&api_key=``
plus one request with ``entity=EU`` for the EU aggregate; a free key is read from ``EMBER_API_KEY``
by the caller. The answer is ``{"stats": {"number_of_records": N}, "data": [...]}`` in one piece:
no public client or doc we found pages it, so instead of following pages the connector refuses an
answer whose ``data`` holds fewer or more records than ``number_of_records`` announces. Offline:
the embedded snapshot's Ember-shaped file (real values via OWID, envelope rebuilt). Licence CC BY 4.0.

The key travels as the documented ``api_key`` query parameter, over https to Ember's host only
(``connectors.credentials``). It never enters a ``RawFetch``, an error message or a log line: URLs
are redacted, messages scrubbed, and urllib3's own log records (which print the request path) are
redacted by a filter installed before the first request.
"""

import json

import pandas as pd
import requests

from connectors import credentials
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.parsing import load_json
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot
from warehouse.contracts.vocabularies import MARKETS, market

SOURCE = "ember"
API_KEY_ENV = credentials.KEYED_SOURCES[SOURCE].variable
BASE_URL = "https://api.ember-energy.org/v1"
URL_TEMPLATE = "{base_url}/carbon-intensity/yearly"
LICENCE = "CC BY 4.0"
CITATION = "Ember, Yearly electricity data (Ember API v1, carbon-intensity/yearly); CC BY 4.0"

# Ember entity codes (ISO3) of the markets (seed markets); the EU aggregate has no code and is asked
# by its Ember name (the seed's ember_entity, "EU").
MARKET_ENTITY_CODES = tuple(entry.iso3 for entry in MARKETS if entry.iso3)
EU_ENTITY = market("EU27").ember_entity

VALUE_FIELD = "emissions_intensity_gco2_per_kwh"
RECORD_KEYS = ("entity", "entity_code", "is_aggregate_entity", "date", VALUE_FIELD)
COLUMNS = ("entity", "entity_code", "is_aggregate_entity", "year", "carbon_intensity_elec_g_per_kwh")
# Top-level keys an error answer carries instead of "data" (FastAPI-style "detail", or error/message).
ERROR_KEYS = ("error", "errors", "message", "detail")


def api_key_from_env() -> str | None:
    """The key from ``EMBER_API_KEY``; an empty value counts as absent."""
    return credentials.key_from_env(SOURCE)


def fetch_live(
    session: requests.Session,
    api_key: str | None,
    start_year: int,
    end_year: int,
    entity_codes: tuple[str, ...] | list[str] = MARKET_ENTITY_CODES,
    include_eu: bool = True,
    base_url: str = BASE_URL,
) -> list[RawFetch]:
    """One RawFetch for the countries in ``entity_codes`` and, with ``include_eu``, one for the EU."""
    if not api_key:
        raise SourceError(SOURCE, f"no API key: set {API_KEY_ENV} (free key from ember-energy.org)")
    url = URL_TEMPLATE.format(base_url=base_url.rstrip("/"))
    queries = []
    if entity_codes:
        queries.append({"entity_code": ",".join(entity_codes)})
    if include_eu:
        queries.append({"entity": EU_ENTITY})
    fetches = []
    for query in queries:
        parameters = {**query, "start_date": str(start_year), "end_date": str(end_year)}
        # An error envelope echoing the key is refused by get_bytes, and every SourceError message
        # is scrubbed of the key in all its spellings (connectors.credentials).
        response = get_bytes(session, SOURCE, url, {**parameters, "api_key": api_key}, secret=api_key)
        _records(response.content)  # refuse error envelopes and truncated answers at fetch time
        fetches.append(
            live_fetch(response, SOURCE, parameters, LICENCE, CITATION)
        )
    return fetches


def fetch_snapshot(snapshot: Snapshot, year: int | str | None = None) -> list[RawFetch]:
    """The snapshot files of this source holding ``year`` (all of them when None)."""
    partition = None if year is None else str(year)
    return [from_snapshot(snapshot, path) for path in snapshot.paths_for(SOURCE, partition)]


def parse(content: bytes) -> pd.DataFrame:
    """One answer -> entity, entity_code, is_aggregate_entity, year, carbon_intensity_elec_g_per_kwh."""
    rows = [_row(record, position) for position, record in enumerate(_records(content))]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["is_aggregate_entity"] = frame["is_aggregate_entity"].astype("bool")
    frame["year"] = frame["year"].astype("int64")
    frame["carbon_intensity_elec_g_per_kwh"] = frame["carbon_intensity_elec_g_per_kwh"].astype("float64")
    return frame


def _records(content: bytes) -> list:
    """The ``data`` list of one answer, after checking it is not an error and holds every record."""
    payload = load_json(SOURCE, content)
    if not isinstance(payload, dict):
        raise SourceError(SOURCE, f"expected a JSON object with 'data', got {json.dumps(payload)[:200]}")
    if "data" not in payload:
        errors = {key: payload[key] for key in ERROR_KEYS if key in payload}
        if errors:
            raise SourceError(SOURCE, f"API returned an error instead of data: {json.dumps(errors)[:300]}")
        raise SourceError(SOURCE, f"answer has no 'data'; keys {sorted(payload)}")
    records = payload["data"]
    if not isinstance(records, list):
        raise SchemaDriftError(SOURCE, "data", f"expected a list, got {type(records).__name__}")
    stats = payload.get("stats")
    if not isinstance(stats, dict) or "number_of_records" not in stats:
        raise SchemaDriftError(SOURCE, "stats.number_of_records", f"missing; stats is {json.dumps(stats)[:200]}")
    announced = stats["number_of_records"]
    if isinstance(announced, bool) or not isinstance(announced, int):
        raise SchemaDriftError(SOURCE, "stats.number_of_records", f"expected an integer, got {announced!r}")
    if announced != len(records):
        raise SourceError(SOURCE, f"stats.number_of_records is {announced} but data holds {len(records)} records "
                                  "(truncated or paged answer)")
    return records


def _row(record, position: int) -> dict:
    if not isinstance(record, dict):
        raise SchemaDriftError(SOURCE, "data", f"record {position} is a {type(record).__name__}, not an object")
    for key in RECORD_KEYS:
        if key not in record:
            raise SchemaDriftError(SOURCE, key, f"record {position} has no {key!r}; got {sorted(record)}")
    entity, code, aggregate, date, value = (record[key] for key in RECORD_KEYS)
    if not isinstance(entity, str) or not entity.strip():
        raise SchemaDriftError(SOURCE, "entity", f"record {position}: expected a name, got {entity!r}")
    if code is not None and not isinstance(code, str):
        raise SchemaDriftError(SOURCE, "entity_code", f"record {position}: expected a string or null, got {code!r}")
    if not isinstance(aggregate, bool):
        raise SchemaDriftError(SOURCE, "is_aggregate_entity", f"record {position}: expected true/false, got {aggregate!r}")
    if not (isinstance(date, str) and len(date) == 4 and date.isdigit()):
        raise SchemaDriftError(SOURCE, "date", f"record {position}: expected a year 'YYYY', got {date!r}")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise SchemaDriftError(SOURCE, VALUE_FIELD, f"record {position}: expected a number or null, got {value!r}")
    return {
        "entity": entity,
        "entity_code": (code.strip() or None) if code is not None else None,
        "is_aggregate_entity": aggregate,
        "year": int(date),
        "carbon_intensity_elec_g_per_kwh": None if value is None else float(value),
    }
