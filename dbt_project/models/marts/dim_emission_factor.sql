-- Every factor and parameter a footprint row can cite by id, with its source, year and unit.
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

select distinct
    grid.grid_factor_id,
    'grid_intensity',
    'Electricity carbon intensity of generation, ' || grid.area_code || ' ' || grid.observed_year,
    grid.carbon_intensity_g_per_kwh,
    'g CO2e/kWh',
    grid.area_code,
    grid.observed_year,
    case grid.grid_source
        when 'ember' then 'Ember yearly electricity data (Ember API v1, carbon-intensity), raw bytes sha256 ' || grid.source_sha256
        else 'Our World in Data energy dataset (Ember), carbon_intensity_elec, raw bytes sha256 ' || grid.source_sha256
    end,
    case grid.grid_source when 'ember' then 'https://api.ember-energy.org/v1/carbon-intensity/yearly'
        else 'https://github.com/owid/energy-data' end,
    'V',
    null,
    null
from {{ ref('int_grid__intensity_by_area_year') }} as grid
