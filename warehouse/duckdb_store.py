"""DuckDB access with a single-writer discipline.

DuckDB lets one process hold a file for writing. Every connection Greenbridge opens goes through
``Warehouse.connect``, which holds an inter-process file lock for its whole life, so Dagster steps
in separate processes, dbt and asset checks queue instead of failing with
"Could not set lock on file". The Dagster pool on every warehouse step is the first line; this
lock is the guarantee.

Opening the file costs ~14 ms (DuckDB reads its catalogue); a step that queries and writes the
warehouse a few times in a row opens one ``session()``, in which every ``connect`` of that file in
that thread is the session's one connection, under the lock held for the session's whole life.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from filelock import FileLock

LOCK_TIMEOUT_SECONDS = 600


@dataclass
class _Session:
    held: contextlib.ExitStack
    connection: duckdb.DuckDBPyConnection | None = None


_sessions = threading.local()  # resolved file path -> the open session connection of this thread


class Warehouse:
    """The DuckDB warehouse file of one data dir."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @property
    def lock_path(self) -> Path:
        return self.path.with_suffix(self.path.suffix + ".lock")

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the writer lock, e.g. around a dbt invocation that opens the file itself."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_SECONDS):
            yield

    @contextmanager
    def session(self) -> Iterator[None]:
        """Every ``connect`` of this file in this thread, until the session ends, is one read-write
        connection, opened (with the writer lock) at the first ``connect`` and closed when the
        session ends; a session that connects to nothing creates no file. Nested sessions are the
        outer one. Not around anything that starts another process on the file (dbt)."""
        key = str(self.path.resolve())
        open_sessions = _sessions.__dict__
        if key in open_sessions:
            yield
            return
        held = contextlib.ExitStack()
        open_sessions[key] = _Session(held)
        try:
            with held:
                yield
        finally:
            del open_sessions[key]

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"warehouse file {self.path} does not exist yet: run a refresh first")
        session = _sessions.__dict__.get(str(self.path.resolve()))
        if session is not None:
            if session.connection is None:
                session.connection = session.held.enter_context(self._open(read_only=False))
            try:
                yield session.connection  # closed when the session ends
            except BaseException:
                # What a closed connection would do: no half-done transaction left for the next use.
                try:
                    session.connection.execute("rollback")
                except duckdb.Error:
                    pass  # no transaction was open
                raise
            return
        with self._open(read_only) as connection:
            yield connection

    @contextmanager
    def _open(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.lock():
            connection = duckdb.connect(str(self.path), read_only=read_only)
            try:
                yield connection
            finally:
                connection.close()

    def replace_table(self, schema: str, table: str, frame: pd.DataFrame) -> int:
        """Replace ``schema.table`` with ``frame`` in one transaction; returns the row count."""
        with self.connect() as connection:
            connection.execute(f"create schema if not exists {schema}")
            connection.register("incoming_frame", frame)
            connection.execute("begin transaction")
            connection.execute(f"create or replace table {schema}.{table} as select * from incoming_frame")
            connection.execute("commit")
            connection.unregister("incoming_frame")
        return len(frame)

    def replace_partitions(self, schema: str, table: str, frame: pd.DataFrame, column: str, keys: list) -> int:
        """Replace the rows of ``schema.table`` whose ``column`` is in ``keys`` with ``frame``, in one
        statement (other partitions are kept; a changed column set is reconciled by name)."""
        with self.connect() as connection:
            connection.execute(f"create schema if not exists {schema}")
            connection.register("incoming_frame", frame)
            exists = connection.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone()[0]
            connection.execute("begin transaction")
            if exists:
                connection.execute(
                    f"create or replace table {schema}.{table} as "
                    f"select * from {schema}.{table} where {column} is null or {column} not in (select unnest(?)) "
                    f"union all by name select * from incoming_frame",
                    [list(keys)],
                )
            else:
                connection.execute(f"create table {schema}.{table} as select * from incoming_frame")
            connection.execute("commit")
            connection.unregister("incoming_frame")
        return len(frame)

    def append_rows(self, schema: str, table: str, frame: pd.DataFrame) -> None:
        """Append ``frame`` to ``schema.table``, creating it from the frame's columns if missing."""
        with self.connect() as connection:
            connection.execute(f"create schema if not exists {schema}")
            connection.register("incoming_frame", frame)
            connection.execute(
                f"create table if not exists {schema}.{table} as select * from incoming_frame limit 0"
            )
            connection.execute(f"insert into {schema}.{table} by name select * from incoming_frame")
            connection.unregister("incoming_frame")

    def read_tables(self, relations: list[str]) -> dict[str, pd.DataFrame]:
        """Several tables through one read connection (each connection takes the file lock)."""
        with self.connect(read_only=True) as connection:
            return {relation: connection.sql(f"select * from {relation}").df() for relation in relations}

    def query_frame(self, sql: str) -> pd.DataFrame:
        with self.connect(read_only=True) as connection:
            return connection.sql(sql).df()

    def query_value(self, sql: str):
        with self.connect(read_only=True) as connection:
            return connection.sql(sql).fetchall()[0][0]

    def read_arrow(self, relation: str):
        with self.connect(read_only=True) as connection:
            return connection.sql(f"select * from {relation}").to_arrow_table()
