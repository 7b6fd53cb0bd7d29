"""Run settings: where data lives, where the snapshot is, and whether sources are called live.

Read from the environment (``GREENBRIDGE_DATA_DIR``, ``GREENBRIDGE_SNAPSHOT_DIR``,
``GREENBRIDGE_LIVE``, and ``GREENBRIDGE_ENDPOINT_<SOURCE>`` to call a source through another base
URL, e.g. ``GREENBRIDGE_ENDPOINT_COMTRADE=https://mirror.example/comtrade``) so ``dagster dev`` and
the CLI agree; the CLI's flags override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.paths import DEFAULT_DATA_DIR, DEFAULT_SNAPSHOT_DIR

TRUE_WORDS = {"1", "true", "yes", "on"}
ENDPOINT_PREFIX = "GREENBRIDGE_ENDPOINT_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    snapshot_dir: Path
    live: bool = False
    endpoints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            data_dir=Path(os.environ.get("GREENBRIDGE_DATA_DIR", DEFAULT_DATA_DIR)).resolve(),
            snapshot_dir=Path(os.environ.get("GREENBRIDGE_SNAPSHOT_DIR", DEFAULT_SNAPSHOT_DIR)).resolve(),
            live=os.environ.get("GREENBRIDGE_LIVE", "").strip().lower() in TRUE_WORDS,
            endpoints={
                name[len(ENDPOINT_PREFIX):].lower(): value
                for name, value in os.environ.items()
                if name.startswith(ENDPOINT_PREFIX) and value.strip()
            },
        )
