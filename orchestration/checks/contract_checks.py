"""Blocking pandera contract checks on every table dbt builds: the parameter seeds, the staging
models and the marts, read back from DuckDB, one asset check per table (run in the data-quality
step, orchestration/checks/data_quality_checks.py). A failure names the table, column, rule and
offending values, and every outcome is written to ``data_quality_results``.

Raw tables are validated while they land (orchestration/assets/raw_landing.py), where breaking rows
are quarantined before anything is written.
"""

from dagster import AssetCheckExecutionContext, AssetCheckKey, AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

from orchestration.resources import WarehouseResource
from warehouse.contracts import ContractViolation, validate_frame
from warehouse.contracts.tables import CONTRACTS
from warehouse.contracts.validation import CONTRACT_RULE_ID
from warehouse.quality.results import CheckOutcome, write_check_results
from warehouse.quality.rules import BLOCKING

CONTRACT_CHECK_NAME = "contract"
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
        except ContractViolation as violation:
            context.log.error(str(violation))
            failing = sum(failure["count"] for failure in violation.failures)
            outcomes.append(CheckOutcome(CONTRACT_CHECK_NAME, CONTRACT_RULE_ID, asset_key.to_user_string(), BLOCKING,
                                         False, "failed", str(violation)[:2000], f"{relation} holds its contract", failing))
            yield AssetCheckResult(
                asset_key=asset_key, check_name=CONTRACT_CHECK_NAME,
                passed=False,
                severity=AssetCheckSeverity.ERROR,
                description=f"{CONTRACT_RULE_ID}: {violation}"[:2000],
                metadata={"rule_failures": MetadataValue.json(_json_safe(violation.failures)), "rows": len(frame)},
            )
            continue
        outcomes.append(CheckOutcome(CONTRACT_CHECK_NAME, CONTRACT_RULE_ID, asset_key.to_user_string(), BLOCKING,
                                     True, "passed", f"{len(frame)} rows", f"{relation} holds its contract", 0))
        yield AssetCheckResult(asset_key=asset_key, check_name=CONTRACT_CHECK_NAME, passed=True,
                               metadata={"rows": len(frame), "columns": len(contract.columns)})
    write_check_results(warehouse.paths, run_id, "dbt_table_contracts", outcomes)


def _json_safe(value):
    import json

    return json.loads(json.dumps(value, default=str))
