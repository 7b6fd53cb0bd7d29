"""Making writes durable: the bytes of a file and the entries of a folder on disk before a rename
makes them reachable (ext4 and XFS may order a rename before the data of a new file, so after a
power loss a name could point to an empty file).

A SIGKILL never needs this (the kernel keeps what a killed process wrote); a power loss does.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    _fsync(path, os.O_RDONLY)


def fsync_dir(path: Path) -> None:
    _fsync(path, os.O_RDONLY | os.O_DIRECTORY)


def fsync_tree(folder: Path) -> None:
    """Every file under ``folder``, then every folder's entries (deepest first), then the entry of
    ``folder`` itself in its parent. Symlinks are not followed."""
    for directory, _, files in os.walk(folder, topdown=False):
        for name in files:
            if not os.path.islink(os.path.join(directory, name)):
                fsync_file(Path(directory) / name)
        fsync_dir(Path(directory))
    fsync_dir(folder.parent)


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
