"""IEA Global EV Outlook data via Our World in Data grapher CSVs: electric-car sales and their
share of new-car sales by country or region and year (about 30 entities, 2010 onwards).

Two datasets, each its own source id, snapshot file and table: ``owid_grapher_ev_sales``
(``electric-car-sales``) and ``owid_grapher_ev_share`` (``electric-car-sales-share``). Live: the
grapher's full CSV (``Entity,Code,Year,<indicator title>``, no key). Offline: the embedded
snapshot's copies of the same files. Licence CC BY 4.0 (IEA, via OWID).
"""

import io
from dataclasses import dataclass

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.parsing import integers, numbers
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot

EV_SALES = "owid_grapher_ev_sales"
EV_SHARE = "owid_grapher_ev_share"
BASE_URL = "https://ourworldindata.org/grapher"
URL_TEMPLATE = "https://ourworldindata.org/grapher/{slug}.csv?v=1&csvType=full&useColumnShortNames=false"
# The query of URL_TEMPLATE: the full series, with the indicator's title as its column header.
QUERY = {"v": "1", "csvType": "full", "useColumnShortNames": "false"}
LICENCE = "CC BY 4.0"
CITATION = "IEA, Global EV Outlook, via Our World in Data grapher ({slug}); CC BY 4.0"


@dataclass(frozen=True)
class Dataset:
    source: str  # source id, also the manifest source_id of its snapshot file
    slug: str  # grapher chart slug
    header: str  # the value column's header in the grapher CSV
    column: str  # warehouse column of the value
    integer: bool  # counts are whole numbers; shares are not


DATASETS = {
    EV_SALES: Dataset(EV_SALES, "electric-car-sales", "Electric cars sold", "electric_car_sales_units", True),
    EV_SHARE: Dataset(EV_SHARE, "electric-car-sales-share", "Share of new cars that are electric",
                      "electric_car_sales_share_pct", False),
}


def dataset_for(dataset: str) -> Dataset:
    try:
        return DATASETS[dataset]
    except KeyError:
        raise ValueError(f"unknown dataset {dataset!r}; known: {sorted(DATASETS)}") from None


def fetch_live(session: requests.Session, dataset: str, base_url: str = BASE_URL) -> list[RawFetch]:
    spec = dataset_for(dataset)
    response = get_bytes(session, spec.source, f"{base_url}/{spec.slug}.csv", QUERY)
    return [live_fetch(response, spec.source, {"slug": spec.slug, **QUERY}, LICENCE, CITATION.format(slug=spec.slug))]


def fetch_snapshot(snapshot: Snapshot, dataset: str) -> list[RawFetch]:
    spec = dataset_for(dataset)
    paths = snapshot.paths_for(spec.source)
    if not paths:
        raise SourceError(spec.source, f"the snapshot lists no file with source_id {spec.source}")
    return [from_snapshot(snapshot, path) for path in paths]


def parse_electric_car_sales(content: bytes) -> pd.DataFrame:
    """entity, code, year, electric_car_sales_units."""
    return parse_dataset(content, EV_SALES)


def parse_electric_car_sales_share(content: bytes) -> pd.DataFrame:
    """entity, code, year, electric_car_sales_share_pct (0-100)."""
    return parse_dataset(content, EV_SHARE)


def parse_dataset(content: bytes, dataset: str) -> pd.DataFrame:
    """A grapher CSV of one indicator -> entity, code, year and the dataset's value column."""
    spec = dataset_for(dataset)
    source = spec.source
    if not content.strip():
        raise SourceError(source, "empty response body")
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise SourceError(source, f"response is not a readable CSV: {error}") from None
    for header in ("Entity", "Code", "Year", spec.header):
        if header not in frame.columns:
            raise SchemaDriftError(source, header, f"expected column missing; got {list(frame.columns)}")
    frame = frame.apply(lambda values: values.str.strip())
    # OWID leaves a cell empty where it has no value.
    frame = frame.where(frame != "", None)
    years = integers(source, "Year", frame["Year"])
    values = numbers(source, spec.header, frame[spec.header])
    if spec.integer:
        fractional = values.notna() & (values != values.round())
        if fractional.any():
            raise SchemaDriftError(source, spec.header, f"expected counts, got {values[fractional].unique()[:5].tolist()}")
        values = values.astype("Int64")
    out = pd.DataFrame({
        "entity": frame["Entity"].astype(object),
        # OWID leaves Code empty for regions it does not code ("Rest of World").
        "code": frame["Code"].astype(object),
        "year": years,
        spec.column: values,
    })
    return out.reset_index(drop=True)
