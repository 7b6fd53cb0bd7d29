"""Content-addressed store of raw source bytes, so a published number can be traced to the exact
bytes it was computed from: ``<data>/raw/sha256/<first two hex>/<sha256>``.

Files are 0600 in 0700 folders. Each write goes through its own temporary file in the target's
folder (``tempfile.mkstemp``), is fsynced and renamed into place, and the folder is fsynced after the
rename (and its parent when the folder is new), so concurrent writers of the same bytes never share
a name, a reader never sees a partial file, and a power loss cannot lose a file that the warehouse's
fetch log, committed after it, names. A file already at the target is
trusted only after re-hashing it: one that no longer matches its name (corrupted, tampered, replaced
by a symlink) is rewritten.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from warehouse.fsync import fsync_dir

FILE_MODE = 0o600
DIR_MODE = 0o700
_CHUNK = 1 << 20


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_raw_bytes(store_dir: Path, content: bytes) -> Path:
    """Write ``content`` under its sha256 (idempotent) and return its path."""
    digest = sha256_hex(content)
    directory = Path(store_dir) / digest[:2]
    target = directory / digest
    if _holds(target, digest):
        return target
    created = not directory.is_dir()
    directory.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{digest}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_dir(directory)
    if created:
        fsync_dir(directory.parent)
    return target


def _holds(target: Path, digest: str) -> bool:
    """True when ``target`` is a regular file whose bytes hash to ``digest`` (made 0600 if it was not)."""
    try:
        status = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(status.st_mode):
        return False
    hasher = hashlib.sha256()
    with open(target, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    if hasher.hexdigest() != digest:
        return False
    if stat.S_IMODE(status.st_mode) != FILE_MODE and status.st_uid == os.getuid():
        os.chmod(target, FILE_MODE)
    return True
