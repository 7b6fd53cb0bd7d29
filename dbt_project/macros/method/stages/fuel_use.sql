{#-
  Stage fuel_use: tailpipe emissions of the fuel burnt over the lifetime, per gas (IPCC 2006
  combustion defaults per TJ converted per litre with the fuel's density and net calorific value;
  CH4 and N2O at AR6 GWPs). Zero for a BEV, which burns no fuel.
-#}
{% macro stage_fuel_use(relation) %}
{{ stage_components(relation, [
    component('fuel_use', "'fuel_combustion_co2'", 'fuel_combustion',
              'lifetime_fuel_litres', 'L', 'co2_factor_id', 'ttw_co2_kg_per_litre', "'kg CO2e/L'",
              "concat_ws(';', fuel_property_ids, distance_parameter_ids)", rates_quality_input=true),
    component('fuel_use', "'fuel_combustion_ch4'", 'fuel_combustion',
              'lifetime_fuel_litres', 'L', 'ch4_factor_id', 'ttw_ch4_kg_co2e_per_litre', "'kg CO2e/L'",
              "concat_ws(';', fuel_property_ids, 'gwp_ch4_fossil', distance_parameter_ids)"),
    component('fuel_use', "'fuel_combustion_n2o'", 'fuel_combustion',
              'lifetime_fuel_litres', 'L', 'n2o_factor_id', 'ttw_n2o_kg_co2e_per_litre', "'kg CO2e/L'",
              "concat_ws(';', fuel_property_ids, 'gwp_n2o', distance_parameter_ids)"),
]) }}
{% endmacro %}
