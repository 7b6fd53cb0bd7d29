"""Runs a dead process left behind in a data dir's Dagster instance, and the pool slots they hold.

A step of the ``duckdb_warehouse`` pool claims the pool's one slot in the instance's storage and
frees it when the step ends. A process killed in the middle of such a step (``kill -9``, the OOM
killer, a lost machine) never frees it, and its run stays STARTED; with the instance persistent, the
next ``greenbridge refresh`` of that data dir would then wait for the slot forever, silently (and
Ctrl-C does not stop a step waiting for a slot). So before the CLI runs anything, every run holding
a slot or waiting for one is looked at: a run that has finished, has no record, or whose
orchestrating process (the pid of its first engine event) is gone is marked failed if it was still
running and has its slots released. A run whose process is alive (another refresh, a run launched
from the UI) keeps its slot: the new run waits for it, as the pool intends.

Only for the data dir's own instance (orchestration/instance.py): it is local, so a pid names a
process on this machine. An instance given by ``DAGSTER_HOME`` may serve runs on other hosts and
is left to Dagster's run monitoring.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AbandonedRun:
    run_id: str
    reason: str

    def describe(self) -> str:
        return f"run {self.run_id} {self.reason}; its pool slots are released, so this run does not wait for them"


def release_abandoned_runs(instance) -> list[AbandonedRun]:
    """Fail the runs whose process died while they held or waited for a pool slot, and free those
    slots (and the slots of runs that finished without freeing theirs)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    released = []
    for run_id in sorted(_runs_in_pools(storage)):
        reason = _abandoned_because(instance, run_id)
        if reason is not None:
            storage.free_concurrency_slots_for_run(run_id)
            released.append(AbandonedRun(run_id, reason))
    return released


def _runs_in_pools(storage) -> set[str]:
    """Runs holding a slot or waiting for one, in any pool."""
    run_ids = set(storage.get_concurrency_run_ids())
    for key in storage.get_concurrency_keys():
        run_ids |= {slot.run_id for slot in storage.get_concurrency_info(key).claimed_slots}
    return run_ids


def _abandoned_because(instance, run_id: str) -> str | None:
    """Why the run can no longer use its slots, or None while it may."""
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return "is not in the run history"
    run = record.dagster_run
    if run.is_finished:
        return f"had ended ({run.status.value}) without releasing its pool slots"
    pid = _orchestrating_pid(instance, run_id)
    if pid is None or _alive(pid):
        # Not started yet (queued, starting), or still running: its slot is its own.
        return None
    instance.report_run_failed(run, message=f"The process that ran this run (pid {pid}) exited before the run "
                                            "finished; marked failed by greenbridge before the next run.")
    return f"was left {run.status.value} by process {pid}, which exited before it finished; marked failed"


def _orchestrating_pid(instance, run_id: str) -> int | None:
    """The pid of the process executing the run's plan: its first engine event naming one."""
    from dagster import DagsterEventType

    for entry in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        metadata = getattr(entry.dagster_event.event_specific_data, "metadata", None) or {}
        if "pid" in metadata:
            return int(metadata["pid"].value)
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """A process that exited but was not reaped yet (Linux; elsewhere it counts as alive)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
