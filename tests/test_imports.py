"""No import cycles: every module of the project's packages imports on its own, first, in a fresh
interpreter, and no module-level import closes a loop (a cycle that resolves today only because of
the order something else happens to import the modules in breaks the day that order changes)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from warehouse.paths import REPO_ROOT

PACKAGES = ("connectors", "orchestration", "warehouse", "greenbridge")
WORKERS = 2

# Run in a child interpreter: import each module named on the command line as the first project
# module loaded (every project module is dropped from sys.modules before the next one), so a module
# that only imports when another one was imported before it fails here. Third-party modules stay
# loaded, which keeps this to seconds instead of minutes.
_CHILD = r"""
import importlib, json, sys, traceback
packages = tuple(sys.argv[1].split(","))
failures = {}
for name in sys.argv[2:]:
    for loaded in [module for module in sys.modules if module.split(".")[0] in packages]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except BaseException:
        failures[name] = traceback.format_exc(limit=-3)
print(json.dumps(failures))
"""


def project_modules() -> dict[str, Path]:
    """Dotted name -> file of every module of the project's packages (the snapshot's data folders hold none)."""
    modules = {}
    for package in PACKAGES:
        root = REPO_ROOT / package
        if not (root / "__init__.py").exists():
            continue
        for path in sorted(root.rglob("*.py")):
            parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
            if not all(part.isidentifier() for part in parts):
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def module_level_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports while it is being imported: module-level statements
    (and those in module-level if/try blocks), not imports inside functions or under TYPE_CHECKING.
    Importing ``a.b.c`` runs ``a`` and ``a.b`` too, except the packages ``name`` itself lives in
    (those are already being imported when it runs)."""
    is_package = path.name == "__init__.py"
    own_packages = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1 + is_package)}
    targets: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets.add(module)
                targets.update(f"{module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                visit(node.orelse)
                visit(node.finalbody)
                for handler in node.handlers:
                    visit(handler.body)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    imported: set[str] = set()
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts) + 1):
            candidate = ".".join(parts[:end])
            if candidate in modules and candidate != name:
                # An explicit import of an enclosing package (from a.b import X) counts; the implicit
                # import of the packages a module lives in does not.
                if candidate in own_packages and end < len(parts):
                    continue
                imported.add(candidate)
    return imported


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                connect(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return cycles


def test_no_module_level_import_closes_a_loop():
    modules = project_modules()
    graph = {name: module_level_imports(name, path, modules) for name, path in modules.items()}
    cycles = import_cycles(graph)
    described = ["; ".join(f"{module} -> {', '.join(sorted(graph[module] & set(cycle)))}" for module in cycle)
                 for cycle in cycles]
    assert cycles == [], "import cycles:\n" + "\n".join(described)


def test_every_module_imports_on_its_own_in_a_fresh_interpreter(tmp_path):
    names = sorted(project_modules())
    assert {"warehouse.contracts.registry", "orchestration.definitions", "connectors.ember"} <= set(names)
    # Nothing a module does at import may depend on (or touch) a real data dir.
    environment = {**os.environ, "GREENBRIDGE_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO_ROOT),
                   "PATH": os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))}
    batches = [names[worker::WORKERS] for worker in range(WORKERS)]

    def run(batch: list[str]) -> dict[str, str]:
        completed = subprocess.run([sys.executable, "-c", _CHILD, ",".join(PACKAGES), *batch], cwd=tmp_path,
                                   env=environment, capture_output=True, text=True, timeout=600)
        assert completed.returncode == 0, completed.stderr[-4000:]
        return json.loads(completed.stdout.strip().splitlines()[-1])

    with ThreadPoolExecutor(WORKERS) as pool:
        failures = {name: error for result in pool.map(run, batches) for name, error in result.items()}
    assert failures == {}, "\n\n".join(f"import {name} (first, on its own):\n{error}" for name, error in failures.items())
    assert not (tmp_path / "data").exists(), "importing a module created the data dir"


# The one module allowed Dagster's internals, and why: it subclasses Dagster's SQLite event-log storage
# (there is no public hook for how it connects), which costs a refresh ~8 s otherwise. Dagster is
# pinned in uv.lock; tests/test_dagster_instance.py exercises the subclass against the pinned release,
# so an upgrade that changes those internals fails there, not in production.
PRIVATE_DAGSTER_ALLOWED = {"orchestration.instance_sqlite"}


def test_no_module_imports_private_dagster_api():
    """dagster._core and friends change without notice between releases: only the public API."""
    private = []
    for name, path in project_modules().items():
        if name in PRIVATE_DAGSTER_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            private += [f"{name}: {module}" for module in modules
                        if module.split(".")[0] in ("dagster", "dagster_dbt") and "._" in f".{module.partition('.')[2]}"]
    assert private == []
