"""Reading the embedded snapshot: real source files committed under ``connectors/snapshot`` with a
manifest (URL, retrieved date, sha256, size in bytes, licence, citation). A file whose bytes do not
match its manifest sha256 is refused, so an offline run computes from exactly the recorded bytes.

The manifest is not trusted to point only at its own files: an entry is read only when it resolves
(symlinks followed) to a regular file inside the snapshot folder, and only once its size on disk
equals the manifest's ``bytes`` (or, in an old manifest without sizes, stays under the
``SNAPSHOT_FILE_BYTES`` limit). No more than that is ever read, so an entry naming a device, a FIFO
or a file elsewhere fails at once instead of reading forever or disclosing the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from connectors.errors import SourceError
from connectors.limits import SNAPSHOT_FILE_BYTES, LimitExceeded

MANIFEST_NAME = "manifest.json"
_CHUNK_BYTES = 1024 * 1024


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
    # Size of the file in bytes; None only in manifests written before sizes were recorded.
    bytes: int | None = None


class Snapshot:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        manifest_path = self.directory / MANIFEST_NAME
        if not manifest_path.exists():
            raise SourceError("snapshot", f"no {MANIFEST_NAME} in snapshot dir {self.directory}")
        text = _read_bounded(manifest_path.resolve(), "snapshot", f"snapshot manifest {manifest_path}", None)
        try:
            records = json.loads(text)["files"]
        except (ValueError, KeyError, TypeError) as error:
            raise SourceError("snapshot", f"{manifest_path} is not a snapshot manifest: {error}") from None
        self.entries = {entry.path: entry for entry in map(_entry, records)}

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
        file_path = self.resolve(entry)
        content = _read_bounded(file_path, entry.source_id, _describe(entry), entry.bytes)
        digest = hashlib.sha256(content).hexdigest()
        if digest != entry.sha256:
            raise SourceError(
                entry.source_id,
                f"snapshot file {file_path} has sha256 {digest}, manifest records {entry.sha256}",
            )
        return content, entry

    def resolve(self, entry: SnapshotEntry) -> Path:
        """The file ``entry`` names, symlinks resolved; refused unless it lies inside the snapshot folder."""
        if PurePath(entry.path).is_absolute():
            raise SourceError(entry.source_id, f"{_describe(entry)} is an absolute path; "
                                               "entries are relative to the snapshot folder")
        root = self.directory.resolve()
        try:
            file_path = (root / entry.path).resolve()
        except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop
            raise SourceError(entry.source_id, f"{_describe(entry)} cannot be resolved: {error}") from None
        if not file_path.is_relative_to(root):
            raise SourceError(entry.source_id, f"{_describe(entry)} resolves to {file_path}, "
                                               f"outside the snapshot folder {root}")
        return file_path


def _describe(entry: SnapshotEntry) -> str:
    return f"snapshot manifest entry {entry.path!r}"


def _read_bounded(path: Path, source_id: str, what: str, expected_bytes: int | None) -> bytes:
    """The bytes of the regular file ``path`` (``what`` names it in errors), which must hold exactly
    ``expected_bytes`` when given and at most the SNAPSHOT_FILE_BYTES limit in any case."""
    limit = int(SNAPSHOT_FILE_BYTES.value())
    if expected_bytes is not None and expected_bytes > limit:
        raise LimitExceeded(source_id, SNAPSHOT_FILE_BYTES, f"{what} records {expected_bytes:,} bytes", limit)
    try:
        # Stat before opening: opening a FIFO for reading blocks until a writer appears.
        _check_file(os.stat(path), source_id, what, expected_bytes, limit)
        # Should the path be swapped for a FIFO or a symlink after the stat, O_NONBLOCK | O_NOFOLLOW
        # make open() return (or fail) at once, and the fstat below sees what was really opened.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise SourceError(source_id, f"{what}: no file at {path}") from None
    except OSError as error:
        raise SourceError(source_id, f"{what}: cannot open {path} ({error.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        _check_file(os.fstat(handle.fileno()), source_id, what, expected_bytes, limit)
        bound = limit if expected_bytes is None else expected_bytes
        # One byte past the bound tells a file that grew since the stat from one that did not.
        content = _read_at_most(handle, bound + 1)
    if len(content) > bound or (expected_bytes is not None and len(content) != expected_bytes):
        raise SourceError(source_id, f"{what} changed size while being read")
    return content


def _check_file(status: os.stat_result, source_id: str, what: str, expected_bytes: int | None, limit: int) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise SourceError(source_id, f"{what} is not a regular file")
    if expected_bytes is not None and status.st_size != expected_bytes:
        raise SourceError(source_id, f"{what} has {status.st_size:,} bytes, the manifest records {expected_bytes:,}")
    if status.st_size > limit:
        raise LimitExceeded(source_id, SNAPSHOT_FILE_BYTES, f"{what} has {status.st_size:,} bytes", limit)


def _read_at_most(handle, count: int) -> bytes:
    chunks, remaining = [], count
    while remaining > 0:
        chunk = handle.read(min(_CHUNK_BYTES, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _entry(record: dict) -> SnapshotEntry:
    names = [name for name in SnapshotEntry.__dataclass_fields__ if name not in ("partitions", "bytes")]
    try:
        values = {name: record[name] for name in names}
    except (KeyError, TypeError) as error:
        raise SourceError("snapshot", f"a manifest entry lacks field {error}: {record!r:.200}") from None
    if not isinstance(values["path"], str):
        raise SourceError("snapshot", f"a manifest entry's path is not a text: {values['path']!r:.200}")
    entry = SnapshotEntry(**values, partitions=tuple(str(key) for key in record.get("partitions", ())))
    size = record.get("bytes")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 0):
        raise SourceError(entry.source_id, f"{_describe(entry)} records 'bytes' {size!r:.40}: expected a whole number >= 0")
    return replace(entry, bytes=size)
