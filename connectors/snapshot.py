"""Reading the embedded snapshot: real source files committed under ``connectors/snapshot`` with a
manifest (URL, retrieved date, sha256, licence, citation). A file whose bytes do not match its
manifest sha256 is refused, so an offline run computes from exactly the recorded bytes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from connectors.errors import SourceError

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class SnapshotEntry:
    path: str
    source_id: str
    url: str
    retrieved_date: str
    sha256: str
    licence: str
    citation: str
    # Partition keys (years "2024", months "2024-12") whose data the file holds; empty when the
    # source is not partitioned.
    partitions: tuple[str, ...] = field(default_factory=tuple)


class Snapshot:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        manifest_path = self.directory / MANIFEST_NAME
        if not manifest_path.exists():
            raise SourceError("snapshot", f"no {MANIFEST_NAME} in snapshot dir {self.directory}")
        manifest = json.loads(manifest_path.read_text())
        self.entries = {entry["path"]: _entry(entry) for entry in manifest["files"]}

    def entry(self, relative_path: str) -> SnapshotEntry:
        try:
            return self.entries[relative_path]
        except KeyError:
            raise SourceError("snapshot", f"{relative_path} is not listed in {self.directory / MANIFEST_NAME}") from None

    def paths_for(self, source_id: str, partition: str | None = None) -> list[str]:
        """Files of ``source_id`` (holding ``partition``, when given), in manifest order."""
        return [
            path
            for path, entry in self.entries.items()
            if entry.source_id == source_id and (partition is None or partition in entry.partitions)
        ]

    def partitions_of(self, source_id: str) -> list[str]:
        """Every partition key the snapshot holds for ``source_id``, sorted."""
        keys = {key for entry in self.entries.values() if entry.source_id == source_id for key in entry.partitions}
        return sorted(keys)

    def read(self, relative_path: str) -> tuple[bytes, SnapshotEntry]:
        entry = self.entry(relative_path)
        file_path = self.directory / relative_path
        if not file_path.exists():
            raise SourceError(entry.source_id, f"snapshot file {file_path} is missing")
        content = file_path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if digest != entry.sha256:
            raise SourceError(
                entry.source_id,
                f"snapshot file {file_path} has sha256 {digest}, manifest records {entry.sha256}",
            )
        return content, entry


def _entry(record: dict) -> SnapshotEntry:
    values = {name: record[name] for name in SnapshotEntry.__dataclass_fields__ if name != "partitions"}
    return SnapshotEntry(**values, partitions=tuple(str(key) for key in record.get("partitions", ())))
