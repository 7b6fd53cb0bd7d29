"""The data-quality step: every check on the tables dbt builds, in one Dagster step after the dbt
build. The pandera contract of each seed, staging model and mart (contract_checks.py), the ledger's
DQ-PRICED (ledger_checks.py), then the standard's rules in Great Expectations (standard_rules.py). One step rather than one per family:
each Dagster step starts a process that loads the definitions and its libraries, which cost more
than the validation itself (BENCHMARKS.md, validation cost within a refresh).
"""

from dagster import AssetCheckExecutionContext, ResourceParam, multi_asset_check

from orchestration.checks.contract_checks import CONTRACT_CHECK_SPECS, run_contract_checks
from orchestration.checks.ledger_checks import PRICED_CHECK_SPECS, run_ledger_checks
from orchestration.checks.standard_rules import RULE_CHECK_SPECS, run_standard_rules
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, WarehouseResource


@multi_asset_check(
    specs=[*CONTRACT_CHECK_SPECS, *PRICED_CHECK_SPECS, *RULE_CHECK_SPECS],
    name="data_quality_checks",
    description="pandera contracts of every seed, staging model and mart; the footprint standard's data-quality rules (GX)",
    can_subset=True,
    pool=WAREHOUSE_POOL,
    op_tags=WAREHOUSE_TAGS,
)
def data_quality_checks(context: AssetCheckExecutionContext, warehouse: ResourceParam[WarehouseResource]):
    run_id = context.run.run_id
    yield from run_contract_checks(context, warehouse, run_id)
    yield from run_ledger_checks(context, warehouse, run_id)
    yield from run_standard_rules(context, warehouse, run_id)
