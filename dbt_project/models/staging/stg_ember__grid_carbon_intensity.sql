-- Grid carbon intensity by Ember entity and year (Ember API), one row per entity-year with a value.
select
    entity as ember_entity,
    entity_code as iso3,
    cast(year as integer) as year,
    cast(carbon_intensity_elec_g_per_kwh as double) as carbon_intensity_g_per_kwh,
    source_sha256
from {{ source('raw', 'ember__grid_carbon_intensity') }}
where carbon_intensity_elec_g_per_kwh is not null
