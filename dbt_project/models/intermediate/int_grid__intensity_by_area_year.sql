-- Grid carbon intensity per area (ISO3 country or market code) and registration year: the latest
-- observed OWID value in or before that year, with the year actually used and a carried-forward flag.
with observations as (
    select
        coalesce(markets.market_code, grid.iso3) as area_code,
        grid.year,
        grid.carbon_intensity_g_per_kwh
    from {{ ref('stg_owid__grid_carbon_intensity') }} as grid
    left join {{ ref('stg_parameters__markets') }} as markets
        on markets.owid_entity = grid.owid_entity
    where coalesce(markets.market_code, grid.iso3) is not null
),

years as (
    select unnest({{ var('registration_years') }}) as year
)

select
    observations.area_code,
    years.year,
    max(observations.year) as observed_year,
    arg_max(observations.carbon_intensity_g_per_kwh, observations.year) as carbon_intensity_g_per_kwh,
    max(observations.year) < years.year as is_carried_forward,
    'grid_owid_' || observations.area_code || '_' || max(observations.year) as grid_factor_id
from observations
inner join years on observations.year <= years.year
group by observations.area_code, years.year
