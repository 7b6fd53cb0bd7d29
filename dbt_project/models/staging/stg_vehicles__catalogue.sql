{%- set consumption_estimated = "electricity_kwh_per_100km is null and powertrain = 'BEV'" -%}
-- Curated catalogue of Chinese export models with their type-approval specifications.
select
    model_id,
    make,
    model,
    variant,
    cast(model_year as integer) as model_year,
    powertrain,
    fuel,
    segment,
    cast(curb_mass_kg as double) as curb_mass_kg,
    cast(coalesce(battery_kwh, 0) as double) as battery_kwh,
    nullif(battery_chemistry, '') as battery_chemistry,
    cast(electric_range_km as double) as electric_range_km,
    consumption_basis,
    -- A blank consumption is zero only where the powertrain cannot use that energy; a blank the car
    -- needs fails the build naming the row, never prices as zero.
    cast(case
        when fuel_l_per_100km is not null then fuel_l_per_100km
        when powertrain = 'BEV' then 0
        else error('seed vehicle_catalogue: ' || model_id || ' (' || powertrain || ') has no fuel_l_per_100km')
    end as double) as fuel_l_per_100km,
    -- A BEV with a rated range but no published consumption gets the catalogue's one estimate
    -- (macro plug_consumption_estimate), flagged below; a PHEV's weighted value cannot be estimated so.
    cast(case
        when electricity_kwh_per_100km is not null then electricity_kwh_per_100km
        when powertrain in ('ICEV', 'HEV') then 0
        when powertrain = 'BEV' and electric_range_km > 0 and battery_kwh > 0
            then round({{ plug_consumption_estimate('battery_kwh', 'electric_range_km') }}, 2)
        else error('seed vehicle_catalogue: ' || model_id || ' (' || powertrain || ') has no electricity_kwh_per_100km '
                   || 'and no battery_kwh and electric_range_km to estimate it from')
    end as double) as electricity_kwh_per_100km,
    cast(tailpipe_co2_g_per_km as double) as tailpipe_co2_g_per_km,
    production_country,
    nullif(battery_production_country, '') as battery_production_country,
    source_type,
    source_citation,
    source_url,
    nullif(concat_ws(';', nullif(estimated_fields, ''),
                     case when {{ consumption_estimated }} then 'electricity_kwh_per_100km' end), '') as estimated_fields,
    nullif(concat_ws(' | ', nullif(estimation_basis, ''),
                     case when {{ consumption_estimated }} then 'electricity_kwh_per_100km: ' || battery_kwh
                         || ' kWh (battery_kwh as published) / ' || electric_range_km || ' km rated range ('
                         || consumption_basis || ') x 100 / charging efficiency ' || {{ charging_efficiency_value() }}
                         || ' (method parameter charging_efficiency), on the range''s cycle' end), '') as estimation_basis
from {{ ref('vehicle_catalogue') }}
