{#-
  The six stages of the method in kg CO2e per vehicle, from the priced inputs of footprint_method.
  Parameters and factors are looked up by id in the seeds (parameter_value / factor_value); the
  ids are listed again in factor_ids so every number cites what it used.
  Emits a CTE `stages`.
-#}
{% macro footprint_stages(relation) %}
masses as (
    select
        *,
        curb_mass_kg - battery_pack_mass_kg as glider_mass_kg,
        case when battery_kwh > 0
            then greatest(ceil(lifetime_km / {{ parameter_value('battery_lifetime_km') }}) - 1, 0)
            else 0 end as traction_battery_replacements,
        case when battery_kwh > 0
            then battery_kwh * (
                {{ parameter_value('battery_manufacturing_electricity_kwh_per_kwh') }} * battery_grid_g_per_kwh / 1000
                + {{ parameter_value('battery_manufacturing_heat_mj_per_kwh') }} * {{ factor_value('ef_heat_natural_gas') }}
            )
            else 0 end as battery_production_kg
    from {{ relation }}
),

stages as (
    select
        *,
        glider_mass_kg * kg_co2e_per_kg_glider + battery_materials_kg as raw_materials_kg_co2e,
        battery_materials_kg as battery_raw_materials_kg_co2e,

        glider_mass_kg * (
            {{ parameter_value('assembly_electricity_kwh_per_kg') }} * production_grid_g_per_kwh / 1000
            + {{ parameter_value('assembly_heat_mj_per_kg') }} * {{ factor_value('ef_heat_natural_gas') }}
        ) + battery_production_kg as production_kg_co2e,
        battery_production_kg as battery_production_kg_co2e,

        lifetime_km / 100 * real_world_fuel_l_per_100km * wtt_kg_co2e_per_litre
            + fuel_production_electricity_kg_co2e as fuel_production_kg_co2e,
        fuel_production_electricity_kg_co2e,

        lifetime_km / 100 * real_world_fuel_l_per_100km * ttw_kg_co2e_per_litre as fuel_use_kg_co2e,

        greatest(ceil(lifetime_km / {{ parameter_value('tyre_lifetime_km') }}) - 1, 0)
            * {{ parameter_value('tyres_per_vehicle') }} * {{ parameter_value('tyre_mass_kg') }}
            * {{ factor_value('ef_tyre_production') }}
        + greatest(ceil(lifetime_years / {{ parameter_value('lead_acid_battery_lifetime_years') }}) - 1, 0)
            * {{ parameter_value('lead_acid_battery_mass_kg') }} * {{ factor_value('ef_lead_acid_battery') }}
        + case when fuel_for_combustion is not null
            then floor(lifetime_km / {{ parameter_value('oil_change_interval_km') }})
                 * {{ parameter_value('engine_oil_litres_per_change') }} * {{ factor_value('ef_lubricating_oil') }}
            else 0 end
        + maintenance_traction_battery_kg_co2e as maintenance_kg_co2e,
        maintenance_traction_battery_kg_co2e,

        glider_mass_kg * {{ factor_value('ef_vehicle_end_of_life') }}
            + battery_pack_mass_kg * {{ factor_value('ef_battery_end_of_life') }} as end_of_life_kg_co2e,

        concat_ws(';',
            glider_factor_ids,
            case when battery_kwh > 0 then concat_ws(';', battery_factor_ids,
                'battery_manufacturing_electricity_kwh_per_kwh;battery_manufacturing_heat_mj_per_kwh;battery_lifetime_km',
                battery_grid_factor_id) end,
            'assembly_electricity_kwh_per_kg;assembly_heat_mj_per_kg;ef_heat_natural_gas',
            production_grid_factor_id,
            nullif(consumption_factor_ids, ''),
            case when real_world_electricity_kwh_per_100km > 0 then market_grid_factor_ids || ';grid_td_loss_share' end,
            case when real_world_fuel_l_per_100km > 0 then ttw_factor_ids || ';' || wtt_factor_ids end,
            'tyre_lifetime_km;tyres_per_vehicle;tyre_mass_kg;ef_tyre_production',
            'lead_acid_battery_lifetime_years;lead_acid_battery_mass_kg;ef_lead_acid_battery',
            case when fuel_for_combustion is not null then 'oil_change_interval_km;engine_oil_litres_per_change;ef_lubricating_oil' end,
            'ef_vehicle_end_of_life',
            case when battery_kwh > 0 then 'ef_battery_end_of_life' end,
            lifetime_km_factor_id,
            lifetime_years_factor_id
        ) as factor_ids
    from (
        select
            *,
            traction_battery_replacements * (battery_materials_kg + battery_production_kg)
                as maintenance_traction_battery_kg_co2e,
            lifetime_km / 100 * case when real_world_electricity_kwh_per_100km > 0
                then real_world_electricity_kwh_per_100km * market_grid_service_life_g_per_kwh / 1000
                     / (1 - {{ parameter_value('grid_td_loss_share') }})
                else 0 end as fuel_production_electricity_kg_co2e
        from masses
    )
),
{% endmacro %}
