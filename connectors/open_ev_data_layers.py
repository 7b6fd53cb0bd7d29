"""open-ev-data's layered JSON: how the dataset's source files compile into one record per vehicle.

The dataset (github.com/open-ev-data/open-ev-data-dataset, its ARCHITECTURE.md, sections 1.2-1.4)
is authored as fragments under ``src/``::

    src/<make>/<model>/base.json                         model-level defaults
    src/<make>/<model>/<year>/<vehicle>.json             one vehicle of that year (the year base)
    src/<make>/<model>/<year>/<vehicle>_<variant>.json   a variant of it (holds ``variant.slug``)

and each vehicle is the merge, lowest to highest precedence, of base.json, its year base and (for a
variant) the variant file. The dataset's merge rules, followed here: objects are deep-merged by key;
a scalar of a higher layer replaces the lower one; **a list is replaced whole by the higher layer's
list, never concatenated** (so a variant listing ``sources`` or ``markets`` replaces its year base's);
a null is not a value (the dataset forbids null as a way to delete) and fails naming the file.

Every failure names the file inside the archive (and the field): a file that is not JSON, a JSON
file outside this layout, a variant whose file name does not end with its ``variant.slug`` or whose
year base is missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from connectors.errors import SchemaDriftError, SourceError

SOURCE = "open_ev_data"
SOURCE_FOLDER = "src"
BASE_FILE = "base.json"
YEAR_FOLDER = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class VehicleRecord:
    """One compiled vehicle: the file that defines it (its year base or variant file, a path inside
    the archive from ``src/``), the files merged into it (lowest first) and the merged document."""

    trim_file: str
    layer_files: tuple[str, ...]
    document: dict


def dataset_path(member_name: str) -> PurePosixPath | None:
    """The path from ``src/`` of an archive member under the dataset's source folder (the archive
    may wrap everything in one top folder, as GitHub's archives do), else None."""
    parts = PurePosixPath(member_name).parts
    for start in (0, 1):
        if parts[start:start + 1] == (SOURCE_FOLDER,) and len(parts) > start + 1:
            return PurePosixPath(*parts[start:])
    return None


def is_source_json(member_name: str) -> bool:
    path = dataset_path(member_name)
    return path is not None and path.suffix == ".json"


def compile_vehicles(files: dict[str, bytes]) -> list[VehicleRecord]:
    """Every vehicle of ``files`` (``{path from src/: bytes}``), in path order of the defining file."""
    documents = {path: _load(path, content) for path, content in sorted(files.items())}
    bases: dict[tuple[str, str], str] = {}
    year_files: list[str] = []
    for path in documents:
        parts = PurePosixPath(path).parts
        if len(parts) == 4 and parts[3] == BASE_FILE:
            bases[parts[1:3]] = path
        elif len(parts) == 5 and YEAR_FOLDER.match(parts[3]) and parts[4] != BASE_FILE:
            year_files.append(path)
        else:
            raise SchemaDriftError(SOURCE, "layout", f"{path} is neither src/<make>/<model>/{BASE_FILE} nor "
                                                     "src/<make>/<model>/<year>/<vehicle>.json")
    vehicles = []
    for path in year_files:
        parts = PurePosixPath(path).parts
        layers = [bases[parts[1:3]]] if parts[1:3] in bases else []
        if "variant" in documents[path]:
            layers.append(_year_base_of(path, documents))
        layers.append(path)
        merged: dict = {}
        for layer in layers:
            merged = _merge(merged, documents[layer], layer, "")
        vehicles.append(VehicleRecord(trim_file=path, layer_files=tuple(layers), document=merged))
    return vehicles


def _load(path: str, content: bytes) -> dict:
    try:
        document = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise SourceError(SOURCE, f"{path} is not valid JSON ({type(error).__name__}: {error})") from None
    if not isinstance(document, dict):
        raise SchemaDriftError(SOURCE, "(document)", f"{path} holds a JSON {type(document).__name__}, not an object")
    return document


def _year_base_of(path: str, documents: dict[str, dict]) -> str:
    """The year base a variant file layers over: ``<vehicle>.json`` beside ``<vehicle>_<variant>.json``."""
    variant = documents[path]["variant"]
    slug = variant.get("slug") if isinstance(variant, dict) else None
    stem = PurePosixPath(path).stem
    if not isinstance(slug, str) or not slug or not stem.endswith(f"_{slug}"):
        raise SchemaDriftError(SOURCE, "variant.slug", f"{path}: variant.slug {slug!r} does not end the file name "
                                                       "(the dataset names a variant <vehicle>_<variant.slug>.json)")
    year_base = str(PurePosixPath(path).with_name(f"{stem[:-len(slug) - 1]}.json"))
    if year_base not in documents:
        raise SchemaDriftError(SOURCE, "variant", f"{path} is a variant of {year_base}, which the archive does not hold")
    if "variant" in documents[year_base]:
        raise SchemaDriftError(SOURCE, "variant", f"{path} is a variant of {year_base}, itself a variant")
    return year_base


def _merge(lower: dict, higher: dict, path: str, prefix: str) -> dict:
    merged = dict(lower)
    for key, value in higher.items():
        field = f"{prefix}{key}"
        if value is None:
            raise SchemaDriftError(SOURCE, field, f"{path}: null is not a value in open-ev-data (it never deletes "
                                                  "a lower layer's value)")
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value, path, f"{field}.")
        elif isinstance(value, dict):
            merged[key] = _merge({}, value, path, f"{field}.")
        else:
            merged[key] = value
    return merged
