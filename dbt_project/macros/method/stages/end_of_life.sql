{#-
  Stage end_of_life (reported beside the core boundary): dismantling and shredding of the vehicle
  without its battery, and recycling of the traction battery pack and of every pack replaced during
  its life (cut-off: no credits).
-#}
{% macro stage_end_of_life(relation) %}
{{ stage_components(relation, [
    component('end_of_life', "'vehicle_end_of_life'", 'end_of_life',
              'glider_mass_kg', 'kg', "'ef_vehicle_end_of_life'", factor_value('ef_vehicle_end_of_life'),
              factor_unit('ef_vehicle_end_of_life'),
              "case when battery_kwh > 0 then pack_parameter_id end", rates_quality_input=true),
    component('end_of_life', "'battery_end_of_life'", 'end_of_life',
              'battery_pack_mass_kg * (1 + traction_battery_replacements)', 'kg', "'ef_battery_end_of_life'",
              factor_value('ef_battery_end_of_life'), factor_unit('ef_battery_end_of_life'),
              "case when battery_kwh > 0 then concat_ws(';', pack_parameter_id, battery_life_parameter_ids, "
              "case when battery_life_parameter_ids is not null then distance_parameter_ids end) end"),
]) }}
{% endmacro %}
