"""Cost of the row-level table contracts at 1 M and 10 M rows: pandera-pandas against the alternatives.

Greenbridge validates every table with pandera's pandas backend (``TableContract.to_pandera()`` and
``validate_frame``). This benchmark measures that against the same rules evaluated otherwise, on a
synthetic ``raw.registrations__by_model_month`` (the raw table that grows with users' file drops):

- ``pandas``: ``validate_frame`` on the frame as the landing code hands it over (text columns of
  ``object`` dtype, ``registrations`` int64, ``source_sha256`` str) -- what runs today;
- ``pandas-str``: the same call on the same frame with pandas' Arrow-backed ``str`` dtype for the
  text columns (what ``Table.to_pandas()`` gives in pandas 3);
- ``duckdb``: one DuckDB SQL query derived from the contract (types via the relation's column types,
  not null, allowed values, ranges, regex patterns, unique key) over the same data as an Arrow
  table, returning the count of failing rows per rule;
- ``duckdb-pandas``: the same query scanning the landed pandas frame directly (no Arrow in hand);
- ``polars`` / ``ibis``: pandera's polars backend (on a ``polars.DataFrame``) and ibis backend (on an
  ibis memtable, executed by DuckDB), each with a schema built from the same contract. They are not
  project dependencies: they run with the python of a throwaway venv (``--venv``, default
  /tmp/benchvenv, made with ``uv venv /tmp/benchvenv && uv pip install --python /tmp/benchvenv
  "pandera[polars,ibis]==0.35.0" duckdb pyarrow pandas rich``; pandera-ibis
  needs rich to word a duplicate-key failure) and are skipped with a note if it lacks them.

Data: catalogue variants (``<catalogue model_id>_v<k>``) x the 11 markets x 24 months (2023-01..2024-12),
ordered as concatenated per-market file drops, lognormal registration counts, the market's publisher
and one sha256 per (market, year) file; deterministic (seed ``SEED``) and valid under the contract.
It is written once per size as an Arrow IPC file; each variant runs in its own child process, which
loads it, builds its own form of the data, resets the process's peak RSS (``/proc/self/clear_refs``),
then times the validation. "peak added" is ``ru_maxrss`` after validation minus the resident size
just before it; "data resident" is that resident size (interpreter + data in the variant's form).
Every child also validates a small fixture with known violations (and one with a column of the wrong
type); the per-rule failure counts are compared with what the contract must report.

The refresh-scale cost validates every raw table of a refreshed warehouse (``greenbridge refresh
--data-dir /tmp/bench_data`` first, or ``--refresh`` to run it) with ``validate_frame``, and with the
SQL query, in a child process.

Usage: ``python -m tests.benchmarks.contract_validation_benchmark [--sizes 1000000 10000000]
[--runs 3 2] [--venv /tmp/benchvenv] [--data-dir /tmp/bench_data] [--write [BENCHMARKS.md]]``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.report import replace_section
from tests.benchmarks.market_footprint_benchmark import REPO, run
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH
from warehouse.contracts.schema import TableContract, column_checks

SECTION = "contract-validation"
HEADING = "## Row-level contracts at 10 M rows"
SEED = 20261121
MONTHS = tuple(f"{year}-{month:02d}" for year in (2023, 2024) for month in range(1, 13))
PUBLISHERS = {
    "CHN": "CPCA", "IDN": "GAIKINDO", "THA": "Federation of Thai Industries", "SGP": "LTA",
    "HUN": "Datahouse", "POL": "PZPM/CEPiK", "ZAF": "NAAMSA", "PAK": "PAMA", "RUS": "Autostat",
    "EU27": "ACEA", "USA": "Wards Intelligence",
}
MARKETS = tuple(PUBLISHERS)
CONTRACT = RAW_REGISTRATIONS_BY_MODEL_MONTH
PROJECT_VARIANTS = ("pandas", "pandas-str", "duckdb", "duckdb-pandas")
VENV_VARIANTS = ("polars", "ibis")
LABELS = {
    "pandas": "(a) pandera pandas backend, `validate_frame` (today)",
    "pandas-str": "(a') the same, text columns of pandas' Arrow-backed `str` dtype instead of `object`",
    "duckdb": "(b) one DuckDB SQL query over the Arrow table",
    "duckdb-pandas": "(b') the same SQL query over the landed pandas frame",
    "polars": "(c) pandera polars backend on a polars DataFrame",
    "ibis": "(c') pandera ibis backend, DuckDB-executed memtable",
}
KEY = "<key>"
# The violations planted in the fixture, as (column, rule) -> failing rows the contract must report.
EXPECTED_FIXTURE = {
    ("market_code", "pattern"): 1, ("month", "pattern"): 1, ("registrations", "ge"): 3,
    ("publisher", "not_null"): 1, ("source_sha256", "pattern"): 1, (KEY, "unique"): 2,
}
EXPECTED_TYPE_FIXTURE = {("registrations", "dtype"): 1}
FIXTURE_ROWS = 20_000


# --- data -------------------------------------------------------------------------------------------

def catalogue_model_ids() -> list[str]:
    with open(REPO / "dbt_project" / "seeds" / "vehicle_catalogue.csv", newline="") as handle:
        return [row["model_id"] for row in csv.DictReader(handle)]


def synthetic_registrations(rows: int, seed: int = SEED):
    """``rows`` valid rows of raw.registrations__by_model_month as a pyarrow Table (deterministic)."""
    import numpy as np
    import pyarrow as pa

    base = catalogue_model_ids()
    per_market = math.ceil(rows / len(MARKETS))
    variants = math.ceil(per_market / (len(MONTHS) * len(base)))
    models = [f"{model}_v{k}" for k in range(variants) for model in base]
    index = np.arange(rows, dtype=np.int64)
    # One file drop per market (all its months), so rows come grouped by market, then month.
    market = index // per_market
    within = index % per_market
    month = within // len(models)
    model = within % len(models)
    year = month // 12
    files = [hashlib.sha256(f"{m}-{y}".encode()).hexdigest() for m in MARKETS for y in (2023, 2024)]
    rng = np.random.default_rng(seed)
    counts = np.floor(rng.lognormal(mean=3.0, sigma=1.6, size=rows)).astype(np.int64)

    def strings(codes, values) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(values, pa.string())).dictionary_decode()

    return pa.table({
        "model_id": strings(model, models),
        "market_code": strings(market, list(MARKETS)),
        "month": strings(month, list(MONTHS)),
        "registrations": pa.array(counts, pa.int64()),
        "publisher": strings(market, [PUBLISHERS[m] for m in MARKETS]),
        "source_sha256": strings(market * 2 + year, files),
    })


def violation_fixture():
    """A small table with the violations in EXPECTED_FIXTURE planted."""
    import pyarrow as pa

    frame = synthetic_registrations(FIXTURE_ROWS, seed=SEED + 1).to_pandas()
    frame = frame.astype({column: object for column in frame.columns if column != "registrations"})
    frame.loc[10, "market_code"] = "XX"
    frame.loc[[20, 21, 22], "registrations"] = -5
    frame.loc[30, "month"] = "2024-13"
    frame.loc[40, "publisher"] = None
    frame.loc[50, "source_sha256"] = "not-a-digest"
    assert frame.loc[60, ["market_code", "month"]].tolist() == frame.loc[61, ["market_code", "month"]].tolist()
    frame.loc[61, "model_id"] = frame.loc[60, "model_id"]  # rows 60 and 61 now share a key
    return pa.Table.from_pandas(frame, schema=synthetic_registrations(1).schema, preserve_index=False)


def type_fixture():
    """A small table whose ``registrations`` arrive as text, one of them not a whole number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = synthetic_registrations(FIXTURE_ROWS, seed=SEED + 2)
    text = pc.cast(table["registrations"], pa.string()).to_pylist()
    text[7] = "12x"
    return table.set_column(table.schema.get_field_index("registrations"), "registrations", pa.array(text, pa.string()))


def landed_pandas_frame(table):
    """The frame as raw landing hands it to validate_frame: parsed text columns are object dtype,
    registrations int64 (connectors.parsing.integers), source_sha256 the str the landing assigns."""
    frame = table.to_pandas()
    for column in ("model_id", "market_code", "month", "publisher"):
        frame[column] = frame[column].astype(object)
    if frame["registrations"].dtype != "int64":  # the type fixture's text column stays text
        frame["registrations"] = frame["registrations"].astype(object)
    return frame


# --- rule names shared by every variant ---------------------------------------------------------

def rule_of(check: str) -> str:
    """A backend's check name -> one of dtype, not_null, isin, ge, le, pattern, unique, presence."""
    check = str(check)
    for prefix, rule in (
        ("not_nullable", "not_null"), ("isin", "isin"), ("greater_than_or_equal_to", "ge"),
        ("less_than_or_equal_to", "le"), ("str_matches", "pattern"), ("multiple_fields_uniqueness", "unique"),
        ("field_uniqueness", "unique"), ("coerce_dtype", "dtype"), ("dtype", "dtype"),
        ("column_in_dataframe", "presence"), ("column_in_schema", "presence"),
    ):
        if check.startswith(prefix):
            return rule
    return check


def normalise(failures) -> dict[tuple[str, str], int]:
    """(column, check, count) triples -> {(column, rule): failing rows}; the key rule names KEY.

    Several checks naming the same rows count once (max): pandera-pandas reports a failed cast as
    both coerce_dtype and dtype, and a duplicate key once per key column."""
    counts: dict[tuple[str, str], int] = {}
    for column, check, count in failures:
        rule = rule_of(check)
        column = KEY if rule.startswith("unique") else str(column)
        counts[(column, rule)] = max(counts.get((column, rule), 0), int(count))
    return {key: value for key, value in counts.items() if value}


# --- (b) the contract as one DuckDB SQL query ---------------------------------------------------

DUCKDB_TYPES = {"string": "VARCHAR", "int64": "BIGINT", "float64": "DOUBLE", "bool": "BOOLEAN"}


def _literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def contract_sql(contract: TableContract, relation: str, column_types: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """One query returning, per (column, rule) of the contract, the number of failing rows.

    ``column_types`` are the relation's DuckDB types: a column of another type than the contract's
    is cast with try_cast (as pandera's ``coerce=True`` does), counting the values that do not cast."""
    typed, measures, rules = [], [], []
    for column in contract.columns:
        name, wanted = _quote(column.name), DUCKDB_TYPES[column.dtype]
        if column.name not in column_types:
            measures.append("count(*)")  # missing column: every row fails
            rules.append((column.name, "presence"))
            continue
        if column_types[column.name].upper() != wanted:
            raw = _quote(column.name + "__raw")
            typed.append(f"try_cast({name} as {wanted}) as {name}, {name} as {raw}")
            measures.append(f"count(*) filter (where {raw} is not null and {name} is null)")
            rules.append((column.name, "dtype"))
        else:
            raw = name
            typed.append(name)
        if not column.nullable:  # on the value as it came: a failed cast is counted once, as dtype
            measures.append(f"count(*) filter (where {raw} is null)")
            rules.append((column.name, "not_null"))
        if column.allowed_values is not None:
            values = ", ".join(_literal(value) for value in column.allowed_values)
            measures.append(f"count(*) filter (where {name} not in ({values}))")
            rules.append((column.name, "isin"))
        if column.min_value is not None:
            measures.append(f"count(*) filter (where {name} < {column.min_value!r})")
            rules.append((column.name, "ge"))
        if column.max_value is not None:
            measures.append(f"count(*) filter (where {name} > {column.max_value!r})")
            rules.append((column.name, "le"))
        if column.pattern is not None:
            pattern = column.pattern if column.pattern.startswith("^") else f"^(?:{column.pattern})"  # re.match semantics
            measures.append(f"count(*) filter (where not regexp_matches({name}, {_literal(pattern)}))")
            rules.append((column.name, "pattern"))
    key = [_quote(name) for name in contract.primary_key if name in column_types]
    unique = ""
    if key:
        # every row whose key occurs more than once fails, as pandera's report_duplicates="all"
        unique = (f", (select coalesce(sum(n), 0) from (select count(*) as n from typed "
                  f"group by {', '.join(key)} having count(*) > 1))")
        rules.append((KEY, "unique"))
    sql = (f"with typed as not materialized (select {', '.join(typed)} from {relation})\n"
           f"select {', '.join(measures)}{unique} from typed")
    return sql, rules


def validate_sql(connection, contract: TableContract, relation: str) -> dict[tuple[str, str], int]:
    described = connection.sql(f"select * from {relation} limit 0")
    column_types = {name: str(kind) for name, kind in zip(described.columns, described.types)}
    sql, rules = contract_sql(contract, relation, column_types)
    counts = connection.sql(sql).fetchall()[0]
    return {rule: int(count) for rule, count in zip(rules, counts) if count}


# --- (c) the same contract for pandera's polars and ibis backends ---------------------------------

def validate_pandas(contract: TableContract, frame) -> dict[tuple[str, str], int]:
    from warehouse.contracts.validation import ContractViolation, validate_frame

    try:
        validate_frame(contract, frame)
    except ContractViolation as violation:
        return normalise((f["column"], f["check"], f["count"]) for f in violation.failures)
    return {}


def polars_schema(contract: TableContract):
    """What TableContract.to_pandera() builds, for pandera's polars backend."""
    import pandera.polars as pandera
    import polars as pl

    types = {"string": pl.Utf8, "int64": pl.Int64, "float64": pl.Float64, "bool": pl.Boolean}
    return pandera.DataFrameSchema(
        {column.name: pandera.Column(types[column.dtype], checks=column_checks(pandera, column),
                                     nullable=column.nullable, coerce=True)
         for column in contract.columns},
        name=contract.name, strict="filter", unique=list(contract.primary_key) or None, report_duplicates="all",
    )


def ibis_schema(contract: TableContract):
    """What TableContract.to_pandera() builds, for pandera's ibis backend (no coerce: see the report)."""
    import ibis.expr.datatypes as dt
    import pandera.ibis as pandera

    types = {"string": dt.String(), "int64": dt.Int64(), "float64": dt.Float64(), "bool": dt.Boolean()}
    return pandera.DataFrameSchema(
        {column.name: pandera.Column(types[column.dtype], checks=column_checks(pandera, column), nullable=column.nullable)
         for column in contract.columns},
        name=contract.name, strict="filter", unique=list(contract.primary_key) or None, report_duplicates="all",
    )


def _pandera_failures(validate, contract: TableContract) -> dict[tuple[str, str], int]:
    """Run a pandera validate (lazy); failing rows counted per (column, rule) from failure_cases.

    Labels that keep the backends' reports comparable: a dtype failure without a row index is the
    column's type (``column_dtype``), not a row; a failure case that is an unevaluated ibis expression
    instead of rows is marked so; pandera-ibis names a column check's column in its failure_case dict."""
    import pandas as pd
    import pandera.errors

    try:
        validate()
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        frame = cases if isinstance(cases, pd.DataFrame) else cases.to_pandas()
        triples: dict[tuple[str, str, str], int] = {}
        for record in frame.to_dict("records"):
            column, check, case = record.get("column"), str(record.get("check")), record.get("failure_case")
            if isinstance(case, dict) and len(case) == 1:
                column = next(iter(case))
            if column is None or (not isinstance(column, str) and pd.isna(column)) or column == contract.name:
                column = "<table>"
            rule = rule_of(check)
            if rule == "dtype" and pd.isna(record.get("index")):
                rule = "column_dtype"
            if "InMemoryTable" in str(case):
                rule += " (unevaluated expression)"
            if rule.startswith("unique"):
                column = KEY
            triples[(column, rule, check)] = triples.get((column, rule, check), 0) + 1
        return normalise((column, rule, count) for (column, rule, _), count in triples.items())
    except Exception as error:  # a failure the lazy mode did not collect (e.g. a failed cast)
        return {("<error>", f"{type(error).__name__}: {str(error).splitlines()[0][:160]}"): 1}
    return {}


def validate_polars(contract: TableContract, frame) -> dict[tuple[str, str], int]:
    schema = polars_schema(contract)
    return _pandera_failures(lambda: schema.validate(frame, lazy=True), contract)


def validate_ibis(contract: TableContract, table) -> dict[tuple[str, str], int]:
    schema = ibis_schema(contract)
    return _pandera_failures(lambda: schema.validate(table, lazy=True), contract)


# --- one variant in a child process -----------------------------------------------------------------

def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads (less disturbed by a busy machine than wall time)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (ru_maxrss) to its current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class Variant:
    """How one variant turns an Arrow table into its own form of the data, and validates it."""

    def __init__(self, name: str):
        self.name = name
        self.connection = None
        if name in ("duckdb", "duckdb-pandas", "ibis"):
            import duckdb

            self.connection = duckdb.connect()

    def prepare(self, table):
        if self.name in ("pandas", "duckdb-pandas"):
            return landed_pandas_frame(table)
        if self.name == "pandas-str":
            return table.to_pandas()  # pandas 3: text columns become str (pyarrow storage)
        if self.name == "polars":
            import polars as pl

            return pl.from_arrow(table)
        if self.name == "ibis":
            import ibis

            if not hasattr(self, "backend"):
                self.backend = ibis.duckdb.from_connection(self.connection)
            return ibis.memtable(table)
        return table

    def validate(self, data) -> dict[tuple[str, str], int]:
        if self.name in ("pandas", "pandas-str"):
            return validate_pandas(CONTRACT, data)
        if self.name in ("duckdb", "duckdb-pandas"):
            self.connection.register("incoming", data)
            try:
                return validate_sql(self.connection, CONTRACT, "incoming")
            finally:
                self.connection.unregister("incoming")
        if self.name == "polars":
            return validate_polars(CONTRACT, data)
        if self.name == "ibis":
            import ibis

            ibis.set_backend(self.backend)
            return validate_ibis(CONTRACT, data)
        raise ValueError(self.name)


def child(variant_name: str, data_path: Path) -> None:
    import pyarrow as pa

    variant = Variant(variant_name)
    fixture = {
        "violations": variant.validate(variant.prepare(violation_fixture())),
        "types": variant.validate(variant.prepare(type_fixture())),
    }
    with pa.OSFile(str(data_path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    started = time.perf_counter()
    data = variant.prepare(table)
    prepare_s = time.perf_counter() - started
    del table
    gc.collect()
    reset = reset_peak_rss()
    before = rss_kib()
    cpu_started = cpu_seconds()
    started = time.perf_counter()
    failures = variant.validate(data)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    versions = {}
    for module in ("pandera", "pandas", "duckdb", "pyarrow", "polars", "ibis"):
        if module in sys.modules:
            versions[module] = getattr(sys.modules[module], "__version__", "?")
    print(json.dumps({
        "seconds": seconds, "cpu_s": cpu, "prepare_s": prepare_s, "data_mib": before / 1024, "peak_added_mib": (peak - before) / 1024,
        "peak_mib": peak / 1024, "peak_reset": reset, "failures": {f"{c}:{r}": n for (c, r), n in failures.items()},
        "fixture": {name: {f"{c}:{r}": n for (c, r), n in found.items()} for name, found in fixture.items()},
        "python": sys.executable, "versions": versions,
    }))


def refresh_child(database: Path) -> None:
    """Validate every raw table of a refreshed warehouse with validate_frame, then with the SQL query."""
    import duckdb

    from warehouse.contracts.registry import CONTRACTS

    connection = duckdb.connect(str(database), read_only=True)
    # Warm-up, timed apart: the first validate_frame in a process pays pandera's import.
    started = time.perf_counter()
    validate_pandas(CONTRACT, landed_pandas_frame(synthetic_registrations(10)))
    first_call_s = time.perf_counter() - started
    validate_sql(connection, CONTRACT, "(select 1 as model_id)")
    present = {row[0] for row in connection.sql("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()}
    tables = []
    for name, contract in CONTRACTS.items():
        if contract.layer != "raw" or name not in present:
            continue
        relation = f"raw.{name}"
        started = time.perf_counter()
        frame = connection.sql(f"select * from {relation}").df()
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        pandas_failures = validate_pandas(contract, frame)
        pandas_s = time.perf_counter() - started
        started = time.perf_counter()
        sql_failures = validate_sql(connection, contract, relation)
        sql_s = time.perf_counter() - started
        tables.append({"table": relation, "rows": len(frame), "read_s": read_s, "pandas_s": pandas_s, "sql_s": sql_s,
                       "pandas_failures": len(pandas_failures), "sql_failures": len(sql_failures)})
    print(json.dumps({"tables": tables, "first_call_s": first_call_s}))


# --- the parent: run, compare, report -----------------------------------------------------------------

def venv_python(venv: Path) -> str | None:
    """The throwaway venv's python if it has pandera's polars and ibis backends, else None."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    probe = subprocess.run([str(python), "-c", "import pandera.polars, pandera.ibis, polars, ibis, duckdb, pyarrow, pandas"],
                           capture_output=True, text=True)
    return str(python) if probe.returncode == 0 else None


def step(python: str, variant: str, data_path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    completed = subprocess.run([python, "-m", "tests.benchmarks.contract_validation_benchmark", "--step", variant,
                                "--data-file", str(data_path)], cwd=REPO, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"{variant} failed ({completed.returncode}):\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def agreement(found: dict[str, int], expected: dict[tuple[str, str], int], follow_ons: bool = False) -> str:
    """"yes" if ``found`` is ``expected``; with ``follow_ons``, other rules failing on the rows the
    expected rule already names (a check run on a column whose cast failed) are listed, not wrong."""
    wanted = {f"{c}:{r}": n for (c, r), n in expected.items()}
    extra = {k: n for k, n in found.items() if k not in wanted}
    core = {k: n for k, n in found.items() if k in wanted}
    if core == wanted and (not extra or follow_ons):
        return "yes" + (" (also " + ", ".join(f"`{k}` {n}" for k, n in sorted(extra.items())) + ")" if extra else "")
    differences = sorted({*found, *wanted} - {k for k in found if found.get(k) == wanted.get(k)})
    return "no: " + "; ".join(f"`{k}` {found.get(k, 0)} (want {wanted.get(k, 0)})" for k in differences)


def refresh_scale(data_dir: Path) -> dict | None:
    database = data_dir / "warehouse" / "greenbridge.duckdb"
    if not database.exists():
        return None
    completed = run([sys.executable, "-m", "tests.benchmarks.contract_validation_benchmark", "--step", "refresh",
                     "--data-file", str(database)])
    return json.loads(completed.stdout.strip().splitlines()[-1])


def fmt_s(seconds: float) -> str:
    return f"{seconds:.2f}" if seconds >= 0.1 else f"{seconds:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, nargs="+", default=[3, 2], help="runs per size (the last repeats)")
    parser.add_argument("--venv", type=Path, default=Path("/tmp/benchvenv"))
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/bench_data"))
    parser.add_argument("--refresh", action="store_true", help="run greenbridge refresh into --data-dir first")
    parser.add_argument("--write", type=Path, nargs="?", const=REPO / "BENCHMARKS.md", default=None)
    parser.add_argument("--step", default=None)
    parser.add_argument("--data-file", type=Path, default=None)
    args = parser.parse_args()
    if args.step == "refresh":
        refresh_child(args.data_file)
        return 0
    if args.step:
        child(args.step, args.data_file)
        return 0

    started_all = time.perf_counter()
    load_before = os.getloadavg()[0]
    other_python = venv_python(args.venv)
    variants = [(name, sys.executable) for name in PROJECT_VARIANTS]
    if other_python:
        variants += [(name, other_python) for name in VENV_VARIANTS]
        print(f"polars and ibis variants run with {other_python}", flush=True)
    else:
        print(f"polars and ibis variants skipped: {args.venv} has no pandera[polars,ibis]", flush=True)

    results: dict[int, dict[str, list[dict]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for position, rows in enumerate(args.sizes):
            import pyarrow as pa

            data_path = Path(tmp) / f"registrations-{rows}.arrow"
            table = synthetic_registrations(rows)
            with pa.OSFile(str(data_path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
            del table
            runs = args.runs[min(position, len(args.runs) - 1)]
            results[rows] = {name: [] for name, _ in variants}
            for attempt in range(runs):  # alternate, so drift in machine load hits every variant alike
                for name, python in variants:
                    result = step(python, name, data_path)
                    if result["failures"]:
                        raise SystemExit(f"{name} found violations in valid data at {rows:,} rows: {result['failures']}")
                    results[rows][name].append(result)
                    print(f"{rows:>11,} rows  run {attempt + 1}/{runs}  {name:<14} {result['seconds']:8.2f} s  cpu {result['cpu_s']:6.2f} s  "
                          f"peak added {result['peak_added_mib']:7.0f} MiB  (prepare {result['prepare_s']:.1f} s)", flush=True)
            data_path.unlink()

    if args.refresh:
        print(f"refreshing into {args.data_dir} ...", flush=True)
        run([str(Path(sys.executable).with_name("greenbridge")), "refresh", "--data-dir", str(args.data_dir)])
    refresh = refresh_scale(args.data_dir)

    largest = max(args.sizes)
    median = {rows: {name: statistics.median(r["seconds"] for r in runs) for name, runs in by.items()} for rows, by in results.items()}
    cpu = {rows: {name: statistics.median(r["cpu_s"] for r in runs) for name, runs in by.items()} for rows, by in results.items()}
    table_lines = []
    for rows, by in results.items():
        base_s = median[rows]["pandas"]
        base_peak = max(r["peak_added_mib"] for r in by["pandas"])
        for name, python in variants:
            runs = by[name]
            peak_added = max(r["peak_added_mib"] for r in runs)
            fixture = runs[0]["fixture"]
            where = "project venv" if python == sys.executable else f"throwaway venv ({Path(python).parents[1]})"
            table_lines.append(
                f"| {rows:,} | {LABELS[name]} | {where} | {fmt_s(median[rows][name])} | "
                f"**{median[rows][name] / base_s:.2f}×** | {fmt_s(cpu[rows][name])} | {cpu[rows][name] / cpu[rows]['pandas']:.2f}× | "
                f"{median[rows][name] / rows * 1e6:.2f} | "
                f"{peak_added:,.0f} | {peak_added / base_peak:.2f}× | {max(r['data_mib'] for r in runs):,.0f} | "
                f"{agreement(fixture['violations'], EXPECTED_FIXTURE)} | {agreement(fixture['types'], EXPECTED_TYPE_FIXTURE, follow_ons=True)} |")
    pandas_largest = median[largest]["pandas"]
    versions = {}
    for by in results.values():
        for runs in by.values():
            versions.update(runs[0]["versions"])
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} by `python -m tests.benchmarks.contract_validation_benchmark --write` "
        f"(not in `make bench`); {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{', '.join(f'{k} {v}' for k, v in sorted(versions.items()))}. "
        f"Median of {', '.join(str(args.runs[min(i, len(args.runs) - 1)]) for i in range(len(args.sizes)))} alternating runs "
        f"per size, each variant in its own child process; peaks are the largest run's. 1-minute load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (other work on the machine inflates wall "
        f"times; CPU s, user + system of all the child's threads, much less).",
        "",
        "Synthetic `raw.registrations__by_model_month` (catalogue variants × 11 markets × 24 months, deterministic, "
        "valid: every variant found 0 failures). *Time* is the validation call alone, the data already in the "
        "variant's form; *peak added* is ru_maxrss after it minus the resident size just before it (peak reset "
        "by /proc/self/clear_refs); *data resident* is the process with its data loaded. *Fixture* columns: the "
        "per-rule failure counts on 20,000 rows with 8 planted violations (pattern ×3, range ×3 rows, null, "
        "duplicate key) and on a copy whose `registrations` arrive as text with one `12x`, compared with what "
        "the contract must report.",
        "",
        "| rows | variant | python | time s | time vs (a) | CPU s | CPU vs (a) | µs/row | peak added MiB | peak vs (a) | data resident MiB | fixture agrees | type fixture agrees |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *table_lines,
        "",
        f"- **pandas-backend cost per row: {pandas_largest / largest * 1e6:.2f} µs** at {largest:,} rows "
        f"({pandas_largest:.1f} s); at {min(args.sizes):,} rows {median[min(args.sizes)]['pandas'] / min(args.sizes) * 1e6:.2f} µs.",
    ]
    if not other_python:
        lines.append(f"- (c) skipped: {args.venv} lacks pandera[polars,ibis] (see the module docstring to make it).")
    if refresh:
        tables = refresh["tables"]
        total_pandas = sum(t["pandas_s"] for t in tables)
        total_sql = sum(t["sql_s"] for t in tables)
        total_rows = sum(t["rows"] for t in tables)
        slowest = max(tables, key=lambda t: t["pandas_s"])
        lines.append(
            f"- **refresh scale**: validating all {len(tables)} raw tables of a refreshed warehouse "
            f"({total_rows:,} rows in all; largest {max(t['rows'] for t in tables):,}) with `validate_frame` takes "
            f"**{total_pandas:.2f} s** in total (slowest {slowest['table']}, {slowest['pandas_s']:.2f} s; reading them "
            f"into pandas another {sum(t['read_s'] for t in tables):.2f} s); the SQL query over the same tables "
            f"{total_sql:.2f} s. Failures found: pandas {sum(t['pandas_failures'] for t in tables)}, "
            f"SQL {sum(t['sql_failures'] for t in tables)}. Not counted: the first `validate_frame` in a process "
            f"pays pandera's import, {refresh['first_call_s']:.2f} s here.")
    else:
        lines.append(f"- refresh scale: not measured, {args.data_dir} holds no warehouse (run `greenbridge refresh --data-dir {args.data_dir}`).")
    lines += [f"- total benchmark wall time {time.perf_counter() - started_all:.0f} s."]
    report = "\n".join(lines)
    print(report)
    if refresh:
        for t in refresh["tables"]:
            print(f"  {t['table']:<48} {t['rows']:>7,} rows  pandas {t['pandas_s']:.3f} s  sql {t['sql_s']:.3f} s  read {t['read_s']:.3f} s")
    if args.write:
        replace_section(args.write, SECTION, report, HEADING)
    return 0


if __name__ == "__main__":
    sys.exit(main())
