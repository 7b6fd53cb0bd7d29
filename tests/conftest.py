"""Shared fixtures: one full offline refresh per test session (it takes ~20 s), and helpers to copy
the embedded snapshot for corrupted-input tests."""

import json
import os
import shutil
import hashlib
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main as greenbridge_main
from orchestration.dbt_project import prepare_dbt_manifest
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

# The Definitions read the dbt manifest and never parse on import (orchestration/dbt_project.py):
# prepare it once, before any test module imports them.
prepare_dbt_manifest()
# Test runs go to each test data dir's own Dagster instance, never into a developer's DAGSTER_HOME
# (tests that need DAGSTER_HOME set it themselves).
os.environ.pop("DAGSTER_HOME", None)


@pytest.fixture(scope="session")
def refreshed_data_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("refresh") / "data"
    exit_code = greenbridge_main(["refresh", "--data-dir", str(data_dir)])
    assert exit_code == 0, "the offline refresh of the embedded snapshot failed"
    return data_dir


@pytest.fixture(scope="module")
def warehouse(refreshed_data_dir):
    """A read-only connection to the session's refreshed warehouse, for the tests of one module."""
    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        yield connection


def copy_snapshot(target: Path) -> Path:
    shutil.copytree(DEFAULT_SNAPSHOT_DIR, target)
    return target


def rewrite_snapshot_file(snapshot_dir: Path, relative_path: str, transform) -> None:
    """Apply ``transform(text) -> text`` to one snapshot file and record its new sha256."""
    path = snapshot_dir / relative_path
    path.write_text(transform(path.read_text()))
    manifest_path = snapshot_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for entry in manifest["files"]:
        if entry["path"] == relative_path:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            entry["bytes"] = path.stat().st_size
    manifest_path.write_text(json.dumps(manifest, indent=2))


def tree_bytes(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes() for path in sorted(directory.rglob("*")) if path.is_file()}


# Quality reports every run writes beside the Parquet, whether it publishes or not.
QUALITY_REPORT_DIRS = ("data_quality_results", "data_quality_quarantine", "data_docs", ".data_docs.staging")


def publication_bytes(published_dir: Path) -> dict[str, bytes]:
    """Every byte of the publication, without the per-run quality reports: the real files (every
    version under ``versions/``, with its tables and manifest) and every symlink by its target
    (``current``, the stable ``<table>`` and ``_manifest.json`` links), so a switch of ``current``
    or a changed link shows even where the bytes behind it are equal. Symlinked folders are not
    descended into (``os.walk`` does not follow them, as ``Path.rglob`` does not in Python 3.11)."""
    content: dict[str, bytes] = {}
    for folder, subfolders, files in os.walk(published_dir):
        relative = Path(folder).relative_to(published_dir)
        if relative.parts and relative.parts[0] in QUALITY_REPORT_DIRS:
            subfolders[:] = []
            continue
        for name in subfolders + files:
            path = Path(folder) / name
            key = str(relative / name) if relative.parts else name
            if key.split("/")[0] in QUALITY_REPORT_DIRS:
                continue
            if path.is_symlink():
                content[key] = b"symlink -> " + os.readlink(path).encode()
            elif path.is_file():
                content[key] = path.read_bytes()
    return content


def owid_set_intensity(country: str, year: int, value: str):
    """Snapshot transform: set the OWID grid intensity of ``country`` in ``year`` to ``value``."""
    def transform(text: str) -> str:
        lines = text.splitlines()
        for index, line in enumerate(lines):
            fields = line.split(",")
            if fields[0] == country and fields[2] == str(year):
                fields[3] = value
                lines[index] = ",".join(fields)
        return "\n".join(lines) + "\n"
    return transform
