"""Every table contract by name (``CONTRACTS``), the tables published as Parquet
(``PUBLISHED_TABLES``) and ``contract_for``.

Layers: ``raw`` (landed by connectors, one ``raw_<source>.py`` module each), ``parameters``
(curated dbt seeds, ``seeds.py``; the data-quality seeds in ``quality.py``), ``staging`` (dbt
staging models, ``staging.py``), ``marts`` (dbt facts and dimensions, ``marts.py``, ``ledger.py``,
``quality.py``; the new-car fleet and the make origins: ``fleet.py``; the market CO2 rules:
``market_rules.py``). This module only lists them: nothing imports it back.
"""

from __future__ import annotations

from warehouse.contracts.fleet import FLEET_CONTRACTS
from warehouse.contracts.front_runner import FCT_FRONT_RUNNER
from warehouse.contracts.ledger import FCT_FOOTPRINT_COMPONENT
from warehouse.contracts.market_rules import MARKET_RULE_CONTRACTS
from warehouse.contracts.marts import (
    DIM_EMISSION_FACTOR,
    DIM_MARKET,
    DIM_VEHICLE_MODEL,
    DIM_VEHICLE_MODEL_EXCLUSION,
    FCT_EXPORT_EXPOSURE,
    FCT_REGISTRATION_MATCH,
    FCT_MARKET_FOOTPRINT,
    FCT_VEHICLE_FOOTPRINT,
)
from warehouse.contracts.quality import QUALITY_CONTRACTS
from warehouse.contracts.raw_carsales import RAW_CARSALES_NEW_CAR_SALES
from warehouse.contracts.raw_comtrade import RAW_COMTRADE_CHINA_CAR_EXPORTS, RAW_COMTRADE_PARTNER_AREAS
from warehouse.contracts.raw_eea_co2cars import RAW_EEA_CO2CARS_REGISTRATIONS
from warehouse.contracts.raw_ember import RAW_EMBER_GRID_INTENSITY
from warehouse.contracts.raw_epa_fueleconomy import RAW_EPA_FUELECONOMY_VEHICLES
from warehouse.contracts.raw_gaikindo import RAW_GAIKINDO_MODEL_WHOLESALES
from warehouse.contracts.raw_iea_ev_sales import RAW_IEA_ELECTRIC_CAR_SALES, RAW_IEA_ELECTRIC_CAR_SALES_SHARE
from warehouse.contracts.raw_lta_singapore import RAW_LTA_SINGAPORE_CAR_REGISTRATIONS
from warehouse.contracts.raw_open_ev_data import RAW_OPEN_EV_DATA_TRIMS
from warehouse.contracts.raw_owid_energy import RAW_OWID_GRID_INTENSITY
from warehouse.contracts.raw_registrations import RAW_REGISTRATIONS_BY_MODEL_MONTH
from warehouse.contracts.raw_worldbank import RAW_WORLDBANK_INDICATORS
from warehouse.contracts.schema import TableContract
from warehouse.contracts.seeds import (
    CATALOGUE_VARIANT_LINKS,
    CONSUMPTION_UPLIFT,
    EMISSION_FACTORS,
    MARKET_LIFETIME,
    METHOD_PARAMETERS,
    PHEV_UTILITY_FACTOR,
    REGISTRATION_MAKE_MAPPING,
    REGISTRATION_VARIANT_MAPPING,
    VEHICLE_CATALOGUE,
)
from warehouse.contracts.staging import STAGING_CONTRACTS

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
        RAW_CARSALES_NEW_CAR_SALES,
        RAW_GAIKINDO_MODEL_WHOLESALES,
        RAW_LTA_SINGAPORE_CAR_REGISTRATIONS,
        RAW_OPEN_EV_DATA_TRIMS,
        RAW_WORLDBANK_INDICATORS,
        RAW_REGISTRATIONS_BY_MODEL_MONTH,
        VEHICLE_CATALOGUE,
        CATALOGUE_VARIANT_LINKS,
        REGISTRATION_VARIANT_MAPPING,
        REGISTRATION_MAKE_MAPPING,
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
        DIM_VEHICLE_MODEL_EXCLUSION,
        FCT_REGISTRATION_MATCH,
        DIM_EMISSION_FACTOR,
        *STAGING_CONTRACTS,
        *QUALITY_CONTRACTS,
        *FLEET_CONTRACTS,
        *MARKET_RULE_CONTRACTS,
        FCT_FRONT_RUNNER,
    )
}

PUBLISHED_TABLES = (
    "fct_vehicle_footprint",
    "fct_footprint_component",
    "fct_market_footprint",
    "fct_export_exposure",
    "dim_vehicle_model",
    "dim_vehicle_model_exclusion",
    "fct_registration_match",
    "fct_market_rule_outcome",
    "fct_market_rule_fleet",
    "dim_market",
    "dim_emission_factor",
    "fct_footprint_data_quality",
    "fct_footprint_input_quality",
    "fct_market_new_car_fleet",
    "fct_front_runner",
)


def contract_for(name: str) -> TableContract:
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract named {name!r}; known: {sorted(CONTRACTS)}") from None
