-- Every factor, parameter and grid intensity a footprint row can cite by id, with its source,
-- year and unit: the seeds' rows, market lifetimes, real-world uplifts, PHEV utility factor
-- points, and each grid intensity of the series (observed or projected).
select
    factor_id, factor_group, description, value, unit, geography, reference_year,
    source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__emission_factors') }}

union all

select
    parameter_id, parameter_group, description, value, unit, geography, reference_year,
    source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__method_parameters') }}

union all

select
    lifetime_km_factor_id, 'lifetime', 'Lifetime distance of a car in ' || market_code, lifetime_km, 'km',
    market_code, reference_year, source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__market_lifetime') }}

union all

select
    lifetime_years_factor_id, 'lifetime', 'Service life of a car in ' || market_code, lifetime_years, 'years',
    market_code, reference_year, source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__market_lifetime') }}

union all

select
    uplift_id, 'consumption_uplift',
    'Real-world uplift of ' || consumption_basis || ' ' || energy_carrier || ' consumption, ' || powertrain,
    uplift_factor, 'multiplier', 'GLO', reference_year, source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__consumption_uplift') }}

union all

select
    utility_factor_id, 'phev_utility_factor',
    'PHEV utility factor, ' || curve || ' curve, at ' || electric_range_km || ' km electric range',
    utility_factor, 'fraction of distance', 'GLO', reference_year, source, source_url, confidence, notes, seed_version
from {{ ref('stg_parameters__phev_utility_factor') }}

union all

select
    grid.grid_factor_id,
    'grid_intensity',
    case when grid.is_projection
        then 'Projected electricity carbon intensity, ' || grid.area_code || ' ' || grid.year
        else 'Electricity carbon intensity of generation, ' || grid.area_code || ' ' || grid.year end,
    grid.carbon_intensity_g_per_kwh,
    'g CO2e/kWh',
    -- The country the source files the value under (not the area it is used for), so a value a
    -- source files under another country shows up as such.
    grid.source_geography,
    grid.year,
    case
        when grid.is_projection then projection.source
        when grid.grid_source = 'ember'
            then 'Ember yearly electricity data (Ember API v1, carbon-intensity), raw bytes sha256 ' || grid.source_sha256
        else 'Our World in Data energy dataset (Ember), carbon_intensity_elec, raw bytes sha256 ' || grid.source_sha256
    end,
    case
        when grid.is_projection then projection.source_url
        when grid.grid_source = 'ember' then 'https://api.ember-energy.org/v1/carbon-intensity/yearly'
        else 'https://github.com/owid/energy-data'
    end,
    coalesce(projection.confidence, 'V'),
    projection.notes,
    projection.seed_version
from {{ ref('int_grid__intensity_series') }} as grid
left join {{ ref('stg_parameters__grid_projection') }} as projection
    on grid.is_projection and projection.area_code = grid.area_code and projection.year = grid.year
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by factor_id
