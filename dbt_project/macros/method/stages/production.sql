{#-
  Stage production: vehicle assembly (glider mass x assembly electricity per kg at the production
  country's grid, and x assembly heat per kg from natural gas; Ecobalyse) and traction battery cell
  and pack manufacturing (kWh x manufacturing electricity per kWh at the battery country's grid, and
  x heat per kWh from natural gas; Dai et al. 2019).
-#}
{% macro stage_production(relation) %}
{{ stage_components(relation, [
    component('production', "'assembly_electricity'", 'vehicle_assembly',
              "glider_mass_kg * " ~ parameter_value('assembly_electricity_kwh_per_kg'), 'kWh',
              'production_grid_factor_id', grams_to_kg('production_grid_g_per_kwh'), "'kg CO2e/kWh'",
              "'assembly_electricity_kwh_per_kg'", rates_quality_input=true),
    component('production', "'assembly_heat'", 'vehicle_assembly',
              "glider_mass_kg * " ~ parameter_value('assembly_heat_mj_per_kg'), 'MJ',
              "'ef_heat_natural_gas'", factor_value('ef_heat_natural_gas'), factor_unit('ef_heat_natural_gas'),
              "'assembly_heat_mj_per_kg'"),
    component('production', "'battery_cell_manufacturing_electricity'", 'battery_manufacturing',
              "battery_kwh * " ~ parameter_value('battery_manufacturing_electricity_kwh_per_kwh'), 'kWh',
              'battery_grid_factor_id', grams_to_kg('battery_grid_g_per_kwh'), "'kg CO2e/kWh'",
              "'battery_manufacturing_electricity_kwh_per_kwh'", rates_quality_input=true),
    component('production', "'battery_cell_manufacturing_heat'", 'battery_manufacturing',
              "battery_kwh * " ~ parameter_value('battery_manufacturing_heat_mj_per_kwh'), 'MJ',
              "'ef_heat_natural_gas'", factor_value('ef_heat_natural_gas'), factor_unit('ef_heat_natural_gas'),
              "'battery_manufacturing_heat_mj_per_kwh'"),
]) }}
{% endmacro %}
