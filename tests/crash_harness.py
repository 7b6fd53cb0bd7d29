"""Crash trials: ``greenbridge refresh`` killed with SIGKILL at random points never corrupts.

    python -m tests.crash_harness --kills 50 [--seed N] [--budget-minutes M] [--phases PHASE ...]
                                  [--code-dir DIR] [--data-dir DIR] [--write BENCHMARKS.md]

One data dir and a copy of the embedded snapshot (``<data dir>-snapshot`` beside it), a first complete refresh, then one trial per
kill. Before every refresh the harness changes one value of the copy (a grid intensity of a country
that is not a market), as a new delivery of a source would, so that no refresh finds its inputs
unchanged and skips the build (orchestration/incremental.py). A trial starts ``greenbridge refresh``
(the venv's console script, in its own process group), waits for the phase it aims at (landing,
dbt, checks, publication) on the progress lines, sleeps a random delay inside it and SIGKILLs the
process group and every descendant (dbt runs as a child process). Delays are drawn from the phase's
duration in the last refresh that finished it. Every other publication trial aims at the swap
itself: it polls ``published/.staging/`` and kills within the time the last complete refresh's
version stayed there before ``published/current`` switched (a watcher measures it), i.e. while the
version is written, fsynced, renamed into ``versions/`` and made current.

After each kill the harness checks, before anything else touches the data dir:

- the publication: ``current`` names a complete version (its ``_manifest.json`` matches every file's
  sha256 and size, it holds no table the manifest does not describe), the stable links resolve to
  it, and it is either exactly the previous publication (every byte of the version folder equal) or
  a new one following it; every folder in ``versions/`` is complete;
- the warehouse: the lock is free, the file opens read-only and (a copy, so the next refresh still
  does its own recovery) read-write, and every table and view is queryable;
- the locks (refresh, warehouse, publication, GX Data Docs, the calculator's compile lock) can be taken, the
  data dir's dbt partial parse is whole, the Dagster instance's SQLite files pass ``quick_check``,
  and every raw-store file still hashes to its name;

then runs the next refresh to completion: it must exit 0 and publish a complete new version. What
crashed runs leave behind that a successful refresh does not remove is counted as garbage (not
corruption). ``tests/test_crash_safety.py`` runs a handful of trials through the same functions in
``make test``; ``make crash-test`` runs 50 and writes the results into BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tests.conftest import copy_snapshot, owid_set_intensity, rewrite_snapshot_file
from warehouse.paths import DBT_PROJECT_DIR, DataPaths
from warehouse.publish import MANIFEST_FILE

PHASES = ("landing", "dbt", "checks", "publication")
# The step each phase is, on the progress lines (raw__* steps are all landing).
PHASE_STEPS = {"dbt": "dbt_greenbridge", "checks": "data_quality_checks", "publication": "published_parquet"}
STEP_LINE = re.compile(r"^\[\s*(started|done|FAILED|skipped)\] (\S+)")
# Typical durations on a 2-core machine (a warm refresh of the embedded snapshot, 2026-12-02: dbt 9.6 s,
# checks 4.3 s, publication 1.2 s), used until a complete refresh has been watched; a draw past the
# phase kills nothing, so they err short.
DEFAULT_DURATIONS_S = {"landing": 12.0, "dbt": 9.0, "checks": 4.0, "publication": 1.2}
DEFAULT_STAGED_S = 0.05
LOCK_WAIT_S = 5.0
SHARED_LOCK_WAIT_S = 60.0  # the calculator's compile lock is shared with other data dirs' runs
RECOVERY_TIMEOUT_S = 900.0
PHASE_START_TIMEOUT_S = 600.0
GREENBRIDGE = Path(sys.executable).with_name("greenbridge")
# The value changed before each refresh: a grid intensity in the OWID file, of a country that is no market.
CHANGED_FILE = "owid/owid_carbon_intensity_elec_2015_2024.csv"
CHANGED_COUNTRY, CHANGED_YEAR, CHANGED_BASE = "Afghanistan", 2015, 118.0

# What the trials found and what was changed for it; written into BENCHMARKS.md with the counts.
FINDINGS = [
    "A run killed inside a warehouse step kept its slot of the `duckdb_warehouse` pool in the Dagster "
    "instance, so every later refresh of that data dir waited for it for ever (the first trial's next "
    "refresh hung). Fixed: the CLI tags its runs with its process and ends the runs whose process is gone, "
    "freeing their slots (orchestration/run_recovery.py).",
    "Two refreshes of one data dir started at once interleave step by step (the pool and the warehouse "
    "lock keep each step whole): one's checks ran on marts the other's dbt had rebuilt, and one could "
    "publish marts no check of its own validated; the second also waited silently. Both still end with "
    "a whole publication. Fixed: refresh and backfill hold the data dir's refresh lock "
    "(orchestration/refresh_lock.py) for all their runs; a second one waits before it runs anything, "
    "naming the holder (tests/test_crash_safety.py).",
    "A publication onto a full disk failed with pyarrow's bare `Error writing bytes to file`. Fixed: "
    "`PublicationDiskFull` names the folder, the space free and the size of a version, and says the "
    "previous publication is unchanged (warehouse/publish.py).",
    "A version the switch could not make current (no inode left for the link) stayed in `versions/` "
    "and counted as history. Fixed: it is removed.",
    "Not visible to SIGKILL (the kernel keeps what a killed process wrote) but to a power loss: a "
    "version's files were not fsynced before `current` named them, nor the raw store's folders after "
    "a rename. Fixed: warehouse/fsync.py, used by both.",
    "Not corruption: a publication killed while the calculator's reference is built left "
    "`<data>/calculator/build-*/` (~4 MB each) that no later refresh removed. Fixed: the next build "
    "removes abandoned ones (orchestration/calculator/reference.py `remove_abandoned_builds`).",
]


# --- running and killing a refresh -------------------------------------------------------------------


def _child_env(code_dir: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if code_dir is not None:  # ahead of the editable install's path to the working tree
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code_dir), env.get("PYTHONPATH")]))
    env["PATH"] = f"{GREENBRIDGE.parent}{os.pathsep}{env.get('PATH', '')}"  # dagster-dbt runs `dbt` from PATH
    env.pop("DAGSTER_HOME", None)  # the data dir's own instance
    return env


class RefreshProcess:
    """``greenbridge refresh`` in its own process group; its output lines timestamped as they arrive."""

    def __init__(self, data_dir: Path, extra_args: tuple[str, ...] = (), code_dir: Path | None = None):
        self.process = subprocess.Popen(
            [str(GREENBRIDGE), "refresh", "--data-dir", str(data_dir), *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env=_child_env(code_dir),
        )
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        self._ended = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    def wait_for_line(self, predicate, timeout: float) -> float | None:
        """The arrival time of the first line matching ``predicate``; None if the output ends first."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._changed:
            while True:
                for arrived, line in self.lines[seen:]:
                    if predicate(line):
                        return arrived
                seen = len(self.lines)
                remaining = deadline - time.monotonic()
                if self._ended or remaining <= 0:
                    return None
                self._changed.wait(remaining)

    def kill(self, known_descendants: list[int] = ()) -> bool:
        """SIGKILL the process group, then every descendant (``known_descendants``, listed earlier,
        and those found now: one that left the group would not die with it); True if the refresh
        was still running."""
        if self.process.poll() is not None:
            return False
        # The group first, at once: the moment is the trial's, and /proc takes a while to read.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        victims = sorted(set(known_descendants) | set(_descendants(self.process.pid)))
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        _wait_gone(victims)
        self._reader.join(timeout=10)
        return True

    def finish(self, timeout: float) -> int | None:
        """Wait for the exit code; None (and the process killed) when it takes longer than ``timeout``."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self._reader.join(timeout=10)
        return code

    @property
    def output(self) -> str:
        return "\n".join(line for _, line in self.lines)


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _wait_gone(pids: list[int], timeout: float = 20.0) -> None:
    """Until no pid runs any more (a zombie holds no file or lock)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in ("Z", "X"):
                alive.append(pid)
        if not alive:
            return
        time.sleep(0.05)


def step_events(lines) -> list[tuple[float, str, str]]:
    """(time, event, step) of every progress line about a step."""
    events = []
    for arrived, line in lines:
        match = STEP_LINE.match(line)
        if match:
            events.append((arrived, match.group(1), match.group(2)))
    return events


def phase_of_step(step: str) -> str | None:
    if step.startswith("raw__"):
        return "landing"
    return next((phase for phase, name in PHASE_STEPS.items() if name == step), None)


def phase_start(phase: str):
    """A predicate on progress lines: the line that starts ``phase``."""
    prefix = "[started] raw__" if phase == "landing" else f"[started] {PHASE_STEPS[phase]}"
    return lambda line: line.startswith(prefix)


def phase_at_death(lines) -> str:
    """The phase the process was in when it died, from everything it printed."""
    open_steps: dict[str, None] = {}
    finished = set()
    for _, event, step in step_events(lines):
        if event == "started":
            open_steps[step] = None
        else:
            open_steps.pop(step, None)
            finished.add(step)
    if open_steps:
        return phase_of_step(list(open_steps)[-1]) or "other step"
    if PHASE_STEPS["publication"] in finished:
        return "after publication"
    if PHASE_STEPS["dbt"] not in finished:
        return "landing" if any(step.startswith("raw__") for step in finished) else "start-up"
    return "between steps"


# --- the timing of a complete refresh ------------------------------------------------------------------


@dataclass
class Profile:
    """Phase durations of the last refresh that finished each, and how long the last complete
    refresh's version stayed in ``.staging/`` before the switch."""

    durations: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_DURATIONS_S))
    staged_s: float = DEFAULT_STAGED_S

    def update(self, lines, staged_s: float | None) -> None:
        starts, ends = {}, {}
        for arrived, event, step in step_events(lines):
            phase = phase_of_step(step)
            if phase is None:
                continue
            if event == "started":
                starts.setdefault(phase, arrived)
            else:
                ends[phase] = arrived
        if "landing" in starts and "dbt" in starts:
            ends["landing"] = starts["dbt"]
        for phase in PHASES:  # a killed run's lines give the phases it finished
            if phase in starts and phase in ends and ends[phase] > starts[phase]:
                self.durations[phase] = ends[phase] - starts[phase]
        if staged_s is not None:
            self.staged_s = staged_s

    def draw_delay(self, phase: str, trigger: str, rng: random.Random) -> float:
        if trigger == "staging":
            return rng.uniform(0.0, self.staged_s * 1.5 + 0.005)
        return rng.uniform(0.0, self.durations[phase])


class SwapWatcher:
    """Polls ``published/`` during a complete refresh's publication step: how long its version
    stays in ``.staging/`` before ``current`` switches."""

    def __init__(self, paths: DataPaths, process: RefreshProcess):
        self.paths, self.process = paths, process
        self.staged_s: float | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        started = self.process.wait_for_line(phase_start("publication"), RECOVERY_TIMEOUT_S)
        if started is None:
            return
        current = _current_target(self.paths)
        staged = None
        while self.process.process.poll() is None:
            now = time.monotonic()
            if staged is None and _staged_versions(self.paths):
                staged = now
            if _current_target(self.paths) != current:
                if staged is not None:
                    self.staged_s = now - staged
                return
            time.sleep(0.002)

    def join(self) -> None:
        self._thread.join(timeout=10)


def _current_target(paths: DataPaths) -> str | None:
    try:
        return os.readlink(paths.publication_current_link)
    except OSError:
        return None


def wait_for_staging(paths: DataPaths, process: RefreshProcess, timeout: float) -> float | None:
    """When a version appears in ``.staging/`` (or, missed, ``current`` switches); None if the
    refresh ends first."""
    current = _current_target(paths)
    deadline = time.monotonic() + timeout
    while process.process.poll() is None and time.monotonic() < deadline:
        if _staged_versions(paths) or _current_target(paths) != current:
            return time.monotonic()
        time.sleep(0.002)
    return None


def _staged_versions(paths: DataPaths) -> list[str]:
    try:
        return [entry.name for entry in paths.publication_staging_dir.iterdir() if not entry.name.startswith(".")]
    except OSError:
        return []


# --- the invariants ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    """What ``published/`` holds: the version ``current`` names and every byte of its folder."""

    version: str | None
    sequence: int | None
    files: dict[str, str]  # path inside the version folder -> sha256
    versions: frozenset[str]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_publication(paths: DataPaths) -> Publication:
    target = _current_target(paths)
    versions = frozenset(entry.name for entry in paths.publication_versions_dir.iterdir()) \
        if paths.publication_versions_dir.is_dir() else frozenset()
    if target is None:
        return Publication(None, None, {}, versions)
    folder = paths.published_dir / target
    files = {str(path.relative_to(folder)): _sha256(path) for path in sorted(folder.rglob("*")) if path.is_file()}
    try:
        sequence = json.loads((folder / MANIFEST_FILE).read_text()).get("sequence")
    except (OSError, ValueError):
        sequence = None
    return Publication(Path(target).name, sequence, files, versions)


def version_problems(folder: Path) -> list[str]:
    """A version folder is complete: its manifest describes exactly its tables and files, each with
    its sha256 and size."""
    name = f"versions/{folder.name}"
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as error:
        return [f"{name}: no readable {MANIFEST_FILE} ({error})"]
    problems = []
    entries = list(manifest.get("tables", {}).values()) + list((manifest.get("files") or {}).values())
    for entry in entries:
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(f"{name}: {entry['path']} described by the manifest is missing")
        elif path.stat().st_size != entry["bytes"] or _sha256(path) != entry["sha256"]:
            problems.append(f"{name}: {entry['path']} does not match its manifest (size or sha256)")
    # A folder is a table, or a product folder (reports/, ...) each of whose files the manifest describes.
    tables, files = set(manifest.get("tables", {})), set(manifest.get("files") or {})
    undescribed = {entry.name for entry in folder.iterdir() if entry.is_dir() and entry.name not in tables
                   and not ({f"{entry.name}/{child.name}" for child in entry.iterdir()} <= files)}
    if undescribed:
        problems.append(f"{name}: folders {sorted(undescribed)} not described by its manifest")
    return problems


def publication_problems(paths: DataPaths, before: Publication) -> list[str]:
    """The published folder is exactly ``before`` or a complete new version following it."""
    target = _current_target(paths)
    if target is None:
        return ["published/current is missing"] if before.version is not None else []
    parts = Path(target).parts
    folder = paths.published_dir / target
    if len(parts) != 2 or parts[0] != paths.publication_versions_dir.name or not folder.is_dir():
        return [f"published/current points to {target!r}, not to a folder of versions/"]
    problems = version_problems(folder)
    manifest = json.loads((folder / MANIFEST_FILE).read_text()) if not problems else {}
    for table in manifest.get("tables", {}):
        link = paths.published_table_dir(table)
        if not link.is_symlink() or os.readlink(link) != f"current/{table}" or not (link / "part-0.parquet").is_file():
            problems.append(f"published/{table} does not resolve to current/{table}")
    for product in sorted({name.split("/", 1)[0] for name in manifest.get("files", {}) if "/" in name}):
        link = paths.published_dir / product
        if not link.is_symlink() or os.readlink(link) != f"current/{product}" or not link.is_dir():
            problems.append(f"published/{product} does not resolve to current/{product}")
    stable_manifest = paths.published_manifest
    if not stable_manifest.is_file() or stable_manifest.read_bytes() != (folder / MANIFEST_FILE).read_bytes():
        problems.append(f"published/{MANIFEST_FILE} does not resolve to the current manifest")
    now = read_publication(paths)
    if now.version == before.version:
        if now.files != before.files:
            changed = sorted(set(now.files.items()) ^ set(before.files.items()))
            problems.append(f"the previous publication {before.version} changed in place: {changed[:3]}")
    else:
        if now.version in before.versions:
            problems.append(f"published/current went back to an older version {now.version}")
        if before.sequence is not None and now.sequence != before.sequence + 1:
            problems.append(f"the new version {now.version} has sequence {now.sequence}, expected {before.sequence + 1}")
    for entry in sorted(paths.publication_versions_dir.iterdir()):
        if entry.name != now.version:
            problems.extend(version_problems(entry))
    return problems


def publication_stage(paths: DataPaths, before: Publication) -> str:
    """How far a killed publication got, from what it left in ``published/``."""
    now = read_publication(paths)
    if now.version != before.version:
        return "switched"
    if now.versions - before.versions:
        return "renamed, not switched"
    if _staged_versions(paths):
        return "staging"
    if any(paths.calculator_dir.glob("build-*")):
        return "building the reference"
    return "before publish"


def _lock_free(path: Path, wait: float) -> bool:
    from filelock import FileLock, Timeout

    if not path.exists():
        return True
    try:
        with FileLock(str(path), timeout=wait):
            return True
    except Timeout:
        return False


def lock_files(paths: DataPaths, dbt_project_dir: Path = DBT_PROJECT_DIR) -> list[tuple[Path, float]]:
    from orchestration.refresh_lock import LOCK_FILE as REFRESH_LOCK_FILE
    from warehouse.duckdb_store import Warehouse
    from warehouse.quality.gx_docs import LOCK_FILE as GX_LOCK_FILE

    return [
        (paths.root / REFRESH_LOCK_FILE, LOCK_WAIT_S),
        (Warehouse(paths.warehouse_file).lock_path, LOCK_WAIT_S),
        (paths.publication_lock_file, LOCK_WAIT_S),
        (paths.gx_project_dir / GX_LOCK_FILE, LOCK_WAIT_S),
        (dbt_project_dir / "target" / "calculator" / ".compile.lock", SHARED_LOCK_WAIT_S),
    ]


def lock_problems(paths: DataPaths, dbt_project_dir: Path = DBT_PROJECT_DIR) -> list[str]:
    return [f"{path} is still locked {wait:.0f} s after the kill" for path, wait in lock_files(paths, dbt_project_dir)
            if not _lock_free(path, wait)]


def _queryable(connection) -> list[str]:
    relations = connection.execute(
        "select table_schema, table_name from information_schema.tables order by all").fetchall()
    problems = []
    for schema, name in relations:
        try:
            connection.execute(f'select count(*) from "{schema}"."{name}"').fetchall()
        except Exception as error:  # any DuckDB error is the finding
            problems.append(f"{schema}.{name} is not queryable: {error}")
    if not relations:
        problems.append("the warehouse holds no table")
    return problems


def warehouse_problems(paths: DataPaths) -> list[str]:
    """The warehouse opens read-only and read-write and every relation is queryable. The read-write
    open is of a copy: the original's recovery (e.g. of a WAL) is left to the next refresh."""
    import duckdb
    from filelock import FileLock, Timeout

    from warehouse.duckdb_store import Warehouse

    store = Warehouse(paths.warehouse_file)
    if not store.path.exists():
        return []
    try:
        with FileLock(str(store.lock_path), timeout=LOCK_WAIT_S):
            problems = []
            try:
                connection = duckdb.connect(str(store.path), read_only=True)
                try:
                    problems += [f"read-only: {problem}" for problem in _queryable(connection)]
                finally:
                    connection.close()
            except duckdb.Error as error:
                problems.append(f"the warehouse does not open read-only: {error}")
            with tempfile.TemporaryDirectory(prefix="crash-warehouse-") as scratch:
                copy = Path(scratch) / store.path.name
                for source in (store.path, store.path.with_name(store.path.name + ".wal")):
                    if source.exists():
                        shutil.copy2(source, copy.with_name(source.name))
                try:
                    connection = duckdb.connect(str(copy))
                    try:
                        problems += [f"read-write: {problem}" for problem in _queryable(connection)]
                        connection.execute("checkpoint")
                    finally:
                        connection.close()
                except duckdb.Error as error:
                    problems.append(f"the warehouse does not open read-write: {error}")
            return problems
    except Timeout:
        return [f"{store.lock_path} is still locked {LOCK_WAIT_S:.0f} s after the kill"]


def state_problems(paths: DataPaths) -> list[str]:
    """The dbt partial parse, the Dagster instance's SQLite files and the raw store are whole."""
    import msgpack

    problems = []
    kept = paths.dbt_partial_parse_file
    if kept.exists():
        try:
            msgpack.unpackb(kept.read_bytes(), strict_map_key=False)
        except Exception as error:  # any decoding error is the finding
            problems.append(f"{kept} is not a whole msgpack file: {error}")
    for database in sorted(paths.dagster_home.rglob("*.db")):
        try:
            connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=LOCK_WAIT_S)
            try:
                result = connection.execute("pragma quick_check").fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error as error:
            result = str(error)
        if result != "ok":
            problems.append(f"{database} fails sqlite quick_check: {result}")
    for path in sorted(paths.raw_store_dir.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and _sha256(path) != path.name:
            problems.append(f"raw store file {path} does not hash to its name")
    return problems


def garbage(paths: DataPaths) -> Counter:
    """What crashed runs left that the data dir does not need (not corruption)."""
    counts = Counter()
    counts["raw store temporary files"] = sum(1 for path in paths.raw_store_dir.rglob(".*.tmp"))
    counts["calculator build folders"] = sum(1 for _ in paths.calculator_dir.glob("build-*"))
    counts["dbt partial-parse copies"] = sum(1 for _ in paths.dbt_profiles_dir.glob(f".{paths.dbt_partial_parse_file.name}.*"))
    counts["publication staging entries"] = len(list(paths.publication_staging_dir.iterdir())) \
        if paths.publication_staging_dir.is_dir() else 0
    return +counts


# --- trials ----------------------------------------------------------------------------------------------


@dataclass
class Trial:
    phase: str
    trigger: str  # what the delay counts from: the phase's first line, or a version in .staging/
    delay_s: float
    reached: bool = False  # the refresh got to the phase's first line
    killed: bool = False
    landed: str = ""
    stage: str = ""  # publication trials: how far the publish got
    outcome: str = ""  # "previous" or "new" publication after the kill
    problems: list[str] = field(default_factory=list)
    recovery_problem: str | None = None

    @property
    def in_phase(self) -> bool:
        return self.killed and self.landed == self.phase


class CrashHarness:
    """Trials on one data dir (see the module docstring)."""

    def __init__(self, data_dir: Path, seed: int = 0, log=print, code_dir: Path | None = None):
        self.paths = DataPaths.at(data_dir)
        self.code_dir = code_dir
        self.dbt_project_dir = code_dir / DBT_PROJECT_DIR.name if code_dir else DBT_PROJECT_DIR
        self.snapshot_dir = self.paths.root.parent / f"{self.paths.root.name}-snapshot"
        if not self.snapshot_dir.exists():
            copy_snapshot(self.snapshot_dir)
        self.rng = random.Random(seed)
        self.profile = Profile()
        self.log = log
        self.trials: list[Trial] = []
        self._deliveries = 0
        self._publication_trials = 0

    def start_refresh(self) -> RefreshProcess:
        """A refresh on new inputs: one value of the snapshot changed since the last refresh."""
        self._deliveries += 1
        value = f"{CHANGED_BASE + self._deliveries / 1000:.3f}"
        rewrite_snapshot_file(self.snapshot_dir, CHANGED_FILE, owid_set_intensity(CHANGED_COUNTRY, CHANGED_YEAR, value))
        return RefreshProcess(self.paths.root, ("--snapshot-dir", str(self.snapshot_dir)), self.code_dir)

    def complete_refresh(self) -> str | None:
        """Run a refresh to completion; None when it exited 0 and published a complete new version,
        else what went wrong. Its timings become the profile the next delays are drawn from."""
        before = read_publication(self.paths) if self.paths.published_dir.is_dir() else Publication(None, None, {}, frozenset())
        process = self.start_refresh()
        watcher = SwapWatcher(self.paths, process)
        code = process.finish(RECOVERY_TIMEOUT_S)
        watcher.join()
        failures = [line.strip() for _, line in process.lines if line.startswith(("[ FAILED]", "  !"))]
        tail = " | ".join(failures[:4] + [line for _, line in process.lines[-4:]])
        if code is None:
            return f"the refresh did not finish within {RECOVERY_TIMEOUT_S:.0f} s; last lines: {tail}"
        if code != 0:
            return f"the refresh exited {code}; last lines: {tail}"
        after = read_publication(self.paths)
        if after.version is None or after.version == before.version:
            return "the refresh exited 0 but published no new version"
        problems = publication_problems(self.paths, before) + warehouse_problems(self.paths)
        if problems:
            return "after the refresh: " + "; ".join(problems)
        self.profile.update(process.lines, watcher.staged_s)
        return None

    def trial(self, phase: str, recover: bool = True) -> Trial:
        """Kill a refresh in ``phase`` and check the invariants; then (``recover``) run the next
        refresh to completion. Without it the next trial's refresh is the one that must get past
        what this kill left (``make test`` chains its few kills so)."""
        before = read_publication(self.paths)
        trigger = "line"
        if phase == "publication":
            self._publication_trials += 1
            trigger = "staging" if self._publication_trials % 2 else "line"
        trial = Trial(phase, trigger, round(self.profile.draw_delay(phase, trigger, self.rng), 3))
        process = self.start_refresh()
        started = process.wait_for_line(phase_start(phase), PHASE_START_TIMEOUT_S)
        trial.reached = started is not None
        if started is not None and trigger == "staging":
            started = wait_for_staging(self.paths, process, PHASE_START_TIMEOUT_S)
        descendants = _descendants(process.process.pid)
        if started is not None:
            time.sleep(max(0.0, started + trial.delay_s - time.monotonic()))
        trial.killed = process.kill(descendants)
        if not trial.killed:
            process.finish(RECOVERY_TIMEOUT_S)
        trial.landed = phase_at_death(process.lines) if trial.killed else "exited before the kill"
        self.profile.update(process.lines, None)
        trial.problems = (publication_problems(self.paths, before) + warehouse_problems(self.paths)
                          + lock_problems(self.paths, self.dbt_project_dir) + state_problems(self.paths))
        if phase == "publication":
            trial.stage = publication_stage(self.paths, before)
        trial.outcome = "previous" if read_publication(self.paths).version == before.version else "new"
        if recover:
            trial.recovery_problem = self.complete_refresh()
        self.trials.append(trial)
        self.log(f"trial {len(self.trials)}: {phase}, {trial.delay_s:.3f} s after the {trigger} (staged for "
                 f"{self.profile.staged_s:.3f} s last time) -> killed in {trial.landed}"
                 + (f" ({trial.stage})" if trial.stage else "") + f", publication {trial.outcome}; "
                 + ("corrupt: " + "; ".join(trial.problems) if trial.problems else "intact")
                 + ("; next refresh FAILED: " + trial.recovery_problem if trial.recovery_problem
                    else "; next refresh ok" if recover else ""))
        return trial


def plan(kills: int, rng: random.Random, phases: tuple[str, ...] = PHASES) -> list[str]:
    """``kills`` phases, as even across ``phases`` as the count allows, in a random order."""
    phases = [phases[index % len(phases)] for index in range(kills)]
    rng.shuffle(phases)
    return phases


# --- the report ----------------------------------------------------------------------------------------


def table(trials: list[Trial]) -> str:
    rows = ["| phase | trials | killed in the phase | publication after the kill: previous / new | corruptions | next refresh failed |",
            "|---|---|---|---|---|---|"]
    for phase in (*PHASES, "all"):
        chosen = [trial for trial in trials if phase in ("all", trial.phase)]
        previous = sum(trial.outcome == "previous" for trial in chosen)
        rows.append(f"| {phase} | {len(chosen)} | {sum(trial.in_phase for trial in chosen)} | {previous} / {len(chosen) - previous} "
                    f"| {sum(bool(trial.problems) for trial in chosen)} | {sum(bool(trial.recovery_problem) for trial in chosen)} |")
    return "\n".join(rows)


def report(trials: list[Trial], seed: int, minutes: float, leftover: Counter, code_dir: Path | None = None) -> str:
    def stages(trigger: str) -> str:
        counts = Counter(trial.stage for trial in trials if trial.phase == "publication" and trial.trigger == trigger)
        return ", ".join(f"{stage} {count}" for stage, count in sorted(counts.items())) or "none"

    missed = Counter(trial.landed for trial in trials if not trial.in_phase)
    lines = [
        "## Reliability: crash trials (issue 13)",
        "",
        "Measured by `make crash-test` (tests/crash_harness.py): `greenbridge refresh` SIGKILLed (its whole "
        "process group, dbt included) at a random point of a phase, then the publication, warehouse, locks "
        "and state checked and the next refresh run to completion. Target: 0 corruptions, 0 failed recoveries.",
        "",
        f"- date: {date.today().isoformat()}; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; seed {seed}; {len(trials)} kills in {minutes:.0f} min; code: "
        + (f"{code_dir} (`--code-dir`)" if code_dir else "the working tree"),
        f"- **corruptions: {sum(bool(trial.problems) for trial in trials)}; failed next refreshes: "
        f"{sum(bool(trial.recovery_problem) for trial in trials)}**",
        "",
        table(trials),
        "",
        "- publication kills by how far the publish got: aimed at the swap (within the time a version stays in "
        f"`.staging/`, after it appears): {stages('staging')}; anywhere in the step: {stages('line')}",
        "- kills outside the intended phase (the delay ran past it): "
        + (", ".join(f"{landed} {count}" for landed, count in sorted(missed.items())) or "none"),
        "- left behind after the last refresh (garbage, not corruption): "
        + (", ".join(f"{what} {count}" for what, count in sorted(leftover.items())) or "nothing"),
    ]
    problems = [f"{trial.phase}: {problem}" for trial in trials for problem in trial.problems]
    problems += [f"{trial.phase}, next refresh: {trial.recovery_problem}" for trial in trials if trial.recovery_problem]
    if problems:
        lines += ["", "Problems in this run:", *[f"- {problem}" for problem in problems[:20]]]
    lines += ["", "Found and fixed:", *[f"- {finding}" for finding in FINDINGS]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--budget-minutes", type=float, default=240.0,
                        help="start no new trial after this long (the counts say how many ran)")
    parser.add_argument("--phases", nargs="+", choices=PHASES, default=list(PHASES), help="the phases to kill in")
    parser.add_argument("--code-dir", type=Path, default=None,
                        help="run the refreshes on the Greenbridge sources in this folder (e.g. `git archive HEAD` "
                             "unpacked), so edits in progress in the working tree do not break a long run")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new temporary folder, removed after")
    parser.add_argument("--write", type=Path, default=None, help="replace the crash-test section of this file (BENCHMARKS.md)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    scratch = None if args.data_dir else tempfile.mkdtemp(prefix="greenbridge-crash-")
    harness = CrashHarness(args.data_dir or Path(scratch) / "data", seed=args.seed, log=lambda line: print(line, flush=True),
                           code_dir=args.code_dir.resolve() if args.code_dir else None)
    try:
        print(f"first complete refresh into {harness.paths.root}", flush=True)
        problem = harness.complete_refresh()
        if problem:
            print(f"the first refresh failed, no trial run: {problem}", file=sys.stderr)
            return 1
        failures_in_a_row = 0
        for phase in plan(args.kills, harness.rng, tuple(args.phases)):
            if time.monotonic() - started > args.budget_minutes * 60:
                print(f"budget of {args.budget_minutes:.0f} min spent after {len(harness.trials)} trials", flush=True)
                break
            trial = harness.trial(phase)
            failures_in_a_row = failures_in_a_row + 1 if trial.recovery_problem else 0
            if failures_in_a_row >= 2:
                print("two refreshes in a row failed after a kill: the data dir is broken, stopping", flush=True)
                break
        leftover = garbage(harness.paths)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    print(table(harness.trials))
    text = report(harness.trials, args.seed, minutes, leftover, harness.code_dir)
    if args.write:
        from tests.benchmarks.report import replace_section

        replace_section(args.write, "crash-test", text)
        print(f"wrote the crash-test section of {args.write}")
    bad = any(trial.problems or trial.recovery_problem for trial in harness.trials)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
