-- Per-kWh traction battery material factor, pack specific energy and cycle life, one row per
-- chemistry. Manufacturing energy is not here: it is per kWh for every chemistry and priced at the
-- battery production country's grid inside the method. A chemistry without a cycle life keeps a
-- NULL one: its replacements, and the components they price, stay unpriced (DQ-PRICED).
with materials as (
    {{ rows_by_id_prefix(ref('stg_parameters__emission_factors'), 'factor_id', 'factor_group', 'battery_materials',
                         'ef_battery_materials_', 'battery_chemistry', 'materials_factor_id', 'materials_kg_co2e_per_kwh') }}
),

pack as (
    {{ rows_by_id_prefix(ref('stg_parameters__method_parameters'), 'parameter_id', 'parameter_group', 'battery_properties',
                         'pack_wh_per_kg_', 'battery_chemistry', 'pack_parameter_id', 'pack_wh_per_kg') }}
),

cycle_life as (
    {{ rows_by_id_prefix(ref('stg_parameters__method_parameters'), 'parameter_id', 'parameter_group', 'battery_cycle_life',
                         'battery_cycle_life_', 'battery_chemistry', 'cycle_life_parameter_id', 'cycle_life') }}
)

select
    materials.battery_chemistry,
    materials.materials_factor_id,
    materials.materials_kg_co2e_per_kwh,
    pack.pack_parameter_id,
    pack.pack_wh_per_kg,
    cycle_life.cycle_life_parameter_id,
    cycle_life.cycle_life
from materials
inner join pack using (battery_chemistry)
left join cycle_life using (battery_chemistry)
