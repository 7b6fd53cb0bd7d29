"""``ProductSource``: the published tables as DuckDB views, for the products to query.

Two ways in, one interface: ``ProductSource.from_tables`` over the Arrow tables the publication step
is about to publish (so the products of a version describe exactly its tables), and
``ProductSource.from_publication`` over ``published/current`` on disk, resolved once so a refresh
switching ``current`` meanwhile cannot mix two versions. Each table is a view named as the table
(``fct_vehicle_footprint``, ``dim_emission_factor``, ...). ``publication`` says which version it is:
the run id, the date and each table's sha256 from the manifest, for the reports' lineage section.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.contracts.registry import PUBLISHED_TABLES
from warehouse.paths import DataPaths

PART_FILE = "part-0.parquet"  # warehouse/publish.py's name; not imported to keep this module light
MANIFEST_FILE = "_manifest.json"


class PublicationMissing(FileNotFoundError):
    """The data dir has no publication to build products from (run ``greenbridge refresh``)."""


@dataclass(frozen=True)
class PublicationInfo:
    run_id: str
    published_at: str | None  # None while the version is being built
    version: str | None
    table_sha256: Mapping[str, str] = field(default_factory=dict)  # empty while the version is being built


class ProductSource:
    """A read-only view of one publication's tables."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, publication: PublicationInfo):
        self.connection = connection
        self.publication = publication

    @classmethod
    def from_tables(cls, tables: Mapping[str, pa.Table], run_id: str, version: str | None = None,
                    table_sha256: Mapping[str, str] | None = None) -> "ProductSource":
        """Over a run's tables; ``version`` and ``table_sha256`` when the publication has written them
        (warehouse/publish.py ``files_of_tables``), so the products cite the bytes published."""
        connection = duckdb.connect()
        for name, table in tables.items():
            connection.register(name, table)
        return cls(connection, PublicationInfo(run_id=run_id, published_at=None, version=version,
                                               table_sha256=dict(table_sha256 or {})))

    @classmethod
    def from_publication(cls, data_dir: str | Path) -> "ProductSource":
        paths = DataPaths.at(data_dir)
        try:
            version_dir = paths.published_dir / os.readlink(paths.publication_current_link)
        except OSError:
            raise PublicationMissing(f"no publication in {paths.published_dir}: run `greenbridge refresh` first") from None
        manifest = json.loads((version_dir / MANIFEST_FILE).read_text())
        missing = [name for name in PUBLISHED_TABLES if not (version_dir / name / PART_FILE).is_file()]
        if missing:
            raise PublicationMissing(f"the publication {version_dir} lacks {', '.join(missing)}: run `greenbridge refresh`")
        connection = duckdb.connect()
        for name in PUBLISHED_TABLES:
            path = str(version_dir / name / PART_FILE).replace("'", "''")
            connection.execute(f"create view {name} as select * from read_parquet('{path}')")
        tables = manifest.get("tables", {})
        return cls(connection, PublicationInfo(
            run_id=manifest.get("run_id", "unknown"), published_at=manifest.get("published_at"),
            version=manifest.get("version"),
            table_sha256={name: entry.get("sha256") for name, entry in tables.items() if isinstance(entry, dict)},
        ))

    def rows(self, sql: str, parameters: list | None = None) -> list[dict]:
        """The rows of a query as dicts (column name -> Python value)."""
        relation = self.connection.execute(sql, parameters or [])
        names = [column[0] for column in relation.description]
        return [dict(zip(names, values)) for values in relation.fetchall()]

    def one(self, sql: str, parameters: list | None = None) -> dict | None:
        found = self.rows(sql, parameters)
        return found[0] if found else None

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "ProductSource":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
