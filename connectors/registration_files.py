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

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from connectors.errors import SchemaDriftError, SourceError
from connectors.limits import FILE_BYTES, LimitExceeded
from connectors.parsing import integers, load_csv
from connectors.raw_fetch import RawFetch

SOURCE = "registration_files"
MODE = "file"
SUFFIX = ".csv"
COLUMNS = ("model_id", "market_code", "month", "registrations", "publisher")
TEXT_COLUMNS = ("model_id", "market_code", "month", "publisher")
LICENCE = "the publisher's, as named in the file's publisher column"
CITATION = "{file}: registrations as published by the publisher named in each row's publisher column"


def fetch_directory(directory: str | Path) -> list[RawFetch]:
    """One fetch per ``*.csv`` file directly in ``directory``, sorted by name; none if it is missing.
    Hidden files (``.name.csv``, e.g. macOS ``._`` companions) are skipped; an entry that resolves
    outside the folder, is not a regular file or is over the size limit fails the fetch naming it."""
    folder = Path(directory).expanduser()
    if not folder.is_dir():
        return []
    root = folder.resolve()
    names = sorted(entry.name for entry in os.scandir(root)
                   if entry.name.lower().endswith(SUFFIX) and not entry.name.startswith("."))
    return [_fetch_file(root, name) for name in names]


def _fetch_file(root: Path, name: str) -> RawFetch:
    path = _inside(root, name)
    content, modified = _read_regular_file(path, name)
    return RawFetch(
        source=SOURCE,
        mode=MODE,
        url=path.as_uri(),
        parameters={"file": name},
        content=content,
        http_status=None,
        retrieved_at=datetime.fromtimestamp(modified, tz=timezone.utc).isoformat(timespec="seconds"),
        licence=LICENCE,
        citation=CITATION.format(file=name),
    )


def _inside(root: Path, name: str) -> Path:
    """The entry's real path, which must be a file directly or indirectly inside ``root``."""
    resolved = (root / name).resolve()
    if not resolved.is_relative_to(root) or resolved == root:
        raise SourceError(SOURCE, f"{name}: a link to a file outside the registrations folder; refused, not read")
    return resolved


def _read_regular_file(path: Path, name: str) -> tuple[bytes, float]:
    """The bytes of a regular file no larger than the limit; (O_NOFOLLOW: a link swapped in after
    resolving is not followed; O_NONBLOCK: a FIFO does not hang the open)."""
    limit = int(FILE_BYTES.value(SOURCE))
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise SourceError(SOURCE, f"{name}: cannot be opened ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise SourceError(SOURCE, f"{name}: not a regular file; refused, not read")
        if status.st_size > limit:
            raise LimitExceeded(SOURCE, FILE_BYTES, f"{name} holds {status.st_size:,} bytes", limit)
        content = stream.read(limit + 1)
    if len(content) > limit:  # it grew while being read
        raise LimitExceeded(SOURCE, FILE_BYTES, f"{name} holds more than {limit:,} bytes", limit)
    return content, status.st_mtime


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
