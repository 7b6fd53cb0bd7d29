"""Registrations file drop: new-car registrations by catalogue model, market and month, from CSV
files users drop into a folder (``GREENBRIDGE_REGISTRATIONS_DIR``, default
``<data dir>/inbox/registrations``).

Many markets' associations publish registrations by model monthly as files, not APIs (GAIKINDO
Indonesia, PZPM/CEPiK Poland, NAAMSA South Africa, ...); a user maps their figures to catalogue
model ids and drops them here as CSV with the columns ``model_id, market_code, month (YYYY-MM),
registrations, publisher`` (extra columns are ignored). Every ``*.csv`` file in the folder is one
fetch; a folder that does not exist holds no files. Licence and citation are each publisher's, as
named in the file's ``publisher`` column.

The folder is an input nobody vouches for: every entry is resolved (links included) and must stay
inside the folder and be a regular file no larger than ``GREENBRIDGE_LIMIT_FILE_BYTES``
(``connectors.limits``); it is opened without following a link and checked again on the open file,
so a link to ``/proc/self/environ`` or a device is refused, not read. Errors name the file, the
column and the rule, never the file's contents (a header row or a value could be anything).
"""

from pathlib import Path

import pandas as pd

from connectors.dropped_files import DroppedFiles
from connectors.errors import SchemaDriftError, SourceError
from connectors.parsing import integers, load_csv
from connectors.raw_fetch import RawFetch

SOURCE = "registration_files"
SUFFIX = ".csv"
COLUMNS = ("model_id", "market_code", "month", "registrations", "publisher")
TEXT_COLUMNS = ("model_id", "market_code", "month", "publisher")
LICENCE = "the publisher's, as named in the file's publisher column"
CITATION = "{file}: registrations as published by the publisher named in each row's publisher column"

FILES = DroppedFiles(source=SOURCE, folder_name="the registrations folder", suffix=SUFFIX, licence=LICENCE,
                     citation=CITATION)


def fetch_directory(directory: str | Path) -> list[RawFetch]:
    """One fetch per ``*.csv`` file directly in ``directory``, sorted by name; none if it is missing
    (the safe reading of ``connectors.dropped_files``)."""
    return FILES.fetch_directory(directory)


def parse(content: bytes) -> pd.DataFrame:
    """One dropped CSV -> one row per model, market and month, text stripped (blank is missing)."""
    frame = _read_csv(content)
    frame.columns = [str(column).strip() for column in frame.columns]
    for column in COLUMNS:
        if column not in frame.columns:
            # The header is the file's content: say how many columns it has, not what they are called.
            raise SchemaDriftError(SOURCE, column, f"expected column missing (the header has {len(frame.columns)} "
                                                   f"columns; required: {', '.join(COLUMNS)})")
    frame = frame[list(COLUMNS)].apply(_blank_as_null)
    # pandas' Arrow-backed str, not object: the contract validates it twice as fast (BENCHMARKS.md,
    # row-level contracts at 10 M rows).
    out = pd.DataFrame({column: frame[column].astype("str") for column in TEXT_COLUMNS})
    # A figure that is not a whole number (text, '1,234', 12.5) fails naming the field and the lines.
    out["registrations"] = integers(SOURCE, "registrations", frame["registrations"], show_values=False)
    return out[list(COLUMNS)].reset_index(drop=True)


def _read_csv(content: bytes) -> pd.DataFrame:
    if not content.strip():
        raise SourceError(SOURCE, "empty file")
    return load_csv(SOURCE, content, what="file")


def _blank_as_null(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    return stripped.where(stripped != "", None).astype("str")
