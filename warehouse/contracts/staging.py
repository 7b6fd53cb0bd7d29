"""Contracts of the dbt staging models (``dbt_project/models/staging/stg_*.sql``), one per model.

A staging model renames, casts and lightly filters one raw table or parameters seed, so its
contract reuses the source contract's columns wherever a column passes through unchanged, and
states only what the model changes (a new name, a filter that removes nulls, a derived column).
The contracts become the staging models' dbt docs and tests
(``dbt_project/models/staging/_staging__contracts.yml``).

This module reuses the seed contracts (``seeds.py``) and the raw contracts; ``registry.py`` lists
these contracts with all the others.
"""

from __future__ import annotations

from dataclasses import replace

from warehouse.contracts.marts import DIM_MARKET
from warehouse.contracts.raw_carsales import RAW_CARSALES_NEW_CAR_SALES
from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS
from warehouse.contracts.raw_gaikindo import RAW_GAIKINDO_MODEL_WHOLESALES
from warehouse.contracts.raw_lta_singapore import RAW_LTA_SINGAPORE_CAR_REGISTRATIONS
from warehouse.contracts.raw_open_ev_data import RAW_OPEN_EV_DATA_TRIMS
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE
from warehouse.contracts.raw_owid_energy import RAW_OWID_GRID_INTENSITY
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.contracts.seeds import (
    CONSUMPTION_UPLIFT,
    EMISSION_FACTORS,
    MARKET_LIFETIME,
    METHOD_PARAMETERS,
    PHEV_UTILITY_FACTOR,
    CATALOGUE_VARIANT_COLUMNS,
    VEHICLE_CATALOGUE,
)
from warehouse.contracts.vocabularies import CHEMISTRIES, CONSUMPTION_BASES, LIFE_CYCLE_STAGES, POWERTRAINS

# A model that merges several raw answers keeps the sha256 of each, semicolon-separated.
SOURCE_SHA256S_PATTERN = r"^[0-9a-f]{64}(;[0-9a-f]{64})*$"
MARKET_OR_ISO3_PATTERN = r"^([A-Z]{3}|EU27)$"

# The provenance columns every parameters seed carries, with the seeds' own rules.
_SOURCE = EMISSION_FACTORS.column("source")
_SOURCE_URL = EMISSION_FACTORS.column("source_url")
_REFERENCE_YEAR = EMISSION_FACTORS.column("reference_year")
_CONFIDENCE = EMISSION_FACTORS.column("confidence")
_NOTES = EMISSION_FACTORS.column("notes")
_SEED_VERSION = EMISSION_FACTORS.column("seed_version")


_YEAR_OF_MONTH = Column("year", "int64", "Calendar year of the month", unit="year", min_value=1990, max_value=2100)
# The sales models' (carsales, GAIKINDO, LTA) powertrain in the catalogue's vocabulary: the dbt macro
# catalogue_powertrain (dbt_project/macros/catalogue_powertrain.sql).
_CATALOGUE_POWERTRAIN = Column(
    "catalogue_powertrain", "string",
    "The catalogue powertrain the sales powertrain counts: ICEV for diesel, petrol, lpg and ice; HEV, PHEV, BEV; "
    "null where the publisher's split has none (hybrid = HEV + PHEV, other)",
    nullable=True, allowed_values=POWERTRAINS)


def _source_sha256s(what: str) -> Column:
    return Column("source_sha256s", "string", f"sha256 of the raw bytes of every {what} the row was built from, "
                  "semicolon-separated", pattern=SOURCE_SHA256S_PATTERN)


def _from_seed(contract: TableContract, name: str, description: str) -> TableContract:
    """The staging model of a seed that passes every column through: the seed's contract, renamed."""
    return replace(contract, name=name, layer="staging", description=description)


_EXPORTS = RAW_COMTRADE_CHINA_CAR_EXPORTS.column
_PARTNERS = RAW_COMTRADE_PARTNER_AREAS.column

STG_COMTRADE__PARTNER_AREAS = TableContract(
    name="stg_comtrade__partner_areas",
    layer="staging",
    description="Comtrade's partner reference list: partner code to name and ISO 3166-1 alpha-3.",
    columns=(
        _PARTNERS("partner_code"),
        replace(_PARTNERS("partner_desc"), name="partner_name"),
        _PARTNERS("partner_iso3"),
        _PARTNERS("is_group"),
        SOURCE_SHA256,
    ),
    primary_key=("partner_code",),
)

STG_COMTRADE__CHINA_CAR_EXPORTS = TableContract(
    name="stg_comtrade__china_car_exports",
    layer="staging",
    description=(
        "China's monthly passenger-car exports by partner and HS code (UN Comtrade), totals over customs "
        "procedure and mode of transport only, partner codes mapped to ISO3 through Comtrade's partner list "
        "and HS subheadings classified by powertrain."
    ),
    columns=(
        _EXPORTS("month"),
        replace(_EXPORTS("ref_year"), name="year"),
        _EXPORTS("partner_code"),
        # A left join: a partner code missing from the reference list keeps its row with no name or code.
        replace(_PARTNERS("partner_iso3"), description=(
            "Partner ISO 3166-1 alpha-3 (or Comtrade's own code such as W00 for World), from "
            "stg_comtrade__partner_areas; null when the partner code is not in the reference list")),
        Column("partner_name", "string", "Partner name from stg_comtrade__partner_areas; null when the partner "
               "code is not in the reference list", nullable=True),
        Column("is_world", "bool", "The partner is the World total (partner code 0)"),
        replace(_EXPORTS("cmd_code"), name="hs_code"),
        Column("powertrain", "string",
               "Powertrain of the HS subheading (870321-870333 ICEV, 870340/870350 HEV, 870360/870370 PHEV, "
               "870380 BEV); ALL for the HS 8703 total", allowed_values=(*POWERTRAINS, "ALL")),
        _EXPORTS("quantity_units"),
        _EXPORTS("is_qty_estimated"),
        _EXPORTS("fob_value_usd"),
        _EXPORTS("primary_value_usd"),
        SOURCE_SHA256,
    ),
    # partner2, customs procedure and mode of transport are fixed to their totals by the model's filter.
    primary_key=("month", "partner_code", "hs_code"),
)

_EEA = RAW_EEA_CO2CARS_REGISTRATIONS.column

# No primary key: make and commercial name are upper-cased but the rows are not re-aggregated, so
# groups the EEA keeps apart only by letter case ('Byd' and 'BYD') stay separate rows.
STG_EEA__REGISTRATIONS_BY_MODEL = TableContract(
    name="stg_eea__registrations_by_model",
    layer="staging",
    description=(
        "New passenger-car registrations by member state, make, commercial name and powertrain for one "
        "reporting year (EEA CO2 monitoring), with registration-weighted mean mass, WLTP CO2 and "
        "consumption; make and commercial name upper-cased."
    ),
    columns=(
        _EEA("member_state"),
        replace(_EEA("make"), description="Make as registered (EEA Mk), upper-cased"),
        replace(_EEA("commercial_name"), description="Commercial name as registered (EEA Cn), upper-cased"),
        _EEA("fuel_type"),
        _EEA("fuel_mode"),
        _EEA("powertrain"),
        replace(_EEA("reporting_year"), name="year"),
        replace(_EEA("registrations_units"), name="registrations"),
        _EEA("mean_mass_kg"),
        _EEA("mean_wltp_co2_g_per_km"),
        _EEA("mean_electricity_wh_per_km"),
        _EEA("mean_electric_range_km"),
        _EEA("mean_fuel_l_per_100km"),
        SOURCE_SHA256,
    ),
)

_EMBER = RAW_EMBER_GRID_INTENSITY.column

STG_EMBER__GRID_CARBON_INTENSITY = TableContract(
    name="stg_ember__grid_carbon_intensity",
    layer="staging",
    description="Carbon intensity of electricity generation by Ember entity and year (Ember API), one row per "
                "entity-year with a value.",
    columns=(
        replace(_EMBER("entity"), name="ember_entity"),
        replace(_EMBER("entity_code"), name="iso3"),
        _EMBER("year"),
        # The model keeps only rows with a value.
        replace(_EMBER("carbon_intensity_elec_g_per_kwh"), name="carbon_intensity_g_per_kwh", nullable=False),
        SOURCE_SHA256,
    ),
    primary_key=("ember_entity", "year"),
)

_EPA = RAW_EPA_FUELECONOMY_VEHICLES.column

STG_EPA__VEHICLES = TableContract(
    name="stg_epa__vehicles",
    layer="staging",
    description="US EPA fueleconomy.gov test results, one row per EPA vehicle id, in km.",
    columns=(
        _EPA("epa_vehicle_id"),
        _EPA("make"),
        _EPA("model"),
        _EPA("model_year"),
        _EPA("vehicle_class"),
        _EPA("fuel_type"),
        _EPA("powertrain"),
        _EPA("tailpipe_co2_g_per_km"),
        _EPA("electricity_kwh_per_100km"),
        _EPA("phev_utility_factor"),
        _EPA("electric_range_km"),
        SOURCE_SHA256,
    ),
    primary_key=("epa_vehicle_id",),
)

_IEA_SALES = RAW_IEA_ELECTRIC_CAR_SALES.column

STG_IEA__ELECTRIC_CAR_SALES = TableContract(
    name="stg_iea__electric_car_sales",
    layer="staging",
    description=(
        "Electric cars sold (BEV + PHEV) and their share of new cars by country or region and year (IEA "
        "Global EV Outlook via OWID grapher): the two charts joined, a value null where its chart has no row."
    ),
    columns=(
        replace(_IEA_SALES("entity"), name="iea_entity"),
        _IEA_SALES("code"),
        _IEA_SALES("year"),
        _IEA_SALES("electric_car_sales_units"),
        RAW_IEA_ELECTRIC_CAR_SALES_SHARE.column("electric_car_sales_share_pct"),
        _source_sha256s("chart (sales and share)"),
    ),
    primary_key=("iea_entity", "year"),
)

_OWID = RAW_OWID_GRID_INTENSITY.column

STG_OWID__GRID_CARBON_INTENSITY = TableContract(
    name="stg_owid__grid_carbon_intensity",
    layer="staging",
    description="Carbon intensity of electricity generation by OWID entity and year (OWID energy dataset), "
                "one row per entity-year with a value.",
    columns=(
        replace(_OWID("country"), name="owid_entity"),
        replace(_OWID("iso_code"), name="iso3"),
        _OWID("year"),
        replace(_OWID("carbon_intensity_elec_g_per_kwh"), name="carbon_intensity_g_per_kwh", nullable=False),
        SOURCE_SHA256,
    ),
    primary_key=("owid_entity", "year"),
)

STG_PARAMETERS__CONSUMPTION_BASES = TableContract(
    name="stg_parameters__consumption_bases",
    layer="staging",
    description="Test cycles a consumption value can be declared on, and how a PHEV's values are reported on each "
                "(seed consumption_bases).",
    columns=(
        Column("consumption_basis", "string", "Test cycle, or REAL_WORLD", allowed_values=CONSUMPTION_BASES),
        # The footprint method has one branch per value (macro footprint_real_world_consumption).
        Column("phev_values", "string",
               "How a PHEV's declared values are reported: uf_weighted (one value weighted with the cycle's utility "
               "factor), cd_cs_separate (charge-depleting electricity and charge-sustaining fuel stated separately), "
               "real_world_average (measured over all driving)",
               allowed_values=("uf_weighted", "cd_cs_separate", "real_world_average")),
        Column("description", "string", "What the test cycle is"),
        _SOURCE,
        _SOURCE_URL,
        _CONFIDENCE,
        _NOTES,
        _SEED_VERSION,
    ),
    primary_key=("consumption_basis",),
)

STG_PARAMETERS__CONSUMPTION_UPLIFT = _from_seed(
    CONSUMPTION_UPLIFT, "stg_parameters__consumption_uplift",
    "Real-world uplift multipliers of declared consumption per test cycle, powertrain and energy carrier "
    "(seed consumption_uplift).",
)

STG_PARAMETERS__EMISSION_FACTORS = _from_seed(
    EMISSION_FACTORS, "stg_parameters__emission_factors",
    "Emission factors of the method, one row per factor id, each with source, year, geography and unit "
    "(seed emission_factors).",
)

STG_PARAMETERS__GRID_PROJECTION = TableContract(
    name="stg_parameters__grid_projection",
    layer="staging",
    description=(
        "Declared projections of grid carbon intensity for years after an area's last observation (seed "
        "grid_projection), used in the service-life average; without one the last observed value is held."
    ),
    columns=(
        Column("area_code", "string", "Area the projection is for: market code (ISO3, or EU27), or ISO3 of another "
               "country", pattern=MARKET_OR_ISO3_PATTERN),
        Column("year", "int64", "Projected year", unit="year", min_value=2000, max_value=2100),
        # The bounds of the observed grid intensities: a projection is held to no looser a rule.
        Column("carbon_intensity_g_per_kwh", "float64", "Projected carbon intensity of electricity generation",
               unit="g CO2e/kWh", min_value=0, max_value=2000),
        Column("scenario", "string", "Scenario the projection belongs to (part of its factor id)"),
        _SOURCE,
        _SOURCE_URL,
        _CONFIDENCE,
        _NOTES,
        _SEED_VERSION,
    ),
    # One value per area and year: the grid series and dim_emission_factor join a projection on these two.
    primary_key=("area_code", "year"),
)

STG_PARAMETERS__LIFE_CYCLE_STAGES = TableContract(
    name="stg_parameters__life_cycle_stages",
    layer="staging",
    description="The stages a footprint is reported in, in order, and whether each is inside the standard's core "
                "boundary (summed into total_kg_co2e) (seed life_cycle_stages).",
    columns=(
        Column("stage", "string", "Life-cycle stage", allowed_values=LIFE_CYCLE_STAGES),
        Column("stage_order", "int64", "Report order of the stage", min_value=1, max_value=len(LIFE_CYCLE_STAGES)),
        Column("in_core_boundary", "bool", "The stage is summed into total_kg_co2e"),
        Column("description", "string", "What the stage covers"),
        Column("source", "string", "Standard or practice the stage and its boundary come from"),
        _NOTES,
    ),
    primary_key=("stage",),
)

_LIFETIME = MARKET_LIFETIME.column

STG_PARAMETERS__MARKET_LIFETIME = TableContract(
    name="stg_parameters__market_lifetime",
    layer="staging",
    description="Lifetime distance and service life of a car per market, each with its source and the ids a "
                "footprint cites them by (seed market_lifetime).",
    columns=(
        _LIFETIME("market_code"),
        _LIFETIME("lifetime_km"),
        _LIFETIME("lifetime_years"),
        Column("lifetime_km_factor_id", "string", "Id of the lifetime distance: lifetime_km_<market code>",
               pattern=r"^lifetime_km_[a-z0-9]+$"),
        Column("lifetime_years_factor_id", "string", "Id of the service life: lifetime_years_<market code>",
               pattern=r"^lifetime_years_[a-z0-9]+$"),
        _LIFETIME("source"),
        _LIFETIME("source_url"),
        _LIFETIME("reference_year"),
        _LIFETIME("confidence"),
        _LIFETIME("notes"),
        _LIFETIME("seed_version"),
    ),
    primary_key=("market_code",),
)

_MARKET = DIM_MARKET.column

STG_PARAMETERS__MARKETS = TableContract(
    name="stg_parameters__markets",
    layer="staging",
    description="Markets the footprints are reported for (targets and references), with the entity names that "
                "map them to the grid sources (seed markets).",
    columns=(
        _MARKET("market_code"),
        _MARKET("market_name"),
        _MARKET("iso3"),
        Column("owid_entity", "string", "Entity of the market in the OWID energy dataset (stg_owid__grid_carbon_intensity)"),
        Column("ember_entity", "string", "Entity of the market in the Ember API (stg_ember__grid_carbon_intensity)"),
        _MARKET("market_role"),
        _MARKET("in_2024_pilot"),
        _MARKET("in_2021_study"),
    ),
    primary_key=("market_code",),
)

STG_PARAMETERS__MATERIAL_COMPOSITION = TableContract(
    name="stg_parameters__material_composition",
    layer="staging",
    description=(
        "Vehicle material content excluding the traction battery, one row per material line of the source table, "
        "keyed by the powertrain and segment it describes ('*' = any) (seed material_composition)."
    ),
    columns=(
        Column("powertrain", "string", "Powertrain the composition describes; * for any", allowed_values=(*POWERTRAINS, "*")),
        Column("segment", "string", "Size segment the composition describes; * for any",
               allowed_values=(*VEHICLE_CATALOGUE.column("segment").allowed_values, "*")),
        Column("material_group", "string", "Material family the line is counted in",
               allowed_values=("steel", "aluminium", "copper", "plastics", "other")),
        Column("material_in_source", "string", "Material as the source table names it"),
        Column("mass_lb_per_vehicle", "float64", "Mass of the material in an average vehicle, as published",
               unit="lb/vehicle", min_value=0),
        # The glider intensity inner-joins the factors: a missing id would silently drop the line's mass.
        Column("factor_id", "string", "Id of the material's emission factor (stg_parameters__emission_factors)",
               pattern=r"^[a-z0-9_]+$", references="stg_parameters__emission_factors.factor_id"),
        _SOURCE,
        _REFERENCE_YEAR,
        _CONFIDENCE,
    ),
    primary_key=("powertrain", "segment", "material_in_source"),
)

STG_PARAMETERS__METHOD_PARAMETERS = _from_seed(
    METHOD_PARAMETERS, "stg_parameters__method_parameters",
    "Non-emission parameters of the method (lifetime, fuel properties, GWPs, pack energy density...), one row per "
    "id (seed method_parameters).",
)

_UF = PHEV_UTILITY_FACTOR.column

STG_PARAMETERS__PHEV_UTILITY_FACTOR = TableContract(
    name="stg_parameters__phev_utility_factor",
    layer="staging",
    description="PHEV utility factor curves by electric range: each test cycle's type-approval curve and the "
                "real-world curve, each point with the id a footprint cites it by (seed phev_utility_factor).",
    columns=(
        _UF("curve"),
        _UF("electric_range_km"),
        _UF("utility_factor"),
        Column("utility_factor_id", "string", "Id of the curve point: phev_uf_<curve>_<electric range>km",
               pattern=r"^phev_uf_[a-z_]+_[0-9]+(\.[0-9]+)?km$"),
        _UF("source"),
        _UF("source_url"),
        _UF("reference_year"),
        _UF("confidence"),
        _UF("notes"),
        _UF("seed_version"),
    ),
    primary_key=("curve", "electric_range_km"),
)

_REGISTRATIONS = RAW_REGISTRATIONS_BY_MODEL_MONTH.column

STG_REGISTRATIONS__BY_MODEL_MONTH = TableContract(
    name="stg_registrations__by_model_month",
    layer="staging",
    description="New-car registrations of catalogue models by market and month, as delivered in registration "
                "files, with the calendar year of the month.",
    columns=(
        _REGISTRATIONS("model_id"),
        _REGISTRATIONS("market_code"),
        _REGISTRATIONS("month"),
        _YEAR_OF_MONTH,
        _REGISTRATIONS("registrations"),
        _REGISTRATIONS("publisher"),
        SOURCE_SHA256,
    ),
    primary_key=("model_id", "market_code", "month"),
)

_CARSALES = RAW_CARSALES_NEW_CAR_SALES.column

STG_CARSALES__NEW_CAR_SALES = TableContract(
    name="stg_carsales__new_car_sales",
    layer="staging",
    description="New-car sales by market, month and powertrain as each market's publisher splits them "
                "(raw.carsales__new_car_sales), with the calendar year and the catalogue powertrain.",
    columns=(
        _CARSALES("market_code"),
        _CARSALES("month"),
        _YEAR_OF_MONTH,
        _CARSALES("powertrain"),
        _CATALOGUE_POWERTRAIN,
        _CARSALES("new_car_sales"),
        _CARSALES("publisher"),
        SOURCE_SHA256,
    ),
    primary_key=("market_code", "month", "powertrain"),
)

_GAIKINDO = RAW_GAIKINDO_MODEL_WHOLESALES.column

STG_GAIKINDO__MODEL_WHOLESALES = TableContract(
    name="stg_gaikindo__model_wholesales",
    layer="staging",
    description="Indonesia's monthly wholesales by model variant as GAIKINDO publishes them "
                "(raw.gaikindo__model_wholesales), one row per published row, with the calendar year, the "
                "catalogue powertrain and the country the variant was assembled in.",
    columns=(
        _GAIKINDO("source_file"),
        _GAIKINDO("source_row"),
        _GAIKINDO("month"),
        _YEAR_OF_MONTH,
        _GAIKINDO("gaikindo_row_id"),
        _GAIKINDO("brand"),
        Column("brand_corrected", "string",
               "brand with the extract's known misfiling undone (../shared/data/README.md: AION trims filed under "
               "BYD): AION for a row filed under BYD whose type starts with 'AION '; otherwise brand"),
        _GAIKINDO("model"),
        _GAIKINDO("type"),
        _GAIKINDO("category"),
        Column("is_passenger_car", "bool", "Passenger car: category SEDAN, 4X2, 4X4 or AFFORDABLE (PICK UP, DOUBLE CABIN, "
               "TRUCK and BUS are commercial vehicles)"),
        _GAIKINDO("fuel_code"),
        _GAIKINDO("powertrain"),
        _CATALOGUE_POWERTRAIN,
        _GAIKINDO("built_up"),
        _GAIKINDO("origin_iso3"),
        replace(_GAIKINDO("origin_iso3"), name="assembled_in", description=(
            "ISO 3166-1 alpha-3 code of the production country: the published origin (IDN for a CKD row with "
            "origin Indonesia); null where no origin is published")),
        Column("built_up_disagrees_with_origin", "bool",
               "True where built_up contradicts the origin: CKD (assembled in Indonesia) with an origin other than "
               "Indonesia or none, or CBU (imported) with origin Indonesia; assembled_in is then the origin; false "
               "where built_up is not published"),
        _GAIKINDO("wholesales"),
        SOURCE_SHA256,
    ),
    primary_key=("source_file", "source_row"),
)

_LTA = RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.column

STG_LTA__REGISTRATIONS_BY_MAKE = TableContract(
    name="stg_lta__registrations_by_make",
    layer="staging",
    description="Singapore's new car registrations by month, make, importer type, fuel type and body type (LTA M03, "
                "raw.lta_singapore__car_registrations_by_make), with the calendar year and the catalogue powertrain.",
    columns=(
        _LTA("market_code"),
        _LTA("month"),
        _YEAR_OF_MONTH,
        _LTA("make"),
        _LTA("make_normalised"),
        _LTA("importer_type"),
        _LTA("fuel_type"),
        _LTA("powertrain"),
        _CATALOGUE_POWERTRAIN,
        _LTA("body_type"),
        _LTA("registrations"),
        _LTA("registrations_blank_in_source"),
        SOURCE_SHA256,
    ),
    primary_key=RAW_LTA_SINGAPORE_CAR_REGISTRATIONS.primary_key,
)

_OED = RAW_OPEN_EV_DATA_TRIMS.column

STG_OPEN_EV_DATA__TRIMS = TableContract(
    name="stg_open_ev_data__trims",
    layer="staging",
    description="Specifications of electric vehicle trims from open-ev-data (raw.open_ev_data__trims), one row per "
                "trim, with the powertrain and battery chemistry in the catalogue's vocabularies. No consumption "
                "and no estimate of one.",
    columns=(
        _OED("trim_id"),
        _OED("make"),
        _OED("model"),
        replace(_OED("model_year"), name="year"),
        _OED("trim"),
        _OED("variant"),
        _OED("vehicle_type"),
        _OED("availability_status"),
        replace(_OED("powertrain"), name="open_ev_data_powertrain"),
        Column("powertrain", "string",
               "Catalogue powertrain: BEV and PHEV as open-ev-data says; EREV as PHEV (an off-vehicle-charging hybrid "
               "with a range extender); null where the record says both PHEV and EREV",
               nullable=True, allowed_values=POWERTRAINS),
        replace(_OED("battery_chemistry"), name="battery_chemistry_as_published"),
        Column("battery_chemistry", "string",
               "Battery chemistry in the catalogue's vocabulary: lfp = LFP, nmc = NMC; null for li-ion (lithium-ion, "
               "chemistry unspecified) or no chemistry", nullable=True, allowed_values=CHEMISTRIES),
        Column("battery_chemistry_unspecified", "bool",
               "True where the record says only lithium-ion (li-ion): battery_chemistry is then null"),
        _OED("battery_gross_kwh"),
        _OED("battery_net_kwh"),
        replace(_OED("curb_weight_kg"), name="curb_mass_kg"),
        _OED("wheelbase_mm"),
        _OED("range_wltp_km"),
        _OED("range_cltc_km"),
        _OED("range_nedc_km"),
        _OED("range_epa_km"),
        _OED("rated_range_notes"),
        _OED("markets"),
        _OED("source_urls"),
        SOURCE_SHA256,
    ),
    primary_key=("trim_id",),
)

STG_VEHICLES__CATALOGUE = replace(
    VEHICLE_CATALOGUE,
    name="stg_vehicles__catalogue",
    layer="staging",
    description=(
        "Curated catalogue of Chinese export car models with their type-approval specifications (seed "
        "vehicle_catalogue); a missing battery size is 0, a consumption the powertrain cannot use 0, a BEV's missing "
        "electricity estimated from its rated range (flagged in estimated_fields), an empty text null."
    ),
    columns=CATALOGUE_VARIANT_COLUMNS,
)

_WB = RAW_WORLDBANK_INDICATORS.column

STG_WORLDBANK__MARKET_CONTEXT = TableContract(
    name="stg_worldbank__market_context",
    layer="staging",
    description="World Bank indicators per country (or aggregate) and year, one column per indicator with its unit "
                "in the name; a value null where the World Bank has none.",
    columns=(
        _WB("country_wb_id"),
        _WB("country_iso3"),
        _WB("country_name"),
        _WB("year"),
        Column("population_persons", "float64", "Population, total (SP.POP.TOTL)", unit="persons",
               nullable=True, min_value=0),
        Column("gdp_current_usd", "float64", "GDP in current US dollars (NY.GDP.MKTP.CD)", unit="USD",
               nullable=True, min_value=0),
        Column("co2_per_capita_t", "float64", "CO2 emissions per capita, excluding LULUCF (EN.GHG.CO2.PC.CE.AR5)",
               unit="t CO2e per capita", nullable=True, min_value=0),
        Column("official_exchange_rate_lcu_per_usd", "float64",
               "Official exchange rate, local currency units per US$, period average (PA.NUS.FCRF); the euro's "
               "under the euro area (EMU); 1 for the USA", unit="LCU per US$", nullable=True, min_value=0),
        _source_sha256s("indicator answer"),
    ),
    primary_key=("country_wb_id", "year"),
)

STAGING_CONTRACTS = (
    STG_CARSALES__NEW_CAR_SALES,
    STG_COMTRADE__CHINA_CAR_EXPORTS,
    STG_COMTRADE__PARTNER_AREAS,
    STG_EEA__REGISTRATIONS_BY_MODEL,
    STG_EMBER__GRID_CARBON_INTENSITY,
    STG_EPA__VEHICLES,
    STG_GAIKINDO__MODEL_WHOLESALES,
    STG_IEA__ELECTRIC_CAR_SALES,
    STG_LTA__REGISTRATIONS_BY_MAKE,
    STG_OPEN_EV_DATA__TRIMS,
    STG_OWID__GRID_CARBON_INTENSITY,
    STG_PARAMETERS__CONSUMPTION_BASES,
    STG_PARAMETERS__CONSUMPTION_UPLIFT,
    STG_PARAMETERS__EMISSION_FACTORS,
    STG_PARAMETERS__GRID_PROJECTION,
    STG_PARAMETERS__LIFE_CYCLE_STAGES,
    STG_PARAMETERS__MARKET_LIFETIME,
    STG_PARAMETERS__MARKETS,
    STG_PARAMETERS__MATERIAL_COMPOSITION,
    STG_PARAMETERS__METHOD_PARAMETERS,
    STG_PARAMETERS__PHEV_UTILITY_FACTOR,
    STG_REGISTRATIONS__BY_MODEL_MONTH,
    STG_VEHICLES__CATALOGUE,
    STG_WORLDBANK__MARKET_CONTEXT,
)
