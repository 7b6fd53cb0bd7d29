{#-
  Priced inputs of the method: each footprint row with the factors its components multiply (battery
  chemistry, glider composition, production / battery / market grids, fuel per litre) and the
  masses and counts derived from the vehicle (pack and glider mass, replacement counts).

  A lookup that finds nothing stays NULL (no coalesce to 0): a component whose activity is not zero
  then has no kg CO2e, which the ledger's contract rule DQ-PRICED reports. Where the activity is
  zero (no battery, no fuel burnt) the missing factor is never used.
  Emits a CTE `priced`.
-#}
{% macro footprint_priced_inputs(relation) %}
composition_keys as (
    select distinct powertrain, segment from {{ ref('int_vehicles__glider_material_shares') }}
),

looked_up as (
    select
        {{ relation }}.*,
        battery.materials_factor_id as battery_materials_factor_id,
        battery.materials_kg_co2e_per_kwh,
        battery.pack_parameter_id,
        battery.cycle_life_parameter_id,
        battery.cycle_life,
        case when {{ relation }}.battery_kwh = 0 then 0
            else {{ pack_mass_kg(relation ~ '.battery_kwh', 'battery.pack_wh_per_kg') }} end as battery_pack_mass_kg,
        -- The most specific composition there is: powertrain x segment, else powertrain, else any.
        coalesce(exact.powertrain, by_powertrain.powertrain, '*') as composition_powertrain,
        coalesce(exact.segment, by_powertrain.segment, '*') as composition_segment,
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
        fuels.ttw_co2_kg_per_litre,
        fuels.ttw_ch4_kg_co2e_per_litre,
        fuels.ttw_n2o_kg_co2e_per_litre,
        fuels.wtt_kg_co2e_per_litre,
        fuels.co2_factor_id,
        fuels.ch4_factor_id,
        fuels.n2o_factor_id,
        fuels.wtt_factor_id,
        fuels.fuel_property_ids
    from {{ relation }}
    left join {{ ref('int_batteries__chemistry_factors') }} as battery
        on battery.battery_chemistry = {{ relation }}.battery_chemistry
    left join composition_keys as exact
        on exact.powertrain = {{ relation }}.powertrain and exact.segment = {{ relation }}.segment
    left join composition_keys as by_powertrain
        on by_powertrain.powertrain = {{ relation }}.powertrain and by_powertrain.segment = '*'
    asof left join {{ ref('int_grid__intensity_series') }} as production_grid
        on production_grid.area_code = {{ relation }}.production_country
        and production_grid.year <= {{ relation }}.registration_year
    asof left join {{ ref('int_grid__intensity_series') }} as battery_grid
        on battery_grid.area_code = {{ relation }}.battery_production_country
        and battery_grid.year <= {{ relation }}.registration_year
    left join service_life_grid
        on service_life_grid.market_code = {{ relation }}.market_code
        and service_life_grid.registration_year = {{ relation }}.registration_year
        and service_life_grid.lifetime_years = {{ relation }}.lifetime_years
    left join {{ ref('int_fuels__per_litre_factors') }} as fuels
        on fuels.fuel = {{ relation }}.fuel_for_combustion
),

priced as (
    select
        *,
        curb_mass_kg - battery_pack_mass_kg as glider_mass_kg,
        {{ over_distance('real_world_fuel_l_per_100km', 'lifetime_km') }} as lifetime_fuel_litres,
        {{ over_distance('real_world_electricity_kwh_per_100km', 'lifetime_km') }} as lifetime_electricity_kwh,
        -- Replacements from cycle life (carculator): the pack lasts cycles x usable kWh of driving,
        -- ceil(lifetime km / battery life km) - 1 more packs. A pack that is never charged from the
        -- grid (an HEV's) is not cycled by charging and lasts the car.
        case when battery_kwh > 0 and real_world_electricity_kwh_per_100km > 0
            then greatest(ceil(lifetime_km / (
                cycle_life * battery_kwh * {{ parameter_value('battery_depth_of_discharge') }}
                / (real_world_electricity_kwh_per_100km / 100))) - 1, 0)
            else 0 end as traction_battery_replacements,
        case when battery_kwh > 0 and real_world_electricity_kwh_per_100km > 0
            then concat_ws(';', cycle_life_parameter_id, 'battery_depth_of_discharge') end
            as battery_life_parameter_ids,
        -- Parameters every footprint's activities depend on, cited with the components they scale.
        concat_ws(';', lifetime_km_factor_id, nullif(consumption_factor_ids, '')) as distance_parameter_ids
    from looked_up
)
{% endmacro %}
