"""Contracts of the data-quality tables: the seeds the standard's rules read (input quality scores,
battery factor ranges, reconciliation references, declared grid proxies), their staging models, the
per-footprint data quality marts, and the two tables every run writes for auditors: the check
results (published as Parquet per run) and the quarantine of rows that broke a row-level rule."""

from __future__ import annotations

from warehouse.contracts.marts import METHODOLOGY_VERSION
from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.vocabularies import (
    CHEMISTRIES,
    CONFIDENCE_TAGS,
    LIFE_CYCLE_STAGES,
    MARKET_CODES,
    POWERTRAINS,
    QUALITY_LEVELS,
)

CONFIDENCE = Column("confidence", "string", "V read in the source; V2 second-hand; D derived; R estimated",
                    allowed_values=CONFIDENCE_TAGS)
SEVERITIES = ("blocking", "warning")
INPUT_IDS = ("glider_materials", "battery_materials", "vehicle_assembly", "battery_manufacturing",
             "electricity_supply", "fuel_supply", "fuel_combustion", "maintenance", "end_of_life")
PEF_SCORE = {"min_value": 1, "max_value": 5}

_INPUT_QUALITY_SCORE_COLUMNS = (
    Column("input_id", "string", "Input of the footprint: the component of a stage one dataset prices",
           allowed_values=INPUT_IDS),
    Column("stage", "string", "Life-cycle stage the input belongs to", allowed_values=LIFE_CYCLE_STAGES),
    Column("in_core_boundary", "bool", "The stage is inside the core boundary (seed life_cycle_stages)"),
    Column("description", "string", "What the input covers"),
    Column("technological_representativeness", "int64", "PEF TeR of the input's dataset", unit="score 1-5", **PEF_SCORE),
    Column("time_validity_years", "int64", "Years after its reference year the dataset stays representative",
           unit="years", min_value=1, max_value=50),
    Column("rationale", "string", "Why the TeR and the validity are what they are"),
    Column("source", "string", "Scoring scheme the values follow"),
    Column("reference_year", "int64", "Year of the scoring scheme", unit="year", min_value=1990, max_value=2100),
    CONFIDENCE,
)
_BATTERY_RANGE_COLUMNS = (
    Column("battery_chemistry", "string", "Traction battery cell chemistry", allowed_values=CHEMISTRIES),
    Column("min_kg_co2e_per_kwh", "float64", "Lowest cradle-to-gate pack footprint found in the cited review",
           unit="kg CO2e/kWh", min_value=0),
    Column("max_kg_co2e_per_kwh", "float64", "Highest cradle-to-gate pack footprint found in the cited review",
           unit="kg CO2e/kWh", min_value=0),
    Column("unit", "string", "Unit of the bounds", allowed_values=("kg CO2e/kWh",)),
    Column("source", "string", "Publication the range comes from"),
    Column("source_url", "string", "URL of the source", nullable=True),
    Column("reference_year", "int64", "Year of the publication", unit="year", min_value=1990, max_value=2100),
    CONFIDENCE,
    Column("notes", "string", "How the range is applied", nullable=True),
)
_RECONCILIATION_COLUMNS = (
    Column("reference_id", "string", "Stable id of the reference figure", pattern=r"^[a-z0-9_]+$"),
    Column("metric", "string", "What is compared: china_car_exports_units (Comtrade HS 8703, China to the world); "
           "gdp_current_usd (World Bank); idn_car_wholesales_units (GAIKINDO model wholesales, every category); "
           "idn_passenger_car_sales_units (carsales Indonesia, passenger cars)",
           allowed_values=("china_car_exports_units", "gdp_current_usd", "idn_car_wholesales_units",
                           "idn_passenger_car_sales_units")),
    Column("area_code", "string", "Area (ISO3, or WLD for the world)", pattern=r"^[A-Z]{3}$"),
    Column("year", "int64", "Year of the figure", unit="year", min_value=1990, max_value=2100),
    Column("reference_value", "float64", "The independent reference figure, in `unit`", min_value=0),
    Column("unit", "string", "Unit of the figure", allowed_values=("vehicles", "USD")),
    Column("tolerance_share", "float64", "Largest accepted |loaded - reference| / reference", unit="fraction",
           min_value=0, max_value=1),
    Column("severity", "string", "blocking: a disagreement stops publication; warning: it is reported",
           allowed_values=SEVERITIES),
    Column("source", "string", "Where the reference figure is published"),
    CONFIDENCE,
    Column("notes", "string", "Why the tolerance is what it is", nullable=True),
)
_GRID_PROXY_COLUMNS = (
    Column("market_code", "string", "Market whose grid intensity is taken from another geography",
           allowed_values=MARKET_CODES),
    Column("proxy_geography", "string", "Geography whose grid intensity stands in (ISO3 or region)"),
    Column("reason", "string", "Why the market's own grid value cannot be used"),
    Column("source", "string", "Source of the proxy choice"),
    CONFIDENCE,
)

INPUT_QUALITY_SCORES = TableContract(
    name="input_quality_scores", layer="parameters",
    description="Per footprint input: PEF technological representativeness and time validity of its dataset.",
    columns=_INPUT_QUALITY_SCORE_COLUMNS, primary_key=("input_id",))
BATTERY_FACTOR_RANGES = TableContract(
    name="battery_factor_ranges", layer="parameters",
    description="Cited range of a traction battery's cradle-to-gate footprint per kWh, per chemistry (plausibility rule).",
    columns=_BATTERY_RANGE_COLUMNS, primary_key=("battery_chemistry",))
RECONCILIATION_REFERENCES = TableContract(
    name="reconciliation_references", layer="parameters",
    description="Independent reference figures loaded source data must agree with, with tolerance and severity.",
    columns=_RECONCILIATION_COLUMNS, primary_key=("reference_id",))
GRID_PROXIES = TableContract(
    name="grid_proxies", layer="parameters",
    description="Markets whose grid intensity is knowingly taken from another geography, with the proxy named.",
    columns=_GRID_PROXY_COLUMNS, primary_key=("market_code",))

STG_INPUT_QUALITY_SCORES = TableContract(
    name="stg_parameters__input_quality_scores", layer="staging",
    description=INPUT_QUALITY_SCORES.description, columns=_INPUT_QUALITY_SCORE_COLUMNS, primary_key=("input_id",))
STG_BATTERY_FACTOR_RANGES = TableContract(
    name="stg_parameters__battery_factor_ranges", layer="staging",
    description=BATTERY_FACTOR_RANGES.description, columns=_BATTERY_RANGE_COLUMNS, primary_key=("battery_chemistry",))
STG_RECONCILIATION_REFERENCES = TableContract(
    name="stg_parameters__reconciliation_references", layer="staging",
    description=RECONCILIATION_REFERENCES.description, columns=_RECONCILIATION_COLUMNS, primary_key=("reference_id",))
STG_GRID_PROXIES = TableContract(
    name="stg_parameters__grid_proxies", layer="staging",
    description=GRID_PROXIES.description, columns=_GRID_PROXY_COLUMNS, primary_key=("market_code",))

_FOOTPRINT_KEY = (
    Column("model_id", "string", "Vehicle model variant (dim_vehicle_model.model_id)",
           references="dim_vehicle_model.model_id"),
    Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES),
    Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
)

FCT_FOOTPRINT_INPUT_QUALITY = TableContract(
    name="fct_footprint_input_quality",
    layer="marts",
    description=(
        "Each input of each footprint row (the component of a stage one dataset prices): its share of the "
        "footprint and its PEF data quality rating (TeR, GeR, TiR, P and DQR = their mean)."
    ),
    columns=(
        *_FOOTPRINT_KEY,
        Column("input_id", "string", "Input (seed input_quality_scores)", allowed_values=INPUT_IDS),
        Column("stage", "string", "Stage the input belongs to", allowed_values=LIFE_CYCLE_STAGES),
        Column("in_core_boundary", "bool", "The stage is inside the core boundary"),
        Column("contribution_kg_co2e", "float64", "Emissions the input contributes", unit="kg CO2e/vehicle", nullable=True),
        Column("share_of_total", "float64", "contribution / total_kg_co2e (core-boundary inputs only)",
               unit="fraction", nullable=True),
        Column("share_of_all_stages", "float64", "contribution / total_all_stages_kg_co2e", unit="fraction", nullable=True),
        Column("factor_ids", "string", "Dataset(s) that price the input (dim_emission_factor)", nullable=True),
        Column("is_grid", "bool", "The dataset is a grid carbon intensity"),
        Column("represented_area", "string", "Country (or market) the input should represent", nullable=True),
        Column("dataset_geography", "string", "Geography of the dataset used (for a grid: the country the source files it under)",
               nullable=True),
        Column("is_declared_proxy", "bool", "The dataset is a declared grid proxy for the market (seed grid_proxies)"),
        Column("dataset_reference_year", "int64", "Reference year of the dataset used", unit="year", nullable=True),
        Column("time_validity_years", "int64", "Years the dataset stays representative", unit="years", min_value=1),
        Column("years_beyond_validity", "int64", "registration_year - (reference year + validity); <= 0 is within",
               unit="years", nullable=True),
        Column("technological_representativeness", "int64", "PEF TeR", unit="score 1-5", **PEF_SCORE),
        Column("geographical_representativeness", "int64", "PEF GeR: 1 own country, 2 its region (EU27), 3 global or "
               "declared proxy, 4 another country, 5 an undeclared other country's grid", unit="score 1-5", **PEF_SCORE),
        Column("time_representativeness", "int64", "PEF TiR from years beyond validity", unit="score 1-5", **PEF_SCORE),
        Column("precision", "int64", "PEF P from the dataset's confidence tag; at best an estimate's where the activity "
               "data are estimated (estimated_activity_field)", unit="score 1-5", **PEF_SCORE),
        Column("dqr", "float64", "(TeR + GeR + TiR + P) / 4", unit="score 1-5", min_value=1, max_value=5),
        Column("has_primary_activity_data", "bool",
               "The input's activity data are this vehicle's own (type-approval) values, not estimated"),
        Column("estimated_activity_field", "string",
               "The vehicle field the input's activity data come from, where it is estimated (its basis: "
               "dim_vehicle_model.estimation_basis); the input's precision is then at best an estimate's (P of R)",
               nullable=True),
    ),
    primary_key=("model_id", "market_code", "registration_year", "input_id"),
)

FCT_FOOTPRINT_DATA_QUALITY = TableContract(
    name="fct_footprint_data_quality",
    layer="marts",
    description=(
        "Data quality report of each footprint row: PEF data quality rating over the inputs carrying more than 5% "
        "of the footprint, quality level, PACT-style primary data share, cut-off, market grid geography, oldest "
        "dataset and validity window. The standard's rules (Dagster asset checks) judge these values."
    ),
    columns=(
        *_FOOTPRINT_KEY,
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("total_kg_co2e", "float64", "Footprint over the core boundary", unit="kg CO2e/vehicle", nullable=True),
        Column("inputs_rated", "int64", "Inputs carrying more than the threshold share (dbt var dqr_input_share_threshold)",
               unit="count", nullable=True, min_value=0),
        Column("dqr_coverage_share", "float64", "Share of the footprint the rated inputs cover (PACT coveragePercent / 100)",
               unit="fraction", nullable=True),
        Column("dqr", "float64", "Emission-weighted DQR of the rated inputs (PEF; 1 best, 5 worst)", unit="score 1-5",
               nullable=True, min_value=1, max_value=5),
        Column("quality_level", "string", "PEF quality level of the DQR", nullable=True, allowed_values=QUALITY_LEVELS),
        Column("technological_representativeness", "float64", "Emission-weighted TeR", unit="score 1-5", nullable=True),
        Column("geographical_representativeness", "float64", "Emission-weighted GeR", unit="score 1-5", nullable=True),
        Column("time_representativeness", "float64", "Emission-weighted TiR", unit="score 1-5", nullable=True),
        Column("precision", "float64", "Emission-weighted P", unit="score 1-5", nullable=True),
        Column("least_reliable_input", "string", "Rated input with the worst DQR", nullable=True),
        Column("primary_data_share", "float64",
               "PACT-style primary data share: share of the footprint whose activity data are this vehicle's own values",
               unit="fraction", nullable=True, min_value=0),
        Column("max_years_beyond_validity", "int64", "Most years any rated dataset is beyond its validity",
               unit="years", nullable=True),
        Column("least_current_input", "string", "Rated input whose dataset is furthest beyond its validity", nullable=True),
        Column("least_current_reference_year", "int64", "Reference year of that dataset", unit="year", nullable=True),
        Column("cut_off_share", "float64", "Share of all-stage emissions left out of the reported total",
               unit="fraction", nullable=True),
        Column("cut_off_stages", "string", "Stages with emissions left out of the reported total", nullable=True),
        Column("market_area", "string", "Area the market grid should represent", allowed_values=MARKET_CODES),
        Column("market_grid_geography", "string", "Geography the source files the market grid value under", nullable=True),
        Column("market_grid_factor_id", "string", "Market grid value rated (dim_emission_factor)", nullable=True),
        Column("market_grid_geography_status", "string",
               "own, declared proxy (seed grid_proxies), undeclared (another geography), or missing (no grid value)",
               allowed_values=("own", "declared proxy", "undeclared", "missing")),
        Column("valid_until_year", "int64", "Last year the footprint is valid (PACT: 3 years after the reference period)",
               unit="year"),
        METHODOLOGY_VERSION,
    ),
    primary_key=("model_id", "market_code", "registration_year"),
)

DATA_QUALITY_RESULTS = TableContract(
    name="data_quality_results",
    layer="quality",
    description=(
        "One row per rule evaluated per run: the check, the asset it guards, its severity, whether it passed, "
        "what was observed against what was expected. Published as Parquet per run for BI dashboards."
    ),
    columns=(
        Column("run_id", "string", "Dagster run id"),
        Column("evaluated_at", "string", "UTC time the check was evaluated (ISO 8601)"),
        Column("check_name", "string", "Dagster asset check name"),
        Column("rule_id", "string", "Rule of the standard the check enforces (README, For auditors)"),
        Column("asset", "string", "Asset key the check guards"),
        Column("severity", "string", "blocking or warning as declared; the outcome's own level is in outcome",
               allowed_values=SEVERITIES),
        Column("passed", "bool", "The rule held"),
        Column("outcome", "string", "passed, warning (reported, publication continues) or failed (publication stopped)",
               allowed_values=("passed", "warning", "failed")),
        Column("observed", "string", "What was found (value, count or failing rows)", nullable=True),
        Column("expected", "string", "What the rule requires", nullable=True),
        Column("failing_rows", "int64", "Rows breaking the rule", unit="rows", nullable=True, min_value=0),
        Column("data_docs", "string", "Path of the GX Data Docs page of the run, where GX evaluated the rule",
               nullable=True),
    ),
)

QUARANTINE = TableContract(
    name="quarantine",
    layer="quality",
    description="Rows that broke a row-level rule, kept with the rule and the reason; never silently dropped.",
    columns=(
        Column("run_id", "string", "Dagster run id that quarantined the row"),
        Column("quarantined_at", "string", "UTC time (ISO 8601)"),
        Column("table_name", "string", "Table the row was bound for"),
        Column("rule_id", "string", "Rule the row broke"),
        Column("column_name", "string", "Column the rule concerns (<row> for a rule over several columns)"),
        Column("reason", "string", "The rule, in words, and the offending value"),
        Column("failing_value", "string", "The offending value", nullable=True),
        Column("row_json", "string", "The whole row as JSON"),
        Column("source_sha256", "string", "sha256 of the raw bytes the row came from", nullable=True),
    ),
)

QUALITY_CONTRACTS = (
    INPUT_QUALITY_SCORES, BATTERY_FACTOR_RANGES, RECONCILIATION_REFERENCES, GRID_PROXIES,
    STG_INPUT_QUALITY_SCORES, STG_BATTERY_FACTOR_RANGES, STG_RECONCILIATION_REFERENCES, STG_GRID_PROXIES,
    FCT_FOOTPRINT_INPUT_QUALITY, FCT_FOOTPRINT_DATA_QUALITY, DATA_QUALITY_RESULTS, QUARANTINE,
)
