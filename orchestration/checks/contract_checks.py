"""Blocking pandera contract checks on tables dbt builds (seeds and marts), read back from DuckDB.

A failure names the table, column, rule and offending values in the check's metadata.
"""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetChecksDefinition, AssetKey, MetadataValue, asset_check

from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, WarehouseResource
from warehouse.contracts import ContractViolation, validate_frame
from warehouse.contracts.tables import CONTRACTS

# contract name -> (asset key of the dbt node, DuckDB relation)
DBT_CONTRACT_TARGETS = {
    name: (AssetKey(["raw", name]), f"parameters.{name}")
    for name, contract in CONTRACTS.items()
    if contract.layer == "parameters"
} | {
    name: (AssetKey(["marts", name]), f"marts.{name}")
    for name, contract in CONTRACTS.items()
    if contract.layer == "marts"
}


def build_contract_check(contract_name: str) -> AssetChecksDefinition:
    asset_key, relation = DBT_CONTRACT_TARGETS[contract_name]
    contract = CONTRACTS[contract_name]

    @asset_check(
        asset=asset_key,
        name="contract",
        blocking=True,
        description=f"pandera contract of {contract_name}: types, nullability, allowed values, ranges, key",
        pool=WAREHOUSE_POOL,
        op_tags=WAREHOUSE_TAGS,
    )
    def _contract_check(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        frame = warehouse.store.read_table(relation)
        try:
            validate_frame(contract, frame)
        except ContractViolation as violation:
            context.log.error(str(violation))
            return AssetCheckResult(
                passed=False,
                description=str(violation)[:1000],
                metadata={"rule_failures": MetadataValue.json(violation.failures), "rows": len(frame)},
            )
        return AssetCheckResult(passed=True, metadata={"rows": len(frame), "columns": len(contract.columns)})

    return _contract_check


CONTRACT_CHECKS = [build_contract_check(name) for name in DBT_CONTRACT_TARGETS]
