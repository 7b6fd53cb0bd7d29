"""Layout of a Greenbridge data dir: one place that names every file a run reads or writes.

The data dir is private to its owner: ``ensure`` creates the root and its directories with mode
0700 (and tightens an existing root the current user owns); the raw store writes its files 0600.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_SNAPSHOT_DIR = REPO_ROOT / "connectors" / "snapshot"
DEFAULT_DATA_DIR = Path("data")
PRIVATE_DIR_MODE = 0o700


@dataclass(frozen=True)
class DataPaths:
    """Paths under one data root (default ``./data``, git-ignored)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path) -> "DataPaths":
        return cls(Path(root).expanduser().resolve())

    @property
    def warehouse_file(self) -> Path:
        return self.root / "warehouse" / "greenbridge.duckdb"

    @property
    def raw_store_dir(self) -> Path:
        """Content-addressed raw bytes of every fetch: ``raw/sha256/<aa>/<sha256>``."""
        return self.root / "raw" / "sha256"

    @property
    def registrations_inbox_dir(self) -> Path:
        """Default folder of dropped registrations files (``GREENBRIDGE_REGISTRATIONS_DIR`` overrides it)."""
        return self.root / "inbox" / "registrations"

    @property
    def gaikindo_inbox_dir(self) -> Path:
        """Default folder of dropped GAIKINDO wholesales files (``GREENBRIDGE_GAIKINDO_DIR`` overrides it)."""
        return self.root / "inbox" / "gaikindo"

    @property
    def published_dir(self) -> Path:
        """What BI tools read: ``<table>/part-0.parquet`` and ``_manifest.json`` (stable symlinks into
        ``current``), plus the per-run quality reports. See warehouse/publish.py."""
        return self.root / "published"

    @property
    def publication_versions_dir(self) -> Path:
        """One complete folder per publication, ``versions/<version>/`` (the current one and the history)."""
        return self.published_dir / "versions"

    def publication_version_dir(self, version: str) -> Path:
        return self.publication_versions_dir / version

    @property
    def publication_current_link(self) -> Path:
        """The one pointer a publish switches: the symlink ``current -> versions/<version>``."""
        return self.published_dir / "current"

    @property
    def published_manifest(self) -> Path:
        """The stable manifest path, a symlink to ``current/_manifest.json``."""
        return self.published_dir / "_manifest.json"

    @property
    def publication_lock_file(self) -> Path:
        """Inter-process lock held for the whole of a publish."""
        return self.published_dir / ".publish.lock"

    @property
    def publication_staging_dir(self) -> Path:
        """Where a publish builds its version (and temporary links) before the switch."""
        return self.published_dir / ".staging"

    @property
    def legacy_publication_history_dir(self) -> Path:
        """Partial history written by versions of publish.py before the versioned layout; left alone."""
        return self.published_dir / ".previous"

    @property
    def calculator_dir(self) -> Path:
        """The calculator's files of this data dir: references being built before a publish takes
        them (reference.py); the compiled method cache only when the dbt project's target folder,
        where it normally lives, is read-only (method.py ``method_cache_dir``)."""
        return self.root / "calculator"

    @property
    def dagster_home(self) -> Path:
        """The data dir's Dagster instance (``dagster.yaml``, SQLite run and event storage), used by
        the CLI and ``make dagster`` unless ``DAGSTER_HOME`` is set (orchestration/instance.py)."""
        return self.root / "dagster"

    @property
    def dbt_profiles_dir(self) -> Path:
        return self.root / "dbt"

    @property
    def dbt_partial_parse_file(self) -> Path:
        """dbt's parse of the project under this data dir's profile, reused by the next build
        (orchestration/assets/dbt_models.py)."""
        return self.dbt_profiles_dir / "partial_parse.msgpack"

    @property
    def data_quality_results_dir(self) -> Path:
        """One Parquet file per check step per run, hive-partitioned by run_id (BI reads the folder)."""
        return self.published_dir / "data_quality_results"

    @property
    def quarantine_dir(self) -> Path:
        """Quarantined rows as Parquet, per run and table, beside the warehouse table quality.quarantine."""
        return self.published_dir / "data_quality_quarantine"

    @property
    def data_docs_dir(self) -> Path:
        """The Great Expectations Data Docs site (static HTML) of the validation runs."""
        return self.published_dir / "data_docs"

    @property
    def gx_project_dir(self) -> Path:
        """The file-backed GX project keeping suites and validation results for the Data Docs."""
        return self.root / "quality" / "gx"

    def published_table_dir(self, table: str) -> Path:
        """The stable BI path of a table, a symlink to ``current/<table>``."""
        return self.published_dir / table

    def ensure(self) -> "DataPaths":
        """Create the data root and its directories, mode 0700; tighten an existing root we own."""
        self.root.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        status = self.root.stat()
        if status.st_uid == os.getuid() and status.st_mode & 0o777 != PRIVATE_DIR_MODE:
            os.chmod(self.root, PRIVATE_DIR_MODE)
        for directory in (self.warehouse_file.parent, self.raw_store_dir, self.published_dir):
            make_private_dirs(self.root, directory)
        return self


def make_private_dirs(root: Path, directory: Path) -> None:
    """Create ``directory`` and every missing folder between ``root`` and it with mode 0700."""
    current = root
    for part in directory.relative_to(root).parts:
        current = current / part
        current.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
