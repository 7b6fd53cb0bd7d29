"""The dbt profile of one data dir: DuckDB at that data dir's warehouse file, one thread (DuckDB
allows one writer per file). The one place that writes it: the pipeline calls it when a run
initialises dbt (orchestration/dbt_project.py ``dbt_cli``), never when the Definitions load."""

from __future__ import annotations

import yaml

from warehouse.paths import DataPaths

PROFILE_NAME = "greenbridge"


def write_dbt_profile(paths: DataPaths) -> None:
    profile = {
        PROFILE_NAME: {
            "target": "local",
            "outputs": {"local": {"type": "duckdb", "path": str(paths.warehouse_file), "threads": 1}},
        }
    }
    paths.dbt_profiles_dir.mkdir(parents=True, exist_ok=True)
    target = paths.dbt_profiles_dir / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=False)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
