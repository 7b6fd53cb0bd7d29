"""The Dagster instance of a data dir: where every run's events, materializations, check results and
run history are stored, so the UI (``make dagster``) shows what ``greenbridge refresh`` did.

By default it lives under the data dir, ``<data>/dagster/`` (``DataPaths.dagster_home``), with a
``dagster.yaml`` this module writes: SQLite run, event and schedule storage in that folder
(orchestration/instance_sqlite.py), every
concurrency pool (the ``duckdb_warehouse`` pool of every step that opens the warehouse) limited to
one step at a time, and telemetry off unless ``GREENBRIDGE_DAGSTER_TELEMETRY=1``. ``DAGSTER_HOME``
still overrides: when set, that instance is used as it is (its ``dagster.yaml`` is the user's and is
never written here).

    python -m orchestration.instance [DATA_DIR]   # prepare it, end the runs of greenbridge processes
                                                  # that died (orchestration/run_recovery.py); prints
                                                  # the DAGSTER_HOME to use (default:
                                                  # GREENBRIDGE_DATA_DIR, else ./data)
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from warehouse.paths import DataPaths

TELEMETRY_VARIABLE = "GREENBRIDGE_DAGSTER_TELEMETRY"


def instance_config(home: Path, telemetry: bool) -> dict:
    """The ``dagster.yaml`` of a data dir's instance."""
    return {
        # Dagster's SQLite storage, its event log keeping each file's connection open
        # (orchestration/instance_sqlite.py): the same folders and files as ``storage: sqlite``.
        "storage": {"custom": {"module": "orchestration.instance_sqlite", "class": "GreenbridgeSqliteStorage",
                               "config": {"base_dir": str(home / "storage")}}},
        "local_artifact_storage": {"module": "dagster.core.storage.root", "class": "LocalArtifactStorage",
                                   "config": {"base_dir": str(home)}},
        "compute_logs": {"module": "dagster.core.storage.local_compute_log_manager", "class": "LocalComputeLogManager",
                         "config": {"base_dir": str(home / "compute_logs")}},
        # The warehouse pool (orchestration/resources.py WAREHOUSE_POOL): DuckDB allows one writer.
        "concurrency": {"pools": {"default_limit": 1}},
        "telemetry": {"enabled": telemetry},
    }


def dagster_home(data_dir: Path | None = None) -> Path:
    """The instance folder in use: ``DAGSTER_HOME`` when set, else the data dir's (prepared)."""
    override = os.environ.get("DAGSTER_HOME")
    if override:
        return Path(override)
    if data_dir is None:
        from orchestration.settings import Settings

        data_dir = Settings.from_env().data_dir  # GREENBRIDGE_DATA_DIR, else ./data
    home = DataPaths.at(data_dir).dagster_home
    prepare(home)
    return home


def prepare(home: Path) -> Path:
    """Write ``home/dagster.yaml`` (only when it differs, so a running webserver is not disturbed)."""
    home.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(instance_config(home.resolve(), os.environ.get(TELEMETRY_VARIABLE) == "1"), sort_keys=False)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_text() != text:
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text)
        os.replace(temporary, target)
    return target


def dagster_instance(data_dir: Path | None = None):
    """The persistent instance for a data dir (see the module docstring)."""
    from dagster import DagsterInstance

    home = dagster_home(data_dir)
    if not os.environ.get("DAGSTER_HOME"):
        from orchestration.instance_sqlite import write_ahead

        write_ahead(home)
    return DagsterInstance.from_config(str(home))


if __name__ == "__main__":
    from orchestration.run_recovery import end_orphaned_runs

    data_dir_argument = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    # make dagster: the UI's runs must not wait behind the pool slot of a greenbridge process that died.
    for run_id in end_orphaned_runs(dagster_instance(data_dir_argument)):
        print(f"ended run {run_id}, left by a greenbridge process that died (its warehouse slot freed)", file=sys.stderr)
    print(dagster_home(data_dir_argument))
