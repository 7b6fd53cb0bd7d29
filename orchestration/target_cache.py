"""Where a cache derived from the dbt project lives: a folder beside the project's manifest
(``dbt_project/target/<name>/``, shared by every data dir on the machine, since what it holds depends
on the project, not on a data dir), or a folder of the data dir when the project's target folder is
not writable (an installed, read-only project)."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.paths import DataPaths, make_private_dirs


def cache_dir_beside_manifest(paths: DataPaths, manifest_path: Path, name: str, fallback: Path) -> Path:
    """``<manifest's folder>/<name>`` when it can be written, else ``fallback`` (a folder under the
    data dir, created private)."""
    shared = manifest_path.parent / name
    try:
        shared.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.access(shared, os.W_OK):
            return shared
    except OSError:
        pass
    make_private_dirs(paths.root, fallback)
    return fallback
