"""Writing a batch's output tables (output.OUTPUT_SCHEMA), chunk by chunk as they are computed: JSON
lines (strict JSON, one object per row), CSV or Parquet, chosen by the file's extension; JSON lines
to standard output when no file is given.

A file is written beside its final name and renamed into place when complete, so a failed batch
never leaves a partial output under that name.
"""

from __future__ import annotations

import json
import math
import os
import sys
import uuid
from pathlib import Path
from typing import IO

import pyarrow as pa

from orchestration.calculator.batch import FORMATS, BatchError
from orchestration.calculator.output import OUTPUT_SCHEMA


def output_format(path: Path | None) -> str:
    if path is None:
        return "jsonl"
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise BatchError(f"--out {path}: unknown output format {path.suffix or '(no extension)'!r}; "
                         f"expected one of {', '.join(sorted(FORMATS))}")
    return kind


class BatchWriter:
    """``write(table)`` per chunk, then ``close()`` (or ``abort()`` on failure)."""

    def __init__(self, path: Path | None, stdout: IO[str] | None = None):
        self.kind = output_format(path)
        self.path = path
        self._temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial") if path is not None else None
        self._stream: IO | None = None
        self._writer = None
        if path is None:
            self._stream = stdout or sys.stdout
        elif self.kind == "jsonl":
            self._stream = open(self._temporary, "w", encoding="utf-8")
        elif self.kind == "csv":
            import pyarrow.csv as pacsv

            self._writer = pacsv.CSVWriter(str(self._temporary), OUTPUT_SCHEMA)
        else:
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(str(self._temporary), OUTPUT_SCHEMA, compression="zstd")

    def write(self, table: pa.Table) -> None:
        if self.kind == "jsonl":
            for record in table.to_pylist():
                self._stream.write(json_line(record) + "\n")
        else:
            self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        if self._stream is not None:
            self._stream.flush()
            if self.path is not None:
                self._stream.close()
        if self._temporary is not None:
            os.replace(self._temporary, self.path)

    def abort(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
            if self._stream is not None and self.path is not None:
                self._stream.close()
        finally:
            if self._temporary is not None:
                self._temporary.unlink(missing_ok=True)


def json_line(record: dict) -> str:
    """One row as strict JSON; a number that is not finite is written as null (its row then says
    why in ``error``: output.py turns such rows into errors, so this is a last guard)."""
    try:
        return json.dumps(record, allow_nan=False)
    except ValueError:
        return json.dumps({key: None if isinstance(value, float) and not math.isfinite(value) else value
                           for key, value in record.items()}, allow_nan=False)
