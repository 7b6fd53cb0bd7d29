"""How this process writes the SQLite files of a Dagster instance: write-ahead log, synced at
checkpoints.

Dagster's SQLite storage opens a new connection, and commits, for every event it stores (a refresh
stores ~600), and SQLite's default rollback journal syncs the disk at every commit: ~8 ms each on
this machine, most of a refresh's bookkeeping. In WAL mode with ``synchronous=NORMAL`` a commit
appends to the log without a sync; the database stays consistent through a killed process (the
log is replayed on the next open) and only a power loss can drop the last commits, which the next
refresh redoes (https://www.sqlite.org/wal.html, https://www.sqlite.org/pragma.html#pragma_synchronous).
Only files under the instance folders registered here are touched; a user's ``DAGSTER_HOME`` is
left to its own settings.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_homes: set[str] = set()
_listening = False


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
