-- New-car registrations by member state, make, model and powertrain (EEA CO2 monitoring), with
-- registration-weighted mean mass, WLTP CO2 and consumption.
select
    member_state,
    upper(make) as make,
    upper(commercial_name) as commercial_name,
    fuel_type,
    fuel_mode,
    powertrain,
    cast(reporting_year as integer) as year,
    cast(registrations_units as bigint) as registrations,
    mean_mass_kg,
    mean_wltp_co2_g_per_km,
    mean_electricity_wh_per_km,
    mean_electric_range_km,
    mean_fuel_l_per_100km,
    source_sha256
from {{ source('raw', 'eea_co2cars__registrations_by_model') }}
