"""Dagster resources: access to sources (live session or embedded snapshot) and to the warehouse.

Both are plain Python objects built from the deployment's settings (the process environment and
the CLI's flags, ``orchestration.settings``), not ``ConfigurableResource``s: they have no config
schema, so a run config from the Launchpad cannot point a keyed call at another host, make a run
live, read another folder or write another data dir (Dagster refuses such a run config as invalid).
The dbt resource is bound the same way in ``orchestration.build``, built when a run first needs it
(it writes the data dir's dbt profile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dagster import ResourceDefinition

from connectors.http import PoliteSession, build_session
from connectors.snapshot import Snapshot
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DataPaths

# Every step that opens the DuckDB file runs in this pool (limit 1) and carries this tag (limited to
# 1 by the executor), so two steps never hold the file at once.
WAREHOUSE_POOL = "duckdb_warehouse"
WAREHOUSE_TAGS = {"greenbridge/warehouse": "writer"}


@dataclass(frozen=True)
class SourcesResource:
    """Where raw assets get their bytes: the embedded snapshot (default) or the live APIs, optionally
    through other endpoints (a mirror or proxy) given per source id; and the folder users drop
    registrations files into (None: the warehouse data dir's ``inbox/registrations``), and the one
    for GAIKINDO wholesales files (None: ``inbox/gaikindo``)."""

    snapshot_dir: str
    live: bool = False
    endpoints: dict[str, str] = field(default_factory=dict)
    registrations_dir: str | None = None
    gaikindo_dir: str | None = None

    def endpoint(self, source: str, default: str) -> str:
        """The base URL (or file URL) to call for ``source``: its override, else the connector's."""
        return self.endpoints.get(source, default).rstrip("/")

    def snapshot(self) -> Snapshot:
        return Snapshot(self.snapshot_dir)

    def session(self) -> PoliteSession:
        return build_session()


@dataclass(frozen=True)
class WarehouseResource:
    """The data dir: DuckDB warehouse, raw byte store and published Parquet."""

    data_dir: str

    @property
    def paths(self) -> DataPaths:
        return DataPaths.at(self.data_dir).ensure()

    @property
    def store(self) -> Warehouse:
        return Warehouse(self.paths.warehouse_file)


def fixed(value: object) -> ResourceDefinition:
    """``value`` as a resource whose config schema is empty: a run config naming any field of it is
    refused as invalid before the run starts (``hardcoded_resource`` would accept and ignore it,
    which hides the attempt)."""
    return ResourceDefinition(resource_fn=lambda _: value, config_schema={},
                              description=f"{type(value).__name__}, fixed by the deployment's settings")


def fixed_at_run_time(build: Callable[[], object], what: str) -> ResourceDefinition:
    """Like ``fixed``, for a value whose construction has effects (writes a file): ``build()`` runs when
    a run initialises the resource, never when the Definitions are built or loaded."""
    return ResourceDefinition(resource_fn=lambda _: build(), config_schema={},
                              description=f"{what}, fixed by the deployment's settings")
