-- The data quality report of each footprint row: its PEF data quality rating over the inputs that
-- carry more than the threshold share of the footprint (PACT dqi coverage), the PACT-style primary
-- data share, the cut-off (emissions of stages left out of the reported total), the market grid's
-- geography (own or a named proxy), the oldest rated dataset, and the footprint's validity window.
-- The rules that judge these values are Dagster asset checks (orchestration/checks/standard_rules.py).
with inputs as (
    select * from {{ ref('fct_footprint_input_quality') }}
),

rated as (
    select *
    from inputs
    where in_core_boundary and share_of_total > {{ var('dqr_input_share_threshold') }}
),

rating as (
    select
        model_id,
        market_code,
        registration_year,
        count(*) as inputs_rated,
        sum(share_of_total) as dqr_coverage_share,
        sum(share_of_total * dqr) / sum(share_of_total) as dqr,
        sum(share_of_total * technological_representativeness) / sum(share_of_total) as technological_representativeness,
        sum(share_of_total * geographical_representativeness) / sum(share_of_total) as geographical_representativeness,
        sum(share_of_total * time_representativeness) / sum(share_of_total) as time_representativeness,
        sum(share_of_total * precision) / sum(share_of_total) as precision,
        arg_max(input_id, dqr) as least_reliable_input,
        max(years_beyond_validity) as max_years_beyond_validity,
        arg_max(input_id, years_beyond_validity) as least_current_input,
        arg_max(dataset_reference_year, years_beyond_validity) as least_current_reference_year
    from rated
    group by model_id, market_code, registration_year
),

primary_share as (
    select
        model_id,
        market_code,
        registration_year,
        coalesce(sum(share_of_total) filter (where has_primary_activity_data), 0) as primary_data_share
    from inputs
    where in_core_boundary
    group by model_id, market_code, registration_year
),

market_grid as (
    select
        model_id,
        market_code,
        registration_year,
        dataset_geography as market_grid_geography,
        factor_ids as market_grid_factor_id,
        is_declared_proxy as market_grid_is_declared_proxy
    from inputs
    where input_id = 'electricity_supply'
)

select
    footprint.model_id,
    footprint.market_code,
    footprint.registration_year,
    footprint.powertrain,
    footprint.total_kg_co2e,
    rating.inputs_rated,
    rating.dqr_coverage_share,
    rating.dqr,
    {{ quality_level('rating.dqr') }} as quality_level,
    rating.technological_representativeness,
    rating.geographical_representativeness,
    rating.time_representativeness,
    rating.precision,
    rating.least_reliable_input,
    primary_share.primary_data_share,
    rating.max_years_beyond_validity,
    rating.least_current_input,
    rating.least_current_reference_year,
    (footprint.total_all_stages_kg_co2e - footprint.total_kg_co2e)
        / nullif(footprint.total_all_stages_kg_co2e, 0) as cut_off_share,
    nullif(concat_ws(';',
        {% for stage in var('life_cycle_stages') -%}
        case when not list_contains(string_split(footprint.core_boundary_stages, ';'), '{{ stage }}')
            and footprint.{{ stage }}_kg_co2e > 0 then '{{ stage }}' end
        {%- if not loop.last %},{% endif %}
        {% endfor %}), '') as cut_off_stages,
    footprint.market_code as market_area,
    market_grid.market_grid_geography,
    market_grid.market_grid_factor_id,
    case
        when market_grid.market_grid_geography is null then 'missing'
        when market_grid.market_grid_geography = footprint.market_code then 'own'
        when market_grid.market_grid_is_declared_proxy then 'declared proxy'
        else 'undeclared'
    end as market_grid_geography_status,
    footprint.registration_year + {{ var('footprint_validity_years') }} as valid_until_year,
    footprint.methodology_version
from {{ ref('fct_vehicle_footprint') }} as footprint
left join rating using (model_id, market_code, registration_year)
left join primary_share using (model_id, market_code, registration_year)
left join market_grid using (model_id, market_code, registration_year)
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id, market_code, registration_year
