-- Grid carbon intensity per area (market code, or ISO3 for other countries) and year: every
-- observation (Ember, else OWID), then the declared projection for years after the area's last
-- observation. A footprint looks up the latest row at or before the year it needs, so a year past
-- the series holds the last value (observed or projected) and says so.
with observations as (
    select
        area_code,
        year,
        carbon_intensity_g_per_kwh,
        grid_source,
        false as is_projection,
        'grid_' || grid_source || '_' || area_code || '_' || year as grid_factor_id,
        source_geography,
        source_sha256
    from {{ ref('int_grid__carbon_intensity_observations') }}
),

last_observed as (
    select area_code, max(year) as last_observed_year
    from observations
    group by area_code
),

projections as (
    select
        projection.area_code,
        projection.year,
        projection.carbon_intensity_g_per_kwh,
        'projection_' || projection.scenario as grid_source,
        true as is_projection,
        'grid_projection_' || projection.scenario || '_' || projection.area_code || '_' || projection.year
            as grid_factor_id,
        projection.area_code as source_geography,
        null as source_sha256
    from {{ ref('stg_parameters__grid_projection') }} as projection
    left join last_observed using (area_code)
    where projection.year > coalesce(last_observed.last_observed_year, 0)
)

select * from observations
union all
select * from projections
