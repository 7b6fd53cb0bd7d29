{#-
  The Greenbridge life-cycle footprint method, implemented once. The published facts
  (fct_vehicle_footprint) and the calculator (`greenbridge footprint`) both call this macro.

  vehicle_markets: a relation or parenthesised subquery with one row per vehicle x market x
  registration year and the columns of int_footprint__catalogue_inputs:
    model_id, powertrain, fuel, segment, curb_mass_kg, battery_kwh, battery_chemistry,
    electric_range_km, consumption_basis, fuel_l_per_100km, electricity_kwh_per_100km,
    production_country, battery_production_country, market_code, registration_year,
    lifetime_km_override (null = the market's default lifetime).

  Returns one row per input row: the six stages in kg CO2e per vehicle and g CO2e/km, the total
  over the stages inside the core boundary (seed life_cycle_stages), the inputs actually used
  (real-world consumption, grid intensities, lifetime) and the ids of every factor used.
  A missing factor yields NULL, which the not_null tests on every stage catch.
-#}
{% macro footprint_method(vehicle_markets) %}
with inputs as (
    select
        vehicle_markets.*,
        coalesce(vehicle_markets.lifetime_km_override, lifetime.lifetime_km) as lifetime_km,
        lifetime.lifetime_years,
        case when vehicle_markets.lifetime_km_override is null then lifetime.lifetime_km_factor_id end
            as lifetime_km_factor_id,
        lifetime.lifetime_years_factor_id
    from {{ vehicle_markets }} as vehicle_markets
    left join {{ ref('stg_parameters__market_lifetime') }} as lifetime
        on lifetime.market_code = vehicle_markets.market_code
),

{{ footprint_real_world_consumption('inputs') }},

{{ footprint_service_life_grid('consumption') }},

priced as (
    select
        consumption.*,
        coalesce(consumption.battery_kwh * 1000 / battery.pack_wh_per_kg, 0) as battery_pack_mass_kg,
        coalesce(consumption.battery_kwh * battery.materials_kg_co2e_per_kwh, 0) as battery_materials_kg,
        battery.factor_ids as battery_factor_ids,
        coalesce(glider_exact.kg_co2e_per_kg_glider, glider_powertrain.kg_co2e_per_kg_glider,
                 glider_any.kg_co2e_per_kg_glider) as kg_co2e_per_kg_glider,
        coalesce(glider_exact.factor_ids, glider_powertrain.factor_ids, glider_any.factor_ids) as glider_factor_ids,
        production_grid.carbon_intensity_g_per_kwh as production_grid_g_per_kwh,
        production_grid.year as production_grid_year,
        production_grid.grid_factor_id as production_grid_factor_id,
        battery_grid.carbon_intensity_g_per_kwh as battery_grid_g_per_kwh,
        battery_grid.grid_factor_id as battery_grid_factor_id,
        service_life_grid.market_grid_service_life_g_per_kwh,
        service_life_grid.market_grid_years_observed,
        service_life_grid.market_grid_years_projected,
        service_life_grid.market_grid_years_held,
        service_life_grid.market_grid_last_source_year,
        service_life_grid.market_grid_factor_ids,
        coalesce(fuels.ttw_kg_co2e_per_litre, 0) as ttw_kg_co2e_per_litre,
        coalesce(fuels.wtt_kg_co2e_per_litre, 0) as wtt_kg_co2e_per_litre,
        fuels.ttw_factor_ids,
        fuels.wtt_factor_ids
    from consumption
    left join {{ ref('int_batteries__chemistry_factors') }} as battery
        on battery.battery_chemistry = consumption.battery_chemistry
    left join {{ ref('int_vehicles__glider_material_intensity') }} as glider_exact
        on glider_exact.powertrain = consumption.powertrain and glider_exact.segment = consumption.segment
    left join {{ ref('int_vehicles__glider_material_intensity') }} as glider_powertrain
        on glider_powertrain.powertrain = consumption.powertrain and glider_powertrain.segment = '*'
    left join {{ ref('int_vehicles__glider_material_intensity') }} as glider_any
        on glider_any.powertrain = '*' and glider_any.segment = '*'
    asof left join {{ ref('int_grid__intensity_series') }} as production_grid
        on production_grid.area_code = consumption.production_country
        and production_grid.year <= consumption.registration_year
    asof left join {{ ref('int_grid__intensity_series') }} as battery_grid
        on battery_grid.area_code = consumption.battery_production_country
        and battery_grid.year <= consumption.registration_year
    left join service_life_grid
        on service_life_grid.market_code = consumption.market_code
        and service_life_grid.registration_year = consumption.registration_year
        and service_life_grid.lifetime_years = consumption.lifetime_years
    left join {{ ref('int_fuels__per_litre_factors') }} as fuels
        on fuels.fuel = consumption.fuel_for_combustion
),

{{ footprint_stages('priced') }}

{{ footprint_report('stages') }}
{% endmacro %}
