"""The snapshot manifest cannot make a read leave the snapshot folder, read something that is not a
regular file, or read more bytes than the manifest records: each such entry fails at once with a
``SourceError`` naming the source and the entry (never the file's contents). The embedded snapshot
still reads in full."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from connectors.errors import SourceError
from connectors.limits import LimitExceeded
from connectors.snapshot import Snapshot
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
SECRET = b'{"secret": "outside the snapshot"}\n'


def write_snapshot(directory: Path, *entries: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps({"description": "test", "files": list(entries)}))
    return directory


def entry(path: str, content: bytes = SECRET, **fields) -> dict:
    record = {"path": path, "source_id": "test_source", "url": "https://example.org/data.json",
              "retrieved_date": "2025-01-01", "sha256": hashlib.sha256(content).hexdigest(),
              "licence": "CC-BY-4.0", "citation": "Test data", "bytes": len(content)}
    record.update(fields)
    return {key: value for key, value in record.items() if value is not None}


def assert_refused(snapshot: Snapshot, relative_path: str, *phrases: str) -> SourceError:
    with pytest.raises(SourceError) as raised:
        snapshot.read(relative_path)
    message = str(raised.value)
    assert message.startswith("[test_source]") and repr(relative_path) in message, message
    assert "secret" not in message
    for phrase in phrases:
        assert phrase in message, message
    return raised.value


@pytest.fixture
def outside(tmp_path) -> Path:
    path = tmp_path / "outside.json"
    path.write_bytes(SECRET)
    return path


def test_an_entry_climbing_out_with_dotdot_is_refused(tmp_path, outside):
    snapshot = Snapshot(write_snapshot(tmp_path / "snapshot", entry("../outside.json")))
    assert_refused(snapshot, "../outside.json", "outside the snapshot folder")


def test_dotdot_that_stays_inside_the_folder_still_reads(tmp_path):
    directory = tmp_path / "snapshot"
    (directory / "owid").mkdir(parents=True)
    (directory / "owid" / "data.json").write_bytes(SECRET)
    snapshot = Snapshot(write_snapshot(directory, entry("owid/../owid/data.json")))
    assert snapshot.read("owid/../owid/data.json")[0] == SECRET


def test_an_absolute_entry_is_refused(tmp_path, outside):
    snapshot = Snapshot(write_snapshot(tmp_path / "snapshot", entry(str(outside))))
    assert_refused(snapshot, str(outside), "absolute path")


def test_a_symlink_pointing_outside_is_refused(tmp_path, outside):
    directory = write_snapshot(tmp_path / "snapshot", entry("owid/link.json"))
    (directory / "owid").mkdir()
    (directory / "owid" / "link.json").symlink_to(outside)
    assert_refused(Snapshot(directory), "owid/link.json", "outside the snapshot folder")


def test_a_symlinked_folder_pointing_outside_is_refused(tmp_path, outside):
    directory = write_snapshot(tmp_path / "snapshot", entry("elsewhere/outside.json"))
    (directory / "elsewhere").symlink_to(tmp_path)
    assert_refused(Snapshot(directory), "elsewhere/outside.json", "outside the snapshot folder")


def test_a_symlink_inside_the_folder_still_reads(tmp_path):
    directory = write_snapshot(tmp_path / "snapshot", entry("alias.json"))
    (directory / "real.json").write_bytes(SECRET)
    (directory / "alias.json").symlink_to("real.json")
    assert Snapshot(directory).read("alias.json")[0] == SECRET


def test_a_size_other_than_the_manifest_records_is_refused_before_hashing(tmp_path):
    directory = write_snapshot(tmp_path / "snapshot", entry("data.json", bytes=len(SECRET) + 1))
    (directory / "data.json").write_bytes(SECRET)
    assert_refused(Snapshot(directory), "data.json", f"has {len(SECRET)} bytes, the manifest records {len(SECRET) + 1}")


def test_a_directory_entry_is_refused(tmp_path):
    directory = write_snapshot(tmp_path / "snapshot", entry("owid"))
    (directory / "owid").mkdir()
    assert_refused(Snapshot(directory), "owid", "is not a regular file")


def test_without_bytes_the_snapshot_file_limit_bounds_the_read(tmp_path, monkeypatch):
    directory = write_snapshot(tmp_path / "snapshot", entry("data.json", bytes=None))
    (directory / "data.json").write_bytes(SECRET)
    snapshot = Snapshot(directory)
    assert snapshot.entry("data.json").bytes is None
    assert snapshot.read("data.json")[0] == SECRET  # old manifests without sizes still read
    monkeypatch.setenv("GREENBRIDGE_LIMIT_SNAPSHOT_FILE_BYTES", "10")
    error = assert_refused(snapshot, "data.json", "GREENBRIDGE_LIMIT_SNAPSHOT_FILE_BYTES")
    assert isinstance(error, LimitExceeded)


def test_recorded_bytes_over_the_limit_are_refused_without_reading(tmp_path, monkeypatch):
    directory = write_snapshot(tmp_path / "snapshot", entry("data.json"))
    (directory / "data.json").write_bytes(SECRET)
    snapshot = Snapshot(directory)
    monkeypatch.setenv("GREENBRIDGE_LIMIT_SNAPSHOT_FILE_BYTES", "10")
    assert isinstance(assert_refused(snapshot, "data.json", f"records {len(SECRET)} bytes"), LimitExceeded)


@pytest.mark.parametrize("bad_size", [-1, "35", 3.5, True])
def test_a_malformed_bytes_field_is_refused_when_the_manifest_loads(tmp_path, bad_size):
    directory = write_snapshot(tmp_path / "snapshot", entry("data.json", bytes=bad_size))
    with pytest.raises(SourceError, match=r"\[test_source\] snapshot manifest entry 'data.json' records 'bytes'"):
        Snapshot(directory)


# A read that never ends must not hang or exhaust the test run: it happens in a child process with
# a memory cap and a timeout, and the child prints what the read raised.
_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from connectors.errors import SourceError
    from connectors.snapshot import Snapshot
    try:
        Snapshot(sys.argv[1]).read(sys.argv[2])
        print("READ")
    except SourceError as error:
        print("SourceError:", error)
""")


def read_in_child(directory: Path, relative_path: str) -> str:
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(directory), relative_path], cwd=REPO_ROOT,
                              env=environment, capture_output=True, text=True, timeout=15)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {relative_path!r} did not return within 15 s")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_an_entry_naming_a_fifo_fails_at_once(tmp_path):
    directory = write_snapshot(tmp_path / "snapshot", entry("pipe.json"))
    os.mkfifo(directory / "pipe.json")
    output = read_in_child(directory, "pipe.json")
    assert output.startswith("SourceError: [test_source] snapshot manifest entry 'pipe.json' is not a regular file"), output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("how", ["absolute", "symlink"])
def test_an_entry_naming_dev_zero_fails_at_once(tmp_path, how):
    relative_path = "/dev/zero" if how == "absolute" else "zero.json"
    directory = write_snapshot(tmp_path / "snapshot", entry(relative_path))
    if how == "symlink":
        (directory / "zero.json").symlink_to("/dev/zero")
    output = read_in_child(directory, relative_path)
    assert output.startswith(f"SourceError: [test_source] snapshot manifest entry {relative_path!r}"), output


def test_the_embedded_snapshot_reads_in_full_with_every_size_recorded():
    snapshot = Snapshot(DEFAULT_SNAPSHOT_DIR)
    for relative_path, recorded in snapshot.entries.items():
        assert recorded.bytes is not None, relative_path
        content, _ = snapshot.read(relative_path)
        assert len(content) == recorded.bytes, relative_path
