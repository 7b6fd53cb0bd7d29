"""open-ev-data specifications: one row per electric vehicle trim (battery chemistry and kWh, curb
weight, rated range by test cycle, markets, wheelbase, sources), compiled from the dataset's
layered JSON (``connectors.open_ev_data_layers``). CDLA-Permissive-2.0.

Live: the dataset's GitHub archive of a release tag (``LIVE_URL``; any other archive URL through
``GREENBRIDGE_ENDPOINT_OPEN_EV_DATA``), a tar.gz whose ``<top folder>/src/`` holds the JSON files;
it is untrusted input (``connectors.tar_archive``). Offline: the same files, copied byte for byte
into the embedded snapshot (``open_ev_data/``), each listed in the manifest; they are read (and
sha256-checked) in path order and bundled into one plain tar shaped like the archive, so the offline
landing parses the same kind of bytes as the live one, and the same files always give the same bytes.

Range: one column per test cycle the dataset knows (``RATED_CYCLES``), not one row per cycle: the
dataset lists each cycle at most once per trim, the cycles form a closed list, and one row per trim
keeps the key the trim id the dataset defines (``oed:<make>:<model>:<year>:<trim>[:<variant>]``).
No consumption column: no record carries one; a consumption derived from a rated range is an
estimate and belongs to the catalogue model. Fields a record lacks stay null.

Powertrain: the dataset has no powertrain field. A trim is PHEV or EREV when its own names or notes
say so ("PHEV", "plug-in hybrid"; "EREV", "range extender"), null when they say both, and otherwise
BEV (open-ev-data describes electric vehicles); ``powertrain_basis`` quotes what decided it.
"""

from __future__ import annotations

import io
import re
import tarfile

import pandas as pd
import requests

from connectors.errors import SchemaDriftError, SourceError
from connectors.http import get_bytes
from connectors.open_ev_data_layers import SOURCE, VehicleRecord, compile_vehicles, dataset_path, is_source_json
from connectors.raw_fetch import RawFetch, from_snapshot, live_fetch
from connectors.snapshot import Snapshot
from connectors.tar_archive import read_members

RELEASE_TAG = "v1.7.0"
LIVE_URL = f"https://github.com/open-ev-data/open-ev-data-dataset/archive/refs/tags/{RELEASE_TAG}.tar.gz"
SNAPSHOT_COMMIT = "8edb266"
# The dataset at the snapshot's commit: what the offline bundle holds a copy of.
SNAPSHOT_URL = f"https://github.com/open-ev-data/open-ev-data-dataset/tree/{SNAPSHOT_COMMIT}"
# The top folder GitHub gives an archive of the snapshot's commit; the offline bundle uses it too.
SNAPSHOT_ARCHIVE_FOLDER = f"open-ev-data-dataset-{SNAPSHOT_COMMIT}"
LICENCE = "CDLA-Permissive-2.0"
CITATION = "OpenEV Data contributors, open-ev-data/open-ev-data-dataset (github.com/open-ev-data/open-ev-data-dataset)"

# The dataset schema's enum of rated-range test cycles (range.rated[].cycle), one column each.
RATED_CYCLES = ("cltc", "wltp", "nedc", "epa", "jc08", "other")
MARKET_CODE = re.compile(r"^[A-Z]{2}$")
EREV_LABEL = re.compile(r"\bEREV\b|\brange[- ]extender\b", re.IGNORECASE)
PHEV_LABEL = re.compile(r"\bPHEV\d*\b|\bplug-in hybrid\b", re.IGNORECASE)
NAME_FIELDS = ("model.name", "trim.name", "variant.name")
BEV_BASIS = ("no PHEV or EREV label in its names or notes (open-ev-data describes electric vehicles: "
             "battery-electric unless a record says otherwise)")

COLUMNS = (
    "trim_id", "make_slug", "make", "model_slug", "model", "model_year", "trim_slug", "trim", "variant_slug",
    "variant", "variant_kind", "vehicle_type", "availability_status", "powertrain", "powertrain_basis",
    "battery_chemistry", "battery_gross_kwh", "battery_net_kwh", "curb_weight_kg", "wheelbase_mm",
    *(f"range_{cycle}_km" for cycle in RATED_CYCLES), "rated_range_notes", "markets", "source_urls", "trim_file",
)


def fetch_live(session: requests.Session, url: str = LIVE_URL) -> list[RawFetch]:
    response = get_bytes(session, SOURCE, url)
    return [live_fetch(response, SOURCE, {}, LICENCE, CITATION)]


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    """One fetch: the snapshot's files (each checked against its manifest sha256) bundled in path order."""
    paths = sorted(snapshot.paths_for(SOURCE))
    if not paths:
        raise SourceError(SOURCE, f"the snapshot lists no file with source_id {SOURCE}")
    reads = [from_snapshot(snapshot, path) for path in paths]
    first = reads[0]
    folder = paths[0].split("/", 1)[0]
    bundle = _plain_tar({f"{SNAPSHOT_ARCHIVE_FOLDER}/{path.split('/', 1)[1]}": read.content
                         for path, read in zip(paths, reads)})
    return [RawFetch(source=SOURCE, mode="snapshot", url=SNAPSHOT_URL,
                     parameters={"snapshot_folder": folder, "snapshot_files": len(paths)}, content=bundle,
                     http_status=None, retrieved_at=first.retrieved_at, licence=first.licence, citation=first.citation)]


def parse(content: bytes) -> pd.DataFrame:
    """The archive (tar.gz, or the snapshot's plain tar) -> one row per compiled trim."""
    if not content.strip():
        raise SourceError(SOURCE, "empty response body")
    members = read_members(SOURCE, content, is_source_json)
    files = {str(dataset_path(name)): data for name, data in members.items()}
    if not files:
        raise SourceError(SOURCE, "the archive holds no src/<make>/<model>/... JSON file")
    rows = [_row(vehicle) for vehicle in compile_vehicles(files)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _plain_tar(files: dict[str, bytes]) -> bytes:
    """A tar of ``files`` in the given order whose bytes depend on nothing else (no times, owners)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class _Fields:
    """Typed reads of one compiled record; a wrong type fails naming the trim file and the field."""

    def __init__(self, vehicle: VehicleRecord):
        self.vehicle = vehicle

    def value(self, field: str):
        value = self.vehicle.document
        for key in field.split("."):
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def drift(self, field: str, message: str) -> SchemaDriftError:
        layers = " over ".join(reversed(self.vehicle.layer_files[:-1]))
        return SchemaDriftError(SOURCE, field, f"{self.vehicle.trim_file}{f' (layered over {layers})' if layers else ''}: "
                                               f"{message}")

    def text(self, field: str, required: bool = False) -> str | None:
        value = self.value(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.drift(field, f"expected a text, got {value!r:.60}")
        return value

    def number(self, field: str) -> float | None:
        value = self.value(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.drift(field, f"expected a number, got {value!r:.60}")
        return float(value)

    def items(self, field: str) -> list:
        value = self.value(field)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.drift(field, f"expected a list, got {value!r:.60}")
        return value


def _row(vehicle: VehicleRecord) -> dict:
    fields = _Fields(vehicle)
    year = fields.value("year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise fields.drift("year", f"expected a whole model year, got {year!r:.60}")
    folder_year = vehicle.trim_file.split("/")[3]
    if str(year) != folder_year:
        raise fields.drift("year", f"year {year} in a file under the year folder {folder_year}")
    identity = {name: fields.text(f"{name}.slug", required=True) for name in ("make", "model", "trim")}
    variant_slug = fields.text("variant.slug")
    trim_id = ":".join(["oed", identity["make"], identity["model"], str(year), identity["trim"]]
                       + ([variant_slug] if variant_slug else []))
    powertrain, basis = _powertrain(fields)
    return {
        "trim_id": trim_id,
        "make_slug": identity["make"], "make": fields.text("make.name", required=True),
        "model_slug": identity["model"], "model": fields.text("model.name", required=True),
        "model_year": year,
        "trim_slug": identity["trim"], "trim": fields.text("trim.name", required=True),
        "variant_slug": variant_slug, "variant": fields.text("variant.name"), "variant_kind": fields.text("variant.kind"),
        "vehicle_type": fields.text("vehicle_type"),
        "availability_status": fields.text("availability.status"),
        "powertrain": powertrain, "powertrain_basis": basis,
        "battery_chemistry": fields.text("battery.chemistry"),
        "battery_gross_kwh": fields.number("battery.pack_capacity_kwh_gross"),
        "battery_net_kwh": fields.number("battery.pack_capacity_kwh_net"),
        "curb_weight_kg": fields.number("weights.curb_weight_kg"),
        "wheelbase_mm": fields.number("dimensions.wheelbase_mm"),
        **_ranges(fields),
        "markets": _markets(fields),
        "source_urls": _source_urls(fields),
        "trim_file": vehicle.trim_file,
    }


def _ranges(fields: _Fields) -> dict:
    ranges = {f"range_{cycle}_km": None for cycle in RATED_CYCLES}
    notes = []
    for entry in fields.items("range.rated"):
        cycle = entry.get("cycle") if isinstance(entry, dict) else None
        if cycle not in RATED_CYCLES:
            raise fields.drift("range.rated", f"cycle {cycle!r:.40} is not one of {RATED_CYCLES}")
        column = f"range_{cycle}_km"
        if ranges[column] is not None:
            raise fields.drift("range.rated", f"cycle {cycle} is listed twice: one range per cycle expected")
        range_km = entry.get("range_km")
        if isinstance(range_km, bool) or not isinstance(range_km, (int, float)):
            raise fields.drift("range.rated", f"{cycle} range_km {range_km!r:.40} is not a number")
        ranges[column] = float(range_km)
        if isinstance(entry.get("notes"), str) and entry["notes"].strip():
            notes.append(f"{cycle}: {entry['notes'].strip()}")
    return {**ranges, "rated_range_notes": "; ".join(notes) or None}


def _markets(fields: _Fields) -> str | None:
    markets = fields.items("markets")
    for code in markets:
        if not isinstance(code, str) or not MARKET_CODE.match(code):
            raise fields.drift("markets", f"{code!r:.20} is not an ISO 3166-1 alpha-2 code")
    return ";".join(markets) or None


def _source_urls(fields: _Fields) -> str | None:
    urls = []
    for entry in fields.items("sources"):
        url = entry.get("url") if isinstance(entry, dict) else None
        if not isinstance(url, str) or not url.strip() or any(character.isspace() for character in url.strip()):
            raise fields.drift("sources", f"source url {url!r:.80} is not a URL")
        urls.append(url.strip())
    # Space-separated: a URL holds no whitespace, while ';' and ',' are legal inside one.
    return " ".join(urls) or None


def _powertrain(fields: _Fields) -> tuple[str | None, str]:
    labelled = {"EREV": [], "PHEV": []}
    for field, text in _names_and_notes(fields):
        for powertrain, label in (("EREV", EREV_LABEL), ("PHEV", PHEV_LABEL)):
            if label.search(text):
                labelled[powertrain].append(f"{field}: {text!r}")
    if labelled["EREV"] and labelled["PHEV"]:
        quotes = dict.fromkeys(labelled["EREV"] + labelled["PHEV"])  # a text saying both is quoted once
        return None, f"labelled both EREV and PHEV ({'; '.join(quotes)})"
    for powertrain in ("EREV", "PHEV"):
        if labelled[powertrain]:
            return powertrain, "; ".join(labelled[powertrain])
    return "BEV", BEV_BASIS


def _names_and_notes(fields: _Fields):
    """(field, text) of the record's names and of every ``notes`` text at any depth."""
    for field in NAME_FIELDS:
        value = fields.value(field)
        if isinstance(value, str):
            yield field, value
    pending = [("", fields.vehicle.document)]
    while pending:
        prefix, value = pending.pop(0)
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "notes" and isinstance(item, str):
                    yield f"{prefix}{key}", item
                else:
                    pending.append((f"{prefix}{key}.", item))
        elif isinstance(value, list):
            pending.extend((f"{prefix[:-1]}[{index}].", item) for index, item in enumerate(value))
