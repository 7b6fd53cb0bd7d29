"""The BI catalogue of a publication: ``greenbridge.duckdb``, a DuckDB file holding one view per
published Parquet file, by a path relative to the folder the catalogue is published in (a table's
``<table>/part-0.parquet``), with its contract's descriptions as comments (``COMMENT ON VIEW`` and
``COMMENT ON COLUMN``: DBeaver, Metabase and Superset show them). It holds no data.

DuckDB resolves a relative path against the session's ``file_search_path`` (by default the working
directory of the process), never against the database file. A session opening the catalogue from
anywhere else names the folder once, e.g.::

    duckdb -readonly -cmd "SET file_search_path = '/srv/greenbridge/data/published/current'" \\
        /srv/greenbridge/data/published/current/greenbridge.duckdb

and every view reads the files beside the catalogue: those of ``published/current/``, of
``published/versions/<version>/``, or of a copy of either folder. (``published/`` itself holds stable
links for the tables only, not for the other files such as the dictionary.) BI tools run the ``SET``
as their connection's init SQL (DBeaver: bootstrap queries; Metabase's DuckDB driver: init SQL;
Superset: ``connect_args``); a DuckDB 2.x session may also pass it as a connection option.

The file is written in DuckDB's v1.0.0 storage format (``STORAGE_VERSION``): the DuckDB bundled by a BI
tool's driver reads it from 1.0 on, where the installed DuckDB's own default format needs 2.0.
Views bind when they are created, so the catalogue is built against empty Parquet files of each
contract's publication schema, in a folder of its own, then moved to its target.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from warehouse.contracts.schema import TableContract

CATALOGUE_FILE = "greenbridge.duckdb"
STORAGE_VERSION = "v1.0.0"
_CATALOG = "greenbridge"  # the catalog name a session opening the file sees (its stem)


@dataclass(frozen=True)
class CatalogueView:
    """A view of the catalogue: ``contract`` describes the Parquet file at ``path`` (relative to the
    catalogue's folder, '/'-separated)."""

    contract: TableContract
    path: str


def write_catalogue(target: Path, views: Sequence[CatalogueView]) -> Path:
    """Write the catalogue of ``views`` to ``target`` (replaced whole); returns ``target``."""
    build = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for view in views:
            _check_relative(view)
            stub = build / view.path
            stub.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(view.contract.to_pyarrow().empty_table(), stub)
        built = build / CATALOGUE_FILE
        connection = duckdb.connect(config={"file_search_path": str(build)})
        try:
            connection.execute(f"attach {_literal(str(built))} as {_CATALOG} (storage_version '{STORAGE_VERSION}')")
            connection.execute(f"use {_CATALOG}")
            for statement in (statement for view in views for statement in _view_statements(view)):
                connection.execute(statement)
            connection.execute("checkpoint")
            connection.execute("use memory")
            connection.execute(f"detach {_CATALOG}")
        finally:
            connection.close()
        os.replace(built, target)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return target


def _view_statements(view: CatalogueView) -> list[str]:
    name = _identifier(view.contract.name)
    return [
        f"create view {name} as select * from read_parquet({_literal(view.path)})",
        f"comment on view {name} is {_literal(view.contract.description)}",
        *(f"comment on column {name}.{_identifier(column.name)} is {_literal(column.documentation)}"
          for column in view.contract.columns),
    ]


def _check_relative(view: CatalogueView) -> None:
    parts = Path(view.path).parts
    if Path(view.path).is_absolute() or ".." in parts or not parts:
        raise ValueError(f"catalogue view {view.contract.name}: {view.path!r} is not a path inside the catalogue's folder")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
