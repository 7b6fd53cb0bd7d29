"""How a data dir's Dagster instance keeps its SQLite files: write-ahead log, synced at checkpoints,
and one open connection per event-log file instead of one per event.

Dagster's SQLite event-log storage creates an engine, opens a connection, commits and closes it for
every event it stores and for most reads: ~2,100 connections in a refresh of ~660 events. Each
close of a file's last connection checkpoints its write-ahead log, and SQLite's default rollback
journal syncs the disk at every commit. Measured on this machine (cProfile of a warm refresh), the
event log took 13.7 of 61 s.

- ``write_ahead(home)``: every SQLite file under ``home`` opens in WAL mode with
  ``synchronous=NORMAL``: a commit appends to the log without a sync; the database stays consistent
  through a killed process (the log is replayed on the next open) and only a power loss can drop
  the last commits, which the next refresh redoes (https://www.sqlite.org/wal.html,
  https://www.sqlite.org/pragma.html#pragma_synchronous).
- ``GreenbridgeSqliteStorage`` (named in the ``dagster.yaml`` orchestration/instance.py writes):
  Dagster's SQLite storage, same folders and schema, whose event log keeps one engine per shard
  file open (a bounded number, least recently used closed first). Every access still holds the
  storage's lock, so one connection per file suffices. Another process (``dagster dev``) watches a
  run's file for modification to stream its events, and with the connection kept open its log is
  not folded into the file at every close: the log is checkpointed at most every
  ``CHECKPOINT_SECONDS`` and at every run status event, so the UI follows a running refresh.
  Each run's new file gets Dagster's tables and is stamped with the migration head, which is read
  from Dagster's migration scripts once per process (Dagster reads them for every file it opens,
  ~0.2 s each, five runs per refresh); an existing file is left as it is, as Dagster leaves it.

Only files under the instance folders registered here are touched; a user's ``DAGSTER_HOME`` is
left to its own settings.
"""

from __future__ import annotations

import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster._core.events import EVENT_TYPE_TO_PIPELINE_RUN_STATUS
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageMetadata
from dagster._core.storage.event_log.sqlite import sqlite_event_log
from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME, SqliteEventLogStorage
from dagster._core.storage.runs import SqliteRunStorage
from dagster._core.storage.schedules import SqliteScheduleStorage
from dagster._core.storage.sql import check_alembic_revision, create_engine, get_alembic_config
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (DagsterSqliteStorage, _event_logs_directory, _runs_directory,
                                                  _schedule_directory)
from dagster._utils import mkdir_p
from alembic.runtime.migration import MigrationContext
import sqlalchemy.exc as db_exc
from sqlalchemy import text
from sqlalchemy.pool import StaticPool

_homes: set[str] = set()
_listening = False

OPEN_SHARDS = 4  # the index, the run being written, and room for a UI reading others
CHECKPOINT_SECONDS = 1.0


def write_ahead(home: Path) -> None:
    """Open every SQLite file under ``home`` in WAL mode with ``synchronous=NORMAL`` (this process)."""
    global _listening
    _homes.add(str(home.resolve()) + "/")
    if _listening:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _pragmas)
    _listening = True


def _pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    files = [row[2] for row in dbapi_connection.execute("pragma database_list").fetchall() if row[1] == "main"]
    if files and any(files[0].startswith(home) for home in _homes):
        dbapi_connection.execute("pragma journal_mode=wal")
        dbapi_connection.execute("pragma synchronous=normal")


class OpenShardEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log with each shard's connection kept open (see the module docstring)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: OrderedDict = OrderedDict()
        self._checkpointed: dict[str, float] = {}
        self._tables_seen: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def _engine(self, shard: str):
        engine = self._engines.pop(shard, None)
        if engine is None:
            # StaticPool: one connection, reused from any thread; the storage's lock serialises use.
            engine = create_engine(self.conn_string_for_shard(shard), poolclass=StaticPool,
                                   connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            closed, oldest = self._engines.popitem(last=False)
            oldest.dispose()  # closing its last connection folds its log into the file
            self._checkpointed.pop(closed, None)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    _head_revision: str | None = None  # of Dagster's event-log migrations, read once per process

    def _initdb(self, engine, for_index_shard=False) -> None:
        if for_index_shard:
            super()._initdb(engine, for_index_shard=True)
            return
        try:
            with engine.connect() as connection:
                if MigrationContext.configure(connection).get_current_revision() is not None:
                    return  # an existing file: Dagster too only creates and stamps a new one
                if OpenShardEventLogStorage._head_revision is None:
                    _, head = check_alembic_revision(get_alembic_config(sqlite_event_log.__file__), connection)
                    OpenShardEventLogStorage._head_revision = head
                SqlEventLogStorageMetadata.create_all(connection)
                connection.execute(text("pragma journal_mode=wal"))  # as Dagster creates its files
                # What ``alembic stamp head`` writes into a new database; a watching process may
                # stamp the same new file at the same moment.
                connection.execute(text("create table if not exists alembic_version (version_num varchar(32) not null, "
                                        "constraint alembic_version_pkc primary key (version_num))"))
                connection.execute(text("insert or ignore into alembic_version (version_num) values (:head)"),
                                   {"head": OpenShardEventLogStorage._head_revision})
                connection.commit()
        except (db_exc.DatabaseError, sqlite3.DatabaseError):
            # Contention with another process creating the same file: Dagster's own path retries.
            super()._initdb(engine)

    def has_table(self, table_name: str) -> bool:
        # Asked at every asset event, sometimes inside an open transaction on the index (so not
        # through its kept connection); a table, once there, stays.
        if table_name not in self._tables_seen and super().has_table(table_name):
            self._tables_seen.add(table_name)
        return table_name in self._tables_seen

    def store_event(self, event) -> None:
        super().store_event(event)
        run_id = event.run_id
        if not run_id:
            return
        now = time.monotonic()
        ends_or_starts_run = event.is_dagster_event and event.dagster_event_type in EVENT_TYPE_TO_PIPELINE_RUN_STATUS
        if ends_or_starts_run or now - self._checkpointed.get(run_id, 0.0) >= CHECKPOINT_SECONDS:
            self._checkpointed[run_id] = now
            self.checkpoint(run_id)

    def checkpoint(self, shard: str) -> None:
        """Fold the shard's log into its file, which a watching process sees modified."""
        with self._db_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                with engine.connect() as conn:
                    conn.execute(text("pragma wal_checkpoint(passive)"))

    def close_shards(self) -> None:
        with self._db_lock:
            while self._engines:
                _, engine = self._engines.popitem()
                engine.dispose()

    def wipe(self) -> None:
        self.close_shards()  # before its files are removed under the open connections
        super().wipe()

    def dispose(self) -> None:
        self.close_shards()
        super().dispose()


class GreenbridgeSqliteStorage(DagsterSqliteStorage):
    """Dagster's SQLite storage (run, event log and schedule files in the same folders) with the
    event log of ``OpenShardEventLogStorage``."""

    def __init__(self, base_dir: str, inst_data=None):
        # DagsterSqliteStorage.__init__ with the one storage swapped (it would open the stock one first).
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = OpenShardEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        # Every process opening this instance (the CLI, dagster dev, the daemon) writes its files alike.
        write_ahead(Path(base_dir))
        DagsterStorage.__init__(self)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "GreenbridgeSqliteStorage":
        mkdir_p(config_value["base_dir"])
        return cls(config_value["base_dir"], inst_data=inst_data)
