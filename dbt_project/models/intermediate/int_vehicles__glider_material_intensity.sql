-- Cradle-to-gate material emissions per kg of vehicle excluding the traction battery, per material
-- composition (powertrain x segment, '*' = any): the mass-weighted mean of the material factors.
select
    composition.powertrain,
    composition.segment,
    sum(composition.mass_lb_per_vehicle * factors.value)
        / sum(composition.mass_lb_per_vehicle) as kg_co2e_per_kg_glider,
    string_agg(distinct composition.factor_id, ';' order by composition.factor_id) as factor_ids
from {{ ref('stg_parameters__material_composition') }} as composition
inner join {{ ref('stg_parameters__emission_factors') }} as factors using (factor_id)
group by composition.powertrain, composition.segment
