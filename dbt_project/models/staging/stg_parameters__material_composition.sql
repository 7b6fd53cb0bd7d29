-- Average light-vehicle material content, one row per material line of the source table.
select
    material_group,
    material_in_source,
    cast(mass_lb_per_vehicle as double) as mass_lb_per_vehicle,
    factor_id,
    source,
    cast(reference_year as integer) as reference_year,
    confidence
from {{ ref('material_composition') }}
