"""Computing footprints of specs that are not in the catalogue: one request or a batch, against the
reference of the current publication. This module only puts the steps together:

1. the reference (reference.py): ``published/current`` resolved once, its ``reference.duckdb``
   attached read-only with the compiled method (method.py): no dbt, no warehouse, no lock;
2. validation (spec.py for the inputs, validation.py against the reference; batch.py per row);
3. the method run by DuckDB on the valid requests (run.py): an Arrow table for a batch, bound
   parameters for one spec;
4. output shaping (output.py): the ``--json`` dict, or a batch table with the columns of
   ``fct_vehicle_footprint`` and each failed row's error.

No footprint arithmetic happens in Python, and no SQL is built from a spec: specs reach DuckDB as
Arrow data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from orchestration.calculator.batch import BatchDefaults, RowChecker, ValidRows
from orchestration.calculator.output import RowError, batch_output, single_output
from orchestration.calculator.reference import Reference, ReferenceNotReady, open_reference
from orchestration.calculator.run import method_input, run_method, run_one
from orchestration.calculator.spec import SpecLabels, VehicleSpec
from orchestration.calculator.validation import check_against_reference
from warehouse.paths import DataPaths

__all__ = ["FootprintRequest", "ReferenceNotReady", "compute_batch", "compute_footprint"]


@dataclass(frozen=True)
class FootprintRequest:
    spec: VehicleSpec
    market: str
    year: int
    lifetime_km: float | None = None
    labels: SpecLabels = field(default_factory=SpecLabels)


def compute_footprint(request: FootprintRequest, paths: DataPaths) -> dict:
    """The footprint of ``request`` as the JSON-ready dict ``greenbridge footprint --json`` prints;
    ``SpecError`` when the reference cannot price it, ``ReferenceNotReady`` without a publication."""
    with open_reference(paths) as reference:
        check_against_reference(request.spec, request.market, request.year, reference.vocabulary)
        row = run_one(reference.connection, reference.method, request.spec, request.market, request.year,
                      request.lifetime_km)
    return single_output(request.spec.model, request.market, request.year, row)


def compute_batch(chunks: Iterable[list[tuple[int, object, bool]]], defaults: BatchDefaults,
                  paths: DataPaths) -> Iterator[pa.Table]:
    """One output table (output.OUTPUT_SCHEMA) per chunk of batch rows (batch.py), in row order."""
    with open_reference(paths) as reference:
        checker = RowChecker(defaults, reference.vocabulary)
        for chunk in chunks:
            valid, errors = checker.check(chunk)
            yield _compute(reference, valid, errors)


def _compute(reference: Reference, valid: ValidRows, errors: list[RowError]) -> pa.Table:
    inputs = method_input(valid.rows, valid.specs, valid.markets, valid.years, valid.lifetimes_km)
    result = run_method(reference.connection, reference.method, inputs)
    return batch_output(result, valid.labels, [spec.model for spec in valid.specs], errors)
