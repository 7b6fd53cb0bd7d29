"""Layout of a Greenbridge data dir: one place that names every file a run reads or writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
DEFAULT_SNAPSHOT_DIR = REPO_ROOT / "connectors" / "snapshot"
DEFAULT_DATA_DIR = Path("data")


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
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def publication_staging_dir(self) -> Path:
        return self.published_dir / ".staging"

    @property
    def publication_history_dir(self) -> Path:
        return self.published_dir / ".previous"

    @property
    def dbt_profiles_dir(self) -> Path:
        return self.root / "dbt"

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
        return self.published_dir / table

    def ensure(self) -> "DataPaths":
        for directory in (self.warehouse_file.parent, self.raw_store_dir, self.published_dir):
            directory.mkdir(parents=True, exist_ok=True)
        return self
