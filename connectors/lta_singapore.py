"""Singapore's new car registrations by make, importer type, fuel type and body type: the Land
Transport Authority's dataset "M03 - New Registration of Cars by Make", monthly.

Live: data.gov.sg's datastore API, ``GET https://data.gov.sg/api/action/datastore_search`` with
``resource_id`` (the dataset id, ``d_...``), ``limit`` and ``offset`` (guide.data.gov.sg, Dataset
APIs: "Search and filter within dataset"); an answer is ``{"success": true, "result": {"records":
[...], "total": N, ...}}``. The stored docs do not confirm which dataset id M03 has on data.gov.sg,
so none is built in: a live run needs the endpoint setting with the id in its query,
``GREENBRIDGE_ENDPOINT_LTA_SINGAPORE=https://data.gov.sg/api/action/datastore_search?resource_id=d_...``,
and without it fails saying so. The records are expected to carry the CSV's columns as fields
(``RECORD_FIELDS``); a missing one fails as schema drift naming it. Offline: the embedded snapshot's
copy of the dataset's CSV (2016-01…2023-09, as copied in ruchernchong/singapore-ev-trends at commit
bc6cdbe). Both go through ``parse_rows``. Licence: Singapore Open Data Licence.

Parsing is explicit: month YYYY-MM; the make as given plus upper-cased and trimmed (LTA wrote
``Mclaren`` until 2017-06, ``MCLAREN`` since); importer type AMD, PI or empty (LTA splits by importer
from 2023-01 only); each fuel type LTA uses mapped to a powertrain (``POWERTRAIN_BY_FUEL_TYPE``), an
unknown one failing with the file or page, row and column; registrations a whole number >= 0. From
2018-07 LTA leaves the count empty where it wrote 0 before (no month of the file has both an empty
and a 0 count), so an empty count lands as 0 with ``registrations_blank_in_source``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.limits import PAGES, LimitExceeded
from connectors.parsing import integers, load_csv, load_json
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot
from warehouse.contracts.raw_lta_singapore import IMPORTER_TYPES
from warehouse.contracts.vocabularies import MARKET_CODES, to_sales_powertrains

SOURCE = "lta_singapore"
DATASTORE_URL = "https://data.gov.sg/api/action/datastore_search"
DATASET_ID_PARAMETER = "resource_id"
ENDPOINT_VARIABLE = "GREENBRIDGE_ENDPOINT_LTA_SINGAPORE"
SNAPSHOT_FILE = "M03-Car_Regn_by_make.csv"
LICENCE = "Singapore Open Data Licence"
CITATION = "Land Transport Authority (LTA), M03 - New Registration of Cars by Make; Singapore Open Data Licence"
MARKET_CODE = "SGP"
DEFAULT_PAGE_SIZE = 10000

# The dataset's columns (CSV header, datastore record fields) -> the raw contract's.
RECORD_FIELDS = {
    "month": "month",
    "make": "make",
    "importer_type": "importer_type",
    "fuel_type": "fuel_type",
    "vehicle_type": "body_type",
    "number": "registrations",
}
# Every fuel type M03 holds, 2016-01…2023-09; a new one must be mapped here before it lands.
POWERTRAIN_BY_FUEL_TYPE = to_sales_powertrains("POWERTRAIN_BY_FUEL_TYPE", {
    "Petrol": "petrol",
    "Diesel": "diesel",
    "Electric": "bev",
    "Petrol-Electric": "hev",
    "Petrol-Electric (Plug-In)": "phev",
    "Diesel-Electric": "hev",
    "Diesel-Electric (Plug-In)": "phev",
    # LTA's own catch-all (CNG and other fuels are not split out in M03).
    "Others": "other",
})
if MARKET_CODE not in MARKET_CODES:
    raise ValueError(f"{MARKET_CODE} is not a market of the seed markets.csv")


def dataset_url(endpoint: str) -> tuple[str, str]:
    """(the datastore URL without query, the dataset id) of the configured endpoint; no id is an error."""
    parts = urlsplit(endpoint)
    query = dict(parse_qsl(parts.query))
    dataset_id = query.get(DATASET_ID_PARAMETER, "").strip()
    if not dataset_id:
        raise SourceError(SOURCE, (
            f"no data.gov.sg dataset id for M03 in the endpoint {urlunsplit(parts._replace(query=''))}: set "
            f"{ENDPOINT_VARIABLE}={DATASTORE_URL}?{DATASET_ID_PARAMETER}=<the dataset id, d_..., of "
            "'New Registration of Cars by Make' on data.gov.sg>"))
    return urlunsplit(parts._replace(query="")), dataset_id


def fetch_live(session: requests.Session, endpoint: str, page_size: int = DEFAULT_PAGE_SIZE) -> list[RawFetch]:
    """Every page of the dataset, offset 0, then the offset after the rows received so far, until
    ``total`` rows have come (a server capping ``limit`` below ``page_size`` still gets every row).
    One RawFetch per page, in order."""
    base_url, dataset_id = dataset_url(endpoint)
    fetches: list[RawFetch] = []
    offset = 0
    most = int(PAGES.value(SOURCE))
    for page in range(1, most + 1):
        parameters = {DATASET_ID_PARAMETER: dataset_id, "limit": page_size, "offset": offset}
        response = get_bytes(session, SOURCE, f"{base_url}?{urlencode(parameters)}")
        records, total = _page(response.content, page_label(page, offset))
        fetches.append(live_fetch(response, SOURCE, {"dataset_id": dataset_id, "page": page, "offset": offset,
                                                     "limit": page_size}, LICENCE, CITATION))
        offset += len(records)
        if offset >= total:
            return fetches
        if not records:
            raise SourceError(SOURCE, f"{page_label(page, offset)} is empty after {offset} of {total} rows")
    raise LimitExceeded(SOURCE, PAGES, f"more than {most:,} pages of {page_size} rows", most)


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    paths = [path for path in snapshot.paths_for(SOURCE) if path.rsplit("/", 1)[-1] == SNAPSHOT_FILE]
    if not paths:
        raise SourceError(SOURCE, f"the snapshot lists no {SNAPSHOT_FILE} with source_id {SOURCE}")
    return [from_snapshot(snapshot, path) for path in paths]


def page_label(page: int, offset: int) -> str:
    return f"page {page} (offset {offset})"


def fetch_label(fetch: RawFetch) -> str:
    """How errors name a fetch's body: the datastore page, or the snapshot file."""
    if "page" in fetch.parameters:
        return page_label(fetch.parameters["page"], fetch.parameters["offset"])
    return fetch.parameters.get("snapshot_file", SNAPSHOT_FILE)


def parse_fetch(fetch: RawFetch) -> pd.DataFrame:
    """One fetch (a datastore page or the snapshot CSV) -> the raw contract's rows; errors name the
    page or file, since a datastore page does not say which page it is."""
    return parse_body(fetch.content, fetch_label(fetch))


def parse_body(content: bytes, label: str) -> pd.DataFrame:
    """A datastore page (JSON) or the dataset's CSV -> the raw contract's rows."""
    if content.lstrip()[:1] == b"{":
        records, _ = _page(content, label)
        frame = pd.DataFrame(records, columns=list(RECORD_FIELDS) if not records else None, dtype=object)
        return parse_rows(frame, label)
    return parse_rows(load_csv(SOURCE, content, what=label), label)


def _page(content: bytes, label: str) -> tuple[list[dict], int]:
    """(records, total) of one datastore answer."""
    document = load_json(SOURCE, content)
    if not isinstance(document, dict) or document.get("success") is not True:
        error = document.get("error") if isinstance(document, dict) else None
        raise SourceError(SOURCE, f"{label}: data.gov.sg did not answer success: {error or str(document)[:160]}")
    result = document.get("result")
    if not isinstance(result, dict):
        raise SchemaDriftError(SOURCE, "result", f"{label}: expected an object, got {str(result)[:120]}")
    records, total = result.get("records"), result.get("total")
    if not isinstance(records, list) or not all(isinstance(record, dict) for record in records):
        raise SchemaDriftError(SOURCE, "result.records", f"{label}: expected a list of record objects")
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise SchemaDriftError(SOURCE, "result.total", f"{label}: expected a row count, got {total!r}")
    return records, total


def parse_rows(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """The dataset's rows (every field as text or JSON scalars) -> the raw contract's columns."""
    fields = [str(field).strip() for field in frame.columns]
    for field in RECORD_FIELDS:
        if field not in fields:
            raise SchemaDriftError(SOURCE, f"{label}:{field}", f"expected column missing; got {[f for f in fields if f != '_id']}")
    frame = frame.set_axis(fields, axis=1)[list(RECORD_FIELDS)]
    text = frame.apply(lambda values: values.map(lambda value: "" if value is None else str(value).strip()))
    month = text["month"]
    malformed = ~month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if malformed.any():
        raise SchemaDriftError(SOURCE, f"{label}:month", f"not a YYYY-MM month in {_rows(malformed)}: {month[malformed].unique()[:5].tolist()}")
    importer = text["importer_type"]
    unknown_importer = ~importer.isin(["", *IMPORTER_TYPES])
    if unknown_importer.any():
        raise SchemaDriftError(SOURCE, f"{label}:importer_type",
                               f"unknown importer type {importer[unknown_importer].unique()[:5].tolist()} in {_rows(unknown_importer)} "
                               f"(known: {', '.join(IMPORTER_TYPES)})")
    fuel = text["fuel_type"]
    unknown_fuel = ~fuel.isin(list(POWERTRAIN_BY_FUEL_TYPE))
    if unknown_fuel.any():
        raise SchemaDriftError(SOURCE, f"{label}:fuel_type",
                               f"unknown fuel type {fuel[unknown_fuel].unique()[:5].tolist()} in {_rows(unknown_fuel)}: "
                               "map it in POWERTRAIN_BY_FUEL_TYPE")
    for field in ("make", "vehicle_type"):
        empty = text[field] == ""
        if empty.any():
            raise SchemaDriftError(SOURCE, f"{label}:{field}", f"empty in {_rows(empty)}")
    blank = text["number"] == ""
    registrations = integers(SOURCE, f"{label}:number", text["number"].where(~blank, "0"))
    negative = registrations < 0
    if negative.any():
        raise SchemaDriftError(SOURCE, f"{label}:number", f"negative count in {_rows(negative)}")
    return pd.DataFrame({
        "market_code": MARKET_CODE,
        "month": month,
        "make": frame["make"].map(str),
        "make_normalised": text["make"].str.upper(),
        "importer_type": importer.where(importer != "", None).astype(object),
        "fuel_type": fuel,
        "powertrain": fuel.map(POWERTRAIN_BY_FUEL_TYPE),
        "body_type": text["vehicle_type"],
        "registrations": registrations,
        "registrations_blank_in_source": blank,
    }).reset_index(drop=True)


def _rows(failing: pd.Series) -> str:
    """The data rows (1 = the first after the header, or the page's first record) where ``failing`` holds."""
    rows = [int(position) + 1 for position in failing.to_numpy().nonzero()[0][:5]]
    more = int(failing.sum()) - len(rows)
    return f"row(s) {', '.join(map(str, rows))}" + (f" and {more} more" if more > 0 else "")
