"""Reading a folder of dropped files safely: one fetch per file, for any source that users feed by
putting files in a folder instead of calling an API (GAIKINDO's monthly reports, ...).

The folder is an input nobody vouches for: every entry is resolved (links included) and must stay
inside the folder and be a regular file no larger than ``GREENBRIDGE_LIMIT_FILE_BYTES``
(``connectors.limits``, per source with ``_<SOURCE>``); it is opened without following a link and
checked again on the open file, so a link to ``/proc/self/environ`` or a device is refused, not
read. Errors name the source, the file and the rule, never the file's contents.
"""

import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from connectors.errors import SourceError
from connectors.limits import FILE_BYTES, LimitExceeded
from connectors.raw_fetch import RawFetch

MODE = "file"


@dataclass(frozen=True)
class DroppedFiles:
    """What one source's folder holds and how its fetches are labelled."""

    source: str
    folder_name: str  # how errors name the folder: "the GAIKINDO folder"
    suffix: str  # ".csv": other entries are not the source's files
    licence: str
    citation: str  # may name the file as {file}

    def fetch_directory(self, directory: str | Path) -> list[RawFetch]:
        """One fetch per file with the suffix directly in ``directory``, sorted by name; none if the
        folder is missing. Hidden files (``.name.csv``, e.g. macOS ``._`` companions) are skipped; an
        entry that resolves outside the folder, is not a regular file or is over the size limit fails
        the fetch naming it."""
        folder = Path(directory).expanduser()
        if not folder.is_dir():
            return []
        root = folder.resolve()
        names = sorted(entry.name for entry in os.scandir(root)
                       if entry.name.lower().endswith(self.suffix) and not entry.name.startswith("."))
        return [self._fetch_file(root, name) for name in names]

    def _fetch_file(self, root: Path, name: str) -> RawFetch:
        path = self._inside(root, name)
        content, modified = self._read_regular_file(path, name)
        return RawFetch(
            source=self.source,
            mode=MODE,
            url=path.as_uri(),
            parameters={"file": name},
            content=content,
            http_status=None,
            retrieved_at=datetime.fromtimestamp(modified, tz=timezone.utc).isoformat(timespec="seconds"),
            licence=self.licence,
            citation=self.citation.format(file=name),
        )

    def _inside(self, root: Path, name: str) -> Path:
        """The entry's real path, which must be a file directly or indirectly inside ``root``."""
        resolved = (root / name).resolve()
        if not resolved.is_relative_to(root) or resolved == root:
            raise SourceError(self.source, f"{name}: a link to a file outside {self.folder_name}; refused, not read")
        return resolved

    def _read_regular_file(self, path: Path, name: str) -> tuple[bytes, float]:
        """The bytes of a regular file no larger than the limit; (O_NOFOLLOW: a link swapped in after
        resolving is not followed; O_NONBLOCK: a FIFO does not hang the open)."""
        limit = int(FILE_BYTES.value(self.source))
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError as error:
            raise SourceError(self.source, f"{name}: cannot be opened ({error.strerror})") from None
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(stream.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise SourceError(self.source, f"{name}: not a regular file; refused, not read")
            if status.st_size > limit:
                raise LimitExceeded(self.source, FILE_BYTES, f"{name} holds {status.st_size:,} bytes", limit)
            content = stream.read(limit + 1)
        if len(content) > limit:  # it grew while being read
            raise LimitExceeded(self.source, FILE_BYTES, f"{name} holds more than {limit:,} bytes", limit)
        return content, status.st_mtime
