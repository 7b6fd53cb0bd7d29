"""Output shaping: the method's rows (run.py) as what the calculator returns, with no arithmetic.

- a batch: one row per input row, in input order, with the row number (``row``), the columns of
  ``fct_vehicle_footprint`` (its contract, warehouse/contracts/marts.py; null where the row
  failed) and the row's error (``error_field``, ``error``; null where it was computed);
- one spec: the JSON-ready dict ``greenbridge footprint --json`` prints.

A computed row whose stages are missing or not finite (a factor the method needs is missing from
the seeds) is not a footprint: it becomes an error row (field ``method``), and for one spec a
``RuntimeError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from orchestration.calculator.spec import SpecLabels
from warehouse.contracts.marts import FCT_VEHICLE_FOOTPRINT
from warehouse.contracts.marts import LIFE_CYCLE_STAGES as STAGES

ERROR_COLUMNS = (("error_field", pa.string()), ("error", pa.string()))
FOOTPRINT_SCHEMA = pa.schema([field.with_nullable(True) for field in FCT_VEHICLE_FOOTPRINT.to_pyarrow()],
                             metadata=FCT_VEHICLE_FOOTPRINT.to_pyarrow().metadata)
OUTPUT_SCHEMA = pa.schema([pa.field("row", pa.int64()), *FOOTPRINT_SCHEMA, *(pa.field(name, kind) for name, kind in ERROR_COLUMNS)],
                          metadata=FOOTPRINT_SCHEMA.metadata)
# Columns of fct_vehicle_footprint the method does not compute: they describe the vehicle.
LABEL_COLUMNS = ("model_id", "make", "model", "vehicle_estimated_fields")
_CHECKED = [f"{stage}_kg_co2e" for stage in STAGES] + ["total_kg_co2e", "lifetime_km"]


@dataclass(frozen=True)
class RowError:
    row: int
    field: str  # the batch's own name for it: a column, a spec path (consumption.basis), or "spec"/"method"
    message: str


def batch_output(result: pa.Table, labels: Sequence[SpecLabels], models: Sequence[str],
                 errors: Sequence[RowError]) -> pa.Table:
    """The batch's output table (``OUTPUT_SCHEMA``) from the method's rows (one per valid request, in
    row order, aligned with ``labels`` and ``models``) and the rows that failed."""
    bad = set(_incomplete(result))
    errors = list(errors)
    if bad:
        rows = result.column("row").to_pylist()
        for index in sorted(bad):
            missing = [column for column in _CHECKED if not _finite(result.column(column)[index].as_py())]
            errors.append(RowError(rows[index], "method",
                                   f"the method left {', '.join(missing)} empty or not finite: a factor it needs is "
                                   f"missing from the seeds (cited ids: {result.column('factor_ids')[index].as_py()})"))
        result = result.filter(pa.array([index not in bad for index in range(result.num_rows)]))
        labels = [label for index, label in enumerate(labels) if index not in bad]
        models = [model for index, model in enumerate(models) if index not in bad]
    computed = _with_labels(result, labels, models)
    if not errors:
        return computed
    failed = pa.table({
        "row": pa.array([error.row for error in errors], pa.int64()),
        "error_field": pa.array([error.field for error in errors], pa.string()),
        "error": pa.array([error.message for error in errors], pa.string()),
    })
    failed = pa.table({field.name: failed.column(field.name) if field.name in failed.column_names
                       else pa.nulls(failed.num_rows, field.type) for field in OUTPUT_SCHEMA}, schema=OUTPUT_SCHEMA)
    return pa.concat_tables([computed, failed]).sort_by("row")


def _with_labels(result: pa.Table, labels: Sequence[SpecLabels], models: Sequence[str]) -> pa.Table:
    rows = result.column("row")
    columns = {
        "model_id": pa.array([label.model_id or f"spec-{row}" for label, row in zip(labels, rows.to_pylist())], pa.string()),
        "make": pa.array([label.make for label in labels], pa.string()),
        "model": pa.array(list(models), pa.string()),
        "vehicle_estimated_fields": pa.array([label.estimated_fields for label in labels], pa.string()),
    }
    arrays = [rows.cast(pa.int64())]
    for field in FOOTPRINT_SCHEMA:
        column = columns[field.name] if field.name in LABEL_COLUMNS else result.column(field.name)
        arrays.append(column.cast(field.type))
    arrays += [pa.nulls(result.num_rows, kind) for _, kind in ERROR_COLUMNS]
    return pa.Table.from_arrays(arrays, schema=OUTPUT_SCHEMA)


def _incomplete(result: pa.Table) -> list[int]:
    """Indices of rows with a stage, the total or the lifetime missing or not finite."""
    ok = None
    for column in _CHECKED:
        values = result.column(column)
        finite = pc.fill_null(pc.is_finite(values), False)
        ok = finite if ok is None else pc.and_(ok, finite)
    if ok is None or result.num_rows == 0:
        return []
    return [index for index, good in enumerate(ok.to_pylist()) if not good]


def _finite(value) -> bool:
    return value is not None and value == value and value not in (float("inf"), float("-inf"))


def single_output(model: str, market: str, year: int, row: dict) -> dict:
    """One computed footprint (the method's output row) as ``greenbridge footprint --json`` prints it."""
    missing = [column for column in _CHECKED if not _finite(row.get(column))]
    if missing:
        raise RuntimeError(f"the method left {', '.join(missing)} empty or not finite: a factor it needs is missing "
                           f"from the seeds (cited ids: {row.get('factor_ids')})")
    return {
        "model": model,
        "market": market,
        "year": year,
        "lifetime_km": float(row["lifetime_km"]),
        "methodology_version": row["methodology_version"],
        "stages_kg": {stage: float(row[f"{stage}_kg_co2e"]) for stage in STAGES},
        "stages_g_per_km": {stage: float(row[f"{stage}_g_co2e_per_km"]) for stage in STAGES},
        "total_kg": float(row["total_kg_co2e"]),
        "g_per_km": float(row["total_g_co2e_per_km"]),
        "core_boundary_stages": row["core_boundary_stages"].split(";"),
        "total_all_stages_kg": float(row["total_all_stages_kg_co2e"]),
        "factor_ids": sorted(set(row["factor_ids"].split(";"))),
    }
