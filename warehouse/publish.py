"""Atomic Parquet publication.

A run writes every table to ``published/.staging/<run_id>/<table>/`` and only then swaps each
staged directory into ``published/<table>/``; the replaced versions move to
``published/.previous/<run_id>/``. If anything fails before the swap, the previous publication is
left byte-for-byte as it was. ``published/_manifest.json`` records what the last swap published.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.contracts.schema import TableContract
from warehouse.paths import DataPaths

PART_FILE = "part-0.parquet"
HISTORY_KEPT = 3


@dataclass(frozen=True)
class PublishedTable:
    table: str
    path: str
    rows: int
    sha256: str
    bytes: int


def conform_to_contract(contract: TableContract, table: pa.Table) -> pa.Table:
    """Select and cast the contract's columns in order; raises naming a missing column."""
    missing = [name for name in contract.column_names if name not in table.column_names]
    if missing:
        raise ValueError(f"{contract.name}: columns {missing} missing from the table to publish")
    schema = contract.to_pyarrow()
    return table.select(contract.column_names).cast(schema)


def publish_tables(paths: DataPaths, run_id: str, tables: dict[str, tuple[TableContract, pa.Table]]) -> list[PublishedTable]:
    staging_root = paths.publication_staging_dir / run_id
    if staging_root.exists():
        shutil.rmtree(staging_root)
    staged: list[PublishedTable] = []
    try:
        for name, (contract, table) in tables.items():
            staged.append(_write_staged(staging_root, name, conform_to_contract(contract, table)))
    except Exception:
        shutil.rmtree(staging_root, ignore_errors=True)
        raise
    _swap_in(paths, run_id, staging_root, [entry.table for entry in staged])
    published = [
        PublishedTable(entry.table, str(paths.published_table_dir(entry.table) / PART_FILE), entry.rows, entry.sha256, entry.bytes)
        for entry in staged
    ]
    _write_manifest(paths, run_id, published)
    _prune_history(paths)
    return published


def _write_staged(staging_root, name: str, table: pa.Table) -> PublishedTable:
    directory = staging_root / name
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / PART_FILE
    pq.write_table(table, path, compression="zstd")
    content = path.read_bytes()
    return PublishedTable(name, str(path), table.num_rows, hashlib.sha256(content).hexdigest(), len(content))


def _swap_in(paths: DataPaths, run_id: str, staging_root, names: list[str]) -> None:
    history = paths.publication_history_dir / run_id
    for name in names:
        current = paths.published_table_dir(name)
        if current.exists():
            history.mkdir(parents=True, exist_ok=True)
            os.replace(current, history / name)
        os.replace(staging_root / name, current)
    shutil.rmtree(staging_root, ignore_errors=True)


def _write_manifest(paths: DataPaths, run_id: str, published: list[PublishedTable]) -> None:
    manifest_path = paths.published_dir / "_manifest.json"
    previous = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"tables": {}}
    tables = dict(previous.get("tables", {}))
    for entry in published:
        tables[entry.table] = {**asdict(entry), "run_id": run_id}
    manifest = {"published_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "run_id": run_id, "tables": tables}
    partial = manifest_path.with_suffix(".partial")
    partial.write_text(json.dumps(manifest, indent=2))
    os.replace(partial, manifest_path)


def _prune_history(paths: DataPaths) -> None:
    history_root = paths.publication_history_dir
    if not history_root.exists():
        return
    runs = sorted(history_root.iterdir(), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in runs[HISTORY_KEPT:]:
        shutil.rmtree(stale, ignore_errors=True)
