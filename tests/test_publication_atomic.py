"""Publication switches one pointer: readers polling the stable BI paths never miss a file nor see a
table its manifest does not describe, concurrent publishers serialize, a crashed run's staging is
cleaned, a foreign symlink is refused, and the layout of earlier versions is migrated into history.

Real files, real threads and processes, small tables (two tables of 20 rows)."""

import hashlib
import json
import multiprocessing
import os
import shutil
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import publication_bytes
from warehouse.contracts.schema import Column, TableContract
from warehouse.paths import DataPaths
from warehouse.publish import HISTORY_KEPT, PART_FILE, PublicationRefused, publish_tables

CONTRACTS = {
    name: TableContract(name, "marts", f"test table {name}", (
        Column("row_id", "int64", "row number"),
        Column("label", "string", "which publish wrote the row"),
        Column("value", "float64", "a number"),
    ))
    for name in ("tbl_a", "tbl_b")
}
TABLES = tuple(CONTRACTS)
ROWS = 20


def _table(name: str, tag: str) -> pa.Table:
    return pa.table({
        "value": [float(index) for index in range(ROWS)],
        "label": [f"{name}:{tag}:{index}" for index in range(ROWS)],
        "row_id": list(range(ROWS)),
    })


def _publish(data_dir: Path, run_id: str, names=TABLES):
    tables = {name: (CONTRACTS[name], _table(name, run_id)) for name in names}
    return publish_tables(DataPaths.at(data_dir), run_id, tables)


def _labels(path: Path) -> set[str]:
    return {label.split(":")[1] for label in pq.read_table(path).column("label").to_pylist()}


def _check_version(version: Path, expected_tables=TABLES) -> dict:
    """A version folder is complete and its manifest describes exactly its files."""
    manifest = json.loads((version / "_manifest.json").read_text())
    assert set(manifest["tables"]) == set(expected_tables)
    assert {path.name for path in version.iterdir() if path.is_dir()} == set(expected_tables)
    for name, entry in manifest["tables"].items():
        assert entry["path"] == f"{name}/{PART_FILE}"
        content = (version / entry["path"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"]
        assert len(content) == entry["bytes"]
        assert pq.read_metadata(version / entry["path"]).num_rows == entry["rows"]
        assert entry["run_id"] and entry["published_at"]
    assert manifest["run_id"] and manifest["published_at"]
    return manifest


def _current(published: Path) -> Path:
    assert (published / "current").is_symlink()
    return published / os.readlink(published / "current")


def _assert_stable_layout(published: Path, tables=TABLES) -> None:
    for name in tables:
        assert os.readlink(published / name) == f"current/{name}"
    assert os.readlink(published / "_manifest.json") == "current/_manifest.json"
    assert os.readlink(published / "current").startswith("versions/")


# ---------------------------------------------------------------------------------------------------
# A reader polling the publication while 100 publishes run


def _poll_publication(published_dir: str, tables: tuple[str, ...], ready, stop, results) -> None:
    published = Path(published_dir)
    counts = {"stable_looks": 0, "stable_missing": 0, "version_looks": 0, "version_missing": 0,
              "pruned_under_reader": 0, "inconsistent": 0}
    problems: list[str] = []
    seen: set[str] = set()
    while not stop.is_set():
        # 1. The stable BI paths: open and read every table with pyarrow, and the manifest.
        for name in tables:
            counts["stable_looks"] += 1
            try:
                with open(published / name / PART_FILE, "rb") as handle:
                    table = pq.read_table(handle)
                if table.column_names != ["row_id", "label", "value"] or table.num_rows != ROWS:
                    counts["inconsistent"] += 1
                    problems.append(f"{name}: unexpected table {table.schema}")
            except FileNotFoundError as error:
                counts["stable_missing"] += 1
                problems.append(f"stable {name}: {error}")
        counts["stable_looks"] += 1
        try:
            json.loads((published / "_manifest.json").read_text())
        except FileNotFoundError as error:
            counts["stable_missing"] += 1
            problems.append(f"stable manifest: {error}")
        # 2. One version, resolved once: its manifest must describe the files it holds.
        counts["version_looks"] += 1
        try:
            version = published / os.readlink(published / "current")
            seen.add(version.name)
        except OSError as error:
            counts["version_missing"] += 1
            problems.append(f"current: {error}")
            ready.set()
            continue
        try:
            with open(version / "_manifest.json", "rb") as handle:
                manifest = json.loads(handle.read())
            contents = {name: (version / entry["path"]).read_bytes() for name, entry in manifest["tables"].items()}
        except FileNotFoundError as error:
            # A version is pruned by one rename, so a vanished folder means it was pruned while this
            # (slow) reader held it, three publishes later; a file missing from a folder still there is a bug.
            if version.exists():
                counts["version_missing"] += 1
                problems.append(f"{version.name}: {error}")
            else:
                counts["pruned_under_reader"] += 1
            ready.set()
            continue
        if set(contents) != set(tables):
            counts["inconsistent"] += 1
            problems.append(f"{version.name}: tables {sorted(contents)}")
        for name, content in contents.items():
            entry = manifest["tables"][name]
            if hashlib.sha256(content).hexdigest() != entry["sha256"] or len(content) != entry["bytes"]:
                counts["inconsistent"] += 1
                problems.append(f"{version.name}/{name}: sha256 differs from its manifest")
            elif pq.read_table(pa.BufferReader(content)).num_rows != entry["rows"]:
                counts["inconsistent"] += 1
                problems.append(f"{version.name}/{name}: rows differ from its manifest")
        ready.set()
    counts["versions_seen"] = len(seen)
    results.put((counts, problems[:20]))


def test_a_reader_never_sees_a_missing_or_inconsistent_table_during_100_publishes(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-000")
    published = DataPaths.at(data_dir).published_dir
    context = multiprocessing.get_context("spawn")
    ready, stop, results = context.Event(), context.Event(), context.Queue()
    reader = context.Process(target=_poll_publication, args=(str(published), TABLES, ready, stop, results))
    reader.start()
    try:
        assert ready.wait(60), "the reader process did not start"
        started = time.monotonic()
        for index in range(1, 101):
            _publish(data_dir, f"run-{index:03d}")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        counts, problems = results.get(timeout=60)
        reader.join(timeout=60)
    assert counts["stable_missing"] == 0 and counts["version_missing"] == 0 and counts["inconsistent"] == 0, (counts, problems)
    # The reader must have watched many switches for the test to mean anything.
    assert counts["versions_seen"] >= 10 and counts["stable_looks"] >= 100, counts
    assert counts["pruned_under_reader"] < counts["version_looks"] / 10, counts
    assert elapsed < 60, f"100 publishes took {elapsed:.1f} s"
    assert _labels(published / "tbl_a" / PART_FILE) == {"run-100"}
    _check_version(_current(published))


# ---------------------------------------------------------------------------------------------------
# Concurrent publishers


def _publish_many(data_dir: str, prefix: str, count: int, results) -> None:
    try:
        for index in range(count):
            # Every third publish carries tbl_b over from the current version.
            names = ("tbl_a",) if index % 3 == 2 else TABLES
            _publish(Path(data_dir), f"{prefix}-{index:02d}", names)
        results.put((prefix, None))
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        results.put((prefix, repr(error)))


def _assert_final_publication_is_consistent(published: Path) -> None:
    _assert_stable_layout(published)
    current = _current(published)
    manifest = _check_version(current)
    assert json.loads((published / "_manifest.json").read_text()) == manifest
    assert f"versions/{manifest['version']}" == os.readlink(published / "current")
    for name in TABLES:
        assert (published / name / PART_FILE).read_bytes() == (current / name / PART_FILE).read_bytes()
    versions = [path for path in (published / "versions").iterdir()]
    assert len(versions) == HISTORY_KEPT + 1
    for version in versions:
        _check_version(version)
    assert not any((published / ".staging").iterdir())


def test_two_publisher_processes_both_succeed_and_the_manifest_describes_current(tmp_path):
    data_dir = tmp_path / "data"
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    publishers = [context.Process(target=_publish_many, args=(str(data_dir), prefix, 15, results)) for prefix in ("p", "q")]
    for publisher in publishers:
        publisher.start()
    outcomes = dict(results.get(timeout=120) for _ in publishers)
    for publisher in publishers:
        publisher.join(timeout=60)
    assert outcomes == {"p": None, "q": None}
    _assert_final_publication_is_consistent(DataPaths.at(data_dir).published_dir)


def test_two_publisher_threads_both_succeed_and_the_manifest_describes_current(tmp_path):
    data_dir = tmp_path / "data"
    errors: list[str] = []

    class Results:
        @staticmethod
        def put(outcome):
            if outcome[1] is not None:
                errors.append(f"{outcome[0]}: {outcome[1]}")

    threads = [threading.Thread(target=_publish_many, args=(str(data_dir), prefix, 10, Results)) for prefix in ("t", "u")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _assert_final_publication_is_consistent(DataPaths.at(data_dir).published_dir)


# ---------------------------------------------------------------------------------------------------
# Crashed runs, foreign symlinks, unexpected files


def test_a_crashed_runs_staging_is_removed_by_the_next_publish(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    staging = DataPaths.at(data_dir).publication_staging_dir
    crashed = staging / "crashed-run" / "tbl_a"
    crashed.mkdir(parents=True)
    (crashed / PART_FILE).write_bytes(b"half a parquet file")
    (staging / "stray-file").write_bytes(b"x")
    _publish(data_dir, "run-2")
    assert list(staging.iterdir()) == []
    _check_version(_current(DataPaths.at(data_dir).published_dir))


def test_a_symlinked_table_pointing_elsewhere_is_refused_and_nothing_changes(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    published = DataPaths.at(data_dir).published_dir
    share = tmp_path / "bi_share" / "tbl_a"
    share.mkdir(parents=True)
    (share / PART_FILE).write_bytes(b"the BI team's own file")
    link = published / "tbl_a"
    if link.is_symlink():
        link.unlink()
    else:
        shutil.rmtree(link)
    link.symlink_to(share)
    before = publication_bytes(published)
    with pytest.raises(PublicationRefused) as refused:
        _publish(data_dir, "run-2")
    assert str(link) in str(refused.value) and str(share) in str(refused.value)
    assert publication_bytes(published) == before
    assert (share / PART_FILE).read_bytes() == b"the BI team's own file"
    assert os.readlink(link) == str(share)


def test_an_unexpected_file_at_a_table_path_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    published = DataPaths.at(data_dir).published_dir
    path = published / "tbl_b"
    if path.is_symlink():
        path.unlink()
    else:
        shutil.rmtree(path)
    path.write_bytes(b"not a folder")
    before = publication_bytes(published)
    with pytest.raises(PublicationRefused, match=str(path)):
        _publish(data_dir, "run-2")
    assert publication_bytes(published) == before


def test_publication_bytes_sees_a_switch_of_current(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    _publish(data_dir, "run-2")
    published = DataPaths.at(data_dir).published_dir
    before = publication_bytes(published)
    (published / "current").unlink()
    (published / "current").symlink_to("versions/run-1")
    after = publication_bytes(published)
    assert after != before
    assert before["current"] == b"symlink -> versions/run-2" and after["current"] == b"symlink -> versions/run-1"
    assert before["tbl_a"] == b"symlink -> current/tbl_a"
    # The real bytes of every version are compared, not only the links.
    assert any(name.startswith("versions/run-1/") and name.endswith(PART_FILE) for name in after)


# ---------------------------------------------------------------------------------------------------
# Manifest, history, migration


def test_manifest_paths_are_relative_and_metadata_names_the_stable_path(tmp_path):
    data_dir = tmp_path / "data"
    published_entries = _publish(data_dir, "run-1")
    published = DataPaths.at(data_dir).published_dir
    manifest_text = (published / "_manifest.json").read_text()
    assert str(tmp_path) not in manifest_text
    manifest = json.loads(manifest_text)
    assert manifest["run_id"] == "run-1" and manifest["version"] == "run-1"
    for entry in published_entries:
        assert entry.path == str(published / entry.table / PART_FILE)
        recorded = manifest["tables"][entry.table]
        assert not Path(recorded["path"]).is_absolute()
        assert hashlib.sha256((published / recorded["path"]).read_bytes()).hexdigest() == recorded["sha256"] == entry.sha256
        assert recorded["run_id"] == "run-1"
    _assert_stable_layout(published)


def test_a_subset_publish_carries_the_other_tables_and_history_is_pruned(tmp_path):
    data_dir = tmp_path / "data"
    for index in range(1, 7):
        _publish(data_dir, f"run-{index}", TABLES if index == 1 else ("tbl_a",))
    published = DataPaths.at(data_dir).published_dir
    manifest = _check_version(_current(published))
    assert _labels(published / "tbl_a" / PART_FILE) == {"run-6"}
    assert _labels(published / "tbl_b" / PART_FILE) == {"run-1"}
    assert manifest["tables"]["tbl_a"]["run_id"] == "run-6" and manifest["tables"]["tbl_b"]["run_id"] == "run-1"
    # current and the last HISTORY_KEPT previous versions, the newest ones.
    assert sorted(path.name for path in (published / "versions").iterdir()) == ["run-3", "run-4", "run-5", "run-6"]
    # Carried by hard link, not copied.
    assert (published / "versions" / "run-6" / "tbl_b" / PART_FILE).stat().st_nlink == HISTORY_KEPT + 1


def test_the_same_run_id_publishing_twice_gets_a_new_version(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    _publish(data_dir, "run-1")
    published = DataPaths.at(data_dir).published_dir
    assert len(list((published / "versions").iterdir())) == 2
    _check_version(_current(published))


def _write_old_layout(published: Path) -> dict[str, bytes]:
    """The layout the previous version of publish.py left: real table folders, a real manifest with
    absolute paths, and partial history in .previous/."""
    manifest = {"published_at": "2025-01-01T00:00:00+00:00", "run_id": "old-run", "tables": {}}
    kept = {}
    for name in TABLES:
        directory = published / name
        directory.mkdir(parents=True)
        pq.write_table(_table(name, "old-run").select(CONTRACTS[name].column_names).cast(CONTRACTS[name].to_pyarrow()),
                       directory / PART_FILE, compression="zstd")
        content = (directory / PART_FILE).read_bytes()
        kept[name] = content
        manifest["tables"][name] = {"table": name, "path": str(directory / PART_FILE), "rows": ROWS,
                                    "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content), "run_id": "old-run"}
    (published / "_manifest.json").write_text(json.dumps(manifest, indent=2))
    kept["_manifest.json"] = (published / "_manifest.json").read_bytes()
    previous = published / ".previous" / "older-run" / "tbl_a"
    previous.mkdir(parents=True)
    (previous / PART_FILE).write_bytes(b"older")
    return kept


def test_the_old_layout_is_migrated_and_its_data_kept_in_history(tmp_path):
    data_dir = tmp_path / "data"
    published = DataPaths.at(data_dir).ensure().published_dir
    old = _write_old_layout(published)
    _publish(data_dir, "new-run", ("tbl_a",))
    _assert_stable_layout(published)
    manifest = _check_version(_current(published))
    assert _labels(published / "tbl_a" / PART_FILE) == {"new-run"}
    assert (published / "tbl_b" / PART_FILE).read_bytes() == old["tbl_b"]
    assert manifest["tables"]["tbl_b"]["run_id"] == "old-run" and manifest["tables"]["tbl_a"]["run_id"] == "new-run"
    history = [path for path in (published / "versions").iterdir() if path != _current(published)]
    assert len(history) == 1
    legacy = history[0]
    _check_version(legacy)
    for name in TABLES:
        assert (legacy / name / PART_FILE).read_bytes() == old[name]
    assert (legacy / "_manifest.legacy.json").read_bytes() == old["_manifest.json"]
    # The history of the old layout is left where it was.
    assert (published / ".previous" / "older-run" / "tbl_a" / PART_FILE).read_bytes() == b"older"
    # A second publish on the migrated layout is an ordinary one.
    _publish(data_dir, "next-run")
    _assert_stable_layout(published)
    assert _labels(published / "tbl_b" / PART_FILE) == {"next-run"}


def test_a_failed_publish_changes_nothing(tmp_path):
    data_dir = tmp_path / "data"
    _publish(data_dir, "run-1")
    published = DataPaths.at(data_dir).published_dir
    before = publication_bytes(published)
    broken = {"tbl_a": (CONTRACTS["tbl_a"], _table("tbl_a", "run-2")), "tbl_b": (CONTRACTS["tbl_b"], pa.table({"row_id": [1]}))}
    with pytest.raises(ValueError, match="missing"):
        publish_tables(DataPaths.at(data_dir), "run-2", broken)
    assert publication_bytes(published) == before


def test_a_failed_publish_on_the_old_layout_leaves_it_untouched(tmp_path):
    data_dir = tmp_path / "data"
    published = DataPaths.at(data_dir).ensure().published_dir
    _write_old_layout(published)
    before = publication_bytes(published)
    broken = {"tbl_a": (CONTRACTS["tbl_a"], pa.table({"row_id": [1]}))}
    with pytest.raises(ValueError, match="missing"):
        publish_tables(DataPaths.at(data_dir), "run-2", broken)
    after = publication_bytes(published)
    assert after.pop(".publish.lock") == b""  # the lock the failed publish took, nothing else
    assert after == before
    assert not any((published / "versions").iterdir()) and not any((published / ".staging").iterdir())
