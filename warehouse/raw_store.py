"""Content-addressed store of raw source bytes, so a published number can be traced to the exact
bytes it was computed from: ``<data>/raw/sha256/<first two hex>/<sha256>``."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_raw_bytes(store_dir: Path, content: bytes) -> Path:
    """Write ``content`` under its sha256 (idempotent) and return its path."""
    digest = sha256_hex(content)
    target = store_dir / digest[:2] / digest
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(content)
        os.replace(partial, target)
    return target
