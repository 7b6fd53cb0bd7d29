"""When a refresh runs the method's dbt unit tests: once per version of the project's code.

dbt unit tests (``models/marts/_fct_vehicle_footprint__unit_tests.yml``) run the method's SQL on
fixed fixture rows: their outcome depends on the models, macros, fixtures and project file, never on
the warehouse's data. So the refresh's ``dbt build`` runs them while that code is new to this project
and skips them (``--exclude test_type:unit``) once they have passed on it; dbt's docs advise against
running unit tests in production builds for the same reason. A failing unit test still fails the
refresh that first builds the changed code, and every later one until it is fixed (nothing is
recorded for a failure). The test suite runs them on every change (tests/test_dbt_unit_tests.py).

What "the code" is: ``code_key`` hashes, from the dbt manifest, the unit tests (with their inlined
fixture rows), every model's checksum, every macro's text and ``dbt_project.yml``. A pass is
recorded as an empty file ``passed-<key>`` beside the manifest (``target/unit_tests/``), shared by
every data dir of the project.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

SKIP_UNIT_TESTS = ("--exclude", "test_type:unit")
MARKERS_KEPT = 5


def code_key(manifest: dict, project_file: Path) -> str:
    """What the unit tests' outcome depends on, hashed."""
    parts = {
        "unit_tests": manifest.get("unit_tests", {}),
        "models": {node_id: node.get("checksum", {}).get("checksum")
                   for node_id, node in manifest.get("nodes", {}).items() if node.get("resource_type") == "model"},
        "macros": {macro_id: hashlib.sha256(macro.get("macro_sql", "").encode()).hexdigest()
                   for macro_id, macro in manifest.get("macros", {}).items()},
        "project": hashlib.sha256(project_file.read_bytes()).hexdigest() if project_file.exists() else None,
        "dbt_version": manifest.get("metadata", {}).get("dbt_version"),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _marker(manifest_path: Path, key: str) -> Path:
    return manifest_path.parent / "unit_tests" / f"passed-{key}"


@dataclass(frozen=True)
class UnitTestPlan:
    """What the refresh's ``dbt build`` does about the unit tests."""

    arguments: tuple[str, ...]  # after ``build``: none, or the unit-test exclusion
    key: str | None  # the code key to record a pass under; None when skipped or unknown
    unit_tests: frozenset[str]  # the project's unit tests, all of which must pass to record one

    def record_if_passed(self, manifest_path: Path, run_results: dict) -> bool:
        """Record a pass when every unit test of the project ran in this build and passed (a
        subset run, or a failure, records nothing)."""
        passed = {result["unique_id"] for result in run_results.get("results", [])
                  if result["unique_id"].startswith("unit_test.") and result["status"] == "pass"}
        if self.key is None or not self.unit_tests or not self.unit_tests <= passed:
            return False
        _record_pass(manifest_path, self.key)
        return True


def plan(manifest_path: Path, project_file: Path) -> UnitTestPlan:
    """Skip the unit tests when they passed on this code already, else run them."""
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return UnitTestPlan((), None, frozenset())
    key = code_key(manifest, project_file)
    unit_tests = frozenset(manifest.get("unit_tests", {}))
    if _marker(manifest_path, key).exists():
        return UnitTestPlan(SKIP_UNIT_TESTS, None, unit_tests)
    return UnitTestPlan((), key, unit_tests)


def _record_pass(manifest_path: Path, key: str) -> None:
    marker = _marker(manifest_path, key)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        markers = sorted(marker.parent.glob("passed-*"), key=lambda path: path.stat().st_mtime, reverse=True)
        for stale in markers[MARKERS_KEPT:]:
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only project runs its unit tests every refresh: slower, never wrong
