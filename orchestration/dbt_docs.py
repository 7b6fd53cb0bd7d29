"""The dbt docs site published with every version: ``dbt docs generate --static`` against the data
dir's warehouse, one self-contained HTML file (``dbt_docs.html``: dbt's ``static_index.html``, the
manifest and the catalog inlined) that renders from disk with no network.

dbt's page loads one thing from the network: the Snowplow tracker script (from CloudFront) it
injects when the manifest says ``send_anonymous_usage_stats``. The docs are generated with
``--no-send-anonymous-usage-stats``, so the page inlined in the file has tracking off.

Generating costs a dbt invocation (5-11 s on the snapshot: parse, compile, the catalog queries), so
the page is cached under the sha256 of the project's manifest, beside it (``target/dbt_docs/``,
shared by every data dir, like the compiled calculator method), and a refresh of an unchanged
project reuses it. The catalog it inlines holds column types only (DuckDB gives no table
statistics), which the project's models and the contracts' raw tables fix, so a page generated
against one data dir's warehouse describes every other's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from dagster import Failure
from dagster_dbt import DbtCliResource
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from filelock import FileLock

from orchestration.dbt_project import DBT_PROJECT
from orchestration.target_cache import cache_dir_beside_manifest
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DataPaths

DOCS_FILE = "dbt_docs.html"
CACHE_DIR_NAME = "dbt_docs"
CACHE_PREFIX = "dbt-docs-"
CACHE_KEPT = 3
GENERATE_TIMEOUT_S = 600
DOCS_COMMAND = ("--no-send-anonymous-usage-stats", "docs", "generate", "--static")


@dataclass(frozen=True)
class DocsPage:
    path: Path  # the cached page, for publish_tables(files=...): hard-linked or copied, never moved
    manifest_sha256: str
    generated: bool  # dbt ran (False: the page came from the cache)


def dbt_docs_page(paths: DataPaths, dbt: DbtCliResource, warehouse: Warehouse,
                  manifest_path: Path = DBT_PROJECT.manifest_path) -> DocsPage:
    """The docs page of the project as its manifest describes it; dbt runs only on a cache miss."""
    key = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    cache_dir = docs_cache_dir(paths, manifest_path)
    cached = cache_dir / f"{CACHE_PREFIX}{key}.html"
    with FileLock(str(cache_dir / ".generate.lock"), timeout=GENERATE_TIMEOUT_S, mode=0o600):
        if cached.is_file():
            return DocsPage(cached, key, generated=False)
        _generate(dbt, warehouse, cache_dir, cached)
        _prune(cache_dir)
    return DocsPage(cached, key, generated=True)


def docs_cache_dir(paths: DataPaths, manifest_path: Path) -> Path:
    """``dbt_docs/`` beside the manifest, or the data dir's own ``dbt/dbt_docs/``."""
    return cache_dir_beside_manifest(paths, manifest_path, CACHE_DIR_NAME, paths.dbt_profiles_dir / CACHE_DIR_NAME)


def _generate(dbt: DbtCliResource, warehouse: Warehouse, cache_dir: Path, cached: Path) -> None:
    target = Path(tempfile.mkdtemp(prefix="generate-", dir=cache_dir))
    try:
        # dbt opens the warehouse file read-write for the catalog queries: it holds the writer lock.
        with warehouse.lock():
            try:
                dbt.cli(list(DOCS_COMMAND), target_path=target).wait()
            except DagsterDbtCliRuntimeError as error:
                raise Failure(description=f"dbt docs generate failed, nothing was published: {error}") from None
        page = target / "static_index.html"
        if not page.is_file():
            raise Failure(description=f"dbt docs generate wrote no {page.name} in {target}, nothing was published")
        temporary = cached.with_name(f".{cached.name}.{os.getpid()}")
        shutil.copyfile(page, temporary)
        os.replace(temporary, cached)
    finally:
        shutil.rmtree(target, ignore_errors=True)


def _prune(cache_dir: Path) -> None:
    pages = sorted(cache_dir.glob(f"{CACHE_PREFIX}*.html"), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in pages[CACHE_KEPT:]:
        stale.unlink(missing_ok=True)
