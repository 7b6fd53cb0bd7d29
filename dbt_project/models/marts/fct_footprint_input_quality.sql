-- Each input of each footprint row (the components of the ledger it groups, fct_footprint_component)
-- with its share of the footprint and its PEF data quality rating: TeR from seed
-- input_quality_scores, GeR from the rating dataset's geography against the country the input should
-- represent, TiR from the dataset's reference year against the registration year, P from the
-- dataset's confidence tag. The rating dataset is the factor of the input's components flagged
-- rates_quality_input (the vehicle material factors are rated as one family: by the oldest and
-- least certain of them). fct_footprint_data_quality aggregates these per footprint row.
with footprints as (
    select
        footprint.model_id,
        footprint.market_code,
        footprint.registration_year,
        footprint.total_kg_co2e,
        footprint.total_all_stages_kg_co2e,
        vehicle.production_country,
        vehicle.battery_production_country,
        coalesce(vehicle.estimated_fields, '') as estimated_fields
    from {{ ref('fct_vehicle_footprint') }} as footprint
    inner join {{ ref('dim_vehicle_model') }} as vehicle using (model_id)
),

ledger as (
    select * from {{ ref('fct_footprint_component') }}
),

-- The country each input should represent and the vehicle field its activity data come from.
input_context(input_id, represented_by, activity_field) as (
    values
        ('glider_materials', 'production_country', 'curb_mass_kg'),
        ('battery_materials', 'battery_production_country', 'battery_kwh'),
        ('vehicle_assembly', 'production_country', 'curb_mass_kg'),
        ('battery_manufacturing', 'battery_production_country', 'battery_kwh'),
        ('electricity_supply', 'market_code', 'electricity_kwh_per_100km'),
        ('fuel_supply', 'market_code', 'fuel_l_per_100km'),
        ('fuel_combustion', 'market_code', 'fuel_l_per_100km'),
        ('maintenance', 'market_code', null),
        ('end_of_life', 'market_code', null)
),

contributions as (
    select
        model_id,
        market_code,
        registration_year,
        quality_input as input_id,
        -- NULL when any component could not be priced: the completeness rule sees it.
        case when count(*) filter (where kg_co2e is null) = 0 then sum(kg_co2e) end as contribution_kg_co2e
    from ledger
    group by model_id, market_code, registration_year, quality_input
),

rating_datasets as (
    select
        ledger.model_id,
        ledger.market_code,
        ledger.registration_year,
        ledger.quality_input as input_id,
        ledger.factor_id,
        coalesce(grid.source_geography, factor.geography) as geography,
        coalesce(grid.year, factor.reference_year) as reference_year,
        case when grid.grid_factor_id is not null then {{ precision_score("'V'") }}
            else {{ precision_score('factor.confidence') }} end as precision_score,
        grid.grid_factor_id is not null as is_grid
    from ledger
    left join {{ ref('int_grid__intensity_series') }} as grid on grid.grid_factor_id = ledger.factor_id
    left join {{ ref('stg_parameters__emission_factors') }} as factor on factor.factor_id = ledger.factor_id
    where ledger.rates_quality_input
),

priced as (
    select
        contributions.*,
        string_agg(distinct datasets.factor_id, ';' order by datasets.factor_id) as factor_ids,
        -- A family spanning several geographies is global; none found stays NULL (a missing dataset).
        case when count(distinct datasets.geography) > 1 then 'GLO' else min(datasets.geography) end as dataset_geography,
        min(datasets.reference_year) as dataset_reference_year,
        max(datasets.precision_score) as precision_score,
        bool_or(datasets.is_grid) as is_grid,
        case input_context.represented_by
            when 'production_country' then footprints.production_country
            when 'battery_production_country' then footprints.battery_production_country
            else contributions.market_code
        end as represented_area,
        input_context.activity_field
    from contributions
    inner join input_context using (input_id)
    inner join footprints using (model_id, market_code, registration_year)
    left join rating_datasets as datasets using (model_id, market_code, registration_year, input_id)
    group by all
),

scored as (
    select
        priced.*,
        footprints.total_kg_co2e,
        footprints.total_all_stages_kg_co2e,
        scores.stage,
        scores.in_core_boundary,
        scores.technological_representativeness,
        scores.time_validity_years,
        proxies.proxy_geography is not null as is_declared_proxy,
        case
            when priced.dataset_geography = priced.represented_area then 1
            when priced.dataset_geography = 'EU27'
                and list_contains({{ var('eu27_members') | map('string') | list | tojson | replace('"', "'") }}, priced.represented_area) then 2
            when priced.dataset_geography = 'GLO' or proxies.proxy_geography is not null then 3
            -- A grid value of another country than declared is not representative at all.
            when priced.is_grid then 5
            else 4
        end as geographical_representativeness,
        priced.registration_year - (priced.dataset_reference_year + scores.time_validity_years) as years_beyond_validity,
        priced.activity_field is not null
            and not list_contains(string_split(footprints.estimated_fields, ';'), priced.activity_field)
            as has_primary_activity_data,
        case when list_contains(string_split(footprints.estimated_fields, ';'), priced.activity_field)
            then priced.activity_field end as estimated_activity_field
    from priced
    inner join footprints using (model_id, market_code, registration_year)
    inner join {{ ref('stg_parameters__input_quality_scores') }} as scores using (input_id)
    left join {{ ref('stg_parameters__grid_proxies') }} as proxies
        on priced.is_grid
        and proxies.market_code = priced.represented_area
        and proxies.proxy_geography = priced.dataset_geography
)

select
    model_id,
    market_code,
    registration_year,
    input_id,
    stage,
    in_core_boundary,
    contribution_kg_co2e,
    case when in_core_boundary then contribution_kg_co2e / nullif(total_kg_co2e, 0) end as share_of_total,
    contribution_kg_co2e / nullif(total_all_stages_kg_co2e, 0) as share_of_all_stages,
    factor_ids,
    is_grid,
    represented_area,
    dataset_geography,
    is_declared_proxy,
    dataset_reference_year,
    time_validity_years,
    years_beyond_validity,
    technological_representativeness,
    geographical_representativeness,
    time_representativeness,
    precision,
    (technological_representativeness + geographical_representativeness + time_representativeness
        + precision) / 4.0 as dqr,
    has_primary_activity_data,
    estimated_activity_field
from (
    select
        *,
        {{ time_representativeness_score('years_beyond_validity') }} as time_representativeness,
        -- An input priced on an estimated activity value (e.g. a consumption estimated from a rated
        -- range) is at best as precise as an estimate, whatever the precision of its factor.
        case when estimated_activity_field is not null then greatest(precision_score, {{ precision_score("'R'") }})
            else precision_score end as precision
    from scored
)
-- An input a car does not have (no battery, no fuel, no charging) is not rated; a missing value
-- stays, for the completeness rule to see.
where contribution_kg_co2e is null or contribution_kg_co2e <> 0
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id, market_code, registration_year, input_id
