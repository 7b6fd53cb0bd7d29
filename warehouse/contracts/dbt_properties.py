"""Generate the dbt properties files (docs, data types, tests) from the table contracts, and the
macro through which dbt models read the standard's plausibility bounds (warehouse/quality/rules.py).

Run ``python -m warehouse.contracts.dbt_properties`` after changing a contract; a test fails
while the committed YAML differs from what the contracts generate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from warehouse.contracts.registry import CONTRACTS
from warehouse.paths import DBT_PROJECT_DIR
from warehouse.quality import rules

HEADER = "# GENERATED from warehouse/contracts/ (registry.py lists them) by `python -m warehouse.contracts.dbt_properties`. Do not edit.\n"

GENERATED_FILES = {
    DBT_PROJECT_DIR / "seeds" / "_seeds__contracts.yml": ("seeds", "parameters"),
    DBT_PROJECT_DIR / "models" / "marts" / "_marts__contracts.yml": ("models", "marts"),
    DBT_PROJECT_DIR / "models" / "staging" / "_staging__contracts.yml": ("models", "staging"),
    DBT_PROJECT_DIR / "models" / "staging" / "_sources.yml": ("sources", "raw"),
}
SOURCES_DESCRIPTION = (
    "Tables landed by Greenbridge's raw Dagster assets (connectors/). Each is validated against its "
    "contract (warehouse/contracts) before it is written, and carries the provenance of every fetch in "
    "the asset's materialization metadata and in raw.raw_fetch_log (source_sha256 names the exact bytes)."
)


def render_sources() -> str:
    """The dbt source ``raw``: every raw contract's docs, each table mapped to its Dagster asset. The
    contracts are enforced by pandera when the table is landed, so no dbt tests are repeated here."""
    tables = []
    for contract in CONTRACTS.values():
        if contract.layer != "raw":
            continue
        properties = contract.to_dbt_properties()
        tables.append({
            "name": contract.name,
            "description": contract.description,
            "meta": {"dagster": {"asset_key": ["raw", contract.name]}},
            "columns": [{key: column[key] for key in ("name", "description", "data_type")} for column in properties["columns"]],
        })
    source = {"name": "raw", "description": SOURCES_DESCRIPTION, "schema": "raw", "tables": tables}
    body = yaml.safe_dump({"version": 2, "sources": [source]}, sort_keys=False, allow_unicode=True, width=110)
    return HEADER + body


def render(kind: str, layer: str) -> str:
    if kind == "sources":
        return render_sources()
    entries = []
    for contract in CONTRACTS.values():
        if contract.layer != layer:
            continue
        # Each table's own rules are enforced once, by its pandera contract check (orchestration/checks/contract_checks.py);
        # repeating them as dbt tests cost 16 s of a 54 s refresh (BENCHMARKS.md).
        properties = contract.to_dbt_properties()
        if kind == "seeds":
            properties["config"] = {"column_types": contract.dbt_column_types()}
        entries.append(properties)
    body = yaml.safe_dump({"version": 2, kind: entries}, sort_keys=False, allow_unicode=True, width=110)
    return HEADER + body


RULE_BOUNDS_MACRO = DBT_PROJECT_DIR / "macros" / "_generated__rule_bounds.sql"
# The bounds a model applies before the gate would (e.g. a catalogue estimate outside them is excluded
# with the reason, not published to fail DQ-PLAUSIBILITY), as they stand in rules.py.
RULE_BOUNDS = {
    "bev_consumption_kwh_per_100km": rules.BEV_CONSUMPTION_KWH_PER_100KM,
    "curb_mass_kg": rules.CURB_MASS_KG,
}


def render_rule_bounds() -> str:
    """A dbt macro ``rule_bound(name, 'low' | 'high')`` returning the bound as a SQL literal."""
    entries = ", ".join(f"'{name}': [{low!r}, {high!r}]" for name, (low, high) in RULE_BOUNDS.items())
    return (
        "{# GENERATED from warehouse/quality/rules.py by `python -m warehouse.contracts.dbt_properties`. Do not edit. #}\n"
        "{% macro rule_bound(name, end) -%}\n"
        f"    {{%- set bounds = {{{entries}}} -%}}\n"
        "    {{ bounds[name][0 if end == 'low' else 1] }}\n"
        "{%- endmacro %}\n"
    )


def expected_files() -> dict[Path, str]:
    files = {path: render(kind, layer) for path, (kind, layer) in GENERATED_FILES.items()}
    files[RULE_BOUNDS_MACRO] = render_rule_bounds()
    return files


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    check_only = "--check" in argv
    stale = []
    for path, text in expected_files().items():
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path)
        if not check_only:
            path.write_text(text)
    if check_only and stale:
        print("stale generated dbt properties: " + ", ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
