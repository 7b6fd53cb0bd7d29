{#-
  The Greenbridge life-cycle footprint method, implemented once.

  vehicles: a relation with the columns of stg_vehicles__catalogue (one row per vehicle spec).
  Returns one row per vehicle x market x registration year with the four stages of the
  standard (raw material acquisition, vehicle production, fuel/electricity production,
  fuel use) in kg CO2e per vehicle and g CO2e/km over the lifetime.
  Consumption is used on its type-approval basis (no real-world uplift in methodology 0.1.0).
-#}
{% macro footprint_method(vehicles) %}
with vehicles as (
    select * from {{ vehicles }}
),

markets as (
    select market_code from {{ ref('stg_parameters__markets') }}
),

years as (
    select unnest({{ var('registration_years') }}) as registration_year
),

inputs as (
    select
        vehicles.*,
        markets.market_code,
        years.registration_year,
        {{ parameter_value('lifetime_km') }} as lifetime_km,
        coalesce(vehicles.battery_kwh * 1000 / battery.pack_wh_per_kg, 0) as battery_pack_mass_kg,
        coalesce(vehicles.battery_kwh * battery.materials_kg_co2e_per_kwh, 0) as battery_materials_kg,
        coalesce(vehicles.battery_kwh * battery.assembly_kg_co2e_per_kwh, 0) as battery_assembly_kg,
        battery.factor_ids as battery_factor_ids,
        glider.kg_co2e_per_kg_glider,
        glider.factor_ids as glider_factor_ids,
        production_grid.carbon_intensity_g_per_kwh as production_grid_g_per_kwh,
        production_grid.grid_factor_id as production_grid_factor_id,
        market_grid.carbon_intensity_g_per_kwh as market_grid_g_per_kwh,
        market_grid.observed_year as market_grid_year,
        market_grid.is_carried_forward as market_grid_is_carried_forward,
        market_grid.grid_factor_id as market_grid_factor_id,
        coalesce(fuels.ttw_kg_co2e_per_litre, 0) as ttw_kg_co2e_per_litre,
        coalesce(fuels.wtt_kg_co2e_per_litre, 0) as wtt_kg_co2e_per_litre,
        fuels.ttw_factor_ids,
        fuels.wtt_factor_ids
    from vehicles
    cross join markets
    cross join years
    cross join {{ ref('int_vehicles__glider_material_intensity') }} as glider
    left join {{ ref('int_batteries__chemistry_factors') }} as battery
        on battery.battery_chemistry = vehicles.battery_chemistry
    left join {{ ref('int_grid__intensity_by_area_year') }} as production_grid
        on production_grid.area_code = vehicles.production_country
        and production_grid.year = years.registration_year
    left join {{ ref('int_grid__intensity_by_area_year') }} as market_grid
        on market_grid.area_code = markets.market_code
        and market_grid.year = years.registration_year
    left join {{ ref('int_fuels__per_litre_factors') }} as fuels
        on fuels.fuel = case when vehicles.fuel = 'electricity' then null else vehicles.fuel end
),

stages as (
    select
        *,
        curb_mass_kg - battery_pack_mass_kg as glider_mass_kg,
        (curb_mass_kg - battery_pack_mass_kg) * kg_co2e_per_kg_glider
            + battery_materials_kg as raw_materials_kg_co2e,
        (curb_mass_kg - battery_pack_mass_kg) * (
            {{ parameter_value('assembly_electricity_kwh_per_kg') }} * production_grid_g_per_kwh / 1000
            + {{ parameter_value('assembly_heat_mj_per_kg') }} * {{ factor_value('ef_heat_natural_gas') }}
        ) + battery_assembly_kg as production_kg_co2e,
        fuel_l_per_100km * lifetime_km / 100 * wtt_kg_co2e_per_litre
            + electricity_kwh_per_100km * lifetime_km / 100 * market_grid_g_per_kwh / 1000
              / (1 - {{ parameter_value('grid_td_loss_share') }}) as fuel_production_kg_co2e,
        fuel_l_per_100km * lifetime_km / 100 * ttw_kg_co2e_per_litre as fuel_use_kg_co2e
    from inputs
)

select
    model_id,
    market_code,
    registration_year,
    make,
    model,
    powertrain,
    fuel,
    consumption_basis,
    lifetime_km,
    raw_materials_kg_co2e,
    production_kg_co2e,
    fuel_production_kg_co2e,
    fuel_use_kg_co2e,
    raw_materials_kg_co2e + production_kg_co2e + fuel_production_kg_co2e + fuel_use_kg_co2e as total_kg_co2e,
    raw_materials_kg_co2e * 1000 / lifetime_km as raw_materials_g_co2e_per_km,
    production_kg_co2e * 1000 / lifetime_km as production_g_co2e_per_km,
    fuel_production_kg_co2e * 1000 / lifetime_km as fuel_production_g_co2e_per_km,
    fuel_use_kg_co2e * 1000 / lifetime_km as fuel_use_g_co2e_per_km,
    (raw_materials_kg_co2e + production_kg_co2e + fuel_production_kg_co2e + fuel_use_kg_co2e)
        * 1000 / lifetime_km as total_g_co2e_per_km,
    market_grid_g_per_kwh as market_grid_intensity_g_per_kwh,
    market_grid_year,
    market_grid_is_carried_forward,
    production_grid_g_per_kwh as production_grid_intensity_g_per_kwh,
    concat_ws(';',
        glider_factor_ids,
        battery_factor_ids,
        'assembly_electricity_kwh_per_kg;assembly_heat_mj_per_kg;ef_heat_natural_gas',
        production_grid_factor_id,
        case when electricity_kwh_per_100km > 0 then market_grid_factor_id || ';grid_td_loss_share' end,
        case when fuel_l_per_100km > 0 then ttw_factor_ids || ';' || wtt_factor_ids end,
        'lifetime_km'
    ) as factor_ids,
    estimated_fields as vehicle_estimated_fields,
    '{{ var("methodology_version") }}' as methodology_version,
    'AR6' as gwp_set
from stages
{% endmacro %}
