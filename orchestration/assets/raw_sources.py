"""Every raw asset that a connector lands, in one list (dbt seeds are the other raw assets), and the
views of it the refresh needs: their asset keys, by the step that lands them."""

from orchestration.assets.raw_carsales import raw_carsales__new_car_sales
from orchestration.assets.raw_comtrade import raw_comtrade__china_car_exports, raw_comtrade__partner_areas
from orchestration.assets.raw_eea_co2cars import raw_eea_co2cars__registrations_by_model
from orchestration.assets.raw_ember import raw_ember__grid_carbon_intensity
from orchestration.assets.raw_epa_fueleconomy import raw_epa_fueleconomy__vehicles
from orchestration.assets.raw_gaikindo import raw_gaikindo__model_wholesales
from orchestration.assets.raw_iea_ev_sales import raw_iea__electric_car_sales, raw_iea__electric_car_sales_share
from orchestration.assets.raw_lta_singapore import raw_lta_singapore__car_registrations_by_make
from orchestration.assets.raw_open_ev_data import raw_open_ev_data__trims
from orchestration.assets.raw_owid_energy import raw_owid_energy__grid_carbon_intensity
from orchestration.assets.raw_registrations import raw_registrations__by_model_month
from orchestration.assets.raw_worldbank import raw_worldbank__indicators

RAW_SOURCE_ASSETS = [
    raw_owid_energy__grid_carbon_intensity,
    raw_ember__grid_carbon_intensity,
    raw_comtrade__china_car_exports,
    raw_comtrade__partner_areas,
    raw_eea_co2cars__registrations_by_model,
    raw_registrations__by_model_month,
    raw_epa_fueleconomy__vehicles,
    raw_iea__electric_car_sales,
    raw_iea__electric_car_sales_share,
    raw_carsales__new_car_sales,
    raw_gaikindo__model_wholesales,
    raw_lta_singapore__car_registrations_by_make,
    raw_worldbank__indicators,
    raw_open_ev_data__trims,
]


def source_keys_by_step() -> dict[str, set]:
    """The asset keys each raw source's step lands (a step may land several tables)."""
    return {asset.op.name: set(asset.keys) for asset in RAW_SOURCE_ASSETS}


def source_keys() -> set:
    """Every raw source's asset key."""
    return {key for asset in RAW_SOURCE_ASSETS for key in asset.keys}
