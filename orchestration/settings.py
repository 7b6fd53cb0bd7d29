"""Run settings: where data lives, where the snapshot is, and whether sources are called live.

Read from the environment (``GREENBRIDGE_DATA_DIR``, ``GREENBRIDGE_SNAPSHOT_DIR``,
``GREENBRIDGE_LIVE``, ``GREENBRIDGE_ENDPOINT_<SOURCE>`` to call a source through another base
URL, e.g. ``GREENBRIDGE_ENDPOINT_COMTRADE=https://mirror.example/comtrade``, and
``GREENBRIDGE_REGISTRATIONS_DIR``, the folder of dropped registrations files, default
``<data dir>/inbox/registrations``, and ``GREENBRIDGE_GAIKINDO_DIR``, the folder of dropped GAIKINDO
wholesales files read by a live run, default ``<data dir>/inbox/gaikindo``) so ``dagster dev`` and the
CLI agree; the CLI's flags override them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.paths import DEFAULT_DATA_DIR, DEFAULT_SNAPSHOT_DIR, DataPaths

TRUE_WORDS = {"1", "true", "yes", "on"}
ENDPOINT_PREFIX = "GREENBRIDGE_ENDPOINT_"
REGISTRATIONS_DIR_VARIABLE = "GREENBRIDGE_REGISTRATIONS_DIR"
GAIKINDO_DIR_VARIABLE = "GREENBRIDGE_GAIKINDO_DIR"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    snapshot_dir: Path
    live: bool = False
    endpoints: dict[str, str] = field(default_factory=dict)
    # None: the data dir's inbox/registrations (so it follows a --data-dir given to the CLI).
    registrations_dir: Path | None = None
    # None: the data dir's inbox/gaikindo.
    gaikindo_dir: Path | None = None

    @property
    def registrations_inbox(self) -> Path:
        """The folder of dropped registrations files."""
        return self.registrations_dir or DataPaths.at(self.data_dir).registrations_inbox_dir

    @property
    def gaikindo_inbox(self) -> Path:
        """The folder of dropped GAIKINDO wholesales files."""
        return self.gaikindo_dir or DataPaths.at(self.data_dir).gaikindo_inbox_dir

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
            registrations_dir=_path_or_none(os.environ.get(REGISTRATIONS_DIR_VARIABLE, "")),
            gaikindo_dir=_path_or_none(os.environ.get(GAIKINDO_DIR_VARIABLE, "")),
        )


def _path_or_none(value: str) -> Path | None:
    return Path(value.strip()).expanduser().resolve() if value.strip() else None
