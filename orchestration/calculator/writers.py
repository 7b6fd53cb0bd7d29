"""Writing a batch's output tables (output.OUTPUT_SCHEMA), chunk by chunk as they are computed: JSON
lines (strict JSON, one object per row), CSV or Parquet, chosen by the file's extension; JSON lines
to standard output when no file is given.

A file is written beside its final name and renamed into place when complete, so a failed batch
never leaves a partial output under that name.

JSON lines are rendered by DuckDB (``to_json`` of each row, three times faster than ``json.dumps``
and the same values); a line that may hold a non-finite number (DuckDB writes ``NaN``, which is
not JSON) is rendered again by Python as strict JSON, with null in its place.
"""

from __future__ import annotations

import json
import math
import os
import sys
import uuid
from pathlib import Path
from typing import IO

import duckdb
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
        self._json = duckdb.connect() if self.kind == "jsonl" else None
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
        if self.kind != "jsonl":
            self._writer.write_table(table)
            return
        self._json.register("output_chunk", table)
        try:
            lines = [line for (line,) in self._json.sql("select to_json(output_chunk) from output_chunk").fetchall()]
        finally:
            self._json.unregister("output_chunk")
        for index, line in enumerate(lines):
            if "NaN" in line or "Infinity" in line:  # possibly not JSON (or a name holding the word): strict path
                line = json_line(table.slice(index, 1).to_pylist()[0])
            self._stream.write(line + "\n")

    def close(self) -> None:
        if self._json is not None:
            self._json.close()
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
            if self._json is not None:
                self._json.close()
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
