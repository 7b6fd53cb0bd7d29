"""The standard's data-quality rules as Dagster asset checks, evaluated by Great Expectations 1.x.

Each rule is a GX suite over a frame read from the warehouse, and each suite's outcome is one asset
check on the mart it guards, declared blocking; all run in the data-quality step
(orchestration/checks/data_quality_checks.py), so GX is imported once (it takes seconds). An
expectation tagged ``meta={"level": "warning"}`` that fails makes its check a WARN (reported,
publication continues); any other failure makes it an ERROR, which stops publication. Every outcome is also written to ``data_quality_results`` (Parquet per run) and the
suites' results to the GX Data Docs published beside the Parquet.

Rule ids, requirements and default severities: warehouse/quality/rules.py. The values the rules
judge (DQR, cut-off share, years beyond validity, grid geography) are computed by dbt
(fct_footprint_data_quality, fct_footprint_input_quality, int_quality__reconciliation).
"""

from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import yaml
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
)

from orchestration.resources import WarehouseResource
from warehouse.contracts.validation import ROW_COLUMN
from warehouse.contracts.vocabularies import LIFE_CYCLE_STAGES, QUALITY_LEVELS
from warehouse.paths import DBT_PROJECT_DIR
from warehouse.quality.footprint_totals import core_boundary_sum
from warehouse.quality.results import CheckOutcome, json_safe, quarantine_frame, write_check_results, write_quarantine
from warehouse.quality.rules import (
    BEV_CONSUMPTION_KWH_PER_100KM,
    CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM,
    CURB_MASS_KG,
    GRID_INTENSITY_G_PER_KWH,
    WARNING,
    QualitySettings,
    rule,
)

FOOTPRINT = AssetKey(["marts", "fct_vehicle_footprint"])
DATA_QUALITY = AssetKey(["marts", "fct_footprint_data_quality"])
EXPORTS = AssetKey(["marts", "fct_export_exposure"])
ROW_LABEL = "row_label"
SUM_TOLERANCE_KG = 1e-6  # stages-sum-to-total identity: floating point only
MAX_LISTED_ROWS = 20


@dataclass(frozen=True)
class StandardRule:
    check_name: str
    rule_id: str
    asset: AssetKey
    # The table whose rows the rule's frame holds (named in quarantine records).
    rows_from: str

    @property
    def description(self) -> str:
        return rule(self.rule_id).requirement


STANDARD_RULES = (
    StandardRule("stage_completeness", "DQ-STAGES", FOOTPRINT, "fct_vehicle_footprint"),
    StandardRule("physical_plausibility", "DQ-PLAUSIBILITY", FOOTPRINT, "fct_vehicle_footprint"),
    StandardRule("cut_off", "DQ-CUTOFF", DATA_QUALITY, "fct_footprint_data_quality"),
    StandardRule("temporal_representativeness", "DQ-TEMPORAL", DATA_QUALITY, "fct_footprint_data_quality"),
    StandardRule("geographical_representativeness", "DQ-GEOGRAPHY", DATA_QUALITY, "fct_footprint_data_quality"),
    StandardRule("data_quality_rating", "DQ-DQR", DATA_QUALITY, "fct_footprint_data_quality"),
    # Guards the published export exposure, built from the Comtrade data the rule reconciles.
    StandardRule("reconciliation", "DQ-RECONCILIATION", EXPORTS, "int_quality__reconciliation"),
)

# Frames the suites validate: one query each, labelled rows so failures name them.
FOOTPRINT_QUERY = """
select footprint.*, vehicle.curb_mass_kg, vehicle.battery_kwh, vehicle.battery_chemistry,
       vehicle.electricity_kwh_per_100km as declared_electricity_kwh_per_100km,
       ranges.min_kg_co2e_per_kwh, ranges.max_kg_co2e_per_kwh,
       footprint.model_id || ' / ' || footprint.market_code || ' / ' || footprint.registration_year as row_label
from marts.fct_vehicle_footprint as footprint
join marts.dim_vehicle_model as vehicle using (model_id)
left join staging.stg_parameters__battery_factor_ranges as ranges using (battery_chemistry)
"""
DATA_QUALITY_QUERY = """
select *, model_id || ' / ' || market_code || ' / ' || registration_year as row_label
from marts.fct_footprint_data_quality
"""
RECONCILIATION_QUERY = """
select *, reference_id as row_label, abs(relative_difference) / tolerance_share as difference_over_tolerance
from intermediate.int_quality__reconciliation
"""


def registration_years() -> list[int]:
    """The registration years dbt builds footprints for (dbt var registration_years)."""
    project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())
    return list(project["vars"]["registration_years"])


def _warning(expectation):
    expectation.meta = {**(expectation.meta or {}), "level": WARNING}
    return expectation


def stage_expectations(expected_rows: int):
    import great_expectations.expectations as gxe

    expectations = [
        gxe.ExpectTableRowCountToEqual(value=expected_rows),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["model_id", "market_code", "registration_year"]),
        gxe.ExpectColumnValuesToBeBetween(column="stage_sum_residual_kg", min_value=-SUM_TOLERANCE_KG, max_value=SUM_TOLERANCE_KG),
        gxe.ExpectColumnValuesToBeBetween(column="fuel_use_kg_co2e", min_value=0, max_value=0,
                                          row_condition='powertrain=="BEV"', condition_parser="pandas"),
        gxe.ExpectColumnValuesToBeBetween(column="fuel_use_kg_co2e", min_value=0, strict_min=True,
                                          row_condition='powertrain!="BEV"', condition_parser="pandas"),
    ]
    for stage in LIFE_CYCLE_STAGES:
        expectations.append(gxe.ExpectColumnValuesToNotBeNull(column=f"{stage}_kg_co2e"))
    # Never silently zero: every car has materials, assembly and an energy supply (fuel use: above).
    for stage in ("raw_materials", "production", "fuel_production"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=f"{stage}_kg_co2e", min_value=0, strict_min=True))
    # A plug-in car is charged: a PHEV or BEV drawing no electricity lost its consumption on the way in.
    expectations.append(gxe.ExpectColumnValuesToBeBetween(
        column="real_world_electricity_kwh_per_100km", min_value=0, strict_min=True,
        row_condition='powertrain=="PHEV" or powertrain=="BEV"', condition_parser="pandas"))
    for column in ("battery_raw_materials_kg_co2e", "battery_production_kg_co2e"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, strict_min=True,
                                                              row_condition='powertrain!="ICEV"', condition_parser="pandas"))
    return expectations


def plausibility_expectations():
    import great_expectations.expectations as gxe

    expectations = []
    for fuel, (low, high) in CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM.items():
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column="ttw_carbon_balance", min_value=low, max_value=high,
            row_condition=f'fuel=="{fuel}" and real_world_fuel_l_per_100km>0', condition_parser="pandas"))
    low, high = BEV_CONSUMPTION_KWH_PER_100KM
    for column in ("declared_electricity_kwh_per_100km", "real_world_electricity_kwh_per_100km"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=low, max_value=high, row_condition='powertrain=="BEV"', condition_parser="pandas"))
    expectations.append(gxe.ExpectColumnValuesToBeBetween(column="curb_mass_kg", min_value=CURB_MASS_KG[0], max_value=CURB_MASS_KG[1]))
    low, high = GRID_INTENSITY_G_PER_KWH
    for column in ("market_grid_service_life_g_per_kwh", "production_grid_intensity_g_per_kwh", "battery_grid_intensity_g_per_kwh"):
        expectations.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high, mostly=1.0))
    # Position of the battery's kg CO2e/kWh inside its chemistry's cited range: 0 = minimum, 1 = maximum.
    expectations.append(gxe.ExpectColumnValuesToBeBetween(
        column="battery_range_position", min_value=0, max_value=1, row_condition="battery_kwh>0", condition_parser="pandas"))
    return expectations


def data_quality_expectations(settings: QualitySettings, current_year: int):
    import great_expectations.expectations as gxe

    cut_off = [
        gxe.ExpectColumnValuesToBeBetween(column="cut_off_share", min_value=0, max_value=settings.cut_off_limit_share),
        # A row that leaves anything out says what.
        gxe.ExpectColumnValuesToNotBeNull(column="cut_off_stages", row_condition="cut_off_share>0", condition_parser="pandas"),
    ]
    if settings.severity_of("DQ-CUTOFF") == WARNING:
        cut_off[0] = _warning(cut_off[0])
    temporal = [
        gxe.ExpectColumnValuesToBeBetween(column="max_years_beyond_validity",
                                          max_value=settings.temporal_fail_years_beyond_validity),
        _warning(gxe.ExpectColumnValuesToBeBetween(column="max_years_beyond_validity",
                                                   max_value=settings.temporal_warn_years_beyond_validity)),
        # PACT validity: a footprint past its window is flagged, not withdrawn.
        _warning(gxe.ExpectColumnValuesToBeBetween(column="valid_until_year", min_value=current_year)),
    ]
    # A market without any grid value is a missing input (DQ-STAGES), not a geography question.
    geography = [
        gxe.ExpectColumnValuesToBeInSet(column="market_grid_geography_status", value_set=["own", "declared proxy"],
                                        row_condition='market_grid_geography_status!="missing"', condition_parser="pandas"),
    ]
    dqr_limit = gxe.ExpectColumnValuesToBeBetween(column="dqr", min_value=1, max_value=settings.dqr_threshold)
    # A footprint without a total (a missing stage, DQ-STAGES) cannot be rated.
    rated = {"row_condition": "total_kg_co2e==total_kg_co2e", "condition_parser": "pandas"}
    rating = [
        gxe.ExpectColumnValuesToNotBeNull(column="dqr", **rated),
        gxe.ExpectColumnValuesToBeInSet(column="quality_level", value_set=list(QUALITY_LEVELS)),
        gxe.ExpectColumnValuesToNotBeNull(column="quality_level", **rated),
        gxe.ExpectColumnValuesToBeBetween(column="primary_data_share", min_value=0, max_value=1 + 1e-9),
        _warning(dqr_limit) if settings.severity_of("DQ-DQR") == WARNING else dqr_limit,
    ]
    return {"DQ-CUTOFF": cut_off, "DQ-TEMPORAL": temporal, "DQ-GEOGRAPHY": geography, "DQ-DQR": rating}


def reconciliation_expectations():
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(column="difference_over_tolerance", max_value=1,
                                          row_condition='severity=="blocking" and comparison_status=="compared"',
                                          condition_parser="pandas"),
        _warning(gxe.ExpectColumnValuesToBeBetween(column="difference_over_tolerance", max_value=1,
                                                   row_condition='severity=="warning" and comparison_status=="compared"',
                                                   condition_parser="pandas")),
        # A blocking reference that could not be compared (year not loaded) is reported, not failed.
        _warning(gxe.ExpectColumnValuesToBeInSet(column="comparison_status", value_set=["compared"],
                                                 row_condition='severity=="blocking"', condition_parser="pandas")),
    ]


def build_batches(store, settings: QualitySettings, current_year: int) -> dict:
    """rule id -> (frame, expectations)."""
    footprint = store.query_frame(FOOTPRINT_QUERY)
    footprint["stage_sum_residual_kg"] = footprint["total_kg_co2e"] - core_boundary_sum(footprint)
    fuel_litres = footprint["real_world_fuel_l_per_100km"].where(footprint["real_world_fuel_l_per_100km"] > 0)
    footprint["ttw_carbon_balance"] = footprint["fuel_use_g_co2e_per_km"] / fuel_litres
    per_kwh = (footprint["battery_raw_materials_kg_co2e"] + footprint["battery_production_kg_co2e"]) / footprint["battery_kwh"].where(footprint["battery_kwh"] > 0)
    footprint["battery_range_position"] = (per_kwh - footprint["min_kg_co2e_per_kwh"]) / (
        footprint["max_kg_co2e_per_kwh"] - footprint["min_kg_co2e_per_kwh"])
    expected_rows = store.query_value("select count(*) from marts.dim_vehicle_model") * store.query_value(
        "select count(*) from marts.dim_market") * len(registration_years())
    quality = store.query_frame(DATA_QUALITY_QUERY)
    batches = {
        "DQ-STAGES": (footprint, stage_expectations(expected_rows)),
        "DQ-PLAUSIBILITY": (footprint, plausibility_expectations()),
    }
    for rule_id, expectations in data_quality_expectations(settings, current_year).items():
        batches[rule_id] = (quality, expectations)
    batches["DQ-RECONCILIATION"] = (store.query_frame(RECONCILIATION_QUERY), reconciliation_expectations())
    return batches


def judge(suite_run) -> tuple[AssetCheckSeverity | None, list[dict], set[str]]:
    """(None if passed, else WARN or ERROR; the failed expectations with the rows they name; the labels
    of the rows failing an error-level expectation)."""
    failures, levels, blocked_rows = [], set(), set()
    failed_items = [item for item in suite_run.result.results if not item.success]
    for entry, item in zip(suite_run.failed_expectations(), failed_items):
        level = (item.expectation_config.meta or {}).get("level", "error")
        levels.add(level)
        rows = [str(index.get(ROW_LABEL)) for index in (item.result or {}).get("unexpected_index_list") or []
                if isinstance(index, dict)]
        if level == "error":
            blocked_rows.update(rows)
        failures.append({**entry, "level": level, "rows": rows[:MAX_LISTED_ROWS], "all_rows": rows})
    if not failures:
        return None, [], set()
    return (AssetCheckSeverity.ERROR if "error" in levels else AssetCheckSeverity.WARN), failures, blocked_rows


def quarantine_records(standard_rule: StandardRule, table: str, frame, failures: list[dict], run_id: str):
    """The rows failing an error-level expectation of the rule, one record per row and expectation:
    withheld from publication with the rule and reason, as the raw landing quarantines source rows."""
    labels = frame[ROW_LABEL].astype(str)
    reasons = []
    for failure in failures:
        if failure["level"] != "error":
            continue
        column = failure["column"] if isinstance(failure["column"], str) else ROW_COLUMN
        text = describe(standard_rule, [failure])
        for index in frame.index[labels.isin(failure["all_rows"])]:
            value = frame.at[index, column] if column in frame.columns else None
            reasons.append((index, standard_rule.rule_id, column, text, value))
    return quarantine_frame(table, run_id, frame.drop(columns=[ROW_LABEL]),
                            pd.DataFrame(reasons, columns=["index", "rule_id", "column_name", "reason", "failing_value"]))


def describe(standard_rule: StandardRule, failures: list[dict]) -> str:
    parts = []
    for failure in failures:
        kwargs = {k: v for k, v in failure["kwargs"].items() if k in ("min_value", "max_value", "value", "value_set", "row_condition")}
        observed = failure["observed"]
        count = observed.get("unexpected_count")
        found = f"{count} row(s)" if count is not None else f"observed {observed.get('observed_value')}"
        rows = f" e.g. {', '.join(failure['rows'][:3])}" if failure["rows"] else ""
        parts.append(f"[{failure['level']}] {failure['column']} {kwargs}: {found}{rows}")
    return f"{standard_rule.rule_id} ({rule(standard_rule.rule_id).title}) not met: " + "; ".join(parts)


RULE_CHECK_SPECS = [
    AssetCheckSpec(r.check_name, asset=r.asset, blocking=True, description=f"{r.rule_id}: {r.description}")
    for r in STANDARD_RULES
]


def run_standard_rules(context: AssetCheckExecutionContext, warehouse: WarehouseResource, run_id: str):
    """Evaluate every selected rule with GX; yields one check result per rule."""
    from warehouse.quality.gx_docs import validate_frames

    settings = QualitySettings.from_env()
    now = datetime.now(timezone.utc)
    selected = set(context.selected_asset_check_keys)
    rules = [r for r in STANDARD_RULES if AssetCheckKey(r.asset, r.check_name) in selected]
    if not rules:
        return
    batches = {rule_id: batch for rule_id, batch in build_batches(warehouse.store, settings, now.year).items()
               if rule_id in {r.rule_id for r in rules}}
    paths = warehouse.paths
    gx_run = validate_frames(batches, project_dir=paths.gx_project_dir, docs_dir=paths.data_docs_dir, run_name=run_id,
                             row_label_column=ROW_LABEL)
    docs = str(gx_run.docs_index) if gx_run.docs_index else None
    outcomes = []
    for standard_rule in rules:
        frame, expectations = batches[standard_rule.rule_id]
        severity, failures, blocked_rows = judge(gx_run.suites[standard_rule.rule_id])
        failing_rows = len({row for failure in failures for row in failure["all_rows"]})
        quarantined = 0
        if blocked_rows:
            records = quarantine_records(standard_rule, standard_rule.rows_from, frame, failures, run_id)
            write_quarantine(paths, warehouse.store, run_id, standard_rule.check_name, records)
            quarantined = len(blocked_rows)
        for failure in failures:
            failure.pop("all_rows")
        declared = settings.severity_of(standard_rule.rule_id)
        description = describe(standard_rule, failures) if failures else None
        if severity is AssetCheckSeverity.ERROR:
            context.log.error(description)
        elif severity is AssetCheckSeverity.WARN:
            context.log.warning(description)
        outcomes.append(CheckOutcome(
            check_name=standard_rule.check_name, rule_id=standard_rule.rule_id, asset=standard_rule.asset.to_user_string(),
            severity=declared,
            passed=severity is None,
            outcome="passed" if severity is None else ("failed" if severity is AssetCheckSeverity.ERROR else "warning"),
            observed=description or f"{len(frame)} rows, {len(expectations)} expectations met",
            expected=standard_rule.description, failing_rows=failing_rows, data_docs=docs))
        metadata = {
            "rule_id": standard_rule.rule_id,
            "declared_severity": declared,
            "rows_evaluated": len(frame),
            "expectations": len(expectations),
            "failed_expectations": MetadataValue.json(json_safe(failures)),
            "failing_rows": failing_rows,
            "quarantined_rows": quarantined,
        }
        if docs:
            metadata["data_docs"] = MetadataValue.path(docs)
        yield AssetCheckResult(
            asset_key=standard_rule.asset, check_name=standard_rule.check_name,
            passed=severity is None,
            severity=severity or AssetCheckSeverity.ERROR,
            description=description,
            metadata=metadata,
        )
    write_check_results(paths, run_id, "standard_data_quality_rules", outcomes)
