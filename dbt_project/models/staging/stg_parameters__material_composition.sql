-- Vehicle material content (excluding the traction battery), one row per material line of the
-- source table, keyed by the powertrain and segment it describes ('*' = any).
select
    powertrain,
    segment,
    material_group,
    material_in_source,
    cast(mass_lb_per_vehicle as double) as mass_lb_per_vehicle,
    factor_id,
    source,
    cast(reference_year as integer) as reference_year,
    confidence
from {{ ref('material_composition') }}
