-- Markets the footprints are reported for, with their lifetime defaults and latest grid value.
with latest_grid as (
    select
        area_code as market_code,
        arg_max(year, year) as latest_grid_year,
        arg_max(carbon_intensity_g_per_kwh, year) as latest_grid_intensity_g_per_kwh,
        arg_max(grid_source, year) as latest_grid_source
    from {{ ref('int_grid__intensity_series') }}
    where not is_projection
    group by area_code
)

select
    markets.market_code,
    markets.market_name,
    markets.iso3,
    markets.market_role,
    markets.in_2024_pilot,
    markets.in_2021_study,
    lifetime.lifetime_km,
    lifetime.lifetime_years,
    lifetime.lifetime_km_factor_id,
    lifetime.lifetime_years_factor_id,
    latest_grid.latest_grid_year,
    latest_grid.latest_grid_intensity_g_per_kwh,
    latest_grid.latest_grid_source
from {{ ref('stg_parameters__markets') }} as markets
left join {{ ref('stg_parameters__market_lifetime') }} as lifetime using (market_code)
left join latest_grid using (market_code)
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code
