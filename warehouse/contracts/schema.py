"""The contract model: a table is a list of typed, documented columns with rules, and a key.

From one ``TableContract`` this module derives the pandera schema used to validate frames, the
pyarrow schema used to publish Parquet, and the dbt properties (docs, data types, tests across tables).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from warehouse.contracts.units import UNITS

# logical type -> (pandas dtype for pandera, pyarrow type, dbt/DuckDB data_type)
_TYPES: dict[str, tuple[str, pa.DataType, str]] = {
    "string": ("str", pa.string(), "varchar"),
    "int64": ("Int64", pa.int64(), "bigint"),
    "float64": ("float64", pa.float64(), "double"),
    "bool": ("boolean", pa.bool_(), "boolean"),
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description: str
    unit: str | None = None
    nullable: bool = False
    allowed_values: tuple[Any, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None
    # "table.column" this column's values must exist in (a dbt relationships test), and the same for
    # a semicolon-separated list of ids (the in-project test ids_exist_in).
    references: str | None = None
    cites: str | None = None

    def __post_init__(self) -> None:
        if self.dtype not in _TYPES:
            raise ValueError(f"column {self.name}: unknown dtype {self.dtype!r}, expected one of {sorted(_TYPES)}")
        if self.unit is not None and self.unit not in UNITS:
            raise ValueError(f"column {self.name}: unit {self.unit!r} is not in the units vocabulary (warehouse/contracts/units.py)")

    @property
    def documentation(self) -> str:
        return f"{self.description} [{self.unit}]" if self.unit else self.description


# Every raw table carries the sha256 of the bytes each row was parsed from (the landing code adds it),
# so a published number traces to the exact source bytes.
SOURCE_SHA256 = Column("source_sha256", "string", "sha256 of the raw bytes this row was parsed from", pattern=r"^[0-9a-f]{64}$")


def column_checks(pandera_module, column: Column) -> list:
    """The pandera checks of a column's rules, built with ``pandera_module`` (pandera.pandas, or
    another pandera backend for comparison)."""
    checks = []
    if column.allowed_values is not None:
        checks.append(pandera_module.Check.isin(list(column.allowed_values)))
    if column.min_value is not None:
        checks.append(pandera_module.Check.ge(column.min_value))
    if column.max_value is not None:
        checks.append(pandera_module.Check.le(column.max_value))
    if column.pattern is not None:
        checks.append(pandera_module.Check.str_matches(column.pattern))
    return checks


@dataclass(frozen=True)
class RowRule:
    """A rule over several columns of a row (e.g. a carbon balance). ``holds(frame)`` returns a boolean
    Series, True where the row satisfies the rule (rows the rule does not apply to are True)."""

    rule_id: str
    description: str
    holds: Callable[[Any], Any]


@dataclass(frozen=True)
class TableContract:
    name: str
    layer: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = field(default_factory=tuple)
    row_rules: tuple[RowRule, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.name} has no column {name!r}")

    def to_pandera(self):
        """pandera DataFrameSchema enforcing types, nullability, allowed values, ranges and key."""
        import pandera.pandas as pandera

        pandera_columns = {}
        for column in self.columns:
            checks = column_checks(pandera, column)
            pandera_columns[column.name] = pandera.Column(
                _TYPES[column.dtype][0],
                checks=checks,
                nullable=column.nullable,
                coerce=True,
                description=column.documentation,
                title=column.name,
            )
        return pandera.DataFrameSchema(
            pandera_columns,
            name=self.name,
            strict="filter",
            checks=[pandera.Check(rule.holds, name=rule.rule_id, error=rule.description) for rule in self.row_rules],
            unique=list(self.primary_key) or None,
            report_duplicates="all",
            description=self.description,
        )

    def to_pyarrow(self) -> pa.Schema:
        """pyarrow schema for publication, with descriptions and units as field metadata."""
        fields = [
            pa.field(
                column.name,
                _TYPES[column.dtype][1],
                nullable=column.nullable,
                metadata={"description": column.description, "unit": column.unit or ""},
            )
            for column in self.columns
        ]
        return pa.schema(fields, metadata={"table": self.name, "description": self.description})

    def to_dbt_properties(self) -> dict[str, Any]:
        """dbt model/seed properties: description, columns with data_type, and the tests across tables
        (relationships, ids_exist_in). The table's own rules (not null, allowed values, ranges, key)
        are enforced once, by its pandera contract check, not repeated as dbt tests."""
        columns = []
        for column in self.columns:
            tests: list[Any] = []
            if column.references is not None:
                table, field_name = column.references.split(".")
                tests.append({"relationships": {"arguments": {"to": f"ref('{table}')", "field": field_name}}})
            if column.cites is not None:
                table, field_name = column.cites.split(".")
                tests.append({"ids_exist_in": {"arguments": {"to": f"ref('{table}')", "field": field_name}}})
            entry: dict[str, Any] = {
                "name": column.name,
                "description": column.documentation,
                "data_type": _TYPES[column.dtype][2],
            }
            if tests:
                entry["data_tests"] = tests
            columns.append(entry)
        return {"name": self.name, "description": self.description, "columns": columns}

    def dbt_column_types(self) -> dict[str, str]:
        return {column.name: _TYPES[column.dtype][2] for column in self.columns}
