-- Declared projections of grid carbon intensity for years after the last observation (used for
-- the service-life average; without one, the last observed value is held).
select
    area_code,
    cast(year as integer) as year,
    cast(carbon_intensity_g_per_kwh as double) as carbon_intensity_g_per_kwh,
    scenario,
    source,
    source_url,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('grid_projection') }}
