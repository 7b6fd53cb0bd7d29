"""Whether a refresh has anything to rebuild: the fingerprint of everything a publication is
computed from.

A publication is a function of (a) the source bytes the warehouse's raw tables hold — every raw row
carries the sha256 of the bytes it was parsed from (``source_sha256``), so a source whose bytes did
not change leaves its table's set of digests as it was — and (b) the code and parameters that turn
them into the marts: the dbt project (models, macros, seeds, analyses, tests, ``dbt_project.yml``)
and Greenbridge's Python packages. The publication step records the fingerprint of its inputs in
its materialization metadata (``FINGERPRINT_METADATA``); after the sources land, the CLI computes
the fingerprint again and, when it equals the current publication's, skips the models, checks and
publication and says "nothing changed" (orchestration/cli.py). Raw assets also carry a Dagster data
version of their bytes (orchestration/assets/raw_landing.py ``bytes_version``), so the UI shows
which source changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from dagster import AssetKey

from warehouse.contracts.schema import SOURCE_SHA256
from warehouse.paths import DBT_PROJECT_DIR, REPO_ROOT

FINGERPRINT_METADATA = "inputs_fingerprint"
DBT_INPUTS = ("models", "macros", "seeds", "analyses", "tests")
PYTHON_PACKAGES = ("connectors", "orchestration", "warehouse", "products")
# The products publish from templates and a JSON Schema beside their Python: every file counts.
PRODUCT_FILES_DIR = "products"


def source_digests(query: Callable[[str], list[tuple]], raw_tables: list[str]) -> dict[str, list[str]]:
    """Each raw table's sorted distinct source digests (empty when the table does not exist yet)."""
    digests = {}
    for table in sorted(raw_tables):
        try:
            rows = query(f'select distinct "{SOURCE_SHA256.name}" from raw."{table}" order by 1')
        except Exception:  # not landed yet: no digests, so any landing changes the fingerprint
            rows = []
        digests[table] = [row[0] for row in rows]
    return digests


@functools.cache
def code_digest() -> str:
    """The dbt project's inputs and Greenbridge's Python sources, hashed by path and content (once
    per process: a code change means a new process)."""
    files = sorted([*(path for folder in DBT_INPUTS for path in (DBT_PROJECT_DIR / folder).rglob("*")),
                    DBT_PROJECT_DIR / "dbt_project.yml",
                    *(path for package in PYTHON_PACKAGES for path in (REPO_ROOT / package).rglob("*.py")),
                    *(path for path in (REPO_ROOT / PRODUCT_FILES_DIR).rglob("*") if path.suffix != ".py")])
    digest = hashlib.sha256()
    for path in files:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO_ROOT)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_fingerprint(query: Callable[[str], list[tuple]], raw_tables: list[str]) -> str:
    parts = {"sources": source_digests(query, raw_tables), "code": code_digest()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def raw_source_tables() -> list[str]:
    from orchestration.assets.raw_sources import source_keys

    return sorted(key.path[-1] for key in source_keys())


def published_fingerprint(instance, published_key: AssetKey, published_manifest: Path) -> str | None:
    """The fingerprint the current publication recorded; None when none is recorded (e.g. a new
    instance) or the instance's last publication is not the one in the published folder."""
    event = instance.get_latest_materialization_event(published_key)
    if event is None or event.asset_materialization is None:
        return None
    try:
        current_run = json.loads(published_manifest.read_text())["run_id"]
    except (OSError, ValueError, KeyError):
        return None
    if current_run != event.run_id:
        return None
    value = event.asset_materialization.metadata.get(FINGERPRINT_METADATA)
    return getattr(value, "value", value)
