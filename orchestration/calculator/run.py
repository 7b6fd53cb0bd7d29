"""Running the method: the compiled ``footprint_method`` SQL (method.py) executed by DuckDB over the
method's input relation, against the reference attached to the same connection (reference.py).
DuckDB does all the arithmetic; Python only hands over the requests' values, as data.

- A batch: an Arrow table of the validated requests (the columns of
  ``int_footprint__catalogue_inputs``, ``INPUT_COLUMNS``) registered as the input relation;
  the output is an Arrow table.
- One request: the same one-row input, bound as query parameters into a temporary table of the
  same name and columns, and the output row fetched as a dict. A process computing one spec thus
  never builds an Arrow array, which would make pyarrow import pandas (about half a second of
  start-up, more than the computation).

The input's ``model_id`` carries each request's row number (as text), so the output, one row per
input row, is put back in input order (``row``) and matched to its request; output.py puts the
spec's own labels in its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb

from orchestration.calculator.method import INPUT_RELATION, CompiledMethod
from orchestration.calculator.spec import VehicleSpec

if TYPE_CHECKING:
    import pyarrow as pa

# The input relation's columns and their DuckDB types (the method reads them by name).
INPUT_COLUMNS = (
    ("model_id", "varchar"),
    ("powertrain", "varchar"),
    ("fuel", "varchar"),
    ("segment", "varchar"),
    ("curb_mass_kg", "double"),
    ("battery_kwh", "double"),
    ("battery_chemistry", "varchar"),
    ("electric_range_km", "double"),
    ("consumption_basis", "varchar"),
    ("fuel_l_per_100km", "double"),
    ("electricity_kwh_per_100km", "double"),
    ("production_country", "varchar"),
    ("battery_production_country", "varchar"),
    ("market_code", "varchar"),
    ("registration_year", "integer"),
    ("lifetime_km_override", "double"),
)
# VehicleSpec attributes that are input columns of the same name.
_SPEC_COLUMNS = ("powertrain", "fuel", "segment", "curb_mass_kg", "battery_kwh", "battery_chemistry", "electric_range_km",
                 "consumption_basis", "fuel_l_per_100km", "electricity_kwh_per_100km", "production_country",
                 "battery_production_country")
# Static SQL: the method's output in row order. The method is compiled by dbt from the project's
# macros; nothing in either comes from a spec (specs arrive as Arrow data or bound parameters).
_OUTPUT_QUERY = "select cast(footprints.model_id as bigint) as row, footprints.* from (\n{method}\n) as footprints order by row"
_ONE_ROW_INPUT = (f"create or replace temp table {INPUT_RELATION} as select "
                  + ", ".join(f"cast(? as {kind}) as {name}" for name, kind in INPUT_COLUMNS))


def input_schema() -> "pa.Schema":
    import pyarrow as pa

    kinds = {"varchar": pa.string(), "double": pa.float64(), "integer": pa.int32()}
    return pa.schema([(name, kinds[kind]) for name, kind in INPUT_COLUMNS])


def method_input(rows: Sequence[int], specs: Sequence[VehicleSpec], markets: Sequence[str], years: Sequence[int],
                 lifetimes_km: Sequence[float | None]) -> "pa.Table":
    """The input relation for validated requests, as Arrow: one row each, ``model_id`` = its row number."""
    import pyarrow as pa

    columns = {"model_id": [str(row) for row in rows]}
    for name in _SPEC_COLUMNS:
        columns[name] = [getattr(spec, name) for spec in specs]
    columns.update(market_code=list(markets), registration_year=list(years), lifetime_km_override=list(lifetimes_km))
    schema = input_schema()
    return pa.Table.from_arrays([pa.array(columns[field.name], field.type) for field in schema], schema=schema)


def run_method(connection: duckdb.DuckDBPyConnection, method: CompiledMethod, inputs: "pa.Table | None") -> "pa.Table":
    """The method's output for ``inputs`` (None: an empty input), ordered by row number, with the
    row number as an int64 column ``row`` in front."""
    table = inputs if inputs is not None else input_schema().empty_table()
    connection.register(INPUT_RELATION, table)
    try:
        result = connection.sql(_query(method)).to_arrow_table()
    finally:
        connection.unregister(INPUT_RELATION)
    _check_rows(result.num_rows, table.num_rows)
    return result


def run_one(connection: duckdb.DuckDBPyConnection, method: CompiledMethod, spec: VehicleSpec, market: str, year: int,
            lifetime_km: float | None) -> dict:
    """The method's output row for one validated request, as a dict (``row`` = 1)."""
    values = ["1", *(getattr(spec, name) for name in _SPEC_COLUMNS), market, year, lifetime_km]
    connection.execute(_ONE_ROW_INPUT, values)
    try:
        cursor = connection.execute(_query(method))
        rows = cursor.fetchall()
        names = [column[0] for column in cursor.description]
    finally:
        connection.execute(f"drop table if exists temp.{INPUT_RELATION}")
    _check_rows(len(rows), 1)
    return dict(zip(names, rows[0]))


def _query(method: CompiledMethod) -> str:
    return _OUTPUT_QUERY.replace("{method}", method.sql)


def _check_rows(output_rows: int, input_rows: int) -> None:
    if output_rows != input_rows:
        raise RuntimeError(f"the footprint method returned {output_rows} rows for {input_rows} inputs "
                           "(a seed holds duplicate keys?)")
