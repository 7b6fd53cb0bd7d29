"""A batch of specs: reading it (JSON lines, CSV, Parquet, or an Arrow table / pandas frame in
Python) and checking each row with the same rules as one spec (spec.py ``parse_spec``,
``parse_labels``, ``check_arguments``; validation.py against the reference).

A row holds a spec and, optionally, where and when it is registered:

- JSON lines: one spec object per line (``consumption`` nested, as in a spec file), plus optional
  ``market``, ``year``, ``lifetime_km``; row N is line N (blank lines are skipped, not renumbered).
- CSV, Parquet, Arrow, pandas: one spec per row with ``consumption`` flattened into the columns
  ``consumption_basis``, ``fuel_l_per_100km`` and ``electricity_kwh_per_100km``; row N is the N-th
  record (the CSV header is not a row). CSV cells are text: a numeric column's cell is read as a
  number (an empty cell is missing), and anything that is not one is reported by the spec rules.
- Every row may carry the labels ``model_id``, ``make`` and ``estimated_fields``, echoed in the
  output; other columns are ignored.

``market``, ``year`` and ``lifetime_km`` given once (``BatchDefaults``: the command line's
``--market``, ``--year``, ``--lifetime-km``) apply to every row that does not give its own.

A row that cannot be computed becomes a ``RowError`` naming its row number, the field (in the
batch's own terms: the column, or the spec path in JSON lines) and the reason; the other rows go on.
Rows are read and checked in chunks, so a batch of millions of rows never sits in memory as Python
objects; identical specs and arguments are checked once (the rules depend on nothing else).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from orchestration.calculator.output import RowError
from orchestration.calculator.spec import (SPEC_MAX_BYTES, SpecError, SpecLabels, VehicleSpec, check_arguments,
                                           check_lifetime, check_market, check_year, parse_labels, parse_spec)
from orchestration.calculator.validation import Vocabulary, check_against_reference

# Rows per chunk: the method expands each row into its ledger components (~100), so a chunk of 20,000
# rows peaks at about 0.8 GB in DuckDB; larger chunks are no faster per row.
CHUNK_ROWS = 20_000
# Checked specs remembered at most (a batch of millions of distinct specs must not keep them all).
MEMO_MAX = 200_000
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".parquet": "parquet"}
# Flattened consumption columns of a tabular batch and the spec paths they stand for.
FLAT_CONSUMPTION = {"consumption_basis": "basis", "fuel_l_per_100km": "fuel_l_per_100km",
                    "electricity_kwh_per_100km": "electricity_kwh_per_100km"}
SPEC_FIELDS = ("model", "powertrain", "fuel", "segment", "curb_mass_kg", "battery_kwh", "battery_chemistry",
               "battery_production_country", "production_country", "electric_range_km")
ARGUMENT_FIELDS = ("market", "year", "lifetime_km")
NUMERIC_COLUMNS = frozenset({"curb_mass_kg", "battery_kwh", "electric_range_km", "fuel_l_per_100km",
                             "electricity_kwh_per_100km", "year", "lifetime_km"})
_OPTION_OF = {"market": "--market", "year": "--year", "lifetime_km": "--lifetime-km"}
_FLAT_COLUMN = {path: column for column, path in FLAT_CONSUMPTION.items()}
_CONSUMPTION_PATHS = tuple(FLAT_CONSUMPTION.values())


class BatchError(ValueError):
    """The batch as a whole cannot be read (missing file, unknown format); names the file."""


@dataclass(frozen=True)
class BatchDefaults:
    market: str | None = None
    year: int | None = None
    lifetime_km: float | None = None


@dataclass
class ValidRows:
    """The rows of one chunk that can be computed, as parallel lists in row order."""

    rows: list[int] = field(default_factory=list)
    specs: list[VehicleSpec] = field(default_factory=list)
    labels: list[SpecLabels] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    lifetimes_km: list[float | None] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------------


def batch_format(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise BatchError(f"{path}: unknown batch format {path.suffix or '(no extension)'!r}; "
                         f"expected one of {', '.join(sorted(FORMATS))}")
    return kind


def batch_defaults(market: str | None, year: int | None, lifetime_km: float | None) -> BatchDefaults:
    """The market, year and lifetime given once for the whole batch, checked like a spec's
    (``SpecError`` naming the option)."""
    return BatchDefaults(None if market is None else check_market(market), None if year is None else check_year(year),
                         check_lifetime(lifetime_km))


def read_batch_file(path: Path, chunk_rows: int = CHUNK_ROWS) -> Iterator[list[tuple[int, object, bool]]]:
    """Chunks of ``(row number, document, flat)`` from a batch file (``flat``: consumption is in
    columns). The file's format and existence are checked now (``BatchError``), its rows as the
    chunks are read; a row that is not a spec object is passed on for the rules to refuse."""
    kind = batch_format(path)
    if not path.is_file():
        raise BatchError(f"batch file {path} not found" if not path.exists() else f"batch file {path} is not a file")
    if kind == "jsonl":
        return _chunks(_json_lines(path), chunk_rows)
    if kind == "csv":
        return _chunks(_csv_rows(path), chunk_rows)
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise BatchError(f"batch file {path} is not a Parquet file: {error}") from None
    return read_batch_table(parquet.iter_batches(batch_size=chunk_rows))


def read_batch_table(batches: Iterable[pa.RecordBatch] | pa.Table, chunk_rows: int = CHUNK_ROWS
                     ) -> Iterator[list[tuple[int, object, bool]]]:
    """Chunks of ``(row number, document, True)`` from Arrow record batches (or a table)."""
    if isinstance(batches, pa.Table):
        batches = batches.to_batches(max_chunksize=chunk_rows)
    row = 0
    for batch in batches:
        records = batch.to_pylist()
        yield [(row + index + 1, record, True) for index, record in enumerate(records)]
        row += len(records)


def _json_lines(path: Path) -> Iterator[tuple[int, object, bool]]:
    """Each line read bounded (a spec is at most ``SPEC_MAX_BYTES``, as a spec file): a longer line,
    one that is not UTF-8 or not JSON is that row's error."""
    with open(path, "rb") as handle:
        number = 0
        while True:
            line = handle.readline(SPEC_MAX_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) > SPEC_MAX_BYTES and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):  # skip the rest of the line
                    line = handle.readline(1 << 20)
                yield number, _Unreadable(f"the line is longer than {SPEC_MAX_BYTES:,} bytes; expected one vehicle spec"), False
                continue
            if not line.strip():
                continue
            try:
                document = json.loads(line.decode("utf-8"))
            except UnicodeDecodeError as error:
                document = _Unreadable(f"not UTF-8 text: {error.reason} at byte {error.start}")
            except ValueError as error:  # also an integer of thousands of digits
                document = _Unreadable(f"not valid JSON: {error}")
            except RecursionError:
                document = _Unreadable("nested too deeply")
            yield number, document, False


def _csv_rows(path: Path) -> Iterator[tuple[int, object, bool]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            reader = csv.DictReader(handle)
            for number, record in enumerate(reader, start=1):
                yield number, {name: _cell(name, value) for name, value in record.items() if name is not None}, True
        except UnicodeDecodeError as error:
            raise BatchError(f"batch file {path} is not UTF-8 text: {error.reason}") from None
        except csv.Error as error:
            raise BatchError(f"batch file {path} is not CSV: {error}") from None


def _cell(name: str, value: str | None):
    """A CSV cell: empty is missing; a numeric column's number as a number, else the text as given."""
    if value is None or value.strip() == "":
        return None
    if name in NUMERIC_COLUMNS:
        text = value.strip()
        try:
            return int(text) if text.lstrip("+-").isdigit() and len(text) <= 30 else float(text)
        except ValueError:
            return value
    return value


def _chunks(rows: Iterator, size: int) -> Iterator[list]:
    chunk = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass(frozen=True)
class _Unreadable:
    reason: str


# --- checking --------------------------------------------------------------------------------------


class RowChecker:
    """Checks rows against the spec rules and the reference, remembering what it has checked."""

    def __init__(self, defaults: BatchDefaults, vocabulary: Vocabulary):
        self.defaults = defaults
        self.vocabulary = vocabulary
        self._specs: dict[tuple, VehicleSpec | SpecError] = {}
        self._arguments: dict[tuple, tuple | SpecError] = {}

    def check(self, chunk: list[tuple[int, object, bool]]) -> tuple[ValidRows, list[RowError]]:
        valid, errors = ValidRows(), []
        for row, document, flat in chunk:
            try:
                spec, labels, market, year, lifetime_km = self._check_row(document, flat)
            except _RowFailure as failure:
                errors.append(RowError(row, failure.field, failure.message))
                continue
            valid.rows.append(row)
            valid.specs.append(spec)
            valid.labels.append(labels)
            valid.markets.append(market)
            valid.years.append(year)
            valid.lifetimes_km.append(lifetime_km)
        return valid, errors

    def _check_row(self, document: object, flat: bool):
        if isinstance(document, _Unreadable):
            raise _RowFailure("spec", f"spec: {document.reason}")
        if not isinstance(document, dict):
            raise _RowFailure("spec", "spec: expected a JSON object")
        given = {name: document.get(name) for name in ARGUMENT_FIELDS}
        market = given["market"] if given["market"] not in (None, "") else self.defaults.market
        year = given["year"] if given["year"] is not None else self.defaults.year
        lifetime_km = given["lifetime_km"] if given["lifetime_km"] is not None else self.defaults.lifetime_km
        if market is None:
            raise _RowFailure("market", "market: missing (give a market column or --market)")
        if year is None:
            raise _RowFailure("year", "year: missing (give a year column or --year)")
        key = tuple((type(value), value) for value in (market, year, lifetime_km))
        arguments = self._arguments.get(key)
        if arguments is None:
            arguments = self._memo(self._arguments, key, lambda: check_arguments(market, year, lifetime_km))
        if isinstance(arguments, SpecError):
            raise self._failure(arguments, flat, given)
        market, year, lifetime_km = arguments

        spec_document = _spec_document(document) if flat else document
        key = _spec_key(spec_document)
        spec = self._specs.get(key) if key is not None else None
        if spec is None:
            spec = self._memo(self._specs, key, lambda: parse_spec(spec_document))
        if isinstance(spec, SpecError):
            raise self._failure(spec, flat, given)
        try:
            labels = parse_labels(document)
            check_against_reference(spec, market, year, self.vocabulary)
        except SpecError as error:
            raise self._failure(error, flat, given) from None
        return spec, labels, market, year, lifetime_km

    @staticmethod
    def _memo(cache: dict, key, compute):
        try:
            value = compute()
        except SpecError as error:
            value = error
        if key is not None:
            if len(cache) >= MEMO_MAX:
                cache.clear()
            cache[key] = value
        return value

    @staticmethod
    def _failure(error: SpecError, flat: bool, given: dict) -> "_RowFailure":
        """The error in the batch's own terms: an option the row gave as a column is named as the
        column; a flattened consumption field as its column."""
        name, message = error.field, str(error)
        for column, option in _OPTION_OF.items():
            if name == option and given[column] not in (None, ""):
                return _RowFailure(column, column + message[len(option):])
        if flat and name.startswith("consumption."):
            name = _FLAT_COLUMN.get(name.split(".", 1)[1], name)
        return _RowFailure(name, message)


class _RowFailure(Exception):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def _spec_document(record: dict) -> dict:
    """A flat record as the spec document parse_spec reads (consumption nested)."""
    document = {name: record.get(name) for name in SPEC_FIELDS if name in record}
    if isinstance(record.get("consumption"), dict):  # an Arrow struct column, nested as in a spec file
        document["consumption"] = record["consumption"]
    else:
        document["consumption"] = {path: record.get(column) for column, path in FLAT_CONSUMPTION.items()}
    return document


def _spec_key(document: dict) -> tuple | None:
    """What parse_spec reads of ``document``, with types (1, 1.0 and True hash alike but are not
    the same input); None when a value cannot be a key (unhashable, or NaN, which equals nothing)."""
    consumption = document.get("consumption")
    values = [document.get(name) for name in SPEC_FIELDS]
    if isinstance(consumption, dict):
        values += [consumption.get(path) for path in _CONSUMPTION_PATHS]
    key = [type(consumption)]
    for value in values:
        if value != value:  # NaN
            return None
        key += (type(value), value)
    key = tuple(key)
    try:
        hash(key)
    except TypeError:
        return None
    return key
