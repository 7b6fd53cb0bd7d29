"""Files published beside the tables (``publish_tables(files=...)``, e.g. the calculator's
reference.duckdb): switched in with the tables of the same version, described in its manifest,
carried to the next version when not given again, the caller's file left to the caller; a name the
layout or a table holds is refused before anything changes."""

import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa
import pytest

from tests.conftest import publication_bytes
from warehouse.contracts.schema import Column, TableContract
from warehouse.paths import DataPaths
from warehouse.publish import publish_tables

CONTRACT = TableContract("tbl_a", "marts", "test table", (Column("value", "float64", "a number"),))


def _publish(data_dir: Path, run_id: str, files=None, tables=True):
    table = {"tbl_a": (CONTRACT, pa.table({"value": [1.0, 2.0]}))} if tables else {}
    return publish_tables(DataPaths.at(data_dir), run_id, table, files=files)


def _current(data_dir: Path) -> tuple[Path, dict]:
    published = data_dir / "published"
    version = published / os.readlink(published / "current")
    return version, json.loads((version / "_manifest.json").read_text())


def test_a_file_is_published_with_the_tables_and_carried_to_the_next_version(tmp_path):
    data = tmp_path / "data"
    source = tmp_path / "reference.duckdb"
    source.write_bytes(b"reference of run-1")
    _publish(data, "run-1", files={"reference.duckdb": source})
    version, manifest = _current(data)
    assert (version / "reference.duckdb").read_bytes() == b"reference of run-1"
    entry = manifest["files"]["reference.duckdb"]
    assert entry["sha256"] == hashlib.sha256(b"reference of run-1").hexdigest() and entry["bytes"] == 18
    assert entry["run_id"] == "run-1" and entry["path"] == "reference.duckdb"
    assert source.read_bytes() == b"reference of run-1", "the caller's file is the caller's"
    assert set(manifest["tables"]) == {"tbl_a"}

    _publish(data, "run-2")  # not given again: carried, still described by the run that wrote it
    version, manifest = _current(data)
    assert version.name == "run-2" and (version / "reference.duckdb").read_bytes() == b"reference of run-1"
    assert manifest["files"]["reference.duckdb"]["run_id"] == "run-1"

    replacement = tmp_path / "next.duckdb"
    replacement.write_bytes(b"reference of run-3")
    _publish(data, "run-3", files={"reference.duckdb": replacement}, tables=False)
    version, manifest = _current(data)
    assert (version / "reference.duckdb").read_bytes() == b"reference of run-3"
    assert manifest["files"]["reference.duckdb"]["run_id"] == "run-3" and set(manifest["tables"]) == {"tbl_a"}


def test_a_publication_without_files_has_no_files_entry(tmp_path):
    _publish(tmp_path / "data", "run-1")
    assert "files" not in _current(tmp_path / "data")[1]


@pytest.mark.parametrize("name", ["current", "versions", "_manifest.json", "tbl_a", "../escape", ".hidden",
                                  "reports/../x", "a/b/c", "tbl_a/x.html", "versions/x", "/abs", "reports/.hidden"])
def test_a_file_name_the_layout_or_a_table_holds_is_refused_before_anything_changes(tmp_path, name):
    data = tmp_path / "data"
    _publish(data, "run-1")
    before = publication_bytes(data / "published")
    source = tmp_path / "file"
    source.write_bytes(b"x")
    with pytest.raises(ValueError):
        _publish(data, "run-2", files={name: source})
    assert publication_bytes(data / "published") == before


def test_a_file_that_is_not_a_regular_file_is_refused(tmp_path):
    data = tmp_path / "data"
    link = tmp_path / "link"
    link.symlink_to("/etc/hostname")
    for source in (link, tmp_path, tmp_path / "missing"):
        with pytest.raises(ValueError, match="not a regular file"):
            _publish(data, "run-1", files={"reference.duckdb": source})
    assert not (data / "published" / "current").exists()


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_a_product_folder_is_published_behind_one_stable_link_and_replaced_whole(tmp_path):
    """reports/<file> files: one stable link published/reports -> current/reports; a later publish
    giving the folder again replaces it whole (a report no longer listed is gone); one not giving it
    carries it."""
    data = tmp_path / "data"
    first = {"reports/a.html": _write(tmp_path / "1" / "a.html", b"report a"),
             "reports/b.html": _write(tmp_path / "1" / "b.html", b"report b"),
             "pact/footprints.json": _write(tmp_path / "1" / "f.json", b"[]")}
    _publish(data, "run-1", files=first)
    published = data / "published"
    assert os.readlink(published / "reports") == "current/reports"
    assert (published / "reports" / "a.html").read_bytes() == b"report a"
    version, manifest = _current(data)
    assert manifest["files"]["reports/a.html"]["sha256"] == hashlib.sha256(b"report a").hexdigest()
    assert manifest["files"]["reports/a.html"]["path"] == "reports/a.html"

    _publish(data, "run-2", files={"reports/c.html": _write(tmp_path / "2" / "c.html", b"report c")})
    version, manifest = _current(data)
    assert sorted(path.name for path in (published / "reports").iterdir()) == ["c.html"]
    assert {name for name in manifest["files"] if name.startswith("reports/")} == {"reports/c.html"}
    assert (published / "pact" / "footprints.json").read_bytes() == b"[]", "a folder not given is carried"
    assert manifest["files"]["pact/footprints.json"]["run_id"] == "run-1"

    _publish(data, "run-3")  # nothing given: everything carried
    assert (published / "reports" / "c.html").read_bytes() == b"report c"


def test_files_of_tables_see_the_written_tables_sha256_and_the_version(tmp_path):
    """Products that cite their version's bytes: the callback gets each table's sha256 as the manifest
    records it and the version's name, and its files are published in that version."""
    data = tmp_path / "data"
    seen = {}

    def files_of_tables(table_sha256, version):
        seen.update(table_sha256=dict(table_sha256), version=version)
        return {"reports/lineage.txt": _write(tmp_path / "lineage.txt", table_sha256["tbl_a"].encode())}

    publish_tables(DataPaths.at(data), "run-1", {"tbl_a": (CONTRACT, pa.table({"value": [1.0, 2.0]}))},
                   files_of_tables=files_of_tables)
    version, manifest = _current(data)
    assert seen["version"] == version.name == "run-1"
    assert seen["table_sha256"] == {"tbl_a": manifest["tables"]["tbl_a"]["sha256"]}
    assert (version / "reports" / "lineage.txt").read_text() == manifest["tables"]["tbl_a"]["sha256"]
