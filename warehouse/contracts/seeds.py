"""Contracts of the curated parameters seeds (``dbt_project/seeds/``, layer ``parameters``): the
vehicle catalogue and every factor and parameter of the method, each row with its source, year,
unit and confidence. The seeds the data-quality rules read are in ``quality.py``."""

from __future__ import annotations

from dataclasses import replace

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.units import UNITS
from warehouse.contracts.vocabularies import (
    CHEMISTRIES,
    CONFIDENCE_TAGS,
    CONSUMPTION_BASES,
    FUELS,
    ISO3_PATTERN,
    MARKET_CODES,
    POWERTRAINS,
)
from warehouse.quality.rules import CURB_MASS_KG

VEHICLE_CATALOGUE = TableContract(
    name="vehicle_catalogue",
    layer="parameters",
    description=(
        "Curated catalogue of Chinese export car models with type-approval specifications and the "
        "source of every row; estimated values are listed in estimated_fields with their basis."
    ),
    columns=(
        Column("model_id", "string", "Stable identifier of the model variant", pattern=r"^[a-z0-9_]+$"),
        Column("make", "string", "Brand"),
        Column("model", "string", "Model name"),
        Column("variant", "string", "Variant (engine, battery, trim)"),
        Column("model_year", "int64", "Model year of the specification", unit="year", min_value=2015, max_value=2030),
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("fuel", "string", "Main energy carrier (PHEV and HEV: petrol)", allowed_values=FUELS),
        Column("segment", "string", "Size segment",
               allowed_values=("small", "medium", "large", "small_suv", "medium_suv", "large_suv")),
        Column("curb_mass_kg", "float64", "Curb mass", unit="kg", min_value=CURB_MASS_KG[0], max_value=CURB_MASS_KG[1]),
        Column("battery_kwh", "float64", "Traction battery gross energy (0 for ICEV)", unit="kWh", min_value=0, max_value=200),
        Column("battery_chemistry", "string", "Traction battery cell chemistry", nullable=True, allowed_values=CHEMISTRIES),
        Column("electric_range_km", "float64", "Type-approval electric range", unit="km", nullable=True, min_value=0, max_value=1200),
        Column("consumption_basis", "string", "Test cycle of the consumption values", allowed_values=CONSUMPTION_BASES),
        Column("fuel_l_per_100km", "float64", "Combined fuel consumption (PHEV: weighted)", unit="L/100 km", min_value=0, max_value=30),
        Column("electricity_kwh_per_100km", "float64", "Combined electricity consumption at the plug (PHEV: weighted); "
               "empty for a BEV with a rated range and no published consumption (stg_vehicles__catalogue estimates it, "
               "flagged), or for an ICEV or HEV",
               unit="kWh/100 km", nullable=True, min_value=0, max_value=40),
        Column("tailpipe_co2_g_per_km", "float64", "Type-approval combined tailpipe CO2", unit="g CO2/km",
               nullable=True, min_value=0, max_value=500),
        Column("production_country", "string", "Country of vehicle assembly (ISO 3166-1 alpha-3)", pattern=ISO3_PATTERN),
        Column("battery_production_country", "string", "Country of battery production (ISO3)", nullable=True, pattern=ISO3_PATTERN),
        Column("source_type", "string", "Kind of source the row was taken from",
               allowed_values=("manufacturer_spec", "eea_co2_monitoring", "epa_fueleconomy",
                               "type_approval_listing", "secondary_spec_database")),
        Column("source_citation", "string", "Citation of the source"),
        Column("source_url", "string", "URL of the source", pattern=r"^https?://"),
        Column("retrieved_date", "string", "Date the source was read (ISO 8601)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
        Column("estimated_fields", "string", "Semicolon-separated columns whose value is estimated", nullable=True),
        Column("estimation_basis", "string", "How each estimated value was derived", nullable=True),
    ),
    primary_key=("model_id",),
)

# The catalogue's columns once staged: every consumption is filled (estimated, flagged, where the seed
# left it empty), and the read date stays with the seed.
CATALOGUE_VARIANT_COLUMNS = tuple(
    replace(column, nullable=False, description=column.description.split(";")[0])
    if column.name == "electricity_kwh_per_100km" else column
    for column in VEHICLE_CATALOGUE.columns if column.name != "retrieved_date"
)

CATALOGUE_VARIANT_LINKS = TableContract(
    name="catalogue_variant_links",
    layer="parameters",
    description=(
        "Reviewed links between a curated catalogue variant and a record of another source describing the same "
        "car: dim_vehicle_model then takes each group of fields from the better source (int_vehicles__catalogue)."
    ),
    columns=(
        Column("model_id", "string", "Curated variant (seed vehicle_catalogue)", pattern=r"^[a-z0-9_]+$",
               references="vehicle_catalogue.model_id"),
        Column("source", "string", "Source of the linked record", allowed_values=("open_ev_data",)),
        Column("source_record_id", "string", "The record's id in that source (open-ev-data trim_id)"),
        Column("evidence", "string", "Why the two describe the same variant"),
        Column("reviewed_date", "string", "Date the link was reviewed (ISO 8601)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    ),
    primary_key=("source", "source_record_id"),
)

REGISTRATION_VARIANT_MAPPING = TableContract(
    name="registration_variant_mapping",
    layer="parameters",
    description=(
        "Reviewed mapping from a registrations source's model names (GAIKINDO brand / model / type, exactly as "
        "published) to the catalogue variant they are priced as; rows of the source not listed stay unmatched "
        "(fct_registration_match)."
    ),
    columns=(
        Column("source", "string", "Registrations source", allowed_values=("gaikindo",)),
        Column("brand", "string", "Brand as the source publishes it (GAIKINDO: brand_corrected)"),
        Column("model", "string", "Model as published"),
        Column("type", "string", "Type (trim) as published"),
        Column("model_id", "string", "Catalogue variant (dim_vehicle_model; a CKD row becomes its market-built variant)",
               pattern=r"^[a-z0-9_]+$", references="dim_vehicle_model.model_id"),
        Column("match_kind", "string", "same_variant; same_model_and_battery (trim names differ, same pack or engine); "
               "proxy (same model, another engine or gearbox)",
               allowed_values=("same_variant", "same_model_and_battery", "proxy")),
        Column("evidence", "string", "Why the names are that variant"),
        Column("reviewed_date", "string", "Date the row was reviewed (ISO 8601)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    ),
    primary_key=("source", "brand", "model", "type"),
)

REGISTRATION_MAKE_MAPPING = TableContract(
    name="registration_make_mapping",
    layer="parameters",
    description=(
        "Reviewed mapping from a registrations source's make names (LTA make) to the catalogue's make, for sources "
        "whose finest grain is the make (fct_market_footprint weight_basis make_fuel_registrations)."
    ),
    columns=(
        Column("source", "string", "Registrations source", allowed_values=("lta",)),
        Column("make_as_published", "string", "Make as the source publishes it (LTA: make_normalised)"),
        Column("catalogue_make", "string", "The catalogue's make (dim_vehicle_model.make)"),
        Column("evidence", "string", "Why the names are one make"),
        Column("reviewed_date", "string", "Date the row was reviewed (ISO 8601)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
    ),
    primary_key=("source", "make_as_published", "catalogue_make"),
)

FACTOR_COLUMNS = (
    Column("description", "string", "What the value is"),
    Column("value", "float64", "The value, in `unit`"),
    Column("unit", "string", "Unit of `value` (warehouse/contracts/units.py)", allowed_values=tuple(sorted(UNITS))),
    Column("geography", "string", "Geography the value represents (ISO3, EU27 or GLO)"),
    Column("reference_year", "int64", "Reference year of the value", unit="year", min_value=1990, max_value=2100),
)
PROVENANCE_COLUMNS = (
    Column("source", "string", "Publication the value comes from"),
    Column("source_url", "string", "URL of the source", nullable=True),
    Column("confidence", "string", "V read in the source; V2 second-hand; D derived from sourced values; R not confirmed (estimated)",
           allowed_values=CONFIDENCE_TAGS),
    Column("notes", "string", "Caveats, ranges and proxies", nullable=True),
    Column("seed_version", "string", "Version of the seed file the row belongs to", nullable=True),
)
# The provenance of a parameter row in the smaller seeds: source, year and confidence.
PROVENANCE_SOURCE_COLUMNS = (
    PROVENANCE_COLUMNS[0],
    PROVENANCE_COLUMNS[1],
    Column("reference_year", "int64", "Reference year of the value", unit="year", min_value=1990, max_value=2100),
    *PROVENANCE_COLUMNS[2:],
)

EMISSION_FACTORS = TableContract(
    name="emission_factors",
    layer="parameters",
    description="Emission factors used by the footprint method, each with source, year, geography and unit.",
    columns=(
        Column("factor_id", "string", "Stable id cited by footprint rows", pattern=r"^[a-z0-9_]+$"),
        Column("factor_group", "string", "Life-cycle stage or family the factor belongs to"),
        *FACTOR_COLUMNS,
        Column("gwp_set", "string", "GWP set the factor is expressed in", allowed_values=("AR4", "AR5", "AR6")),
        *PROVENANCE_COLUMNS,
    ),
    primary_key=("factor_id",),
)

METHOD_PARAMETERS = TableContract(
    name="method_parameters",
    layer="parameters",
    description="Non-emission parameters of the method (lifetime, fuel properties, GWPs, pack energy density...).",
    columns=(
        Column("parameter_id", "string", "Stable id cited by footprint rows", pattern=r"^[a-z0-9_]+$"),
        Column("parameter_group", "string", "Family of the parameter"),
        *FACTOR_COLUMNS,
        *PROVENANCE_COLUMNS,
    ),
    primary_key=("parameter_id",),
)

MARKET_LIFETIME = TableContract(
    name="market_lifetime",
    layer="parameters",
    description="Default lifetime distance and service life of a car per market, each with its source.",
    columns=(
        Column("market_code", "string", "Market code", allowed_values=MARKET_CODES),
        Column("lifetime_km", "float64", "Lifetime distance", unit="km", min_value=50_000, max_value=500_000),
        Column("lifetime_years", "float64", "Service life", unit="years", min_value=3, max_value=40),
        *PROVENANCE_SOURCE_COLUMNS,
    ),
    primary_key=("market_code",),
)

CONSUMPTION_UPLIFT = TableContract(
    name="consumption_uplift",
    layer="parameters",
    description="Real-world uplift multipliers of declared consumption per test cycle, powertrain and energy carrier.",
    columns=(
        Column("uplift_id", "string", "Stable id cited by footprint rows", pattern=r"^uplift_[a-z_]+$"),
        Column("consumption_basis", "string", "Test cycle", allowed_values=CONSUMPTION_BASES),
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("energy_carrier", "string", "fuel (PHEV: charge-sustaining) or electricity (PHEV: charge-depleting)",
               allowed_values=("fuel", "electricity")),
        Column("uplift_factor", "float64", "Real-world / declared consumption", unit="multiplier", min_value=1, max_value=2),
        *PROVENANCE_SOURCE_COLUMNS,
    ),
    primary_key=("consumption_basis", "powertrain", "energy_carrier"),
)

PHEV_UTILITY_FACTOR = TableContract(
    name="phev_utility_factor",
    layer="parameters",
    description="PHEV utility factor curves by electric range: each test cycle's type-approval curve and the real-world curve.",
    columns=(
        Column("curve", "string", "Test cycle of a type-approval curve, or REAL_WORLD", allowed_values=CONSUMPTION_BASES),
        Column("electric_range_km", "float64", "Electric (charge-depleting) range", unit="km", min_value=0),
        Column("utility_factor", "float64", "Share of distance driven charge-depleting", unit="fraction", min_value=0, max_value=1),
        *PROVENANCE_SOURCE_COLUMNS,
    ),
    primary_key=("curve", "electric_range_km"),
)
