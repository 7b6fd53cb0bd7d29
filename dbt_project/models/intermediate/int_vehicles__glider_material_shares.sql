-- Material composition of a vehicle excluding its traction battery, per composition (powertrain x
-- segment, '*' = any): each material group's share of the mass and the factor that prices it.
-- A material whose factor is missing keeps a NULL factor, so the ledger names it instead of
-- dropping the material.
with groups as (
    select
        powertrain,
        segment,
        material_group,
        factor_id,
        sum(mass_lb_per_vehicle) as mass_lb_per_vehicle
    from {{ ref('stg_parameters__material_composition') }}
    group by powertrain, segment, material_group, factor_id
)

select
    groups.powertrain,
    groups.segment,
    groups.material_group,
    groups.factor_id,
    groups.mass_lb_per_vehicle / sum(groups.mass_lb_per_vehicle) over (partition by groups.powertrain, groups.segment)
        as mass_share,
    factors.value as kg_co2e_per_kg,
    factors.unit as factor_unit
from groups
left join {{ ref('stg_parameters__emission_factors') }} as factors using (factor_id)
