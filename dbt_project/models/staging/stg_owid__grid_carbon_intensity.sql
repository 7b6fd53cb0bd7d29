-- Grid carbon intensity by country and year, one row per OWID entity-year with a value.
select
    country as owid_entity,
    nullif(iso_code, '') as iso3,
    cast(year as integer) as year,
    cast(carbon_intensity_elec_g_per_kwh as double) as carbon_intensity_g_per_kwh,
    source_sha256
from {{ source('raw', 'owid_energy__grid_carbon_intensity') }}
where carbon_intensity_elec_g_per_kwh is not null
