{#-
  Stage raw_materials: cradle-to-gate materials of the vehicle without its traction battery (glider
  mass x each material group's mass share x that material's factor; composition by powertrain x
  segment, seed material_composition) and of the traction battery (kWh x the chemistry's materials
  factor, GREET).
-#}
{% macro stage_raw_materials(relation) %}
select
    {{ relation }}.model_id,
    {{ relation }}.market_code,
    {{ relation }}.registration_year,
    'raw_materials' as stage,
    -- No composition at all for the vehicle: one component without factor, which DQ-PRICED names.
    'glider_material:' || coalesce(shares.material_group, 'no_composition') as component,
    'glider_materials' as quality_input,
    {{ relation }}.glider_mass_kg * shares.mass_share as activity_amount,
    'kg' as activity_unit,
    shares.factor_id,
    shares.kg_co2e_per_kg as factor_value,
    shares.factor_unit,
    -- The glider mass is the curb mass less the pack, whose mass the chemistry's Wh/kg gives.
    case when {{ relation }}.battery_kwh > 0 then {{ relation }}.pack_parameter_id end as parameter_ids,
    true as rates_quality_input
from {{ relation }}
left join {{ ref('int_vehicles__glider_material_shares') }} as shares
    on shares.powertrain = {{ relation }}.composition_powertrain
    and shares.segment = {{ relation }}.composition_segment
union all
{{ stage_components(relation, [
    component('raw_materials', "'battery_materials'", 'battery_materials',
              'battery_kwh', 'kWh', 'battery_materials_factor_id', 'materials_kg_co2e_per_kwh', "'kg CO2e/kWh'",
              rates_quality_input=true),
]) }}
{% endmacro %}
