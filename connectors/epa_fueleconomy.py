"""US EPA / DOE fueleconomy.gov vehicles file: type-approval (EPA) fuel economy, tailpipe CO2,
electricity consumption, PHEV utility factor and EV range of every US model since 1984.

Live: ``vehicles.csv.zip`` (one ``vehicles.csv`` member, about 48,000 rows, no key). Offline: the
embedded snapshot's 11 real rows in the same 83-column layout, as plain CSV written by
tidytuesday, where missing values are ``NA`` (the EPA original leaves them empty). ``parse`` takes
either the zip or plain CSV bytes and converts miles to km. Licence: US public domain.
"""

import io
import zipfile

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.limits import ZIP_MEMBER_BYTES, LimitExceeded
from connectors.parsing import integers, load_csv, numbers
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot

SOURCE = "epa_fueleconomy"
LIVE_URL = "https://www.fueleconomy.gov/feg/epadata/vehicles.csv.zip"
CSV_MEMBER = "vehicles.csv"
LICENCE = "US public domain"
CITATION = "US EPA / US DOE, fueleconomy.gov vehicles.csv (www.fueleconomy.gov/feg/epadata/vehicles.csv.zip)"
KM_PER_MILE = 1.609344
ENCRYPTED_FLAG = 0x1  # general-purpose bit 0 of a zip entry
# Both spellings of a missing value: empty (EPA original) and NA (tidytuesday copy).
MISSING = ("", "NA")

# source column -> warehouse column (kept as they are; the converted ones are derived below)
TEXT_COLUMNS = {
    "make": "make",
    "model": "model",
    "VClass": "vehicle_class",
    "fuelType": "fuel_type",
    "atvType": "atv_type",
}
REQUIRED_COLUMNS = ("id", "year", *TEXT_COLUMNS, "co2TailpipeGpm", "comb08", "combE", "combinedUF", "range")
COLUMNS = (
    "epa_vehicle_id", "make", "model", "model_year", "vehicle_class", "fuel_type", "atv_type", "powertrain",
    "tailpipe_co2_g_per_km", "combined_mpg", "electricity_kwh_per_100km", "phev_utility_factor",
    "electric_range_km",
)
# atvType -> powertrain; blank and the other types (FFV, Diesel, CNG, Bifuel) are combustion cars.
POWERTRAIN_BY_ATV_TYPE = {"EV": "BEV", "Plug-in Hybrid": "PHEV", "Hybrid": "HEV", "FCV": "FCEV"}


def fetch_live(session: requests.Session, url: str = LIVE_URL) -> list[RawFetch]:
    response = get_bytes(session, SOURCE, url)
    return [live_fetch(response, SOURCE, {}, LICENCE, CITATION)]


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    paths = snapshot.paths_for(SOURCE)
    if not paths:
        raise SourceError(SOURCE, f"the snapshot lists no file with source_id {SOURCE}")
    return [from_snapshot(snapshot, path) for path in paths]


def parse(content: bytes) -> pd.DataFrame:
    """The zip (or plain CSV) -> one row per EPA vehicle id, units converted to km."""
    frame = _read_csv(_csv_bytes(content))
    for column in REQUIRED_COLUMNS:
        if column not in frame.columns:
            raise SchemaDriftError(SOURCE, column, f"expected column missing; got {list(frame.columns)[:12]}...")
    frame = frame[list(REQUIRED_COLUMNS)].apply(_blank_as_null)
    out = pd.DataFrame({
        "epa_vehicle_id": integers(SOURCE, "id", frame["id"]),
        "model_year": integers(SOURCE, "year", frame["year"]),
        **{column: frame[field].astype(object) for field, column in TEXT_COLUMNS.items()},
    })
    out["powertrain"] = frame["atvType"].map(lambda atv: POWERTRAIN_BY_ATV_TYPE.get(atv, "ICEV"))
    out["tailpipe_co2_g_per_km"] = numbers(SOURCE, "co2TailpipeGpm", frame["co2TailpipeGpm"]) / KM_PER_MILE
    out["combined_mpg"] = numbers(SOURCE, "comb08", frame["comb08"])
    # EPA writes 0 where a quantity does not apply (combE of a petrol car, range of a PHEV):
    # 0 kWh/100 km or a 0 km range would be read as a measurement, so it becomes null.
    out["electricity_kwh_per_100km"] = _zero_as_null(numbers(SOURCE, "combE", frame["combE"])) / KM_PER_MILE
    out["phev_utility_factor"] = _zero_as_null(numbers(SOURCE, "combinedUF", frame["combinedUF"]))
    out["electric_range_km"] = _zero_as_null(numbers(SOURCE, "range", frame["range"])) * KM_PER_MILE
    return out[list(COLUMNS)].reset_index(drop=True)


def _csv_bytes(content: bytes) -> bytes:
    if not content.strip():
        raise SourceError(SOURCE, "empty response body")
    if not content.startswith(b"PK"):
        return content
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = [info for info in archive.infolist() if info.filename.rsplit("/", 1)[-1].lower() == CSV_MEMBER]
            if len(members) != 1:
                raise SourceError(SOURCE, f"zip holds {len(members)} {CSV_MEMBER} members (it has {archive.namelist()[:5]})")
            return _read_member(archive, members[0])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise SourceError(SOURCE, f"response is not a readable zip ({type(error).__name__}: {error})") from None


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, refusing before decompression one that declares more than the limit, is
    encrypted or uses a method zipfile cannot read; never more than the declared size is inflated."""
    if member.flag_bits & ENCRYPTED_FLAG:
        raise SourceError(SOURCE, f"zip member {member.filename} is encrypted; expected a plain {CSV_MEMBER}")
    limit = int(ZIP_MEMBER_BYTES.value(SOURCE))
    if member.file_size > limit:
        raise LimitExceeded(SOURCE, ZIP_MEMBER_BYTES, f"zip member {member.filename} declares {member.file_size:,} bytes", limit)
    try:
        with archive.open(member) as stream:
            # zipfile stops inflating at the declared size and then checks the CRC, so a member
            # lying about its size fails as a bad zip instead of filling memory.
            return stream.read(limit + 1)
    except (RuntimeError, NotImplementedError) as error:
        raise SourceError(SOURCE, f"zip member {member.filename} cannot be read ({type(error).__name__})") from None


def _read_csv(content: bytes) -> pd.DataFrame:
    # Older EPA files carried a few Windows-1252 model names; cp1252 still fails on bytes that are
    # no text at all, which are reported as unreadable.
    return load_csv(SOURCE, content, fallback_encoding="cp1252")


def _blank_as_null(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    return stripped.where(~stripped.isin(MISSING), None).astype(object)


def _zero_as_null(numbers: pd.Series) -> pd.Series:
    return numbers.mask(numbers == 0)
