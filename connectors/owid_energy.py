"""Our World in Data energy dataset: electricity carbon intensity by country and year.

Live: the full ``owid-energy-data.csv`` (about 9 MB, 130 columns, no key). Offline: the embedded
snapshot's trimmed copy of the same file. Both go through ``parse``, which keeps the columns the
pipeline uses and names their unit. Licence CC BY 4.0 (Ember data, also CC BY 4.0).
"""

from __future__ import annotations

import io

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.parsing import integers, numbers
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot

SOURCE = "owid_energy"
LIVE_URL = "https://nyc3.digitaloceanspaces.com/owid-public/data/energy/owid-energy-data.csv"
SNAPSHOT_FILE = "owid/owid_carbon_intensity_elec_2015_2024.csv"
LICENCE = "CC BY 4.0"
CITATION = "Our World in Data, Energy dataset (owid/energy-data), electricity data from Ember; CC BY 4.0"

# source column -> warehouse column (unit from the OWID codebook: gCO2e/kWh)
COLUMNS = {
    "country": "country",
    "iso_code": "iso_code",
    "year": "year",
    "carbon_intensity_elec": "carbon_intensity_elec_g_per_kwh",
}
NUMERIC_COLUMNS = ("year", "carbon_intensity_elec")


def fetch_live(session: requests.Session, url: str = LIVE_URL) -> RawFetch:
    response = get_bytes(session, SOURCE, url)
    return live_fetch(response, SOURCE, {}, LICENCE, CITATION)


def fetch_snapshot(snapshot: Snapshot) -> RawFetch:
    return from_snapshot(snapshot, SNAPSHOT_FILE)


def parse(content: bytes) -> pd.DataFrame:
    """Parse OWID CSV bytes into country, iso_code, year, carbon_intensity_elec_g_per_kwh."""
    if not content.strip():
        raise SourceError(SOURCE, "empty response body")
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise SourceError(SOURCE, f"response is not a readable CSV: {error}") from error
    for column in COLUMNS:
        if column not in frame.columns:
            raise SchemaDriftError(SOURCE, column, f"expected column missing; got {list(frame.columns)[:12]}...")
    frame = frame[list(COLUMNS)].copy()
    # OWID writes a missing value as an empty string.
    for column in ("iso_code", *NUMERIC_COLUMNS):
        frame[column] = frame[column].str.strip().replace("", None)
    frame["year"] = integers(SOURCE, "year", frame["year"])
    frame["carbon_intensity_elec"] = numbers(SOURCE, "carbon_intensity_elec", frame["carbon_intensity_elec"])
    return frame.rename(columns=COLUMNS).reset_index(drop=True)
