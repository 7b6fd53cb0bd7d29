"""The contracts of Greenbridge's tables, one definition per table.

Layers: ``raw`` (landed by connectors; the contracts of the other sources live beside this file,
one ``raw_<source>.py`` module each), ``parameters`` (curated dbt seeds), ``marts`` (dbt fact and
dimension tables, published as Parquet). Units are named in the column (``_kg``, ``_g_per_km``)
and again in the column's ``unit``.
"""

from __future__ import annotations

from dataclasses import replace

from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

ISO3_PATTERN = r"^[A-Z]{3}$"
POWERTRAINS = ("ICEV", "HEV", "PHEV", "BEV")
FUELS = ("petrol", "diesel", "electricity")
CHEMISTRIES = ("LFP", "NMC622", "NMC811", "NCA", "LMO", "NMC")
CONSUMPTION_BASES = ("WLTP", "NEDC", "CLTC", "EPA", "REAL_WORLD")
MARKET_CODES = ("CHN", "IDN", "THA", "SGP", "HUN", "POL", "ZAF", "PAK", "RUS", "EU27", "USA")
CONFIDENCE_TAGS = ("V", "V2", "D", "R")

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
    Column("unit", "string", "Unit of `value`"),
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

_STAGES = (
    ("raw_materials", "Raw material acquisition: vehicle materials and traction battery materials"),
    ("production", "Vehicle production: assembly energy at the production country's grid, and battery assembly"),
    ("fuel_production", "Fuel production: well-to-tank of fuel, or electricity generation plus grid losses"),
    ("fuel_use", "Fuel use: tank-to-wheel combustion CO2, CH4 and N2O (zero for electricity)"),
    ("total", "Sum of the four stages of the standard's core boundary"),
)

FCT_VEHICLE_FOOTPRINT = TableContract(
    name="fct_vehicle_footprint",
    layer="marts",
    description=(
        "Life-cycle carbon footprint of each catalogue model in each market and registration year, "
        "by stage of the Belt and Road standard, per vehicle and per km over the lifetime."
    ),
    columns=(
        Column("model_id", "string", "Vehicle model variant (dim_vehicle_model.model_id)"),
        Column("market_code", "string", "Market the car is used in (ISO3, or EU27)", allowed_values=MARKET_CODES),
        Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
        Column("make", "string", "Brand"),
        Column("model", "string", "Model name"),
        Column("powertrain", "string", "Powertrain class", allowed_values=POWERTRAINS),
        Column("fuel", "string", "Main energy carrier", allowed_values=FUELS),
        Column("consumption_basis", "string", "Test cycle of the consumption used (no real-world uplift in 0.1.0)",
               allowed_values=CONSUMPTION_BASES),
        Column("lifetime_km", "float64", "Lifetime distance the per-km values are spread over", unit="km", min_value=1),
        *(
            Column(f"{stage}_kg_co2e", "float64", description, unit="kg CO2e/vehicle", min_value=0)
            for stage, description in _STAGES
        ),
        *(
            Column(f"{stage}_g_co2e_per_km", "float64", description + " (per km)", unit="g CO2e/km", min_value=0)
            for stage, description in _STAGES
        ),
        Column("market_grid_intensity_g_per_kwh", "float64", "Grid intensity used for the market's electricity",
               unit="g CO2e/kWh", min_value=0, max_value=1300),
        Column("market_grid_year", "int64", "Year of the grid observation used", unit="year"),
        Column("market_grid_is_carried_forward", "bool", "True when the registration year had no observation and the last one was used"),
        Column("production_grid_intensity_g_per_kwh", "float64", "Grid intensity of the production country",
               unit="g CO2e/kWh", min_value=0, max_value=1300),
        Column("factor_ids", "string", "Semicolon-separated ids of every factor and parameter used (dim_emission_factor)"),
        Column("vehicle_estimated_fields", "string", "Catalogue values of this model that are estimated", nullable=True),
        Column("methodology_version", "string", "Version of the footprint method", pattern=r"^\d+\.\d+\.\d+$"),
        Column("gwp_set", "string", "GWP set of the results", allowed_values=("AR6",)),
    ),
    primary_key=("model_id", "market_code", "registration_year"),
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
        VEHICLE_CATALOGUE,
        EMISSION_FACTORS,
        METHOD_PARAMETERS,
        FCT_VEHICLE_FOOTPRINT,
        DIM_VEHICLE_MODEL,
        DIM_EMISSION_FACTOR,
    )
}

PUBLISHED_TABLES = ("fct_vehicle_footprint", "dim_vehicle_model", "dim_emission_factor")


def contract_for(name: str) -> TableContract:
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract named {name!r}; known: {sorted(CONTRACTS)}") from None
