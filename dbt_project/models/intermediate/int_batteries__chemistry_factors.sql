-- Per-kWh traction battery material factor, pack specific energy and cycle life, one row per
-- chemistry. Manufacturing energy is not here: it is per kWh for every chemistry and priced at the
-- battery production country's grid inside the method. A chemistry without a cycle life keeps a
-- NULL one: its replacements, and the components they price, stay unpriced (DQ-PRICED).
with materials as (
    select
        upper(replace(factor_id, 'ef_battery_materials_', '')) as battery_chemistry,
        factor_id as materials_factor_id,
        value as materials_kg_co2e_per_kwh
    from {{ ref('stg_parameters__emission_factors') }}
    where factor_group = 'battery_materials'
),

pack as (
    select
        upper(replace(parameter_id, 'pack_wh_per_kg_', '')) as battery_chemistry,
        parameter_id as pack_parameter_id,
        value as pack_wh_per_kg
    from {{ ref('stg_parameters__method_parameters') }}
    where parameter_group = 'battery_properties' and parameter_id like 'pack_wh_per_kg_%'
),

cycle_life as (
    select
        upper(replace(parameter_id, 'battery_cycle_life_', '')) as battery_chemistry,
        parameter_id as cycle_life_parameter_id,
        value as cycle_life
    from {{ ref('stg_parameters__method_parameters') }}
    where parameter_group = 'battery_cycle_life'
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
