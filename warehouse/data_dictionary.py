"""The data dictionary of a publication, generated from the table contracts (never written by hand):
one row per column of every published table, as ``data_dictionary.parquet`` (for BI tools, and the
view ``data_dictionary`` of the BI catalogue) and ``data_dictionary.md`` (for people).

Each row gives the table, the column, its position, its SQL type (as the catalogue's views and
DuckDB show it), unit, description, allowed values, range, pattern, whether it may be null, whether
it is part of the table's key, and the column it references. Both files hold no timestamp, so
identical contracts give identical bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.contracts.schema import Column, TableContract

PARQUET_FILE = "data_dictionary.parquet"
MARKDOWN_FILE = "data_dictionary.md"
LIST_SEPARATOR = "; "  # the separator of every list held in one string (as in factor_ids)

DICTIONARY_CONTRACT = TableContract(
    name="data_dictionary",
    layer="publication",
    description="Every column of every published table, from the table contracts (warehouse/contracts/).",
    columns=(
        Column("table_name", "string", "Published table (its Parquet: <table_name>/part-0.parquet)"),
        Column("table_description", "string", "What one row of the table is"),
        Column("position", "int64", "Position of the column in the table, from 1", unit="count", min_value=1),
        Column("column_name", "string", "Column"),
        Column("data_type", "string", "SQL type of the column (DuckDB's name; Parquet: string, int64, double, bool)"),
        Column("unit", "string", "Unit of the values (warehouse/contracts/units.py); null when the column has none",
               nullable=True),
        Column("description", "string", "What the column holds"),
        Column("allowed_values", "string", "The only values the column may hold, '; '-separated; null when any",
               nullable=True),
        Column("min_value", "float64", "Smallest value allowed; null when unbounded", nullable=True),
        Column("max_value", "float64", "Largest value allowed; null when unbounded", nullable=True),
        Column("pattern", "string", "Regular expression every value matches; null when none", nullable=True),
        Column("nullable", "bool", "The column may be null"),
        Column("in_primary_key", "bool", "The column is part of the table's key (unique together)"),
        Column("references", "string", "table.column every value (or every ';'-separated id) exists in; null when none",
               nullable=True),
    ),
    primary_key=("table_name", "column_name"),
)


def dictionary_rows(contracts: Sequence[TableContract]) -> list[dict]:
    """One row per column of each contract, in table then column order."""
    rows = []
    for contract in contracts:
        types = contract.dbt_column_types()
        for position, column in enumerate(contract.columns, start=1):
            rows.append({
                "table_name": contract.name,
                "table_description": contract.description,
                "position": position,
                "column_name": column.name,
                "data_type": types[column.name].upper(),
                "unit": column.unit,
                "description": column.description,
                "allowed_values": _joined(column.allowed_values),
                "min_value": None if column.min_value is None else float(column.min_value),
                "max_value": None if column.max_value is None else float(column.max_value),
                "pattern": column.pattern,
                "nullable": column.nullable,
                "in_primary_key": column.name in contract.primary_key,
                "references": column.references or column.cites,
            })
    return rows


def dictionary_table(contracts: Sequence[TableContract]) -> pa.Table:
    return pa.Table.from_pylist(dictionary_rows(contracts), schema=DICTIONARY_CONTRACT.to_pyarrow())


def dictionary_markdown(contracts: Sequence[TableContract]) -> str:
    lines = [
        "# Greenbridge data dictionary",
        "",
        "Generated from the table contracts (`warehouse/contracts/`) with every publication: do not edit. "
        f"The same rows, for BI tools: `{PARQUET_FILE}` and the view `{DICTIONARY_CONTRACT.name}` of "
        "`greenbridge.duckdb`. Types are DuckDB's; a key column is marked with *key*.",
        "",
    ]
    lines += [f"- [`{contract.name}`](#{contract.name}): {_cell(contract.description)}" for contract in contracts]
    for contract in contracts:
        lines += [
            "",
            f"## {contract.name}",
            "",
            contract.description,
            "",
            f"Key: {', '.join(f'`{name}`' for name in contract.primary_key) or 'none'}.",
            "",
            "| # | column | type | unit | null | description | allowed values / range |",
            "|---|---|---|---|---|---|---|",
        ]
        for column, row in zip(contract.columns, dictionary_rows([contract])):
            name = f"`{row['column_name']}`" + (" *key*" if row["in_primary_key"] else "")
            lines.append("| " + " | ".join([
                str(row["position"]), name, row["data_type"], _cell(row["unit"] or ""),
                "yes" if row["nullable"] else "no", _cell(_described(row)), _cell(_constraints(column)),
            ]) + " |")
    return "\n".join(lines) + "\n"


def write_data_dictionary(folder: Path, contracts: Sequence[TableContract]) -> dict[str, Path]:
    """Write both files into ``folder``; returns file name -> path (for ``publish_tables(files=)``)."""
    parquet, markdown = folder / PARQUET_FILE, folder / MARKDOWN_FILE
    pq.write_table(dictionary_table(contracts), parquet, compression="zstd")
    markdown.write_text(dictionary_markdown(contracts), encoding="utf-8")
    return {PARQUET_FILE: parquet, MARKDOWN_FILE: markdown}


def _joined(values) -> str | None:
    return None if values is None else LIST_SEPARATOR.join(str(value) for value in values)


def _described(row: dict) -> str:
    return row["description"] + (f" (references `{row['references']}`)" if row["references"] else "")


def _constraints(column: Column) -> str:
    parts = []
    if column.allowed_values is not None:
        parts.append(", ".join(f"`{value}`" for value in column.allowed_values))
    if column.min_value is not None or column.max_value is not None:
        low = "" if column.min_value is None else f"{column.min_value:g}"
        high = "" if column.max_value is None else f"{column.max_value:g}"
        parts.append(f"{low}..{high}")
    if column.pattern is not None:
        parts.append(f"matches `{column.pattern}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
