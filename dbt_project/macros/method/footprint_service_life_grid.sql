{#-
  Market grid intensity averaged over a car's service life, weighted by the km driven each year.
  The service life runs from the registration year for lifetime_years (a fractional last year
  counts for its fraction). Distance per year is taken as constant (lifetime_km / lifetime_years),
  so each year's weight is its share of a year. Each year uses the series' latest value at or
  before it (int_grid__intensity_series): an observation, a declared projection, or the last value
  held; the counts of each kind are returned for the data-quality fields. A year before the first
  observation makes the average NULL rather than silently shorter.
  Emits a CTE `service_life_grid` keyed by market_code x registration_year x lifetime_years.
-#}
{% macro footprint_service_life_grid(relation) %}
service_life_keys as (
    select distinct market_code, registration_year, lifetime_years
    from {{ relation }}
),

service_years as (
    select
        market_code,
        registration_year,
        lifetime_years,
        registration_year + year_offset as use_year,
        least(1.0, lifetime_years - year_offset) as year_weight
    from (
        select *, unnest(range(cast(ceil(lifetime_years) as bigint))) as year_offset
        from service_life_keys
    )
),

service_years_priced as (
    select
        service_years.*,
        grid.year as grid_year,
        grid.carbon_intensity_g_per_kwh,
        grid.is_projection,
        grid.grid_factor_id
    from service_years
    asof left join {{ ref('int_grid__intensity_series') }} as grid
        on grid.area_code = service_years.market_code
        and grid.year <= service_years.use_year
),

service_life_grid as (
    select
        market_code,
        registration_year,
        lifetime_years,
        case when count(grid_year) = count(*)
            then sum(carbon_intensity_g_per_kwh * year_weight) / sum(year_weight)
        end as market_grid_service_life_g_per_kwh,
        count(*) filter (where grid_year = use_year and not is_projection) as market_grid_years_observed,
        count(*) filter (where grid_year = use_year and is_projection) as market_grid_years_projected,
        count(*) filter (where grid_year < use_year) as market_grid_years_held,
        max(grid_year) as market_grid_last_source_year,
        string_agg(distinct grid_factor_id, ';' order by grid_factor_id) as market_grid_factor_ids
    from service_years_priced
    group by market_code, registration_year, lifetime_years
)
{% endmacro %}
