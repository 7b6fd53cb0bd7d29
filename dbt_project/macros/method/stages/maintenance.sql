{#-
  Stage maintenance (reported beside the core boundary): tyre sets beyond the first, lead-acid
  batteries beyond the first, engine oil changes of combustion engines, and traction battery
  replacements (ceil(lifetime km / battery life km) - 1 packs, battery life km from the chemistry's
  cycle life x usable kWh / kWh per km; each priced like the first: its materials and its
  manufacturing at the battery country's grid; its end of life is booked in end_of_life).
-#}
{% macro stage_maintenance(relation) %}
{%- set tyre_sets_replaced = "greatest(ceil(lifetime_km / " ~ parameter_value('tyre_lifetime_km') ~ ") - 1, 0)" -%}
{%- set lead_acid_replaced = "greatest(ceil(lifetime_years / " ~ parameter_value('lead_acid_battery_lifetime_years') ~ ") - 1, 0)" -%}
{%- set oil_changes = "case when fuel_for_combustion is not null then floor(lifetime_km / "
                      ~ parameter_value('oil_change_interval_km') ~ ") else 0 end" -%}
{{ stage_components(relation, [
    component('maintenance', "'tyres'", 'maintenance',
              tyre_sets_replaced ~ " * " ~ parameter_value('tyres_per_vehicle') ~ " * " ~ parameter_value('tyre_mass_kg'),
              'kg', "'ef_tyre_production'", factor_value('ef_tyre_production'), factor_unit('ef_tyre_production'),
              "concat_ws(';', 'tyre_lifetime_km', 'tyres_per_vehicle', 'tyre_mass_kg', lifetime_km_factor_id)",
              rates_quality_input=true),
    component('maintenance', "'lead_acid_battery'", 'maintenance',
              lead_acid_replaced ~ " * " ~ parameter_value('lead_acid_battery_mass_kg'),
              'kg', "'ef_lead_acid_battery'", factor_value('ef_lead_acid_battery'), factor_unit('ef_lead_acid_battery'),
              "concat_ws(';', 'lead_acid_battery_lifetime_years', 'lead_acid_battery_mass_kg', lifetime_years_factor_id)"),
    component('maintenance', "'engine_oil'", 'maintenance',
              oil_changes ~ " * " ~ parameter_value('engine_oil_litres_per_change'),
              'L', "'ef_lubricating_oil'", factor_value('ef_lubricating_oil'), factor_unit('ef_lubricating_oil'),
              "concat_ws(';', 'oil_change_interval_km', 'engine_oil_litres_per_change', lifetime_km_factor_id)"),
    component('maintenance', "'traction_battery_replacement_materials'", 'maintenance',
              'traction_battery_replacements * battery_kwh', 'kWh',
              'battery_materials_factor_id', 'materials_kg_co2e_per_kwh', "'kg CO2e/kWh'",
              "concat_ws(';', battery_life_parameter_ids, distance_parameter_ids)"),
    component('maintenance', "'traction_battery_replacement_manufacturing_electricity'", 'maintenance',
              "traction_battery_replacements * battery_kwh * " ~ parameter_value('battery_manufacturing_electricity_kwh_per_kwh'),
              'kWh', 'battery_grid_factor_id', grams_to_kg('battery_grid_g_per_kwh'), "'kg CO2e/kWh'",
              "concat_ws(';', 'battery_manufacturing_electricity_kwh_per_kwh', battery_life_parameter_ids, distance_parameter_ids)"),
    component('maintenance', "'traction_battery_replacement_manufacturing_heat'", 'maintenance',
              "traction_battery_replacements * battery_kwh * " ~ parameter_value('battery_manufacturing_heat_mj_per_kwh'),
              'MJ', "'ef_heat_natural_gas'", factor_value('ef_heat_natural_gas'), factor_unit('ef_heat_natural_gas'),
              "concat_ws(';', 'battery_manufacturing_heat_mj_per_kwh', battery_life_parameter_ids, distance_parameter_ids)"),
]) }}
{% endmacro %}
