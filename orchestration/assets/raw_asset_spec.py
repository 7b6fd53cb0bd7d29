"""The decorator arguments every raw asset shares: key ``raw/<table>``, group, kinds, the blocking
contract check, the warehouse pool, cadence tag, provenance metadata and, for partitioned sources,
a single-run backfill policy (a range of partitions is fetched in one run, one warehouse write)."""

import warnings

from dagster import AssetCheckSpec, AssetKey, BackfillPolicy, PartitionsDefinition

from orchestration.freshness import FRESHNESS_WINDOWS, freshness_policy
from orchestration.assets.raw_landing import RAW_SCHEMA
from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS
from warehouse.contracts.schema import TableContract
from warehouse.contracts.validation import CONTRACT_CHECK_NAME

# Single-run backfills are what these sources need; the parameter's beta status is noted here once
# instead of warning at every import.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", module="dagster")

CADENCES = tuple(FRESHNESS_WINDOWS)
CADENCE_TAG = "greenbridge/cadence"


def raw_asset_key(contract: TableContract) -> AssetKey:
    return AssetKey([RAW_SCHEMA, contract.name])


def raw_asset_kwargs(
    contract: TableContract,
    licence: str,
    live_url: str,
    cadence: str,
    partitions_def: PartitionsDefinition | None = None,
    extra_metadata: dict | None = None,
) -> dict:
    if cadence not in CADENCES:
        raise ValueError(f"{contract.name}: cadence {cadence!r} is not one of {CADENCES}")
    key = raw_asset_key(contract)
    return {
        "key": key,
        "group_name": "raw",
        "kinds": {"python", "duckdb"},
        "description": contract.description,
        "check_specs": [AssetCheckSpec(CONTRACT_CHECK_NAME, asset=key, blocking=True,
                                       description=f"pandera contract of raw.{contract.name}: types, units, ranges, key")],
        "pool": WAREHOUSE_POOL,
        "op_tags": WAREHOUSE_TAGS,
        "tags": {CADENCE_TAG: cadence},
        "metadata": {"licence": licence, "live_url": live_url, "cadence": cadence, **(extra_metadata or {})},
        "freshness_policy": freshness_policy(cadence),
        "partitions_def": partitions_def,
        "backfill_policy": BackfillPolicy.single_run() if partitions_def is not None else None,
    }
