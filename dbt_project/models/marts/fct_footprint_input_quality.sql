-- Each input of each footprint row (the component of a stage one dataset prices) with its share of
-- the footprint and its PEF data quality rating: TeR from seed input_quality_scores, GeR from the
-- dataset's geography against the country the input should represent, TiR from the dataset's
-- reference year against the registration year, P from the dataset's confidence tag.
-- fct_footprint_data_quality aggregates these per footprint row.
with footprints as (
    select
        footprint.*,
        vehicle.production_country,
        vehicle.battery_production_country,
        vehicle.battery_chemistry,
        coalesce(vehicle.estimated_fields, '') as estimated_fields
    from {{ ref('fct_vehicle_footprint') }} as footprint
    inner join {{ ref('dim_vehicle_model') }} as vehicle using (model_id)
),

grid as (
    select area_code, year, grid_factor_id, source_geography, is_projection
    from {{ ref('int_grid__intensity_series') }}
),

-- One row per footprint x input: its amount, the dataset that prices it, the country it should
-- represent and the vehicle field its activity data come from.
components as (
    select model_id, market_code, registration_year, 'glider_materials' as input_id,
        raw_materials_kg_co2e - battery_raw_materials_kg_co2e as contribution_kg_co2e,
        'materials' as dataset, production_country as represented_area, 'curb_mass_kg' as activity_field
    from footprints
    union all
    select model_id, market_code, registration_year, 'battery_materials',
        battery_raw_materials_kg_co2e,
        'ef_battery_materials_' || lower(battery_chemistry), battery_production_country, 'battery_kwh'
    from footprints
    union all
    select model_id, market_code, registration_year, 'vehicle_assembly',
        production_kg_co2e - battery_production_kg_co2e,
        'grid:' || production_country || ':' || production_grid_year, production_country, 'curb_mass_kg'
    from footprints
    union all
    select model_id, market_code, registration_year, 'battery_manufacturing',
        battery_production_kg_co2e,
        'grid:' || battery_production_country || ':' || registration_year, battery_production_country, 'battery_kwh'
    from footprints
    union all
    select model_id, market_code, registration_year, 'electricity_supply',
        fuel_production_electricity_kg_co2e,
        'grid:' || market_code || ':' || market_grid_last_source_year, market_code, 'electricity_kwh_per_100km'
    from footprints
    union all
    select model_id, market_code, registration_year, 'fuel_supply',
        fuel_production_kg_co2e - fuel_production_electricity_kg_co2e,
        'ef_' || fuel || '_wtt', market_code, 'fuel_l_per_100km'
    from footprints
    union all
    select model_id, market_code, registration_year, 'fuel_combustion',
        fuel_use_kg_co2e,
        'ef_' || fuel || '_combustion_co2', market_code, 'fuel_l_per_100km'
    from footprints
    union all
    select model_id, market_code, registration_year, 'maintenance',
        maintenance_kg_co2e, 'ef_tyre_production', market_code, null
    from footprints
    union all
    select model_id, market_code, registration_year, 'end_of_life',
        end_of_life_kg_co2e, 'ef_vehicle_end_of_life', market_code, null
    from footprints
),

-- The vehicle material factors are one dataset family: rated by the oldest and least certain of them.
material_factors as (
    select
        'materials' as dataset,
        string_agg(distinct factors.factor_id, ';' order by factors.factor_id) as factor_ids,
        case when count(distinct factors.geography) = 1 then min(factors.geography) else 'GLO' end as geography,
        min(factors.reference_year) as reference_year,
        max({{ precision_score('factors.confidence') }}) as precision_score
    from {{ ref('stg_parameters__emission_factors') }} as factors
    where factors.factor_id in (select factor_id from {{ ref('stg_parameters__material_composition') }})
),

priced as (
    select
        components.*,
        coalesce(material_factors.factor_ids, grid_used.grid_factor_id, factor.factor_id) as factor_ids,
        coalesce(material_factors.geography, grid_used.source_geography, factor.geography) as dataset_geography,
        coalesce(material_factors.reference_year, grid_used.year, factor.reference_year) as dataset_reference_year,
        coalesce(
            material_factors.precision_score,
            case when grid_used.grid_factor_id is not null then {{ precision_score("'V'") }} end,
            {{ precision_score('factor.confidence') }}
        ) as precision_score,
        grid_used.grid_factor_id is not null as is_grid
    from components
    left join material_factors using (dataset)
    left join {{ ref('stg_parameters__emission_factors') }} as factor
        on factor.factor_id = components.dataset
    -- The grid value a stage used: the latest at or before the year it names (as the method looks it up).
    asof left join grid as grid_used
        on components.dataset like 'grid:%'
        and grid_used.area_code = split_part(components.dataset, ':', 2)
        and grid_used.year <= try_cast(split_part(components.dataset, ':', 3) as integer)
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
            as has_primary_activity_data
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
    precision_score as precision,
    (technological_representativeness + geographical_representativeness + time_representativeness
        + precision_score) / 4.0 as dqr,
    has_primary_activity_data
from (
    select *, {{ time_representativeness_score('years_beyond_validity') }} as time_representativeness
    from scored
)
-- An input a car does not have (no battery, no fuel, no charging) is not rated; a missing value
-- stays, for the completeness rule to see.
where contribution_kg_co2e is null or contribution_kg_co2e <> 0
