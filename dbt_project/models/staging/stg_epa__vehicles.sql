-- US EPA fueleconomy.gov vehicle specifications, one row per EPA vehicle id.
select
    cast(epa_vehicle_id as bigint) as epa_vehicle_id,
    make,
    model,
    cast(model_year as integer) as model_year,
    vehicle_class,
    fuel_type,
    powertrain,
    tailpipe_co2_g_per_km,
    electricity_kwh_per_100km,
    phev_utility_factor,
    electric_range_km,
    source_sha256
from {{ source('raw', 'epa_fueleconomy__vehicles') }}
