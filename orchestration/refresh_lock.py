"""One refresh at a time per data dir.

Two ``greenbridge refresh`` (or ``backfill``) of one data dir started at once interleave step by
step: the warehouse pool and its file lock keep each step whole, but one refresh's checks can then
validate marts the other's dbt build has since replaced, and one refresh can publish marts that the
other built and no check of its own validated (tests/crash_harness.py found both orders). So a
refresh holds ``<data>/.refresh.lock`` from before its first run to after its last: an flock, which
the kernel releases when the process dies however it dies, so a killed refresh never blocks the next
one. A second refresh of the same data dir waits for it, saying once which process holds it and
since when (``<data>/.refresh.lock.json``, written by the holder), and gives up after
``WAIT_TIMEOUT_S`` naming the lock and its holder, having run nothing.

    with refresh_lock(data_dir, say=print):
        ...  # every run of one refresh
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = ".refresh.lock"
HOLDER_FILE = ".refresh.lock.json"
WAIT_TIMEOUT_S = 3600.0
# The holder writes its record just after taking the lock; a refresh arriving in that gap waits
# this long for the record rather than saying the holder is unknown.
HOLDER_RECORD_GRACE_S = 5.0


class RefreshBusy(TimeoutError):
    """Another refresh of the data dir held its lock for longer than the wait allowed; nothing ran."""


def holder(data_dir: Path, grace_s: float = 0.0) -> str:
    """Who holds the data dir's refresh lock, as the holder wrote it (or that it is unknown).

    ``grace_s`` waits that long for a holder that has taken the lock but not yet written its record.
    """
    deadline = time.monotonic() + grace_s
    while True:
        try:
            record = json.loads((Path(data_dir) / HOLDER_FILE).read_text())
            return f"pid {record['pid']}, started {record['started_at']}: {record['command']}"
        except (OSError, ValueError, KeyError, TypeError):
            if time.monotonic() >= deadline:
                return "holder unknown"
            time.sleep(0.05)


@contextmanager
def refresh_lock(data_dir: Path, say: Callable[[str], None] = print, timeout_s: float = WAIT_TIMEOUT_S) -> Iterator[None]:
    """Hold the data dir's refresh lock for the block, waiting (and saying so) while another holds it."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / LOCK_FILE), mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting for the refresh already running on {data_dir} ({holder(data_dir, HOLDER_RECORD_GRACE_S)})")
        try:
            lock.acquire(timeout=timeout_s)
        except Timeout as error:
            raise RefreshBusy(f"another refresh has held {data_dir / LOCK_FILE} for more than {timeout_s:.0f} s "
                              f"({holder(data_dir)}); nothing was run") from error
    try:
        record = {"pid": os.getpid(), "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "command": " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:])}
        temporary = data_dir / f".{HOLDER_FILE}.{os.getpid()}"
        temporary.write_text(json.dumps(record))
        os.replace(temporary, data_dir / HOLDER_FILE)
        yield
    finally:
        (data_dir / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()
