"""Blocking pandera contract checks on every table dbt builds: the parameter seeds, the staging
models and the marts, read back from DuckDB, one asset check per table (run in the data-quality
step, orchestration/checks/data_quality_checks.py). A failure names the table, column, rule and
offending values, and every outcome is written to ``data_quality_results``.

Raw tables are validated while they land (orchestration/assets/raw_landing.py), where breaking rows
are quarantined before anything is written.
"""

from dagster import AssetCheckExecutionContext, AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from orchestration.resources import WarehouseResource
from warehouse.contracts.registry import CONTRACTS
from warehouse.contracts.validation import CONTRACT_CHECK_NAME, CONTRACT_RULE_ID, ContractViolation, validate_frame
from warehouse.quality.results import CheckOutcome, json_safe, write_check_results
from warehouse.quality.rules import BLOCKING

# dbt layer of a contract -> (asset key prefix, DuckDB schema). Seeds are keyed raw/<seed>.
_LAYER_TARGETS = {"parameters": ("raw", "parameters"), "staging": ("staging", "staging"), "marts": ("marts", "marts")}

# contract name -> (asset key of the dbt node, DuckDB relation)
DBT_CONTRACT_TARGETS = {
    name: (AssetKey([_LAYER_TARGETS[contract.layer][0], name]), f"{_LAYER_TARGETS[contract.layer][1]}.{name}")
    for name, contract in CONTRACTS.items()
    if contract.layer in _LAYER_TARGETS
}


CONTRACT_CHECK_SPECS = [
    AssetCheckSpec(CONTRACT_CHECK_NAME, asset=asset_key, blocking=True,
                   description=f"{CONTRACT_RULE_ID}: pandera contract of {relation}: types, nullability, allowed "
                               "values, ranges, key")
    for asset_key, relation in DBT_CONTRACT_TARGETS.values()
]


def run_contract_checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource, run_id: str):
    """Validate every selected table against its contract; yields one check result per table."""
    selected = set(context.selected_asset_check_keys)
    targets = {name: target for name, target in DBT_CONTRACT_TARGETS.items()
               if AssetCheckKey(target[0], CONTRACT_CHECK_NAME) in selected}
    frames = warehouse.store.read_tables([relation for _, relation in targets.values()])
    outcomes = []
    for name, (asset_key, relation) in targets.items():
        contract = CONTRACTS[name]
        frame = frames[relation]
        try:
            validate_frame(contract, frame)
            violation = None
        except ContractViolation as error:
            violation = error
            context.log.error(str(violation))
        outcomes.append(CheckOutcome(
            CONTRACT_CHECK_NAME, CONTRACT_RULE_ID, asset_key.to_user_string(), BLOCKING,
            passed=violation is None, outcome="passed" if violation is None else "failed",
            observed=f"{len(frame)} rows" if violation is None else str(violation)[:2000],
            expected=f"{relation} holds its contract",
            failing_rows=0 if violation is None else sum(failure["count"] for failure in violation.failures)))
        if violation is None:
            yield AssetCheckResult(asset_key=asset_key, check_name=CONTRACT_CHECK_NAME, passed=True,
                                   metadata={"rows": len(frame), "columns": len(contract.columns)})
        else:
            yield AssetCheckResult(
                asset_key=asset_key, check_name=CONTRACT_CHECK_NAME, passed=False, severity=AssetCheckSeverity.ERROR,
                description=f"{CONTRACT_RULE_ID}: {violation}"[:2000],
                metadata={"rule_failures": MetadataValue.json(json_safe(violation.failures)), "rows": len(frame)},
            )
    write_check_results(warehouse.paths, run_id, "dbt_table_contracts", outcomes)

