"""The calculator's reference: the data the compiled method reads, published read-only with every
refresh, and opened by the calculator without the warehouse.

``reference.duckdb`` is one file of each publication version (``published/versions/<v>/``, switched
in with the tables by warehouse/publish.py). It holds:

- every relation the compiled method reads (method.py), under its own schema and name, copied as a
  table (a staging view becomes a table of its rows), so the compiled SQL runs against the file
  attached under the warehouse's database name;
- ``calculator.method``: the compiled SQL, its sha256, the cache key and dbt version it came from;
- the small tables the reference checks read (validation.py ``VOCABULARY``).

``build_reference`` writes it at publish time, from the warehouse (under its writer lock, which the
publication step holds anyway), and runs the method once on an empty input against the new file, so
a reference missing a relation fails the publication, not a user's first call. ``open_reference``
resolves ``published/current`` once and attaches that version's file read-only to an in-memory
DuckDB: a refresh running meanwhile (holding the warehouse's writer lock, or switching ``current``)
never blocks it, and the version it reads is one complete publication.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.calculator.method import CompiledMethod, MethodCompileError, Relation, compiled_method, relation_of_model
from orchestration.calculator.validation import VOCABULARY, Vocabulary
from warehouse.paths import DBT_PROJECT_DIR, DataPaths, make_private_dirs

if TYPE_CHECKING:  # warehouse.duckdb_store imports pandas, which a calculator call never needs
    from warehouse.duckdb_store import Warehouse

REFERENCE_FILE = "reference.duckdb"
METADATA_TABLE = "calculator.method"
ABANDONED_BUILD_S = 600  # a build folder untouched this long belongs to no running publication
_BUILD_CATALOG = "reference"  # the catalog name DuckDB gives the file being built (its stem)


class ReferenceNotReady(RuntimeError):
    """No publication, or one without a calculator reference: run ``greenbridge refresh`` first."""


@dataclass(frozen=True)
class BuiltReference:
    path: Path  # a file under <data>/calculator/, for publish_tables(files=...); the caller removes it
    method: CompiledMethod
    compiled: bool  # dbt had to compile (False: the method came from the cache)


@dataclass
class Reference:
    """A published reference, attached read-only to an in-memory DuckDB connection."""

    version: str
    path: Path
    method: CompiledMethod
    connection: duckdb.DuckDBPyConnection
    vocabulary: Vocabulary


# --- building, at publish time ----------------------------------------------------------------------


def build_reference(paths: DataPaths, warehouse: "Warehouse", run_id: str,
                    manifest_path: Path | None = None) -> BuiltReference:
    """Write a reference file for the warehouse as it is now (see the module docstring)."""
    method, compiled = compiled_method(paths, manifest_path)
    manifest = _project_manifest(manifest_path)
    vocabulary = {table: (query.format(**{model: relation_of_model(manifest, model).sql for model in models}), models)
                  for table, (query, models) in VOCABULARY.items()}
    remove_abandoned_builds(paths)
    build_dir = paths.calculator_dir / f"build-{uuid.uuid4().hex}"
    make_private_dirs(paths.root, build_dir)
    path = build_dir / f"{_BUILD_CATALOG}.duckdb"
    try:
        connection = duckdb.connect(str(path))
        try:
            with warehouse.lock():
                connection.execute(f"attach {_literal(warehouse.path)} as \"{method.database}\" (read_only)")
                for relation in method.relations:
                    connection.execute(f'create schema if not exists "{relation.schema}"')
                    connection.execute(f'create table "{relation.schema}"."{relation.name}" as select * from {relation.sql}')
                connection.execute("create schema calculator")
                for table, (query, _) in vocabulary.items():
                    connection.execute(f"create table {table} as {query}")
                connection.execute(f'detach "{method.database}"')
            connection.execute(
                f"create table {METADATA_TABLE} (key varchar, sql varchar, sql_sha256 varchar, database varchar, "
                "relations varchar, dbt_version varchar, run_id varchar, built_at varchar)"
            )
            connection.execute(f"insert into {METADATA_TABLE} values (?, ?, ?, ?, ?, ?, ?, ?)", [
                method.key, method.sql, method.sql_sha256, method.database,
                json.dumps([asdict(relation) for relation in method.relations]), method.dbt_version,
                run_id, datetime.now(timezone.utc).isoformat(timespec="seconds"),
            ])
            connection.execute("checkpoint")
        finally:
            connection.close()
        _smoke_test(path, method)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuiltReference(path, method, compiled)


def remove_abandoned_builds(paths: DataPaths, older_than_s: float = ABANDONED_BUILD_S) -> list[Path]:
    """Remove the build folders a killed publication left (~4 MB each). One publication runs at a
    time (the warehouse pool and the refresh lock), so any other build folder is abandoned; the age
    margin is insurance against a clock or a process this does not know about."""
    now = time.time()
    removed = []
    for folder in paths.calculator_dir.glob("build-*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > older_than_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except FileNotFoundError:
            continue
    return removed


def discard(built: BuiltReference) -> None:
    """Remove the build folder of ``built`` (the publication holds its own link to the file)."""
    shutil.rmtree(built.path.parent, ignore_errors=True)


def _smoke_test(path: Path, method: CompiledMethod) -> None:
    """Run the method on an empty input against the new file: every relation it reads is there."""
    from orchestration.calculator.run import run_method

    with _attached(path, method.database) as connection:
        try:
            run_method(connection, method, None)
        except duckdb.Error as error:
            raise MethodCompileError(f"the compiled method does not run against the reference built from the "
                                     f"warehouse: {error}") from None


def _project_manifest(manifest_path: Path | None) -> dict:
    path = manifest_path or DBT_PROJECT_DIR / "target" / "manifest.json"
    return json.loads(path.read_text())


# --- opening, at compute time -----------------------------------------------------------------------


@contextmanager
def open_reference(paths: DataPaths) -> Iterator[Reference]:
    """The reference of the current publication, attached read-only (see the module docstring)."""
    link = paths.publication_current_link
    try:
        target = os.readlink(link)  # read once: everything below is under this one version
    except FileNotFoundError:
        raise ReferenceNotReady(f"no publication in {paths.published_dir}: run `greenbridge refresh` first") from None
    except OSError:
        raise ReferenceNotReady(f"{link} is not the publication's link to its current version") from None
    version_dir = paths.published_dir / target
    path = version_dir / REFERENCE_FILE
    if not path.is_file():
        raise ReferenceNotReady(f"the current publication ({version_dir.name}) has no calculator reference "
                                f"({REFERENCE_FILE}): run `greenbridge refresh` first")
    database = paths.warehouse_file.stem
    with _attached(path, database) as connection:
        method = _read_method(connection, database, path)
        yield Reference(version_dir.name, path, method, connection, Vocabulary.read(connection, database))


@contextmanager
def _attached(path: Path, database: str) -> Iterator[duckdb.DuckDBPyConnection]:
    # The method's output is put in row order by its own ORDER BY (run.py): DuckDB need not keep
    # insertion order in between, which is ~20% faster on large batches.
    connection = duckdb.connect(config={"preserve_insertion_order": False})
    try:
        connection.execute(f"attach {_literal(path)} as \"{database}\" (read_only)")
        yield connection
    finally:
        connection.close()


def _read_method(connection: duckdb.DuckDBPyConnection, database: str, path: Path) -> CompiledMethod:
    try:
        row = connection.execute(f'select key, sql, sql_sha256, database, relations, dbt_version '
                                 f'from "{database}".{METADATA_TABLE}').fetchone()
        key, sql, sql_sha256, compiled_for, relations, dbt_version = row
        method = CompiledMethod(key, sql, sql_sha256, compiled_for,
                                tuple(Relation(**relation) for relation in json.loads(relations)), dbt_version)
        method.check()
    except (duckdb.Error, TypeError, ValueError, KeyError, MethodCompileError) as error:
        raise ReferenceNotReady(f"the calculator reference {path} cannot be read ({error}): run `greenbridge refresh`") from None
    if method.database != database:
        raise ReferenceNotReady(f"the calculator reference {path} was compiled for database {method.database!r}, "
                                f"not {database!r}: run `greenbridge refresh`")
    return method


def _literal(path: Path) -> str:
    """A file path as a SQL string literal (the data dir's own paths, never user input)."""
    return "'" + str(path).replace("'", "''") + "'"
