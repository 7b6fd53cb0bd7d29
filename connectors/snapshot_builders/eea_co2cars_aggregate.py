"""Derive a Discodata-shaped aggregate answer from the 500 real EEA rows in
``eea/co2cars_2025Pv31_DE_sample500_raw.csv`` (``;``-separated, decimal commas, UTF-8 BOM; rows of
release table co2cars_2025Pv31, all DE Hyundai i20 petrol).

It applies the aggregation of ``connectors.eea_co2cars.build_query``: group by MS, Mk, Cn, Ft, Fm,
Year; SUM(R); float AVG of M (kg), Ewltp (g/km), Z (Wh/km), Zr, Fc, ignoring empty values as SQL
AVG ignores NULL (a group with no value gets null). Writes
``eea/discodata_co2cars_2025Pv31_DE_sample500_aggregated.json`` as ``{"results": [...]}`` with the
query's aliases as field names, groups sorted by key, means as exactly rounded float sums
(``math.fsum``) divided by the count, so the bytes are the same on every run.

    uv run python -m connectors.snapshot_builders.eea_co2cars_aggregate
"""

import csv
import io
import json
import math
from pathlib import Path

from connectors.eea_co2cars import GROUP_FIELDS, MEAN_FIELDS, SUM_FIELDS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

RAW_FILE = "eea/co2cars_2025Pv31_DE_sample500_raw.csv"
OUTPUT_FILE = "eea/discodata_co2cars_2025Pv31_DE_sample500_aggregated.json"
INTEGER_COLUMNS = ("Year", "R")


def read_raw(path: Path) -> list[dict]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def number(text: str) -> float | None:
    """A raw-file cell as a number: empty -> None, decimal comma -> point."""
    text = text.strip()
    return float(text.replace(",", ".")) if text else None


def aggregate(rows: list[dict]) -> list[dict]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        key = tuple(row[column].strip() or None for column in GROUP_FIELDS.values())
        groups.setdefault(key, []).append(row)
    results = []
    for key in sorted(groups, key=lambda values: tuple(value or "" for value in values)):
        members = groups[key]
        record: dict = {}
        for (alias, column), value in zip(GROUP_FIELDS.items(), key):
            record[alias] = int(value) if column in INTEGER_COLUMNS and value is not None else value
        for alias, column in SUM_FIELDS.items():
            values = [number(member[column]) for member in members]
            present = [value for value in values if value is not None]
            record[alias] = int(math.fsum(present)) if present else None
        for alias, column in MEAN_FIELDS.items():
            present = [value for value in (number(member[column]) for member in members) if value is not None]
            record[alias] = math.fsum(present) / len(present) if present else None
        results.append(record)
    return results


def main(snapshot_dir: Path = DEFAULT_SNAPSHOT_DIR) -> Path:
    results = aggregate(read_raw(snapshot_dir / RAW_FILE))
    output = snapshot_dir / OUTPUT_FILE
    output.write_text(json.dumps({"results": results}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {output} ({len(results)} groups)")
    return output


if __name__ == "__main__":
    main()
