"""Market new-car sales by powertrain: Robbie Andrew's carsales dataset (CICERO), monthly sales per
country as each country's primary publisher reports them (GAIKINDO, Thai DLT / TAIA, LTA, ACEA,
PZPM-CEP, CPCA, Argonne, data.gov.my, ...).

One CSV per market, ``<country>_carsales_monthly.csv`` (``YYYYMM`` and one column per powertrain,
which differ by country: some have ``ICE`` where others split ``Diesel``/``Petrol``, some lack
``Others``), and ``sources_data.json``, which names each country's publisher by its data pages.
Live: ``https://robbieandrew.github.io/carsales/data/<file>``, no key. Offline: the embedded
snapshot's copies of the same files. Licence CC BY 4.0.

Each file's columns are listed explicitly (``COUNTRIES``) and mapped to the sales powertrain
vocabulary of the raw contract; an unknown or missing column fails naming the file and the column,
since guessing would double count (``ICE`` beside ``Petrol``) or drop a powertrain.

The landing parses one body at a time, and a country file does not say which country it is: a
parser built for one set of fetches (``parser_for``) knows each body by its bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.parsing import integers, load_csv, load_json
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot
from warehouse.contracts.raw_carsales import RAW_CARSALES_NEW_CAR_SALES
from warehouse.contracts.vocabularies import to_sales_powertrains
from warehouse.contracts.schema import SOURCE_SHA256

SOURCE = "carsales"
BASE_URL = "https://robbieandrew.github.io/carsales/data"
SOURCES_FILE = "sources_data.json"
FILE_TEMPLATE = "{slug}_carsales_monthly.csv"
LIVE_URL_TEMPLATE = f"{BASE_URL}/{FILE_TEMPLATE}"
LICENCE = "CC BY 4.0"
CITATION = "Robbie Andrew (CICERO), new car sales by powertrain, robbieandrew.github.io/carsales ({file}); CC BY 4.0"
MONTH_COLUMN = "YYYYMM"
PUBLISHER_SEPARATOR = "; "

# The dataset's column header -> powertrain of the raw contract.
POWERTRAIN_BY_COLUMN = to_sales_powertrains("POWERTRAIN_BY_COLUMN", {
    "Diesel": "diesel",
    "Petrol": "petrol",
    "LPG": "lpg",
    "ICE": "ice",
    "Non-plugin hybrid": "hev",
    "Plugin hybrid": "phev",
    # Malaysia's registrations (data.gov.my) do not tell plug-in hybrids apart.
    "Hybrid": "hybrid",
    "Battery electric": "bev",
    "Others": "other",
})


@dataclass(frozen=True)
class Country:
    slug: str  # the file's name: <slug>_carsales_monthly.csv
    market_code: str  # ISO 3166-1 alpha-3, or EU27
    sources_name: str  # its "country" in sources_data.json
    columns: tuple[str, ...]  # its powertrain columns (besides YYYYMM), as the file has them

    def __post_init__(self) -> None:
        unmapped = [column for column in self.columns if column not in POWERTRAIN_BY_COLUMN]
        if unmapped:
            raise ValueError(f"{self.file}: columns {unmapped} have no powertrain in POWERTRAIN_BY_COLUMN")

    @property
    def file(self) -> str:
        return FILE_TEMPLATE.format(slug=self.slug)


_SPLIT = ("Diesel", "Petrol", "Non-plugin hybrid", "Plugin hybrid", "Battery electric", "Others")
COUNTRIES = (
    Country("indonesia", "IDN", "Indonesia", _SPLIT),
    Country("thailand", "THA", "Thailand", ("Petrol", "Non-plugin hybrid", "Plugin hybrid", "Battery electric", "Others")),
    Country("singapore", "SGP", "Singapore", _SPLIT),
    Country("hungary", "HUN", "Hungary", _SPLIT),
    Country("poland", "POL", "Poland",
            ("Diesel", "Petrol", "LPG", "Non-plugin hybrid", "Plugin hybrid", "Battery electric", "Others")),
    Country("china", "CHN", "China", ("ICE", "Plugin hybrid", "Battery electric")),
    Country("europeanunion", "EU27", "EUROPEAN UNION", _SPLIT),
    Country("usa", "USA", "USA", ("ICE", "Non-plugin hybrid", "Plugin hybrid", "Battery electric")),
    Country("malaysia", "MYS", "Malaysia", ("Diesel", "Petrol", "Hybrid", "Battery electric", "Others")),
)
COUNTRY_BY_FILE = {country.file: country for country in COUNTRIES}
FILES = (SOURCES_FILE, *COUNTRY_BY_FILE)


def fetch_live(session: requests.Session, base_url: str = BASE_URL) -> list[RawFetch]:
    """sources_data.json, then every country's file."""
    fetches = []
    for name in FILES:
        response = get_bytes(session, SOURCE, f"{base_url}/{name}")
        fetches.append(live_fetch(response, SOURCE, {"file": name}, LICENCE, CITATION.format(file=name)))
    return fetches


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    paths = snapshot.paths_for(SOURCE)
    held = {PurePosixPath(path).name: path for path in paths}
    missing = [name for name in FILES if name not in held]
    if missing:
        raise SourceError(SOURCE, f"the snapshot lists no file {', '.join(missing)} with source_id {SOURCE}")
    return [from_snapshot(snapshot, held[name]) for name in FILES]


def file_name(fetch: RawFetch) -> str:
    """The dataset file a fetch holds: the last segment of its URL (live, mirror or snapshot entry)."""
    return PurePosixPath(urlsplit(fetch.url).path).name


def parser_for(fetches: Sequence[RawFetch]) -> Callable[[RawFetch], pd.DataFrame]:
    """The parser of these fetches: each country file (known by its name) to its long rows, with the
    publisher that the fetches' sources_data.json names for it; sources_data.json itself to no rows."""
    for fetch in fetches:
        name = file_name(fetch)
        if name not in FILES:
            raise SourceError(SOURCE, f"{fetch.url}: {name} is not a file of the dataset (expected one of {', '.join(FILES)})")
    sources = [fetch for fetch in fetches if file_name(fetch) == SOURCES_FILE]
    if not sources:
        raise SourceError(SOURCE, f"no {SOURCES_FILE} among the fetches: the publishers are unknown")

    @cache
    def publishers() -> dict[str, str]:
        return parse_publishers(sources[0].content)

    def parse(fetch: RawFetch) -> pd.DataFrame:
        name = file_name(fetch)
        if name == SOURCES_FILE:
            return _empty()
        if name not in COUNTRY_BY_FILE:
            raise SourceError(SOURCE, f"{fetch.url}: {name} is not a file of the dataset")
        country = COUNTRY_BY_FILE[name]
        try:
            publisher = publishers()[country.sources_name]
        except KeyError:
            raise SchemaDriftError(SOURCE, f"{SOURCES_FILE}:country",
                                   f"no entry for {country.sources_name!r}, the publisher of {name}") from None
        return parse_country(fetch.content, country, publisher)

    return parse


def parse_publishers(content: bytes) -> dict[str, str]:
    """sources_data.json -> country name -> its data page URLs, joined by PUBLISHER_SEPARATOR."""
    document = load_json(SOURCE, content)
    if not isinstance(document, list):
        raise SchemaDriftError(SOURCE, SOURCES_FILE, f"expected a list of countries, got {type(document).__name__}")
    publishers = {}
    for entry in document:
        country = entry.get("country") if isinstance(entry, dict) else None
        listed = entry.get("sources") if isinstance(entry, dict) else None
        if not isinstance(country, str) or not isinstance(listed, list):
            raise SchemaDriftError(SOURCE, f"{SOURCES_FILE}:country", f"an entry without a country and a list of sources: {entry!r:.120}")
        urls = [source.get("url") for source in listed if isinstance(source, dict)]
        if not urls or not all(isinstance(url, str) and url.strip() for url in urls):
            raise SchemaDriftError(SOURCE, f"{SOURCES_FILE}:sources.url", f"{country!r} lists a source without a URL")
        publishers[country] = PUBLISHER_SEPARATOR.join(url.strip() for url in urls)
    return publishers


def parse_country(content: bytes, country: Country, publisher: str) -> pd.DataFrame:
    """One country's monthly file -> market_code, month (YYYY-MM), powertrain, new_car_sales, publisher."""
    name = country.file
    frame = load_csv(SOURCE, content, what=name)
    headers = [header.strip() for header in frame.columns]
    if MONTH_COLUMN not in headers:
        raise SchemaDriftError(SOURCE, f"{name}:{MONTH_COLUMN}", f"the month column is missing; got {headers}")
    for header in headers:
        if header != MONTH_COLUMN and header not in country.columns:
            raise SchemaDriftError(SOURCE, f"{name}:{header}",
                                   f"unknown column in {country.sources_name}'s file (its columns: {', '.join(country.columns)})")
    for column in country.columns:
        if column not in headers:
            raise SchemaDriftError(SOURCE, f"{name}:{column}", f"expected column missing in {country.sources_name}'s file; got {headers}")
    frame.columns = headers
    frame = frame.apply(lambda values: values.str.strip())
    months = frame[MONTH_COLUMN]
    malformed = ~months.str.fullmatch(r"\d{4}(0[1-9]|1[0-2])")
    if malformed.any():
        raise SchemaDriftError(SOURCE, f"{name}:{MONTH_COLUMN}", f"not a YYYYMM month: {months[malformed].unique()[:5].tolist()}")
    month = months.str[:4] + "-" + months.str[4:]
    # Empty cells are schema drift too: a month without a figure is not a month with none sold.
    long = [
        pd.DataFrame({
            "market_code": country.market_code,
            "month": month,
            "powertrain": POWERTRAIN_BY_COLUMN[column],
            "new_car_sales": integers(SOURCE, f"{name}:{column}", frame[column].where(frame[column] != "", None)),
            "publisher": publisher,
        })
        for column in country.columns
    ]
    return pd.concat(long, ignore_index=True).sort_values(["month", "powertrain"], ignore_index=True)


def _empty() -> pd.DataFrame:
    columns = [column for column in RAW_CARSALES_NEW_CAR_SALES.columns if column.name != SOURCE_SHA256.name]
    return pd.DataFrame({column.name: pd.Series(dtype="int64" if column.dtype == "int64" else object) for column in columns})
