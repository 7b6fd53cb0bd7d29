"""Runs left behind by a ``greenbridge`` process that died (SIGKILL, out of memory, power loss).

A run executing in process claims a slot of the ``duckdb_warehouse`` pool in the Dagster instance
(orchestration/instance.py limits every pool to one step at a time). A process that is killed never
frees its slot nor ends its run: the instance still shows the run as started, and every later run
waits for the slot for ever (Dagster's run monitoring, which would clean up, runs only in the
daemon). So every run the CLI starts carries the process that runs it (``PROCESS_TAGS``: host, pid
and the process's start time, so a reused pid is not mistaken for it), and before the CLI runs
anything it ends the runs of this host whose process is gone: marked failed with the reason, their
slots freed. Runs of other processes (the UI, the daemon) are left to Dagster.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

HOST_TAG = "greenbridge/host"
PID_TAG = "greenbridge/pid"
PROCESS_START_TAG = "greenbridge/process_start"


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc/<pid>/stat field 22); None when
    there is no such process or no /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return stat.rsplit(")", 1)[1].split()[19]


def process_tags() -> dict[str, str]:
    """Tags naming the current process, for every run the CLI starts."""
    pid = os.getpid()
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(pid), PROCESS_START_TAG: _process_start(pid) or ""}


def _process_alive(tags) -> bool:
    try:
        pid = int(tags[PID_TAG])
    except (KeyError, ValueError):
        return True  # not ours to judge
    started = tags.get(PROCESS_START_TAG)
    if Path("/proc").is_dir():
        return started is not None and _process_start(pid) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def end_orphaned_runs(instance) -> list[str]:
    """End this host's CLI runs whose process is gone; return their run ids."""
    from dagster import DagsterRunStatus, RunsFilter

    unfinished = [DagsterRunStatus.STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.NOT_STARTED,
                  DagsterRunStatus.QUEUED, DagsterRunStatus.CANCELING]
    runs = instance.get_runs(filters=RunsFilter(statuses=unfinished, tags={HOST_TAG: socket.gethostname()}))
    ended = []
    for run in runs:
        if _process_alive(run.tags):
            continue
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        instance.report_run_failed(run, message=f"the greenbridge process running it (pid {run.tags.get(PID_TAG)}) "
                                                "ended without finishing: killed or crashed")
        ended.append(run.run_id)
    return ended
