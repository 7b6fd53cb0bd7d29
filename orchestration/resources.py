"""Dagster resources: access to sources (live session or embedded snapshot) and to the warehouse."""

from __future__ import annotations

from dagster import ConfigurableResource

from connectors.http import PoliteSession, build_session
from connectors.snapshot import Snapshot
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DataPaths

# Every step that opens the DuckDB file runs in this pool (limit 1) and carries this tag (limited to
# 1 by the executor), so two steps never hold the file at once.
WAREHOUSE_POOL = "duckdb_warehouse"
WAREHOUSE_TAGS = {"greenbridge/warehouse": "writer"}


class SourcesResource(ConfigurableResource):
    """Where raw assets get their bytes: the embedded snapshot (default) or the live APIs, optionally
    through other endpoints (a mirror or proxy) given per source id; and the folder users drop
    registrations files into (None: the warehouse data dir's ``inbox/registrations``)."""

    live: bool = False
    snapshot_dir: str
    endpoints: dict[str, str] = {}
    registrations_dir: str | None = None

    def endpoint(self, source: str, default: str) -> str:
        """The base URL (or file URL) to call for ``source``: its override, else the connector's."""
        return self.endpoints.get(source, default).rstrip("/")

    def snapshot(self) -> Snapshot:
        return Snapshot(self.snapshot_dir)

    def session(self) -> PoliteSession:
        return build_session()


class WarehouseResource(ConfigurableResource):
    """The data dir: DuckDB warehouse, raw byte store and published Parquet."""

    data_dir: str

    @property
    def paths(self) -> DataPaths:
        return DataPaths.at(self.data_dir).ensure()

    @property
    def store(self) -> Warehouse:
        return Warehouse(self.paths.warehouse_file)
