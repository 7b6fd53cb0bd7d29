"""Indonesia's model wholesales: GAIKINDO's monthly wholesale reports by model variant, as CSV files
in the columns of the embedded extract (``month, gaikindo_row_id, brand, model, type, category,
fuel, engine_cc, transmission, gvw, built_up, origin, wholesales``; extra columns are ignored).

GAIKINDO publishes its reports as PDFs and spreadsheets (files.gaikindo.or.id), not through an API,
so the live source is a folder (``GREENBRIDGE_GAIKINDO_DIR``, default ``<data dir>/inbox/gaikindo``)
where a user drops each report converted to these columns, read safely by
``connectors.dropped_files``. Offline, the embedded snapshot's extract 2022-01..2025-12 (compiled
from those reports in razivzulfikar24/Gaikindo_Sales_Analysis). Figures are GAIKINDO's: cite it.

Every field is parsed explicitly; a value outside its rule fails naming the file, the data rows
and the column, never the value (a dropped file could hold anything). Fuel codes and origin names
are mapped by explicit lists: a code or country the lists do not know fails rather than guessing.
Each month must come from one file, so a report dropped twice (or beside the extract) cannot be
counted twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import PurePosixPath

import pandas as pd

from connectors.dropped_files import DroppedFiles
from connectors.errors import SchemaDriftError, SourceError
from connectors.parsing import load_csv
from connectors.raw_fetch import RawFetch, from_snapshot
from connectors.snapshot import Snapshot
from warehouse.contracts.raw_gaikindo import BUILT_UP_MEANINGS, POWERTRAIN_BY_FUEL_CODE, RAW_GAIKINDO_MODEL_WHOLESALES

SOURCE = "gaikindo"
LICENCE = "none stated by the compiling repository; GAIKINDO publishes the figures publicly: cite GAIKINDO"
CITATION = "GAIKINDO, monthly wholesales by model (files.gaikindo.or.id), {file}"
LIVE_URL = "file://<GREENBRIDGE_GAIKINDO_DIR>/*.csv"
DROPPED = DroppedFiles(SOURCE, "the GAIKINDO folder", ".csv", LICENCE, CITATION)
COLUMNS = ("month", "gaikindo_row_id", "brand", "model", "type", "category", "fuel", "engine_cc",
           "transmission", "gvw", "built_up", "origin", "wholesales")
REQUIRED_TEXT = ("gaikindo_row_id", "brand", "model", "type", "category")
OPTIONAL_TEXT = ("transmission", "gvw", "origin")
MAX_ROWS_NAMED = 5

# Origin as GAIKINDO spells it (partly in Indonesian: SWEDIA) -> ISO 3166-1 alpha-3. Only the names
# its reports use; a new one fails until it is added here.
ISO3_BY_ORIGIN = {
    "INDONESIA": "IDN",
    "JAPAN": "JPN",
    "THAILAND": "THA",
    "INDIA": "IND",
    "CHINA": "CHN",
    "GERMANY": "DEU",
    "SOUTH KOREA": "KOR",
    "UK": "GBR",
    "MALAYSIA": "MYS",
    "SWEDIA": "SWE",
    "USA": "USA",
    "SPAIN": "ESP",
    "VIETNAM": "VNM",
    "PHILLIPINES": "PHL",
    "BRAZIL": "BRA",
}


def fetch_directory(directory: str) -> list[RawFetch]:
    """One fetch per ``*.csv`` file dropped in ``directory`` (none if it is missing)."""
    return DROPPED.fetch_directory(directory)


def fetch_snapshot(snapshot: Snapshot) -> list[RawFetch]:
    paths = snapshot.paths_for(SOURCE)
    if not paths:
        raise SourceError(SOURCE, f"the snapshot lists no file with source_id {SOURCE}")
    return [from_snapshot(snapshot, path) for path in paths]


def file_name(fetch: RawFetch) -> str:
    """The name of the file a fetch holds (a dropped file, or a snapshot entry)."""
    return fetch.parameters.get("file") or PurePosixPath(fetch.parameters["snapshot_file"]).name


def parser_for(fetches: Sequence[RawFetch]) -> Callable[[RawFetch], pd.DataFrame]:
    """The parser of these fetches (``RawTable.parse_fetch``: rows and errors name each one's file).
    Two files with the same bytes, or two files holding the same month, are refused: their
    wholesales would be counted twice."""
    names: dict[str, str] = {}
    for fetch in fetches:
        digest = hashlib.sha256(fetch.content).hexdigest()
        if digest in names:
            raise SourceError(SOURCE, f"{names[digest]} and {file_name(fetch)} have the same bytes: "
                                      "the same report dropped twice")
        names[digest] = file_name(fetch)
    month_files: dict[str, str] = {}

    def parse(fetch: RawFetch) -> pd.DataFrame:
        name = file_name(fetch)
        frame = parse_file(name, fetch.content)
        for month in frame["month"].unique():
            earlier = month_files.setdefault(month, name)
            if earlier != name:
                raise SourceError(SOURCE, f"{name} and {earlier} both hold month {month}: "
                                          "each month must come from one file")
        return frame

    return parse


def parse_file(name: str, content: bytes) -> pd.DataFrame:
    """One file in the extract's columns -> the raw contract's rows (without ``source_sha256``)."""
    if not content.strip():
        raise SourceError(SOURCE, f"{name}: empty file")
    frame = load_csv(SOURCE, content, what=f"file {name}")
    frame.columns = [str(column).strip() for column in frame.columns]
    for column in COLUMNS:
        if column not in frame.columns:
            # The header is the file's content: say how many columns it has, not what they are called.
            raise SchemaDriftError(SOURCE, column, f"{name}: expected column missing (the header has "
                                                   f"{len(frame.columns)} columns; required: {', '.join(COLUMNS)})")
    text = frame[list(COLUMNS)].apply(lambda values: values.str.strip())
    blank = text == ""
    check = _Checker(name, text, blank)

    check.holds("month", text["month"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])"), "a month YYYY-MM")
    check.holds("wholesales", text["wholesales"].str.fullmatch(r"\d+"), "a whole number >= 0")
    for column in REQUIRED_TEXT:
        check.holds(column, ~blank[column], "a value in every row")
    check.known("fuel", POWERTRAIN_BY_FUEL_CODE)
    check.known("built_up", BUILT_UP_MEANINGS)
    check.known("origin", ISO3_BY_ORIGIN)

    engine_cc_whole = text["engine_cc"].str.fullmatch(r"\d+")
    out = pd.DataFrame({
        "source_file": pd.Series(name, index=text.index, dtype="str"),
        "source_row": pd.Series(range(1, len(text) + 1), index=text.index, dtype="int64"),
        "month": text["month"].astype("str"),
        **{column: text[column].astype("str") for column in REQUIRED_TEXT},
        "fuel_code": _null_where(text["fuel"], blank["fuel"]),
        "powertrain": _null_where(text["fuel"].map(POWERTRAIN_BY_FUEL_CODE), blank["fuel"]),
        "engine_cc": pd.to_numeric(text["engine_cc"].where(engine_cc_whole)).astype("Int64"),
        "engine_cc_unparsed": _null_where(text["engine_cc"], blank["engine_cc"] | engine_cc_whole),
        "built_up": _null_where(text["built_up"], blank["built_up"]),
        **{column: _null_where(text[column], blank[column]) for column in OPTIONAL_TEXT},
        "origin_iso3": _null_where(text["origin"].map(ISO3_BY_ORIGIN), blank["origin"]),
        "wholesales": text["wholesales"].astype("int64"),
    })
    contract_columns = [column for column in RAW_GAIKINDO_MODEL_WHOLESALES.column_names if column in out.columns]
    return out[contract_columns].reset_index(drop=True)


class _Checker:
    """The rules of one file's fields: a row breaking one fails naming the file, rows and column."""

    def __init__(self, name: str, text: pd.DataFrame, blank: pd.DataFrame):
        self.name, self.text, self.blank = name, text, blank

    def holds(self, column: str, ok: pd.Series, rule: str) -> None:
        failing = ~ok.fillna(False).astype(bool)
        if failing.any():
            raise SchemaDriftError(SOURCE, column, f"{self.name}: {self._rows(failing)} (values not shown): expected {rule}")

    def known(self, column: str, vocabulary: dict) -> None:
        """A blank or one of ``vocabulary``'s keys."""
        self.holds(column, self.blank[column] | self.text[column].isin(list(vocabulary)),
                   f"blank or one of {', '.join(vocabulary)} (a new one must be mapped in {__name__} or its contract)")

    @staticmethod
    def _rows(failing: pd.Series) -> str:
        rows = [int(position) + 1 for position in failing.to_numpy().nonzero()[0][:MAX_ROWS_NAMED]]
        more = int(failing.sum()) - len(rows)
        return f"data row(s) {', '.join(map(str, rows))}" + (f" and {more} more" if more > 0 else "")


def _null_where(values: pd.Series, missing: pd.Series) -> pd.Series:
    return values.where(~missing, None).astype("str")
