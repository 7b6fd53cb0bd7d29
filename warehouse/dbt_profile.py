"""The dbt profile of one data dir: DuckDB at that data dir's warehouse file, one dbt thread (DuckDB
allows one writer per file) and one DuckDB thread (see ``DUCKDB_SETTINGS``). The one place that
writes it: the pipeline calls it when a run initialises dbt (orchestration/dbt_project.py
``dbt_cli``), never when the Definitions load."""

from __future__ import annotations

import yaml

from warehouse.paths import DataPaths

PROFILE_NAME = "greenbridge"
# DuckDB sums DOUBLEs in parallel in whatever order its threads finish, so two builds from identical
# inputs differed in the last bit of a total (and so in the published Parquet bytes). One thread makes
# every model's summation order that of its input rows. Measured on 2 busy cores: the snapshot's models
# 6.29 s against 6.21 s; fct_market_footprint over 10 M registrations 1.34 s against 1.29 s, where
# making the sums themselves ordered (sum(x order by key)) took 8.16 s.
DUCKDB_SETTINGS = {"threads": 1}


def write_dbt_profile(paths: DataPaths) -> None:
    profile = {
        PROFILE_NAME: {
            "target": "local",
            "outputs": {"local": {"type": "duckdb", "path": str(paths.warehouse_file), "threads": 1,
                                  "settings": DUCKDB_SETTINGS}},
        }
    }
    paths.dbt_profiles_dir.mkdir(parents=True, exist_ok=True)
    target = paths.dbt_profiles_dir / "profiles.yml"
    text = yaml.safe_dump(profile, sort_keys=False)
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
