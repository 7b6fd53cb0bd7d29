"""The ledger's own rule, DQ-PRICED: every component of every footprint whose activity is not zero
was priced (its factor and parameters found). The method leaves such a component's kg CO2e NULL
rather than zero; this blocking check names each one (footprint, component, factor id) so a missing
factor stops the publication with a message saying what to add. Run in the data-quality step."""

from dagster import AssetCheckExecutionContext, AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from orchestration.resources import WarehouseResource
from warehouse.quality.results import CheckOutcome, json_safe, write_check_results
from warehouse.quality.rules import BLOCKING, rule

LEDGER_ASSET = AssetKey(["marts", "fct_footprint_component"])
PRICED_CHECK_NAME = "priced_components"
PRICED = rule("DQ-PRICED")
MAX_NAMED = 20

PRICED_CHECK_SPECS = [AssetCheckSpec(PRICED_CHECK_NAME, asset=LEDGER_ASSET, blocking=True,
                                     description=f"{PRICED.rule_id}: {PRICED.requirement}")]

UNPRICED_SQL = """
select model_id, market_code, registration_year, stage, component, activity_amount, activity_unit, factor_id,
       factor_value, parameter_ids
from marts.fct_footprint_component
where activity_amount is null or (activity_amount <> 0 and kg_co2e is null)
order by model_id, market_code, registration_year, component
"""


def find_unpriced(connection) -> list[dict]:
    """The ledger rows DQ-PRICED refuses, in a stable order, from a DuckDB connection to the warehouse."""
    return connection.sql(UNPRICED_SQL).df().to_dict("records")


def describe(row: dict) -> str:
    where = f"{row['model_id']} / {row['market_code']} / {row['registration_year']}"
    if row["activity_amount"] is None or row["activity_amount"] != row["activity_amount"]:
        return f"{where}: {row['component']} has no activity amount (a parameter of {row['parameter_ids']} is missing)"
    missing = f"factor {row['factor_id']} has no value" if row["factor_id"] else "no factor was found"
    return f"{where}: {row['component']} ({row['activity_amount']:.6g} {row['activity_unit']}): {missing}"


def summarise(unpriced: list[dict]) -> list[str]:
    """One line per footprint and kind of component (charging_electricity:2031..2039 is one kind), so a
    grid missing for a market reads as one line per car, not one per year of its life."""
    groups: dict[tuple, list[dict]] = {}
    for row in unpriced:
        kind = row["component"].split(":", 1)[0] if row["component"].startswith("charging_electricity:") else row["component"]
        groups.setdefault((row["model_id"], row["market_code"], row["registration_year"], kind), []).append(row)
    lines = []
    for (_, _, _, kind), rows in groups.items():
        if len(rows) == 1:
            lines.append(describe(rows[0]))
            continue
        first, last = rows[0]["component"].split(":", 1)[-1], rows[-1]["component"].split(":", 1)[-1]
        lines.append(describe({**rows[0], "component": f"{kind}:{first}..{last} ({len(rows)} components)"}))
    return lines


def run_ledger_checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource, run_id: str):
    if AssetCheckKey(LEDGER_ASSET, PRICED_CHECK_NAME) not in set(context.selected_asset_check_keys):
        return
    with warehouse.store.connect(read_only=True) as connection:
        unpriced = find_unpriced(connection)
    passed = not unpriced
    lines = summarise(unpriced)
    observed = "every component priced" if passed else (
        f"{len(unpriced)} component(s) could not be priced: " + "; ".join(lines[:MAX_NAMED])
        + (f"; and {len(lines) - MAX_NAMED} more" if len(lines) > MAX_NAMED else ""))
    if not passed:
        context.log.error(f"{PRICED.rule_id}: {observed}")
    write_check_results(warehouse.paths, run_id, "ledger", [CheckOutcome(
        PRICED_CHECK_NAME, PRICED.rule_id, LEDGER_ASSET.to_user_string(), BLOCKING, passed=passed,
        outcome="passed" if passed else "failed", observed=observed[:2000],
        expected="every component with a non-zero activity has its factor", failing_rows=len(unpriced))])
    yield AssetCheckResult(
        asset_key=LEDGER_ASSET, check_name=PRICED_CHECK_NAME, passed=passed,
        severity=AssetCheckSeverity.ERROR,
        description=None if passed else f"{PRICED.rule_id}: {observed}"[:2000],
        metadata={"unpriced_components": len(unpriced),
                  **({} if passed else {"unpriced": MetadataValue.json(json_safe(unpriced[:MAX_NAMED]))})},
    )
