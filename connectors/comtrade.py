"""UN Comtrade: China's (reporter 156) monthly exports of passenger cars, HS 8703 and its
subheadings, by partner, with quantity in units and FOB value in USD; plus Comtrade's partner
reference list, through which partner codes are mapped (they are M49-like, not ISO numeric:
France 251, India 699, Italy 380).

Live: without ``COMTRADE_API_KEY`` the public preview endpoint (no key, at most 500 records per
call: one call per commodity code, and a call that hits the cap fails rather than loses rows); with
the key, the data endpoint (one call per period, the key sent as the ``Ocp-Apim-Subscription-Key``
header so it never appears in a URL). Offline: the embedded snapshot's Comtrade-shaped monthly
files. Both go through ``parse``. Licence: UN Comtrade policy on use and re-dissemination
(free use with citation; keep extracts small).
"""

import json

import pandas as pd
import requests

from connectors import credentials
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.parsing import load_json, numbers
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot

SOURCE = "comtrade"
REFERENCE_SOURCE = "comtrade_partner_areas"
API_KEY_ENV = credentials.KEYED_SOURCES[SOURCE].variable
BASE_URL = "https://comtradeapi.un.org"
PREVIEW_PATH = "/public/v1/preview/C/M/HS"
DATA_PATH = "/data/v1/get/C/M/HS"
PARTNER_AREAS_PATH = "/files/v1/app/reference/partnerAreas.json"
DATA_URL = BASE_URL + DATA_PATH
PARTNER_AREAS_URL = BASE_URL + PARTNER_AREAS_PATH
LICENCE = "UN Comtrade policy on use and re-dissemination (free use with citation)"
CITATION = "United Nations Comtrade database, China-reported exports of HS 8703 by partner (comtradeapi.un.org)"
PREVIEW_RECORD_CAP = 500

REPORTER_CHINA = 156
EXPORT_FLOW = "X"
# HS 8703 and the subheadings that separate powertrains (HS2017 onwards).
CMD_CODES = (
    "8703", "870321", "870322", "870323", "870324", "870331", "870332", "870333",
    "870340", "870350", "870360", "870370", "870380",
)
UNITS_QTY_ABBR = "u"  # qtyUnitCode 5: number of items

# response field -> warehouse column
RECORD_FIELDS = {
    "refYear": "ref_year",
    "refMonth": "ref_month",
    "period": "period",
    "reporterCode": "reporter_code",
    "flowCode": "flow_code",
    "partnerCode": "partner_code",
    "partner2Code": "partner2_code",
    "cmdCode": "cmd_code",
    "customsCode": "customs_code",
    "motCode": "mot_code",
    "qtyUnitAbbr": "qty_unit_abbr",
    "qty": "qty",
    "isQtyEstimated": "is_qty_estimated",
    "netWgt": "net_weight_kg",
    "fobvalue": "fob_value_usd",
    "primaryValue": "primary_value_usd",
}
PARTNER_FIELDS = {
    "PartnerCode": "partner_code",
    "PartnerDesc": "partner_desc",
    "PartnerCodeIsoAlpha3": "partner_iso3",
    "isGroup": "is_group",
}


def api_key_from_env() -> str | None:
    return credentials.key_from_env(SOURCE)


def api_period(partition_key: str) -> str:
    """Partition key ``2024-12`` -> Comtrade period ``202412``."""
    return partition_key.replace("-", "")


def fetch_live(session: requests.Session, month: str, api_key: str | None = None,
               base_url: str = BASE_URL) -> list[RawFetch]:
    """Fetch one month (``YYYY-MM``) of China's car exports by partner, every HS code above."""
    base = {"reporterCode": REPORTER_CHINA, "flowCode": EXPORT_FLOW, "period": api_period(month),
            "partner2Code": 0, "customsCode": "C00", "motCode": 0, "includeDesc": "false"}
    if api_key:
        requests_to_make = [(base_url + DATA_PATH, {**base, "cmdCode": ",".join(CMD_CODES)})]
    else:
        # The preview caps every answer at 500 records; ~200 partners fit under it per code.
        requests_to_make = [(base_url + PREVIEW_PATH, {**base, "cmdCode": code}) for code in CMD_CODES]
    headers = {"Ocp-Apim-Subscription-Key": api_key} if api_key else {}
    fetches = []
    for url, params in requests_to_make:
        response = get_bytes(session, SOURCE, url, params, headers=headers, secret=api_key)
        if not api_key and _record_count(response.content) >= PREVIEW_RECORD_CAP:
            raise SourceError(SOURCE, f"preview answer for cmdCode {params['cmdCode']} period {params['period']} "
                                      f"hit the {PREVIEW_RECORD_CAP}-record cap and may be truncated; "
                                      f"set {API_KEY_ENV} to use the data endpoint")
        fetches.append(live_fetch(response, SOURCE, {name: str(value) for name, value in params.items()}, LICENCE, CITATION))
    return fetches


def fetch_partner_areas_live(session: requests.Session, base_url: str = BASE_URL) -> list[RawFetch]:
    response = get_bytes(session, REFERENCE_SOURCE, base_url + PARTNER_AREAS_PATH)
    return [live_fetch(response, REFERENCE_SOURCE, {}, LICENCE, CITATION)]


def fetch_snapshot(snapshot: Snapshot, month: str) -> list[RawFetch]:
    paths = snapshot.paths_for(SOURCE, month)
    if not paths:
        held = snapshot.partitions_of(SOURCE)
        span = f"{held[0]}..{held[-1]}" if held else "none"
        raise SourceError(SOURCE, f"the snapshot holds no data for month {month} (it holds {span})")
    return [from_snapshot(snapshot, path) for path in paths]


def fetch_partner_areas_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    return [from_snapshot(snapshot, path) for path in snapshot.paths_for(REFERENCE_SOURCE)]


def parse(content: bytes) -> pd.DataFrame:
    """One Comtrade answer -> one row per (period, partner, HS code), totals over customs and mode
    of transport, quantity kept only when counted in units."""
    records = _records(content, SOURCE, "data")
    rows = []
    for index, record in enumerate(records):
        missing = [field for field in RECORD_FIELDS if field not in record]
        if missing:
            raise SchemaDriftError(SOURCE, missing[0], f"record {index} lacks it (has {sorted(record)[:8]}...)")
        rows.append({column: record[field] for field, column in RECORD_FIELDS.items()})
    frame = pd.DataFrame(rows, columns=list(RECORD_FIELDS.values()))
    for column in ("ref_year", "ref_month", "reporter_code", "partner_code", "partner2_code", "mot_code"):
        frame[column] = numbers(SOURCE, _field_of(column, RECORD_FIELDS), frame[column]).astype("Int64")
    for column in ("qty", "net_weight_kg", "fob_value_usd", "primary_value_usd"):
        frame[column] = numbers(SOURCE, _field_of(column, RECORD_FIELDS), frame[column])
    frame["period"] = frame["period"].astype(str)
    if not frame["period"].str.fullmatch(r"\d{6}").all():
        raise SchemaDriftError(SOURCE, "period", f"expected YYYYMM monthly periods, got {frame['period'].unique()[:5].tolist()}")
    frame["month"] = frame["period"].str[:4] + "-" + frame["period"].str[4:]
    counted_in_units = frame["qty_unit_abbr"].eq(UNITS_QTY_ABBR)
    frame["quantity_units"] = frame["qty"].where(counted_in_units)
    frame["is_qty_estimated"] = frame["is_qty_estimated"].astype("boolean")
    for column in ("flow_code", "cmd_code", "customs_code", "qty_unit_abbr"):
        frame[column] = frame[column].astype("string")
    return frame.drop(columns=["qty", "period"])


def parse_partner_areas(content: bytes) -> pd.DataFrame:
    """Comtrade's partner reference list -> partner_code, partner_desc, partner_iso3, is_group."""
    records = _records(content, REFERENCE_SOURCE, "results")
    rows = []
    for index, record in enumerate(records):
        missing = [field for field in PARTNER_FIELDS if field not in record and field != "isGroup"]
        if missing:
            raise SchemaDriftError(REFERENCE_SOURCE, missing[0], f"reference entry {index} lacks it")
        rows.append({column: record.get(field) for field, column in PARTNER_FIELDS.items()})
    frame = pd.DataFrame(rows, columns=list(PARTNER_FIELDS.values()))
    frame["partner_code"] = numbers(REFERENCE_SOURCE, "PartnerCode", frame["partner_code"]).astype("Int64")
    frame["partner_iso3"] = frame["partner_iso3"].astype("string").str.strip().replace("", None)
    frame["is_group"] = frame["is_group"].fillna(False).astype("boolean")
    frame["partner_desc"] = frame["partner_desc"].astype("string")
    return frame


def _records(content: bytes, source: str, list_field: str) -> list[dict]:
    document = load_json(source, content)
    if not isinstance(document, dict):
        raise SchemaDriftError(source, list_field, f"expected a JSON object, got {type(document).__name__}")
    # Comtrade reports failures inside a 200 answer ("error": "...") or, at the API gateway, as
    # {"statusCode": 401, "message": "..."}.
    if document.get("error"):
        raise SourceError(source, f"Comtrade returned an error: {document['error']}")
    if "statusCode" in document and list_field not in document:
        raise SourceError(source, f"Comtrade gateway error {document['statusCode']}: {document.get('message', '')}")
    records = document.get(list_field)
    if not isinstance(records, list):
        raise SchemaDriftError(source, list_field, f"expected a list under '{list_field}', got {type(records).__name__}")
    if list_field == "data" and isinstance(document.get("count"), int) and document["count"] != len(records):
        raise SourceError(source, f"answer says count={document['count']} but holds {len(records)} records")
    return records


def _record_count(content: bytes) -> int:
    try:
        return len(json.loads(content).get("data") or [])
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
        return 0  # parse() reports the malformed body with its own message


def _field_of(column: str, fields: dict) -> str:
    """The response field a warehouse column came from, so drift messages name the source's field."""
    return next(name for name, mapped in fields.items() if mapped == column)
