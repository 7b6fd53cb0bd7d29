"""Crashes never corrupt (issue 13): a refresh SIGKILLed in each phase leaves the previous or the new
publication, whole, and the next refresh succeeds (a handful of the trials tests/crash_harness.py
runs 50 of in ``make crash-test``); a publication onto a full disk fails naming the disk and leaves
the previous one byte-identical; of two refreshes started at once on one data dir the second waits
for the first (orchestration/refresh_lock.py), naming it, and both leave the data dir whole.

The full-disk tests mount a size-limited tmpfs, which needs root (as on CI); they skip, saying so,
elsewhere."""

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import publication_bytes
from tests.crash_harness import (PHASES, CrashHarness, Publication, RefreshProcess, garbage, lock_problems,
                                 publication_problems, read_publication, state_problems, warehouse_problems)
from tests.test_publication_atomic import _publish
from warehouse.contracts.registry import PUBLISHED_TABLES
from warehouse.paths import DataPaths
from warehouse.publish import PublicationDiskFull

REFRESH_TIMEOUT_S = 900


def _copy_data_dir(source: Path, target: Path) -> Path:
    # symlinks=True: the publication's current and stable links stay links.
    shutil.copytree(source, target, symlinks=True)
    return target


# --- kills ---------------------------------------------------------------------------------------------


def test_a_kill_in_each_phase_leaves_a_whole_publication_and_the_next_refresh_gets_past_it(tmp_path, refreshed_data_dir):
    # Chained to keep make test short: each refresh after a kill is the next trial's, which must
    # get to a later phase; the last kill is followed by a refresh run to completion.
    harness = CrashHarness(_copy_data_dir(refreshed_data_dir, tmp_path / "data"), seed=4)
    for index, phase in enumerate(PHASES):
        trial = harness.trial(phase, recover=index == len(PHASES) - 1)
        assert trial.reached, f"the refresh after the previous kill never got to {phase}"
        assert trial.killed, f"{phase}: the refresh ended before the kill"
        assert trial.problems == [], f"{phase} (+{trial.delay_s} s, killed in {trial.landed}): {trial.problems}"
    assert trial.recovery_problem is None, f"after the last kill: {trial.recovery_problem}"
    assert garbage(harness.paths)["publication staging entries"] == 0


# --- a full disk -----------------------------------------------------------------------------------------


@contextmanager
def _tmpfs(mount_point: Path, size: str):
    """A size-limited tmpfs at ``mount_point`` for the block; skips the test when it cannot be mounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root (CI runs the tests as root)")
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs at {mount_point}: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def _remount(mount_point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount_point)], check=True, capture_output=True)


def _fill(mount_point: Path, leave_bytes: int = 0) -> Path:
    """Write a file taking all the space of ``mount_point`` but ``leave_bytes``."""
    filler = mount_point / "filler"
    block = b"\0" * (1 << 16)
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError:
            pass
    with open(filler, "r+b") as handle:
        handle.truncate(max(0, filler.stat().st_size - leave_bytes))
    return filler


def _used_inodes(mount_point: Path) -> int:
    status = os.statvfs(mount_point)
    return status.f_files - status.f_ffree


@contextmanager
def _small_publication_on_tmpfs(tmp_path: Path):
    """A data dir whose ``published/`` is a 2 MiB tmpfs holding one publication of two small tables;
    yields the data dir, ``published/`` and its bytes."""
    data_dir = tmp_path / "data"
    published = DataPaths.at(data_dir).published_dir
    with _tmpfs(published, "2m"):
        _publish(data_dir, "run-1")
        yield data_dir, published, publication_bytes(published)


def test_a_publish_onto_a_full_disk_raises_naming_the_disk_and_changes_nothing(tmp_path):
    with _small_publication_on_tmpfs(tmp_path) as (data_dir, published, before):
        _fill(published)
        with pytest.raises(PublicationDiskFull) as raised:
            _publish(data_dir, "run-2")
        message = str(raised.value)
        assert f"no space left on the disk holding {published}" in message
        assert "the previous publication is unchanged" in message
        (published / "filler").unlink()
        assert publication_bytes(published) == before
        assert list(DataPaths.at(data_dir).publication_staging_dir.iterdir()) == []
        _publish(data_dir, "run-3")
        assert read_publication(DataPaths.at(data_dir)).version == "run-3"


def test_a_version_the_switch_cannot_make_current_is_removed(tmp_path):
    # Inodes run out exactly when the link that would switch current is created: the version is
    # complete in versions/ but was never current, so it must not stay as history.
    with _small_publication_on_tmpfs(tmp_path) as (data_dir, published, before):
        # A version of two tables takes 6 inodes (its folder, a folder and a file per table, its
        # manifest); the link switching current would be the 7th.
        _remount(published, f"nr_inodes={_used_inodes(published) + 6}")
        with pytest.raises(PublicationDiskFull, match="the previous publication is unchanged") as raised:
            _publish(data_dir, "run-2")
        assert "'versions/run-2' -> " in str(raised.value)  # it was the switch that failed
        assert publication_bytes(published) == before


def test_a_refresh_publishing_onto_a_full_disk_fails_naming_it_and_keeps_the_publication(tmp_path, refreshed_data_dir):
    data_dir = _copy_data_dir(refreshed_data_dir, tmp_path / "data")
    published = DataPaths.at(data_dir).published_dir
    kept = tmp_path / "published-before"
    subprocess.run(["cp", "-a", str(published), str(kept)], check=True)  # -a keeps the versions' hard links
    shutil.rmtree(published)
    used = int(subprocess.run(["du", "-sb", str(kept)], check=True, capture_output=True, text=True).stdout.split()[0])
    with _tmpfs(published, str(used + (8 << 20))):
        subprocess.run(["cp", "-a", f"{kept}/.", str(published)], check=True)
        before = publication_bytes(published)
        _fill(published, leave_bytes=64 << 10)
        # Only the publication step runs, so the disk is full exactly when the new version is written.
        process = RefreshProcess(data_dir, ("--select", *[f"published/{table}" for table in PUBLISHED_TABLES]))
        code = process.finish(REFRESH_TIMEOUT_S)
        assert code == 1, process.output
        assert f"no space left on the disk holding {published}" in process.output
        assert "the previous publication is unchanged" in process.output
        (published / "filler").unlink()
        assert publication_bytes(published) == before
        assert list(DataPaths.at(data_dir).publication_staging_dir.iterdir()) == []


# --- two refreshes at once -----------------------------------------------------------------------------


def test_of_two_refreshes_started_at_once_the_second_waits_for_the_first_naming_it(tmp_path, refreshed_data_dir):
    harness = CrashHarness(_copy_data_dir(refreshed_data_dir, tmp_path / "data"))
    paths, before = harness.paths, read_publication(harness.paths)
    processes = [harness.start_refresh(), RefreshProcess(paths.root, ("--snapshot-dir", str(harness.snapshot_dir)))]
    codes = [process.finish(REFRESH_TIMEOUT_S) for process in processes]
    outputs = [process.output for process in processes]
    assert codes == [0, 0], "\n----\n".join(outputs)
    waited = [output for output in outputs if f"waiting for the refresh already running on {paths.root} (pid " in output]
    assert len(waited) == 1, "\n----\n".join(outputs)
    # The second ran once the first had published the same inputs: nothing left to rebuild.
    assert "nothing changed" in waited[0]
    after = read_publication(paths)
    assert after.sequence == before.sequence + 1
    assert publication_problems(paths, before) == []
    assert warehouse_problems(paths) == [] and lock_problems(paths) == [] and state_problems(paths) == []


_HOLD = """
import sys, time
from pathlib import Path
from orchestration.refresh_lock import refresh_lock
data_dir, release = Path(sys.argv[1]), Path(sys.argv[2])
with refresh_lock(data_dir, say=lambda line: print(line, flush=True), timeout_s=float(sys.argv[3])):
    print("holding", flush=True)
    while not release.exists():
        time.sleep(0.05)
print("released", flush=True)
"""


def _holder(data_dir: Path, release: Path, timeout_s: float = 600) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _HOLD, str(data_dir), str(release), str(timeout_s)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=Path(__file__).parents[1])


def test_a_second_refresh_waits_for_the_data_dirs_lock_naming_its_holder(tmp_path):
    data_dir = tmp_path / "data"
    first = _holder(data_dir, tmp_path / "release-first")
    assert first.stdout.readline().strip() == "holding"
    second = _holder(data_dir, tmp_path / "release-second")
    waiting = second.stdout.readline().strip()
    assert waiting.startswith(f"waiting for the refresh already running on {data_dir} (pid {first.pid}, started ")
    (tmp_path / "release-first").touch()
    assert second.stdout.readline().strip() == "holding"  # only once the first let go
    (tmp_path / "release-second").touch()
    assert second.wait(timeout=60) == 0 and first.wait(timeout=60) == 0


def test_a_killed_refresh_never_blocks_the_next_and_a_long_wait_gives_up_naming_the_holder(tmp_path):
    data_dir = tmp_path / "data"
    killed = _holder(data_dir, tmp_path / "never")
    assert killed.stdout.readline().strip() == "holding"
    killed.kill()
    killed.wait()
    after_kill = _holder(data_dir, tmp_path / "release")
    assert after_kill.stdout.readline().strip() == "holding"
    impatient = _holder(data_dir, tmp_path / "release", timeout_s=0.5)
    output = impatient.communicate(timeout=60)[0]
    assert impatient.returncode != 0
    assert f"RefreshBusy: another refresh has held {data_dir / '.refresh.lock'} for more than 0 s (pid {after_kill.pid}" in output
    assert "nothing was run" in output
    (tmp_path / "release").touch()
    assert after_kill.wait(timeout=60) == 0


def test_a_refresh_arriving_between_the_holders_lock_and_its_record_still_names_the_holder(tmp_path):
    # The gap CI hit once: the first refresh had taken the flock but not yet written its record.
    from filelock import FileLock

    from orchestration.refresh_lock import HOLDER_FILE, LOCK_FILE
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    lock = FileLock(str(data_dir / LOCK_FILE))
    lock.acquire()
    try:
        waiter = _holder(data_dir, tmp_path / "release")
        time.sleep(0.5)
        (data_dir / HOLDER_FILE).write_text('{"pid": 4242, "started_at": "2026-12-02T07:00:00+00:00", "command": "greenbridge refresh"}')
        waiting = waiter.stdout.readline().strip()
        assert waiting.startswith(f"waiting for the refresh already running on {data_dir} (pid 4242, started ")
    finally:
        (data_dir / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()
    assert waiter.stdout.readline().strip() == "holding"
    (tmp_path / "release").touch()
    assert waiter.wait(timeout=60) == 0
