-- Grid carbon intensity per area (ISO3 country or market code) and registration year: the latest
-- observed value in or before that year (Ember, else OWID), with the year and source actually used
-- and a carried-forward flag.
with observations as (
    select * from {{ ref('int_grid__carbon_intensity_observations') }}
),

years as (
    select unnest({{ var('registration_years') }}) as year
),

latest as (
    select
        observations.area_code,
        years.year,
        arg_max(observations.year, observations.year) as observed_year,
        arg_max(observations.carbon_intensity_g_per_kwh, observations.year) as carbon_intensity_g_per_kwh,
        arg_max(observations.grid_source, observations.year) as grid_source,
        arg_max(observations.source_sha256, observations.year) as source_sha256
    from observations
    inner join years on observations.year <= years.year
    group by observations.area_code, years.year
)

select
    area_code,
    year,
    observed_year,
    carbon_intensity_g_per_kwh,
    observed_year < year as is_carried_forward,
    grid_source,
    source_sha256,
    'grid_' || grid_source || '_' || area_code || '_' || observed_year as grid_factor_id
from latest
