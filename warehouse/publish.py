"""Atomic Parquet publication: every publish builds one complete version, and switching one symlink
makes it current.

Layout of ``<data>/published/`` (names in warehouse/paths.py)::

    versions/<version>/<table>/part-0.parquet   every table of one publication
    versions/<version>/_manifest.json           exactly what that version holds: per table its path
                                                (relative), rows, sha256, bytes, run_id, published_at;
                                                per other file (``files``) its path, sha256, bytes, ...
    versions/<version>/<file>                   other files published with the tables, e.g. the
                                                calculator's reference.duckdb (``publish_tables(files=)``)
    versions/<version>/<folder>/<file>          files of a product folder (reports/, front_runners/,
                                                pact/): a folder given in a publish replaces the
                                                current version's folder whole, one not given is carried
    current -> versions/<version>               the one pointer a publish switches
    <table> -> current/<table>                  stable BI paths, created once and left alone
    <file> -> current/<file>                    the same for the other files (greenbridge.duckdb, ...)
    <folder> -> current/<folder>                and for each product folder
    _manifest.json -> current/_manifest.json
    .staging/                                   versions being built, temporary links
    .publish.lock                               held (filelock) for the whole of a publish

A publish, under the inter-process lock:

1. checks the layout and refuses (``PublicationRefused``, naming the path) what it does not own, e.g.
   ``published/<table>`` as a symlink anywhere but ``current/<table>``, before anything changes;
2. removes what crashed runs left in ``.staging/``;
3. writes this run's tables, conformed to their contracts, to ``.staging/<version>/``, hard-links
   (or copies) in the other files it was given, hard-links (or copies) from the current version the
   tables and files this run does not publish, so every version is complete, and writes the
   version's manifest describing exactly its files;
4. fsyncs every file and folder of the staged version, renames it into ``versions/`` and switches
   ``current`` with one ``os.replace`` of a symlink (atomic on POSIX), fsyncing each folder whose
   entries changed: a reader of a stable path sees the whole previous version or the whole new
   one, never a missing file, and a power loss cannot leave ``current`` naming files whose bytes
   never reached the disk; reading ``current`` once and then the files under the folder it names
   gives a manifest that describes exactly the tables read;
5. creates stable links that are missing and prunes the versions older than current and the last
   ``HISTORY_KEPT`` previous ones (each moved out of ``versions/`` by one rename, then deleted).

If anything fails before the switch (a contract, a full disk), the publication is left
byte-for-byte as it was and the run's staging is removed; a version the switch could not make
current (no inode left for the link) is removed too. A full disk raises ``PublicationDiskFull``,
naming the folder, the space free and the size of a version. A publish killed at any point (SIGKILL,
tests/crash_harness.py) leaves ``current`` on the previous version or the new one, each complete;
what it left in ``.staging/`` is removed by the next publish, a version it renamed but never made
current stays in the history until pruned.

The layout of earlier versions of this module (real folders ``published/<table>/`` and a real
``_manifest.json``, swapped one at a time) is migrated by the first publish once its own tables are
written: those files become a version of their own in the history (the old manifest kept beside as
``_manifest.legacy.json``) and are replaced by the stable symlinks. This one-time step cannot be
atomic (a folder cannot be renamed over by a symlink): each table path is missing for the moment
between two renames. The old partial history ``.previous/`` is left alone.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from warehouse.contracts.schema import TableContract
from warehouse.fsync import fsync_dir, fsync_tree
from warehouse.paths import PRIVATE_DIR_MODE, DataPaths

PART_FILE = "part-0.parquet"
MANIFEST_FILE = "_manifest.json"
LEGACY_MANIFEST_FILE = "_manifest.legacy.json"
HISTORY_KEPT = 3
LOCK_TIMEOUT_S = 600

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")
# Entries of published/ that are not tables (the per-run quality reports are written beside them).
_NOT_TABLES = frozenset({"current", "versions", MANIFEST_FILE, "data_quality_results", "data_quality_quarantine",
                         "data_docs"})


class PublicationRefused(RuntimeError):
    """``published/`` holds something this module did not put there; nothing was changed."""


class PublicationDiskFull(OSError):
    """No space (or no inode) left for the new version; the previous publication is unchanged."""


@dataclass(frozen=True)
class PublishedTable:
    table: str
    path: str  # the stable BI path <data>/published/<table>/part-0.parquet
    rows: int
    sha256: str
    bytes: int
    version: str  # the folder versions/<version>/ holding it


@dataclass(frozen=True)
class _Layout:
    current: Path | None  # the folder current points to
    legacy_tables: dict[str, Path]  # real folders published/<table>/ of the old layout
    legacy_manifest: Path | None  # a real published/_manifest.json of the old layout


def conform_to_contract(contract: TableContract, table: pa.Table) -> pa.Table:
    """Select and cast the contract's columns in order; raises naming a missing column."""
    missing = [name for name in contract.column_names if name not in table.column_names]
    if missing:
        raise ValueError(f"{contract.name}: columns {missing} missing from the table to publish")
    schema = contract.to_pyarrow()
    return table.select(contract.column_names).cast(schema)


def publish_tables(paths: DataPaths, run_id: str, tables: dict[str, tuple[TableContract, pa.Table]],
                   files: Mapping[str, Path] | None = None,
                   files_of_tables: Callable[[Mapping[str, str], str], Mapping[str, Path]] | None = None
                   ) -> list[PublishedTable]:
    """Publish ``tables`` as one new version and make it current; returns this run's tables.

    ``files`` (name -> a regular file) go into the same version beside the tables, switched in with
    them: each is hard-linked (or copied) to ``versions/<version>/<name>``, so the caller keeps and
    removes its own file. A file of the current version not given again is carried, like a table.
    ``files_of_tables(table_sha256, version)`` is called once the tables are written, with each table's
    sha256 and the version's name, and returns more files the same way: files that cite the exact
    bytes of their version (the products' lineage)."""
    _check_name("run id", run_id)
    for name in tables:
        _check_table_name(name)
    files = dict(files or {})
    for name, source in files.items():
        _check_file(name, Path(source), tables)
    paths.ensure()
    lock_path = paths.publication_lock_file
    try:
        with FileLock(str(lock_path), timeout=LOCK_TIMEOUT_S, mode=0o600):
            return _publish_locked(paths, run_id, tables, files, files_of_tables)
    except Timeout as error:
        raise TimeoutError(f"another publish has held {lock_path} for more than {LOCK_TIMEOUT_S} s") from error


def _publish_locked(paths: DataPaths, run_id: str, tables: dict[str, tuple[TableContract, pa.Table]],
                    files: dict[str, Path], files_of_tables=None) -> list[PublishedTable]:
    layout = _inspect(paths, set(tables))
    _clean_staging(paths)
    published_at = _now()
    version = _new_version_name(paths, run_id)
    staging = paths.publication_staging_dir / version
    try:
        staging.mkdir(mode=PRIVATE_DIR_MODE)
        entries = {
            name: {**_write_table(staging, name, conform_to_contract(contract, table)), "run_id": run_id, "published_at": published_at}
            for name, (contract, table) in tables.items()
        }
        if files_of_tables is not None:
            more = dict(files_of_tables({name: entry["sha256"] for name, entry in entries.items()}, version))
            for name, source in more.items():
                if name in files:
                    raise ValueError(f"file {name!r} given twice (files and files_of_tables)")
                _check_file(name, Path(source), tables)
            files = {**files, **more}
        file_entries = {name: {**_place_file(staging, name, source), "run_id": run_id, "published_at": published_at}
                        for name, source in files.items()}
        if layout.legacy_tables or layout.legacy_manifest is not None:
            _migrate_legacy_layout(paths, layout)
            layout = _inspect(paths, set(tables))
        sequence = 1
        if layout.current is not None:
            current_manifest = _read_manifest(layout.current)
            sequence = _sequence(current_manifest) + 1
            for name in sorted(_version_tables(layout.current) - set(entries)):
                if name in file_entries:
                    raise ValueError(f"file {name!r}: the current version has a table of that name")
                entries[name] = _carry(staging, name, layout.current / name / PART_FILE, current_manifest)
                # A product folder given in this publish is this run's whole folder: none of the current
            # version's files in it is carried (a report of a car no longer listed must go).
            given_folders = {_stable_name(name) for name in file_entries if "/" in name}
            for name in sorted(_version_files(layout.current, current_manifest) - set(file_entries)):
                if "/" in name and _stable_name(name) in given_folders:
                    continue
                file_entries[name] = _carry_file(staging, name, layout.current / name, current_manifest)
        _write_manifest(staging, version, run_id, published_at, sequence, entries, file_entries)
        fsync_tree(staging)
        os.rename(staging, paths.publication_version_dir(version))
        fsync_dir(paths.publication_versions_dir)
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        _raise_if_disk_full(error, paths, layout.current)
        raise
    try:
        _switch_current(paths, version)
    except BaseException as error:
        # Never current, so never seen by a reader: not history to keep.
        if _current_target(paths) != paths.publication_version_dir(version):
            shutil.rmtree(paths.publication_version_dir(version), ignore_errors=True)
        _raise_if_disk_full(error, paths, layout.current)
        raise
    # Files (the BI catalogue, the dictionary, the docs page) get stable links too: BI tools open
    # published/greenbridge.duckdb like published/<table>/part-0.parquet.
    _ensure_stable_links(paths, [*entries, *file_entries])
    _prune_history(paths)
    return [
        PublishedTable(name, str(paths.published_table_dir(name) / PART_FILE), entries[name]["rows"], entries[name]["sha256"],
                       entries[name]["bytes"], version)
        for name in tables
    ]


# --- the layout -----------------------------------------------------------------------------------


def _inspect(paths: DataPaths, publishing: set[str]) -> _Layout:
    """What ``published/`` holds now; raises ``PublicationRefused`` on anything unexpected."""
    for folder in (paths.publication_versions_dir, paths.publication_staging_dir):
        if os.path.lexists(folder) and not _is_real_dir(folder):
            raise PublicationRefused(f"refusing to publish: {folder} is {_kind(folder)}, expected a folder of the "
                                     "publication; nothing was changed")
    current = None
    link = paths.publication_current_link
    if os.path.lexists(link):
        target = os.readlink(link) if link.is_symlink() else None
        parts = Path(target).parts if target else ()
        if (len(parts) != 2 or parts[0] != paths.publication_versions_dir.name or not _NAME.match(parts[1])
                or not _is_real_dir(paths.published_dir / target)):
            raise PublicationRefused(f"refusing to publish: {link} is {_kind(link)}, expected a symlink to "
                                     "versions/<version>; nothing was changed")
        current = paths.published_dir / target

    legacy_manifest = None
    legacy_names: set[str] = set()
    manifest_link = paths.published_manifest
    if os.path.lexists(manifest_link):
        if manifest_link.is_symlink():
            _check_stable_link(manifest_link, MANIFEST_FILE)
        elif stat.S_ISREG(os.lstat(manifest_link).st_mode):
            legacy_manifest = manifest_link
            legacy_names = {name for name in _read_manifest_file(manifest_link).get("tables", {}) if _is_table_name(name)}
        else:
            raise PublicationRefused(f"refusing to publish: {manifest_link} is {_kind(manifest_link)}, expected a symlink "
                                     f"to current/{MANIFEST_FILE}; nothing was changed")

    legacy_tables: dict[str, Path] = {}
    names = publishing | legacy_names | (_version_tables(current) if current is not None else set())
    if current is not None:
        names |= {_stable_name(name) for name in _version_files(current, _read_manifest(current))}
    for name in sorted(names):
        path = paths.published_table_dir(name)
        if not os.path.lexists(path):
            continue
        if path.is_symlink():
            _check_stable_link(path, name)
        elif _is_legacy_table_dir(path):
            legacy_tables[name] = path
        else:
            raise PublicationRefused(f"refusing to publish: {path} is {_kind(path)}, expected a symlink to "
                                     f"current/{name}; nothing was changed")
    return _Layout(current, legacy_tables, legacy_manifest)


def _check_stable_link(link: Path, name: str) -> None:
    target, expected = os.readlink(link), f"current/{name}"
    if target != expected:
        raise PublicationRefused(
            f"refusing to publish: {link} is a symlink to {target!r}, not to {expected!r} (the stable link the "
            "publication keeps there); nothing was changed. Move the link away, or point it to "
            f"{expected!r}, and publish again."
        )


def _is_legacy_table_dir(path: Path) -> bool:
    """A real folder holding only a regular part-0.parquet, as the earlier layout left it."""
    if not _is_real_dir(path):
        return False
    entries = list(path.iterdir())
    return [entry.name for entry in entries] == [PART_FILE] and stat.S_ISREG(os.lstat(entries[0]).st_mode)


def _kind(path: Path) -> str:
    if path.is_symlink():
        return f"a symlink to {os.readlink(path)!r}"
    if path.is_dir():
        return "an unexpected folder"
    if path.is_file():
        return "an unexpected file"
    return "an unexpected entry"


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _version_tables(version: Path) -> set[str]:
    return {entry.name for entry in version.iterdir()
            if _is_real_dir(entry) and _is_table_name(entry.name) and (entry / PART_FILE).is_file()}


def _check_name(what: str, name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"{what} {name!r} cannot name a folder of the publication (letters, digits, '_', '.', '-')")


def _check_table_name(name: str) -> None:
    _check_name("table", name)
    if name in _NOT_TABLES:
        raise ValueError(f"table {name!r}: the name is taken by the publication layout")


def _is_table_name(name: str) -> bool:
    return bool(_NAME.match(name)) and name not in _NOT_TABLES


def _stable_name(name: str) -> str:
    """The entry of ``published/`` a file is reached through: itself, or its product folder."""
    return name.split("/", 1)[0]


def _is_file_name(name: str) -> bool:
    """``<file>`` or ``<folder>/<file>``, each part a publication name."""
    parts = name.split("/")
    return len(parts) <= 2 and all(_NAME.match(part) for part in parts)


def _check_file(name: str, source: Path, tables) -> None:
    if not _is_file_name(name):
        raise ValueError(f"file {name!r} cannot name a file of the publication (<file> or <folder>/<file>; "
                         "letters, digits, '_', '.', '-')")
    top = _stable_name(name)
    if top in _NOT_TABLES or top in (LEGACY_MANIFEST_FILE, PART_FILE) or top in tables:
        raise ValueError(f"file {name!r}: the name is taken by the publication layout or a table")
    if not _is_regular_file(source):
        raise ValueError(f"file {name!r}: {source} is not a regular file")


def _version_files(version: Path, manifest: dict) -> set[str]:
    """The other files a version's manifest describes and the version holds."""
    described = manifest.get("files")
    names = described if isinstance(described, dict) else {}
    return {name for name in names if isinstance(name, str) and _is_file_name(name)
            and _stable_name(name) not in _NOT_TABLES and _is_regular_file(version / name)}


def _is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


# --- building a version ---------------------------------------------------------------------------


def _clean_staging(paths: DataPaths) -> None:
    """Remove what crashed runs left in ``.staging/`` (under the lock, no other publish is running);
    create ``versions/`` and ``.staging/`` if missing."""
    paths.publication_versions_dir.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    staging_root = paths.publication_staging_dir
    staging_root.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    for entry in staging_root.iterdir():
        if _is_real_dir(entry):
            shutil.rmtree(entry)
        else:
            entry.unlink()


def _new_version_name(paths: DataPaths, base: str) -> str:
    name, suffix = base, 1
    while os.path.lexists(paths.publication_version_dir(name)) or os.path.lexists(paths.publication_staging_dir / name):
        name, suffix = f"{base}.{suffix}", suffix + 1
    return name


def _write_table(folder: Path, name: str, table: pa.Table) -> dict:
    directory = folder / name
    directory.mkdir()
    path = directory / PART_FILE
    pq.write_table(table, path, compression="zstd")
    content = path.read_bytes()
    return {"table": name, "path": f"{name}/{PART_FILE}", "rows": table.num_rows,
            "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}


def _carry(folder: Path, name: str, source: Path, source_manifest: dict) -> dict:
    """Hard-link (or copy) ``source`` into ``folder`` and describe it, keeping the run that wrote it."""
    directory = folder / name
    directory.mkdir()
    target = directory / PART_FILE
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    content = target.read_bytes()
    entry = {"table": name, "path": f"{name}/{PART_FILE}", "rows": pq.read_metadata(target).num_rows,
             "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
    previous = source_manifest.get("tables", {}).get(name, {})
    described = previous.get("sha256") == entry["sha256"]
    entry["run_id"] = (described and previous.get("run_id")) or source_manifest.get("run_id") or "unknown"
    entry["published_at"] = (described and previous.get("published_at")) or source_manifest.get("published_at") or _now()
    return entry


def _place_file(folder: Path, name: str, source: Path) -> dict:
    """Hard-link (or copy) ``source`` to ``folder/name`` and describe it."""
    target = folder / name
    target.parent.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return _describe_file(name, target)


def _carry_file(folder: Path, name: str, source: Path, source_manifest: dict) -> dict:
    """Hard-link (or copy) a file of the current version, keeping the run that wrote it."""
    entry = _place_file(folder, name, source)
    previous = source_manifest.get("files", {}).get(name, {})
    described = isinstance(previous, dict) and previous.get("sha256") == entry["sha256"]
    entry["run_id"] = (described and previous.get("run_id")) or source_manifest.get("run_id") or "unknown"
    entry["published_at"] = (described and previous.get("published_at")) or source_manifest.get("published_at") or _now()
    return entry


def _describe_file(name: str, path: Path) -> dict:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"file": name, "path": name, "sha256": digest.hexdigest(), "bytes": size}


def _write_manifest(folder: Path, version: str, run_id: str, published_at: str, sequence: int, entries: dict[str, dict],
                    file_entries: dict[str, dict] | None = None) -> None:
    manifest = {
        "published_at": published_at,
        "run_id": run_id,
        "version": version,
        "sequence": sequence,
        "tables": {name: entries[name] for name in sorted(entries)},
    }
    if file_entries:
        manifest["files"] = {name: file_entries[name] for name in sorted(file_entries)}
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))


def _read_manifest(version: Path) -> dict:
    return _read_manifest_file(version / MANIFEST_FILE)


def _read_manifest_file(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _sequence(manifest: dict) -> int:
    sequence = manifest.get("sequence")
    return sequence if isinstance(sequence, int) else 0


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# --- switching ------------------------------------------------------------------------------------


def _replace_with_symlink(paths: DataPaths, link: Path, target: str) -> None:
    """Make ``link`` a symlink to ``target`` in one rename of a link made beside it in ``.staging/``.

    A relative target is read from the folder holding the link, so it resolves from ``published/``
    once renamed there."""
    temporary = paths.publication_staging_dir / f".link-{uuid.uuid4().hex}"
    os.symlink(target, temporary)
    try:
        os.replace(temporary, link)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _switch_current(paths: DataPaths, version: str) -> None:
    _replace_with_symlink(paths, paths.publication_current_link, f"{paths.publication_versions_dir.name}/{version}")
    fsync_dir(paths.published_dir)


def _current_target(paths: DataPaths) -> Path | None:
    try:
        return paths.published_dir / os.readlink(paths.publication_current_link)
    except OSError:
        return None


# --- a full disk ---------------------------------------------------------------------------------


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def _raise_if_disk_full(error: BaseException, paths: DataPaths, current: Path | None) -> None:
    if not (isinstance(error, OSError) and error.errno in _DISK_FULL):
        return
    free = shutil.disk_usage(paths.published_dir).free
    size = _version_bytes(current) if current is not None else None
    needed = f"; the current version takes {_mib(size)}" if size else ""
    raise PublicationDiskFull(
        error.errno,
        f"publication failed: no space left on the disk holding {paths.published_dir} ({_mib(free)} free{needed}); "
        f"the previous publication is unchanged and this run's partial version was removed ({error})",
    ) from error


def _version_bytes(version: Path) -> int:
    manifest = _read_manifest(version)
    entries = list(manifest.get("tables", {}).values()) + list((manifest.get("files") or {}).values())
    return sum(entry.get("bytes", 0) for entry in entries if isinstance(entry, dict))


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB"


def _ensure_stable_links(paths: DataPaths, names) -> None:
    """Create the missing stable links; an existing one was checked by ``_inspect`` and is left alone."""
    stable = sorted({_stable_name(name) for name in names})
    for name, link in [(name, paths.published_table_dir(name)) for name in stable] + [(MANIFEST_FILE, paths.published_manifest)]:
        if not os.path.lexists(link):
            _replace_with_symlink(paths, link, f"current/{name}")


def _prune_history(paths: DataPaths) -> None:
    """Keep the current version and the ``HISTORY_KEPT`` newest others; never the current target."""
    current = os.readlink(paths.publication_current_link)
    versions = [entry for entry in paths.publication_versions_dir.iterdir()
                if _is_real_dir(entry) and f"{paths.publication_versions_dir.name}/{entry.name}" != current]
    versions.sort(key=lambda entry: (_sequence(_read_manifest(entry)), entry.stat().st_mtime_ns), reverse=True)
    for stale in versions[HISTORY_KEPT:]:
        # One rename takes the whole version away from readers, then it is deleted at leisure.
        doomed = paths.publication_staging_dir / f".pruned-{uuid.uuid4().hex}"
        os.rename(stale, doomed)
        shutil.rmtree(doomed, ignore_errors=True)


# --- migrating the earlier layout -------------------------------------------------------------------


def _migrate_legacy_layout(paths: DataPaths, layout: _Layout) -> None:
    """Make what readers see now in the old layout a version of its own, current, behind stable links."""
    old_manifest = _read_manifest_file(layout.legacy_manifest) if layout.legacy_manifest is not None else {}
    current_manifest = _read_manifest(layout.current) if layout.current is not None else {}
    old_run = old_manifest.get("run_id") if isinstance(old_manifest.get("run_id"), str) and _NAME.match(old_manifest["run_id"]) else None
    version = _new_version_name(paths, f"legacy-{old_run}" if old_run else "legacy")
    staging = paths.publication_staging_dir / version
    staging.mkdir(mode=PRIVATE_DIR_MODE)
    entries, file_entries = {}, {}
    if layout.current is not None:
        for name in _version_tables(layout.current) - set(layout.legacy_tables):
            entries[name] = _carry(staging, name, layout.current / name / PART_FILE, current_manifest)
        for name in _version_files(layout.current, current_manifest):
            file_entries[name] = _carry_file(staging, name, layout.current / name, current_manifest)
    for name, folder in layout.legacy_tables.items():
        entries[name] = _carry(staging, name, folder / PART_FILE, old_manifest)
    if layout.legacy_manifest is not None:
        shutil.copy2(layout.legacy_manifest, staging / LEGACY_MANIFEST_FILE)
    _write_manifest(staging, version, old_manifest.get("run_id") or version, old_manifest.get("published_at") or _now(),
                    _sequence(current_manifest) + 1, entries, file_entries)
    os.rename(staging, paths.publication_version_dir(version))
    _switch_current(paths, version)
    # The version holds hard links (or copies) of the old files; the old folders go to .staging/.
    replaced = paths.publication_staging_dir / f".migrated-{uuid.uuid4().hex}"
    replaced.mkdir(mode=PRIVATE_DIR_MODE)
    for name, folder in layout.legacy_tables.items():
        temporary = paths.publication_staging_dir / f".link-{uuid.uuid4().hex}"
        os.symlink(f"current/{name}", temporary)
        os.rename(folder, replaced / name)
        os.replace(temporary, folder)
    if layout.legacy_manifest is not None:
        _replace_with_symlink(paths, layout.legacy_manifest, f"current/{MANIFEST_FILE}")
    _ensure_stable_links(paths, entries)
    shutil.rmtree(replaced, ignore_errors=True)
