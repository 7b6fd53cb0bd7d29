"""The contracts of Greenbridge's tables, one definition per table.

Layers: ``raw`` (landed by connectors; the contracts of the other sources live beside this file,
one ``raw_<source>.py`` module each), ``parameters`` (curated dbt seeds), ``staging`` (dbt staging
models over raw tables and seeds, in ``staging.py``), ``marts`` (dbt fact and dimension tables,
published as Parquet). Units are named in the column (``_kg``, ``_g_per_km``) and again in the
column's ``unit``.
"""

from __future__ import annotations

from dataclasses import replace

from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.contracts.marts import (
    CHEMISTRIES,
    CONFIDENCE_TAGS,
    CONSUMPTION_BASES,
    DIM_MARKET,
    FCT_EXPORT_EXPOSURE,
    FCT_MARKET_FOOTPRINT,
    FCT_VEHICLE_FOOTPRINT,
    FUELS,
    MARKET_CODES,
    POWERTRAINS,
)
from warehouse.contracts.ledger import FCT_FOOTPRINT_COMPONENT
from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.contracts.units import UNITS

ISO3_PATTERN = r"^[A-Z]{3}$"

RAW_OWID_GRID_INTENSITY = TableContract(
    name="owid_energy__grid_carbon_intensity",
    layer="raw",
    description=(
        "Carbon intensity of electricity generation by country (or OWID aggregate) and year, from "
        "Our World in Data's energy dataset (Ember). CC BY 4.0."
    ),
    columns=(
        Column("country", "string", "OWID entity name (country or aggregate such as 'European Union (27)')"),
        Column("iso_code", "string", "ISO 3166-1 alpha-3 code; null for aggregates", nullable=True,
               pattern=r"^([A-Z]{3}|OWID_[A-Z0-9_]+)$"),
        Column("year", "int64", "Calendar year of the observation", unit="year", min_value=1900, max_value=2100),
        Column("carbon_intensity_elec_g_per_kwh", "float64",
               "Life-cycle carbon intensity of electricity generation (OWID carbon_intensity_elec)",
               # Real published values reach 1,306 (Turkmenistan 2015-2023): the contract rejects only the
               # impossible; the standard's 0-1,300 plausibility rule is a separate, quarantining check.
               unit="g CO2e/kWh", nullable=True, min_value=0, max_value=2000),
        SOURCE_SHA256,
    ),
    primary_key=("country", "year"),
)

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
        Column("curb_mass_kg", "float64", "Curb mass", unit="kg", min_value=600, max_value=3500),
        Column("battery_kwh", "float64", "Traction battery gross energy (0 for ICEV)", unit="kWh", min_value=0, max_value=200),
        Column("battery_chemistry", "string", "Traction battery cell chemistry", nullable=True, allowed_values=CHEMISTRIES),
        Column("electric_range_km", "float64", "Type-approval electric range", unit="km", nullable=True, min_value=0, max_value=1200),
        Column("consumption_basis", "string", "Test cycle of the consumption values", allowed_values=CONSUMPTION_BASES),
        Column("fuel_l_per_100km", "float64", "Combined fuel consumption (PHEV: weighted)", unit="L/100 km", min_value=0, max_value=30),
        Column("electricity_kwh_per_100km", "float64", "Combined electricity consumption at the plug (PHEV: weighted)",
               unit="kWh/100 km", min_value=0, max_value=40),
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

_FACTOR_COLUMNS = (
    Column("description", "string", "What the value is"),
    Column("value", "float64", "The value, in `unit`"),
    Column("unit", "string", "Unit of `value` (warehouse/contracts/units.py)", allowed_values=tuple(sorted(UNITS))),
    Column("geography", "string", "Geography the value represents (ISO3, EU27 or GLO)"),
    Column("reference_year", "int64", "Reference year of the value", unit="year", min_value=1990, max_value=2100),
)
_PROVENANCE_COLUMNS = (
    Column("source", "string", "Publication the value comes from"),
    Column("source_url", "string", "URL of the source", nullable=True),
    Column("confidence", "string", "V read in the source; V2 second-hand; D derived from sourced values; R not confirmed (estimated)",
           allowed_values=CONFIDENCE_TAGS),
    Column("notes", "string", "Caveats, ranges and proxies", nullable=True),
    Column("seed_version", "string", "Version of the seed file the row belongs to", nullable=True),
)
# The provenance of a parameter row in the smaller seeds: source, year and confidence.
_PROVENANCE_SOURCE_COLUMNS = (
    _PROVENANCE_COLUMNS[0],
    _PROVENANCE_COLUMNS[1],
    Column("reference_year", "int64", "Reference year of the value", unit="year", min_value=1990, max_value=2100),
    *_PROVENANCE_COLUMNS[2:],
)

EMISSION_FACTORS = TableContract(
    name="emission_factors",
    layer="parameters",
    description="Emission factors used by the footprint method, each with source, year, geography and unit.",
    columns=(
        Column("factor_id", "string", "Stable id cited by footprint rows", pattern=r"^[a-z0-9_]+$"),
        Column("factor_group", "string", "Life-cycle stage or family the factor belongs to"),
        *_FACTOR_COLUMNS,
        Column("gwp_set", "string", "GWP set the factor is expressed in", allowed_values=("AR4", "AR5", "AR6")),
        *_PROVENANCE_COLUMNS,
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
        *_FACTOR_COLUMNS,
        *_PROVENANCE_COLUMNS,
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
        *_PROVENANCE_SOURCE_COLUMNS,
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
        *_PROVENANCE_SOURCE_COLUMNS,
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
        *_PROVENANCE_SOURCE_COLUMNS,
    ),
    primary_key=("curve", "electric_range_km"),
)

DIM_VEHICLE_MODEL = replace(
    VEHICLE_CATALOGUE,
    name="dim_vehicle_model",
    layer="marts",
    description="Vehicle models with their specifications and sources (from the curated catalogue).",
    columns=tuple(column for column in VEHICLE_CATALOGUE.columns if column.name != "retrieved_date"),
)

DIM_EMISSION_FACTOR = TableContract(
    name="dim_emission_factor",
    layer="marts",
    description="Every factor, parameter and grid intensity a footprint row can cite by id, with its source.",
    columns=(
        Column("factor_id", "string", "Id cited in fct_vehicle_footprint.factor_ids"),
        Column("factor_group", "string", "Family of the factor"),
        *_FACTOR_COLUMNS,
        *_PROVENANCE_COLUMNS,
    ),
    primary_key=("factor_id",),
)

# Imported here, not at the top: the staging contracts reuse the parameters contracts defined above.
from warehouse.contracts.staging import STAGING_CONTRACTS  # noqa: E402
from warehouse.contracts.quality import QUALITY_CONTRACTS  # noqa: E402

CONTRACTS: dict[str, TableContract] = {
    contract.name: contract
    for contract in (
        RAW_OWID_GRID_INTENSITY,
        RAW_EMBER_GRID_INTENSITY,
        RAW_COMTRADE_CHINA_CAR_EXPORTS,
        RAW_COMTRADE_PARTNER_AREAS,
        RAW_EEA_CO2CARS_REGISTRATIONS,
        RAW_EPA_FUELECONOMY_VEHICLES,
        RAW_IEA_ELECTRIC_CAR_SALES,
        RAW_IEA_ELECTRIC_CAR_SALES_SHARE,
        RAW_WORLDBANK_INDICATORS,
        RAW_REGISTRATIONS_BY_MODEL_MONTH,
        VEHICLE_CATALOGUE,
        EMISSION_FACTORS,
        METHOD_PARAMETERS,
        MARKET_LIFETIME,
        CONSUMPTION_UPLIFT,
        PHEV_UTILITY_FACTOR,
        FCT_VEHICLE_FOOTPRINT,
        FCT_FOOTPRINT_COMPONENT,
        FCT_MARKET_FOOTPRINT,
        FCT_EXPORT_EXPOSURE,
        DIM_MARKET,
        DIM_VEHICLE_MODEL,
        DIM_EMISSION_FACTOR,
        *STAGING_CONTRACTS,
        *QUALITY_CONTRACTS,
    )
}

PUBLISHED_TABLES = (
    "fct_vehicle_footprint",
    "fct_footprint_component",
    "fct_market_footprint",
    "fct_export_exposure",
    "dim_vehicle_model",
    "dim_market",
    "dim_emission_factor",
    "fct_footprint_data_quality",
    "fct_footprint_input_quality",
)


def contract_for(name: str) -> TableContract:
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract named {name!r}; known: {sorted(CONTRACTS)}") from None
