"""Contracts of the footprint marts (dbt fact and dimension tables, published as Parquet):
fct_vehicle_footprint, fct_market_footprint, fct_export_exposure, dim_market, dim_vehicle_model and
dim_emission_factor (the ledger fct_footprint_component is in ``ledger.py``, the data-quality marts
in ``quality.py``). Stage columns are generated from the one list of stages
(``vocabularies.LIFE_CYCLE_STAGES``), so the facts and their docs cannot disagree on what a stage is."""

from __future__ import annotations

from dataclasses import replace

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.seeds import CATALOGUE_VARIANT_COLUMNS, FACTOR_COLUMNS, PROVENANCE_COLUMNS, VEHICLE_CATALOGUE
from warehouse.contracts.vocabularies import (
    CONSUMPTION_BASES,
    FUELS,
    ISO3_PATTERN,
    LIFE_CYCLE_STAGES,
    MARKET_CODES,
    POWERTRAINS,
)
from warehouse.quality.rules import GRID_INTENSITY_G_PER_KWH

# The grid intensities a footprint used hold the standard's plausibility bounds (DQ-PLAUSIBILITY).
GRID_MIN, GRID_MAX = GRID_INTENSITY_G_PER_KWH
METHODOLOGY_VERSION = Column("methodology_version", "string", "Version of the footprint method (dbt var methodology_version)",
                             pattern=r"^\d+\.\d+\.\d+$")

# What each stage's columns hold, by stage (the stages and their order: vocabularies.LIFE_CYCLE_STAGES).
STAGE_DESCRIPTIONS = {
    "raw_materials": "Raw material acquisition: vehicle materials (curb mass x composition x material factors) "
                     "and traction battery materials (kWh x chemistry factor)",
    "production": "Vehicle production: assembly electricity at the production country's grid and process heat, "
                  "plus battery cell and pack manufacturing energy at the battery production country's grid",
    "fuel_production": "Fuel production: well-to-tank of petrol/diesel, or electricity generation at the market's "
                       "grid averaged over the service life plus transmission and distribution losses",
    "fuel_use": "Fuel use: tank-to-wheel combustion CO2, CH4 and N2O of real-world fuel consumption (zero for BEVs)",
    "maintenance": "Maintenance (outside the core boundary by default): tyres, lead-acid battery, engine oil, and "
                   "traction battery replacements when the battery's life is shorter than the vehicle's",
    "end_of_life": "End-of-life (outside the core boundary by default): dismantling, shredding and disposal of the "
                   "vehicle, recycling process of the traction battery, no credits",
}
# (stage column prefix, description): the six stages in report order, then the two totals.
STAGES = (
    *((stage, STAGE_DESCRIPTIONS[stage]) for stage in LIFE_CYCLE_STAGES),
    ("total", "Total over the stages inside the standard's core boundary (core_boundary_stages)"),
    ("total_all_stages", "Sum of all six stages, including those outside the core boundary"),
)


# A stage is null only when an input it needs is missing; the completeness rule (DQ-STAGES, a
# blocking check) owns that requirement and names the stage and rows, so the contract does not
# repeat it as a not-null test.
_MISSING_STAGE = " (null when an input is missing: the DQ-STAGES rule then fails)"


def _stage_columns(minimum: float | None = 0) -> tuple[Column, ...]:
    per_vehicle = tuple(
        Column(f"{stage}_kg_co2e", "float64", description + _MISSING_STAGE, unit="kg CO2e/vehicle",
               min_value=minimum, nullable=True)
        for stage, description in STAGES
    )
    per_km = tuple(
        Column(f"{stage}_g_co2e_per_km", "float64", f"{description}, per km over the lifetime",
               unit="g CO2e/km", min_value=minimum, nullable=True)
        for stage, description in STAGES
    )
    return per_vehicle + per_km


# The key of a footprint (model x market x registration year), shared by the facts keyed on it.
FOOTPRINT_KEY_COLUMNS = (
    Column("model_id", "string", "Vehicle model variant (dim_vehicle_model.model_id)",
           references="dim_vehicle_model.model_id"),
    Column("market_code", "string", "Market the car is used in (ISO3, or EU27; dim_market)", allowed_values=MARKET_CODES,
           references="dim_market.market_code"),
    Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
)


FCT_VEHICLE_FOOTPRINT = TableContract(
    name="fct_vehicle_footprint",
    layer="marts",
    description=(
        "Life-cycle carbon footprint of each catalogue model in each market and registration year, by stage of "
        "the Belt and Road standard, per vehicle and per km over the market's lifetime, with the inputs used, "
        "data-quality fields and the id of every factor used (dim_emission_factor)."
    ),
    columns=(
        *FOOTPRINT_KEY_COLUMNS,
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("fuel", "string", "Main energy carrier", allowed_values=FUELS),
        Column("consumption_basis", "string", "Test cycle the declared consumption is on (converted to real-world)",
               allowed_values=CONSUMPTION_BASES),
        Column("lifetime_km", "float64", "Lifetime distance the per-km values are spread over", unit="km", min_value=1),
        Column("lifetime_years", "float64", "Service life over which the market grid is averaged", unit="years", min_value=1),
        *_stage_columns(),
        Column("battery_raw_materials_kg_co2e", "float64", "Traction battery materials (part of raw_materials)",
               unit="kg CO2e/vehicle", min_value=0),
        Column("battery_production_kg_co2e", "float64", "Battery cell and pack manufacturing (part of production)",
               unit="kg CO2e/vehicle", min_value=0),
        Column("traction_battery_replacements", "float64",
               "Traction batteries replaced over the lifetime: ceil(lifetime km / battery lifetime km) - 1", unit="count", min_value=0),
        Column("maintenance_traction_battery_kg_co2e", "float64", "Traction battery replacements (part of maintenance)",
               unit="kg CO2e/vehicle", min_value=0),
        Column("fuel_production_electricity_kg_co2e", "float64",
               "Charging electricity generation and T&D losses (part of fuel_production; the rest is fuel well-to-tank)"
               + _MISSING_STAGE, unit="kg CO2e/vehicle", min_value=0, nullable=True),
        Column("core_boundary_stages", "string", "Stages summed into total_kg_co2e (seed life_cycle_stages)"),
        Column("real_world_fuel_l_per_100km", "float64", "Real-world fuel consumption used", unit="L/100 km", min_value=0),
        Column("real_world_electricity_kwh_per_100km", "float64", "Real-world electricity consumption at the plug used",
               unit="kWh/100 km", min_value=0),
        Column("real_world_utility_factor", "float64", "PHEV share of distance driven on electricity (real-world curve)",
               unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("market_grid_service_life_g_per_kwh", "float64",
               "Market grid intensity averaged over the service life, km-weighted (before T&D losses)" + _MISSING_STAGE,
               unit="g CO2e/kWh", min_value=GRID_MIN, max_value=GRID_MAX, nullable=True),
        Column("market_grid_years_observed", "int64", "Service-life years with an observed grid value", unit="years", min_value=0),
        Column("market_grid_years_projected", "int64", "Service-life years from a declared projection", unit="years", min_value=0),
        Column("market_grid_years_held", "int64", "Service-life years holding the last value (no observation or projection)",
               unit="years", min_value=0),
        Column("market_grid_last_source_year", "int64", "Latest grid year (observed or projected) the average uses"
               + _MISSING_STAGE, unit="year", nullable=True),
        Column("production_grid_intensity_g_per_kwh", "float64", "Grid intensity of the vehicle production country",
               unit="g CO2e/kWh", min_value=GRID_MIN, max_value=GRID_MAX),
        Column("production_grid_year", "int64", "Year of the production-country grid value used", unit="year"),
        Column("battery_grid_intensity_g_per_kwh", "float64", "Grid intensity of the battery production country",
               unit="g CO2e/kWh", nullable=True, min_value=GRID_MIN, max_value=GRID_MAX),
        Column("factor_ids", "string", "Semicolon-separated ids of every factor and parameter behind a non-zero "
               "component of the ledger (fct_footprint_component; dim_emission_factor)",
               cites="dim_emission_factor.factor_id"),
        Column("factors_in_other_gwp_set", "string", "Ids of cited factors expressed in another GWP set than gwp_set",
               nullable=True),
        METHODOLOGY_VERSION,
        Column("gwp_set", "string", "GWP set of the results", allowed_values=("AR6",)),
        Column("make", "string", "Brand"),
        Column("model", "string", "Model name"),
        Column("vehicle_estimated_fields", "string", "Catalogue values of this model that are estimated", nullable=True),
    ),
    primary_key=("model_id", "market_code", "registration_year"),
)

# How fct_market_footprint weights its variants, finest grain first.
WEIGHT_BASES = ("model_registrations", "make_fuel_registrations", "powertrain_mix", "china_exports", "unweighted")

FCT_MARKET_FOOTPRINT = TableContract(
    name="fct_market_footprint",
    layer="marts",
    description=(
        "Sales-weighted average footprint of the catalogue variants by market x registration year x powertrain, "
        "weighted at the finest grain the market publishes: its registrations of the variants, else by make x "
        "powertrain, else every variant counts equally and the volume is the market's sales of the powertrain or "
        "China's exports of it to the market (weight_basis says which)."
    ),
    columns=(
        Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES,
               references="dim_market.market_code"),
        Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("weight_basis", "string",
               "model_registrations (registrations or wholesales of the variants themselves: the registrations files, "
               "Indonesia's GAIKINDO wholesales matched to variants); make_fuel_registrations (registrations by make x "
               "powertrain shared equally among the make's variants: Singapore's LTA); powertrain_mix (equal variant "
               "weights, volume = the market's new-car sales of the powertrain); china_exports (equal weights, volume = "
               "China's exports of the powertrain's HS subheadings); unweighted (no volume data)",
               allowed_values=WEIGHT_BASES),
        Column("vehicle_count", "float64", "Registrations, sales or export units behind the row (weight_basis); null "
               "when unweighted", unit="vehicles", nullable=True, min_value=0),
        Column("model_count", "int64", "Catalogue variants averaged (with a weight above zero)", unit="count", min_value=1),
        *_stage_columns(),
        Column("lifetime_km", "float64", "Market lifetime distance", unit="km", min_value=1),
        METHODOLOGY_VERSION,
    ),
    primary_key=("market_code", "registration_year", "powertrain"),
)

FCT_EXPORT_EXPOSURE = TableContract(
    name="fct_export_exposure",
    layer="marts",
    description=(
        "China's passenger-car exports (UN Comtrade, HS 8703 subheadings) by destination x year x powertrain, "
        "with the estimated life-cycle emissions of those cars in their destination market."
    ),
    columns=(
        Column("destination_iso3", "string", "Destination country (ISO 3166-1 alpha-3)", pattern=ISO3_PATTERN),
        Column("destination_name", "string", "Destination name in Comtrade's reference list", nullable=True),
        Column("year", "int64", "Calendar year of the exports", unit="year", min_value=2000, max_value=2100),
        Column("powertrain", "string", "Powertrain of the HS subheadings; ALL for HS 8703 totals not split by powertrain",
               allowed_values=(*POWERTRAINS, "ALL")),
        Column("hs_codes", "string", "HS codes summed into the row"),
        Column("export_units", "float64", "Cars exported", unit="vehicles", nullable=True, min_value=0),
        Column("quantity_is_estimated", "bool", "Comtrade flags at least one summed quantity as estimated", nullable=True),
        Column("export_value_usd", "float64", "Primary trade value", unit="USD", nullable=True, min_value=0),
        Column("months_reported", "int64", "Months of the year with data", unit="months", min_value=1, max_value=12),
        Column("is_modelled_market", "bool", "The destination is one of the markets footprints are computed for"),
        Column("footprint_total_kg_co2e_per_vehicle", "float64",
               "Average core-boundary footprint of the powertrain in the destination (fct_market_footprint); of its "
               "sales mix for an unsplit HS 8703 row",
               unit="kg CO2e/vehicle", nullable=True, min_value=0),
        Column("lifecycle_emissions_t_co2e", "float64", "export_units x footprint_total_kg_co2e_per_vehicle",
               unit="t CO2e", nullable=True, min_value=0),
        Column("emissions_basis", "string",
               "market_average_<weight_basis> when estimated from the powertrain's footprint; "
               "destination_powertrain_mix for an HS 8703 total not split by powertrain, priced at the average "
               "over the destination's own new-car sales mix (China's exports need not have it); else why not "
               "(destination_not_modelled, powertrain_not_split: no mix, no_footprint_for_year)"),
        Column("methodology_version", "string", "Version of the footprint method", nullable=True),
        Column("source_sha256s", "string", "sha256 of the raw Comtrade answers summed"),
    ),
    primary_key=("destination_iso3", "year", "powertrain"),
)

DIM_MARKET = TableContract(
    name="dim_market",
    layer="marts",
    description="Markets the footprints are reported for, with their lifetime defaults and latest grid intensity.",
    columns=(
        Column("market_code", "string", "Market code (ISO3, or EU27)", allowed_values=MARKET_CODES),
        Column("market_name", "string", "Market name"),
        Column("iso3", "string", "ISO 3166-1 alpha-3; null for EU27", nullable=True, pattern=ISO3_PATTERN),
        Column("market_role", "string", "target (Belt and Road market) or reference", allowed_values=("target", "reference")),
        Column("in_2024_pilot", "bool", "Pilot country of the 2024 project plan"),
        Column("in_2021_study", "bool", "Covered by the 2021 BRIGC policy study"),
        Column("lifetime_km", "float64", "Default lifetime distance", unit="km", min_value=1),
        Column("lifetime_years", "float64", "Default service life", unit="years", min_value=1),
        Column("lifetime_km_factor_id", "string", "Id of the lifetime distance (dim_emission_factor)",
               references="dim_emission_factor.factor_id"),
        Column("lifetime_years_factor_id", "string", "Id of the service life (dim_emission_factor)",
               references="dim_emission_factor.factor_id"),
        Column("latest_grid_year", "int64", "Latest year with an observed grid intensity", unit="year", nullable=True),
        Column("latest_grid_intensity_g_per_kwh", "float64", "Latest observed grid intensity", unit="g CO2e/kWh",
               nullable=True, min_value=0),
        Column("latest_grid_source", "string", "ember or owid", nullable=True, allowed_values=("ember", "owid")),
    ),
    primary_key=("market_code",),
)

CATALOGUE_SOURCES = ("curated_seed", "open_ev_data", "market_built")

DIM_VEHICLE_MODEL = replace(
    VEHICLE_CATALOGUE,
    name="dim_vehicle_model",
    layer="marts",
    description=(
        "Every priced vehicle variant with its specifications: the curated seed's rows and the open-ev-data trims "
        "that can be priced, merged field group by field group where a reviewed link says two records are one "
        "variant (a sourced value before an estimate, then type-approval over manufacturer specification over "
        "compiled dataset); field_sources names each group's source, estimated_fields the estimated columns. "
        "Trims that cannot be priced are in dim_vehicle_model_exclusion."
    ),
    columns=(
        *CATALOGUE_VARIANT_COLUMNS,
        Column("catalogue_source", "string", "Source of the variant's identity (names, powertrain, countries); "
               "market_built: a variant of another row (source_record_id) as assembled in a pilot market",
               allowed_values=CATALOGUE_SOURCES),
        Column("source_record_id", "string", "The variant's record in that source (seed model_id, open-ev-data trim_id; "
               "for market_built, the catalogue variant it is built from)"),
        Column("catalogue_sources", "string", "Semicolon-separated sources describing the variant (more than one when linked)"),
        Column("field_sources", "string", "Per field group (mass; battery: kWh and chemistry; consumption: basis, range, "
               "fuel, electricity, CO2) the source:record its values came from"),
    ),
)

DIM_VEHICLE_MODEL_EXCLUSION = TableContract(
    name="dim_vehicle_model_exclusion",
    layer="marts",
    description=(
        "Source records that are not priced variants, with the reason (a field that can be neither sourced nor "
        "estimated with a cited basis, not in production, ...): what to source next to widen the catalogue."
    ),
    columns=(
        Column("source", "string", "Source of the record", allowed_values=CATALOGUE_SOURCES),
        Column("source_record_id", "string", "The record's id in that source (open-ev-data trim_id)"),
        Column("make", "string", "Make as the source names it"),
        Column("model", "string", "Model as the source names it"),
        Column("variant", "string", "Trim and variant as the source names them", nullable=True),
        Column("model_year", "int64", "Model year", unit="year", min_value=2000, max_value=2035),
        Column("powertrain", "string", "Catalogue powertrain, null where the record is unclear", nullable=True,
               allowed_values=POWERTRAINS),
        Column("exclusion_reason", "string", "Why the record is not priced"),
        Column("source_url", "string", "First source the record cites", pattern=r"^https?://"),
    ),
    primary_key=("source", "source_record_id"),
)

FCT_REGISTRATION_MATCH = TableContract(
    name="fct_registration_match",
    layer="marts",
    description=(
        "Registered volume matched to priced catalogue variants by source x market x year x brand: Indonesia's "
        "passenger-car wholesales by model variant (GAIKINDO; seed registration_variant_mapping) and Singapore's "
        "registrations by make (LTA; seed registration_make_mapping), with the largest unmatched models: what to "
        "map or source next."
    ),
    columns=(
        Column("source", "string", "Registrations source", allowed_values=("gaikindo", "lta")),
        Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES,
               references="dim_market.market_code"),
        Column("year", "int64", "Calendar year", unit="year", min_value=2000, max_value=2100),
        Column("brand", "string", "Brand or make as the source publishes it"),
        Column("is_chinese_brand", "bool", "The brand belongs to a group headquartered in China (seed make_origins); "
               "null where the seed does not list it", nullable=True),
        Column("units", "float64", "Registered or wholesale units", unit="vehicles", min_value=0),
        Column("matched_units", "float64", "Units matched to the same variant or the same model and battery",
               unit="vehicles", min_value=0),
        Column("matched_as_proxy_units", "float64", "Units matched to a proxy variant (same model, another engine or "
               "gearbox)", unit="vehicles", min_value=0),
        Column("unmatched_units", "float64", "Units without a priced variant", unit="vehicles", min_value=0),
        Column("matched_share", "float64", "(matched + proxy) / units", unit="fraction", min_value=0, max_value=1),
        Column("unmatched_models", "string", "The five largest unmatched models or make x powertrain, with their units",
               nullable=True),
    ),
    primary_key=("source", "market_code", "year", "brand"),
)

DIM_EMISSION_FACTOR = TableContract(
    name="dim_emission_factor",
    layer="marts",
    description="Every factor, parameter and grid intensity a footprint row can cite by id, with its source.",
    columns=(
        Column("factor_id", "string", "Id cited in fct_vehicle_footprint.factor_ids"),
        Column("factor_group", "string", "Family of the factor"),
        *FACTOR_COLUMNS,
        *PROVENANCE_COLUMNS,
    ),
    primary_key=("factor_id",),
)
