"""Compiling the method: the dbt macro ``footprint_method`` rendered once into plain DuckDB SQL over
the calculator's input relation, and cached beside the dbt manifest it was compiled from
(``dbt_project/target/calculator/``; under ``<data>/calculator/`` where that folder cannot be written).

What is compiled is the analysis ``dbt_project/analyses/calculator_method.sql`` (``{{
footprint_method('__greenbridge_calculator_input') }}``): dbt resolves every ``ref`` to a
fully-qualified relation (``"greenbridge"."staging"...``) and lists the relations it reads in the
node's ``depends_on``, so the SQL runs anywhere those relations exist under the warehouse's
database name (the calculator attaches the published reference under it, reference.py).

The cache key (``method_key``) is read from the dbt manifest and changes exactly when the compiled
SQL could: the analysis file, every macro it calls (transitively, by each macro's text), the
relation each ref resolves to, the project file (vars such as ``life_cycle_stages``), the dbt
version and the database name. dbt runs (``dbt compile``, in a subprocess with a scratch profile:
an empty DuckDB file named like the warehouse, so compiling never opens the warehouse nor waits for
its writer lock) only when no cache file has the key: in practice once per change of the method,
at the end of the refresh that publishes it (reference.py). The compiled SQL depends on the project,
not on a data dir, so every data dir on the machine shares the cache: a new data dir (a first
refresh, a test) does not compile again. Nothing here runs the method.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from filelock import FileLock

from orchestration.target_cache import cache_dir_beside_manifest
from warehouse.paths import DBT_PROJECT_DIR, DataPaths

INPUT_RELATION = "__greenbridge_calculator_input"
ANALYSIS = "calculator_method"
ANALYSIS_ID = f"analysis.greenbridge.{ANALYSIS}"
CACHE_PREFIX = "method-"
CACHE_KEPT = 5
COMPILE_TIMEOUT_S = 600
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class MethodCompileError(RuntimeError):
    """dbt could not compile the method (the message says why and where dbt's log is)."""


@dataclass(frozen=True)
class Relation:
    """A relation the compiled method reads: ``"<database>"."<schema>"."<name>"``."""

    database: str
    schema: str
    name: str

    @property
    def sql(self) -> str:
        return f'"{self.database}"."{self.schema}"."{self.name}"'


@dataclass(frozen=True)
class CompiledMethod:
    key: str  # method_key of the project manifest it was compiled for
    sql: str  # one DuckDB query over INPUT_RELATION and ``relations``
    sql_sha256: str
    database: str  # the database name every relation is qualified with
    relations: tuple[Relation, ...]
    dbt_version: str

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "relations": [asdict(relation) for relation in self.relations]}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "CompiledMethod":
        document = json.loads(text)
        method = cls(**{**document, "relations": tuple(Relation(**relation) for relation in document["relations"])})
        method.check()
        return method

    def check(self) -> None:
        """Refuse SQL that is not what dbt compiled (checksum) or names unexpected identifiers."""
        if hashlib.sha256(self.sql.encode()).hexdigest() != self.sql_sha256:
            raise MethodCompileError("the compiled method does not match its checksum")
        for name in (self.database, *(part for relation in self.relations for part in (relation.schema, relation.name))):
            if not _IDENTIFIER.fullmatch(name):
                raise MethodCompileError(f"the compiled method reads a relation named {name!r}, not a plain identifier")
        if any(relation.database != self.database for relation in self.relations):
            raise MethodCompileError("the compiled method reads relations of more than one database")
        if INPUT_RELATION not in self.sql:
            raise MethodCompileError(f"the compiled method does not read its input relation {INPUT_RELATION}")


def compiled_method(paths: DataPaths, manifest_path: Path | None = None) -> tuple[CompiledMethod, bool]:
    """The compiled method for the project as its manifest describes it, and whether dbt had to run
    (False: it came from the cache, ``method_cache_dir``)."""
    database = paths.warehouse_file.stem
    manifest_path = manifest_path or DBT_PROJECT_DIR / "target" / "manifest.json"
    key = method_key(_read_manifest(manifest_path), database)
    paths.ensure()
    cache_dir = method_cache_dir(paths, manifest_path)
    with FileLock(str(cache_dir / ".compile.lock"), timeout=COMPILE_TIMEOUT_S, mode=0o600):
        cached = _cached(cache_dir, key) if key is not None else None
        if cached is not None:
            return cached, False
        method = _compile(cache_dir, database)
        # Filed under the key it was looked up by (the project's manifest), so the next look-up finds it.
        method = replace(method, key=key or method.key)
        _store(cache_dir, method)
        return method, True


def method_cache_dir(paths: DataPaths, manifest_path: Path) -> Path:
    """``calculator/`` beside the manifest (shared by every data dir of this project), or the data
    dir's own ``calculator/`` when the project's target folder is not writable."""
    return cache_dir_beside_manifest(paths, manifest_path, "calculator", paths.calculator_dir)


def method_key(manifest: dict | None, database: str) -> str | None:
    """What the compiled SQL depends on, hashed; None when the manifest lacks the analysis."""
    if manifest is None or ANALYSIS_ID not in manifest.get("nodes", {}):
        return None
    node = manifest["nodes"][ANALYSIS_ID]
    macros, pending = {}, list(node.get("depends_on", {}).get("macros", []))
    while pending:
        macro_id = pending.pop()
        if macro_id in macros:
            continue
        macro = manifest.get("macros", {}).get(macro_id, {})
        macros[macro_id] = hashlib.sha256(macro.get("macro_sql", "").encode()).hexdigest()
        pending.extend(macro.get("depends_on", {}).get("macros", []))
    relations = {node_id: _relation_of(manifest, node_id) for node_id in node.get("depends_on", {}).get("nodes", [])}
    project_file = DBT_PROJECT_DIR / "dbt_project.yml"
    parts = {
        "analysis": node.get("checksum", {}).get("checksum"),
        "macros": macros,
        "relations": {node_id: relation and asdict(relation) for node_id, relation in relations.items()},
        "project": hashlib.sha256(project_file.read_bytes()).hexdigest() if project_file.exists() else None,
        "dbt_version": manifest.get("metadata", {}).get("dbt_version"),
        "database": database,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _relation_of(manifest: dict, node_id: str) -> Relation | None:
    node = manifest.get("nodes", {}).get(node_id) or manifest.get("sources", {}).get(node_id)
    if node is None:
        return None
    return Relation(node["database"], node["schema"], node.get("alias") or node.get("identifier") or node["name"])


def relation_of_model(manifest: dict, model: str) -> Relation:
    """The relation a model of the project is built as (for relations the calculator reads besides
    the method's, e.g. the markets the reference checks know)."""
    node_id = f"model.greenbridge.{model}"
    relation = _relation_of(manifest, node_id)
    if relation is None:
        raise MethodCompileError(f"the dbt project has no model {model!r}")
    if not all(_IDENTIFIER.fullmatch(part) for part in (relation.database, relation.schema, relation.name)):
        raise MethodCompileError(f"model {model!r} is built as {relation.sql}, not plain identifiers")
    return relation


def _read_manifest(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # missing, or being rewritten by a parse right now: compile to be sure


def _cached(cache_dir: Path, key: str) -> CompiledMethod | None:
    try:
        return CompiledMethod.from_json((cache_dir / f"{CACHE_PREFIX}{key}.json").read_text())
    except (OSError, ValueError, KeyError, TypeError, MethodCompileError):
        return None


def _store(cache_dir: Path, method: CompiledMethod) -> None:
    """Write the cache file atomically and keep the newest ``CACHE_KEPT``."""
    target = cache_dir / f"{CACHE_PREFIX}{method.key}.json"
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    temporary.write_text(method.to_json())
    os.replace(temporary, target)
    cached = sorted(cache_dir.glob(f"{CACHE_PREFIX}*.json"), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in cached[CACHE_KEPT:]:
        stale.unlink(missing_ok=True)


def _compile(cache_dir: Path, database: str) -> CompiledMethod:
    """``dbt compile --select calculator_method`` against a scratch profile; read the node back
    from the manifest dbt writes."""
    scratch = cache_dir / "compile"
    scratch.mkdir(mode=0o700, parents=True, exist_ok=True)
    profile = (
        "greenbridge:\n  target: local\n  outputs:\n    local:\n      type: duckdb\n"
        f"      path: {json.dumps(str(scratch / f'{database}.duckdb'))}\n      threads: 1\n"
    )
    (scratch / "profiles.yml").write_text(profile)
    target = scratch / "target"
    command = [
        sys.executable, "-m", "dbt.cli.main", "--quiet", "--no-populate-cache", "compile", "--select", ANALYSIS,
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(scratch), "--target-path", str(target),
        "--log-path", str(scratch / "logs"),
    ]
    environment = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S, env=environment)
    except subprocess.TimeoutExpired:
        raise MethodCompileError(f"dbt compile of {ANALYSIS} took more than {COMPILE_TIMEOUT_S} s") from None
    if done.returncode != 0:
        detail = (done.stdout + done.stderr).strip()[-2000:] or f"see {scratch / 'logs' / 'dbt.log'}"
        raise MethodCompileError(f"dbt could not compile the footprint method ({ANALYSIS}): {detail}")
    manifest = _read_manifest(target / "manifest.json")
    node = (manifest or {}).get("nodes", {}).get(ANALYSIS_ID)
    if not node or not node.get("compiled_code"):
        raise MethodCompileError(f"dbt compile left no compiled {ANALYSIS} in {target / 'manifest.json'}")
    relations = []
    for node_id in node["depends_on"]["nodes"]:
        relation = _relation_of(manifest, node_id)
        if relation is None:
            raise MethodCompileError(f"the method depends on {node_id}, which the manifest does not describe")
        relations.append(relation)
    sql = node["compiled_code"].strip().rstrip(";")
    method = CompiledMethod(
        key=method_key(manifest, database) or "",
        sql=sql,
        sql_sha256=hashlib.sha256(sql.encode()).hexdigest(),
        database=database,
        relations=tuple(sorted(set(relations), key=lambda relation: (relation.schema, relation.name))),
        dbt_version=manifest.get("metadata", {}).get("dbt_version", ""),
    )
    method.check()
    return method
