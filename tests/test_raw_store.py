"""The content-addressed raw store and the data dir are private to their owner, concurrent writers of
the same bytes never collide, and a stored file that no longer matches its name is rewritten."""

import hashlib
import os
import stat
import threading
from contextlib import contextmanager

import pytest

from warehouse.paths import DataPaths
from warehouse.raw_store import store_raw_bytes


@contextmanager
def _umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_data_dir_and_its_directories_are_0700(tmp_path):
    with _umask(0o022):
        paths = DataPaths.at(tmp_path / "data").ensure()
    for directory in (paths.root, paths.warehouse_file.parent, paths.raw_store_dir.parent, paths.raw_store_dir,
                      paths.published_dir):
        assert _mode(directory) == 0o700, f"{directory} is {oct(_mode(directory))}"


def test_an_existing_data_root_is_made_0700(tmp_path):
    root = tmp_path / "data"
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    DataPaths.at(root).ensure()
    assert _mode(root) == 0o700


def test_raw_files_are_0600(tmp_path):
    store = DataPaths.at(tmp_path / "data").ensure().raw_store_dir
    with _umask(0o022):
        path = store_raw_bytes(store, b"owid,2024\n")
    assert path.read_bytes() == b"owid,2024\n"
    assert _mode(path) == 0o600
    # A file written by an earlier version with 0644 is tightened when it is met again.
    os.chmod(path, 0o644)
    store_raw_bytes(store, b"owid,2024\n")
    assert _mode(path) == 0o600


def test_concurrent_writers_of_the_same_bytes_do_not_collide(tmp_path):
    store = tmp_path / "raw" / "sha256"
    content = os.urandom(1 << 20) * 4  # 4 MiB: long enough writes that the writers overlap
    digest = hashlib.sha256(content).hexdigest()
    writers, rounds = 8, 5
    for round_index in range(rounds):
        target = store / digest[:2] / digest
        if target.exists():
            target.unlink()
        barrier = threading.Barrier(writers)
        results, errors = [], []

        def write():
            barrier.wait()
            try:
                results.append(store_raw_bytes(store, content))
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(repr(error))

        threads = [threading.Thread(target=write) for _ in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [], f"round {round_index}: {errors}"
        assert len(results) == writers and set(results) == {target}
        assert hashlib.sha256(target.read_bytes()).hexdigest() == digest
    assert sorted(path.name for path in target.parent.iterdir()) == [digest], "a temporary file was left behind"


def test_a_tampered_raw_file_is_rewritten(tmp_path):
    store = tmp_path / "raw" / "sha256"
    content = b'{"data": [1, 2, 3]}'
    path = store_raw_bytes(store, content)
    path.write_bytes(b'{"data": [1, 2, 666]}')
    assert store_raw_bytes(store, content) == path
    assert path.read_bytes() == content


def test_a_raw_file_replaced_by_a_symlink_is_rewritten_and_the_link_target_left_alone(tmp_path):
    store = tmp_path / "raw" / "sha256"
    content = b"ember,2024\n"
    path = store_raw_bytes(store, content)
    elsewhere = tmp_path / "elsewhere.csv"
    elsewhere.write_bytes(b"something else\n")
    path.unlink()
    path.symlink_to(elsewhere)
    store_raw_bytes(store, content)
    assert not path.is_symlink() and path.read_bytes() == content
    assert elsewhere.read_bytes() == b"something else\n"


@pytest.mark.parametrize("size", [0, 1, 70_000])
def test_stored_bytes_are_named_by_their_sha256(tmp_path, size):
    content = os.urandom(size)
    path = store_raw_bytes(tmp_path / "raw", content)
    digest = hashlib.sha256(content).hexdigest()
    assert path == tmp_path / "raw" / digest[:2] / digest
    assert path.read_bytes() == content
