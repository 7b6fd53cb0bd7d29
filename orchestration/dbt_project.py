"""The dbt project as Dagster sees it (``DBT_PROJECT``), the one step that prepares its manifest,
and the dbt CLI resource of a data dir.

Importing the Definitions reads ``dbt_project/target/manifest.json`` and never runs dbt, so the
manifest is prepared explicitly, by ``prepare_dbt_manifest`` (``dbt parse``, only when the manifest
is missing or older than a project file): ``greenbridge refresh|backfill`` before building the
Definitions, ``make install`` (and so ``make run``, ``make test``, ``make dagster``) and the test
suite's conftest. Under ``dagster dev`` the code location also re-parses a stale project when it
loads (``DbtProject.prepare_if_dev``), so edited models show on reload.

The dbt profile of a data dir is written by ``warehouse.dbt_profile.write_dbt_profile`` when a run
first needs dbt (``dbt_cli``), never at import.

    python -m orchestration.dbt_project      # prepare the manifest (what make install runs)
"""

from __future__ import annotations

import os
import shutil
import sys
from functools import cached_property
from importlib import metadata
from pathlib import Path

from packaging import version

from dagster_dbt import DbtCliResource, DbtProject

from warehouse.dbt_profile import write_dbt_profile
from warehouse.paths import DBT_PROJECT_DIR, DataPaths

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR)
# What dbt parse reads: a newer file than the manifest makes it stale.
PROJECT_FILES = ("models/**/*", "macros/**/*", "seeds/**/*", "tests/**/*", "analyses/**/*", "dbt_project.yml")


def manifest_is_stale(project: DbtProject = DBT_PROJECT) -> bool:
    """The manifest is missing or older than a file of the project."""
    manifest = project.manifest_path
    if not manifest.exists():
        return True
    newest_source = max(
        (path.stat().st_mtime for pattern in PROJECT_FILES for path in project.project_dir.glob(pattern) if path.is_file()),
        default=0.0,
    )
    return manifest.stat().st_mtime < newest_source


def dbt_executable() -> str:
    """The ``dbt`` installed beside the interpreter running Greenbridge (the venv's), else the one on
    PATH: a console script run as ``.venv/bin/greenbridge`` from cron or systemd has no activated
    venv, so ``dbt`` is not on its PATH."""
    beside = Path(sys.executable).with_name("dbt")  # not resolved: a venv's python is a symlink
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else "dbt"


def put_dbt_on_path() -> None:
    """Make the venv's bin folder reachable for what runs dbt by name (dagster-dbt's manifest
    preparer under ``dagster dev`` and ``prepare_dbt_manifest``); a no-op when dbt is on PATH."""
    executable = dbt_executable()
    if executable != "dbt" and shutil.which("dbt") != executable:
        os.environ["PATH"] = os.pathsep.join([str(Path(executable).parent), os.environ.get("PATH", "")])


def prepare_dbt_manifest(project: DbtProject = DBT_PROJECT) -> bool:
    """Parse the dbt project when its manifest is missing or stale; True when dbt ran."""
    if not manifest_is_stale(project):
        return False
    put_dbt_on_path()
    project.preparer.prepare(project)
    return True


def prepare_if_dev(project: DbtProject = DBT_PROJECT) -> None:
    """Under ``dagster dev`` only: re-parse a stale project when the code location loads."""
    if manifest_is_stale(project):
        put_dbt_on_path()
        project.prepare_if_dev()


def require_manifest(project: DbtProject = DBT_PROJECT) -> None:
    if not project.manifest_path.exists():
        raise FileNotFoundError(
            f"no dbt manifest at {project.manifest_path}: prepare it first with `make install` or "
            "`python -m orchestration.dbt_project` (greenbridge refresh does it before a run)")


class VenvDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without two start-up costs of every invocation that Greenbridge
    does not use, when the dbt it runs is the one installed beside this interpreter (measured in a
    warm refresh: ~2.5 s and ~3 s of the dbt step's 13.5 s):

    - the version comes from the installed dbt-core's metadata, not from a ``dbt --version``
      subprocess (a second start of dbt);
    - no dbt adapter is opened in this process: dagster-dbt uses it only to fetch column metadata
      and row counts (``fetch_column_metadata``, ``fetch_row_counts``), which the assets do not
      ask for; the published tables' columns come from the contracts.
    A dbt found elsewhere on PATH gets dagster-dbt's own behaviour."""

    @cached_property
    def _cli_version(self):
        if self.dbt_executable == dbt_executable() != "dbt":
            return version.parse(metadata.version("dbt-core"))
        return super()._cli_version

    def _initialize_dbt_core_adapter(self, args):
        if self.dbt_executable == dbt_executable() != "dbt":
            return None
        return super()._initialize_dbt_core_adapter(args)


def dbt_cli(paths: DataPaths) -> DbtCliResource:
    """The dbt CLI for one data dir: writes the data dir's profile (its DuckDB file), then points dbt
    at it. Called when a run initialises the dbt resource, not when the Definitions are built."""
    write_dbt_profile(paths.ensure())
    return VenvDbtCliResource(project_dir=DBT_PROJECT, profiles_dir=str(paths.dbt_profiles_dir),
                          dbt_executable=dbt_executable())


if __name__ == "__main__":
    ran = prepare_dbt_manifest()
    print(f"dbt manifest {'prepared' if ran else 'up to date'}: {DBT_PROJECT.manifest_path}")
