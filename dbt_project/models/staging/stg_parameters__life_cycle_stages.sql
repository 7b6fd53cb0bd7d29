-- The stages a footprint is reported in, in order, and whether each is inside the standard's core
-- boundary (summed into total_kg_co2e).
select
    stage,
    cast(stage_order as integer) as stage_order,
    cast(in_core_boundary as boolean) as in_core_boundary,
    description,
    source,
    notes
from {{ ref('life_cycle_stages') }}
