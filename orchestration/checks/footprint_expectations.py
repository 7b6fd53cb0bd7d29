"""Great Expectations suite on marts.fct_vehicle_footprint, run as a blocking Dagster asset check.

GX is imported lazily (it takes seconds to import) and validates a DataFrame pulled from DuckDB:
GX's SQL datasource does not work against DuckDB. Column types are left to the pandera contract.
"""

from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetKey, MetadataValue, asset_check

from orchestration.resources import WAREHOUSE_POOL, WAREHOUSE_TAGS, WarehouseResource
from warehouse.contracts.marts import LIFE_CYCLE_STAGES as STAGES
from warehouse.contracts.marts import core_boundary_sum
from warehouse.contracts.tables import MARKET_CODES

FOOTPRINT_KEY = AssetKey(["marts", "fct_vehicle_footprint"])
# Tolerance for the stages-sum-to-total identity, in kg CO2e per vehicle (floating point only).
SUM_TOLERANCE_KG = 1e-6


def build_expectations():
    import great_expectations.expectations as gxe

    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["model_id", "market_code", "registration_year"]),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="market_code", value_set=list(MARKET_CODES)),
        gxe.ExpectColumnValuesToBeBetween(column="stage_sum_residual_kg", min_value=-SUM_TOLERANCE_KG, max_value=SUM_TOLERANCE_KG),
        gxe.ExpectColumnValuesToBeBetween(column="fuel_use_kg_co2e", min_value=0, max_value=0,
                                          row_condition='powertrain=="BEV"', condition_parser="pandas"),
        gxe.ExpectColumnValuesToBeBetween(column="fuel_use_kg_co2e", min_value=0, strict_min=True,
                                          row_condition='powertrain!="BEV"', condition_parser="pandas"),
        gxe.ExpectColumnValuesToBeBetween(column="total_g_co2e_per_km", min_value=20, max_value=1000),
    ]
    for stage in STAGES:
        expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=f"{stage}_kg_co2e"))
        expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=f"{stage}_g_co2e_per_km"))
    for stage in ("raw_materials", "production", "fuel_production"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=f"{stage}_kg_co2e", min_value=0, strict_min=True))
    return expectations


def run_suite(frame):
    """Validate ``frame`` with the footprint suite; returns the GX validation result."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    frame = frame.copy()
    frame["stage_sum_residual_kg"] = frame["total_kg_co2e"] - core_boundary_sum(frame)
    context = gx.get_context(mode="ephemeral")
    # Progress bars would interleave with the CLI's progress lines.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("fct_vehicle_footprint")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(gx.ExpectationSuite(name="fct_vehicle_footprint", expectations=build_expectations()))
    validation = context.validation_definitions.add(gx.ValidationDefinition(name="fct_vehicle_footprint", data=batch, suite=suite))
    return validation.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")


def summarise(result) -> list[dict]:
    failed = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        failed.append({
            "expectation": config.type,
            "column": config.kwargs.get("column") or config.kwargs.get("column_list"),
            "kwargs": {k: v for k, v in config.kwargs.items() if k not in ("column", "batch_id")},
            "observed": {k: item.result.get(k) for k in ("observed_value", "unexpected_count", "partial_unexpected_list") if k in item.result},
        })
    return failed


@asset_check(
    asset=FOOTPRINT_KEY,
    name="gx_footprint_suite",
    blocking=True,
    description="Great Expectations suite: every market present, unique keys, stages non-null and sum to total, BEV fuel use zero, plausible g/km",
    pool=WAREHOUSE_POOL,
    op_tags=WAREHOUSE_TAGS,
)
def gx_footprint_suite(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
    frame = warehouse.store.read_table("marts.fct_vehicle_footprint")
    result = run_suite(frame)
    failed = summarise(result)
    for failure in failed:
        context.log.error(f"GX expectation failed on fct_vehicle_footprint: {failure}")
    return AssetCheckResult(
        passed=bool(result.success),
        metadata={
            "evaluated_expectations": len(result.results),
            "failed_expectations": MetadataValue.json(failed),
            "rows": len(frame),
        },
    )
