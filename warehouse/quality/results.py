"""What a run records about data quality, for auditors and BI: one row per rule evaluated
(``data_quality_results``) and every quarantined row (``quarantine``), each written as Parquet under
the published folder, one file per writing step and run (hive-partitioned by run_id, so a BI tool
reads the folder as one table over time). Written whether the checks pass or fail, and never inside
the published tables, so a failed run leaves the previous publication as it was.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.contracts.quality import DATA_QUALITY_RESULTS, QUARANTINE
from warehouse.contracts.schema import TableContract
from warehouse.paths import DataPaths

QUARANTINE_SCHEMA = "quality"


@dataclass(frozen=True)
class CheckOutcome:
    """One rule evaluated on one asset in one run."""

    check_name: str
    rule_id: str
    asset: str
    severity: str
    passed: bool
    outcome: str
    observed: str | None = None
    expected: str | None = None
    failing_rows: int | None = None
    data_docs: str | None = None


def json_safe(value):
    """``value`` with numpy numbers, NA and other non-JSON values turned into plain JSON (Dagster
    JSON metadata accepts nothing else)."""
    return json.loads(json.dumps(value, default=str))


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_check_results(paths: DataPaths, run_id: str, step: str, outcomes: list[CheckOutcome]) -> Path | None:
    """Write this step's outcomes as ``data_quality_results/run_id=<run>/<step>.parquet``."""
    if not outcomes:
        return None
    evaluated_at = utc_now()
    rows = [{"run_id": run_id, "evaluated_at": evaluated_at, **asdict(outcome)} for outcome in outcomes]
    return _write_parquet(DATA_QUALITY_RESULTS, pd.DataFrame(rows), paths.data_quality_results_dir, run_id, step)


def quarantine_frame(table: str, run_id: str, rows: pd.DataFrame, reasons: pd.DataFrame) -> pd.DataFrame:
    """Quarantine records for the rows of ``rows`` named in ``reasons`` (index, rule_id, column_name,
    reason, failing_value): one record per row and rule broken, each with the whole row as JSON."""
    quarantined_at = utc_now()
    records = []
    for reason in reasons.itertuples(index=False):
        row = rows.loc[reason.index]
        row_dict = {key: _json_value(value) for key, value in row.items()}
        records.append({
            "run_id": run_id,
            "quarantined_at": quarantined_at,
            "table_name": table,
            "rule_id": reason.rule_id,
            "column_name": reason.column_name,
            "reason": reason.reason,
            "failing_value": None if _json_value(reason.failing_value) is None else str(reason.failing_value),
            "row_json": json.dumps(row_dict, sort_keys=True, default=str),
            "source_sha256": row_dict.get("source_sha256"),
        })
    return pd.DataFrame(records, columns=QUARANTINE.column_names)


def write_quarantine(paths: DataPaths, store, run_id: str, table: str, records: pd.DataFrame) -> Path | None:
    """Append the records to ``quality.quarantine`` in the warehouse and write them as Parquet."""
    if records.empty:
        return None
    store.append_rows(QUARANTINE_SCHEMA, QUARANTINE.name, records.astype("string"))
    return _write_parquet(QUARANTINE, records, paths.quarantine_dir, run_id, table)


def _write_parquet(contract: TableContract, frame: pd.DataFrame, root: Path, run_id: str, name: str) -> Path:
    directory = root / f"run_id={run_id}"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.parquet"
    # run_id is the partition: kept in the path, not repeated in the file (readers add it back).
    columns = [column for column in contract.column_names if column != "run_id"]
    full_schema = contract.to_pyarrow()
    schema = pa.schema([field for field in full_schema if field.name != "run_id"], metadata=full_schema.metadata)
    table = pa.Table.from_pandas(frame[columns], schema=schema, preserve_index=False)
    partial = path.with_suffix(".partial")
    pq.write_table(table, partial, compression="zstd")
    os.replace(partial, path)
    return path


def _json_value(value):
    if value is None or (not isinstance(value, (list, dict, str)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value
