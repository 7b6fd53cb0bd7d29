-- Loaded source data against independent reference figures (seed reconciliation_references): the
-- value the warehouse holds for each reference, how far it is from the reference, and whether it
-- could be compared at all (a year not loaded, or loaded for fewer than 12 months, is not compared).
with china_exports as (
    select
        'china_car_exports_units' as metric,
        'WLD' as area_code,
        year,
        sum(quantity_units) as loaded_value,
        count(distinct month) as months_loaded,
        string_agg(distinct source_sha256, ';' order by source_sha256) as source_sha256s
    from {{ ref('stg_comtrade__china_car_exports') }}
    where is_world and hs_code = '8703'
    group by year
),

gdp as (
    select
        'gdp_current_usd' as metric,
        country_iso3 as area_code,
        year,
        gdp_current_usd as loaded_value,
        12 as months_loaded,
        source_sha256s
    from {{ ref('stg_worldbank__market_context') }}
    where gdp_current_usd is not null
),

loaded as (
    select * from china_exports
    union all
    select * from gdp
)

select
    reference.reference_id,
    reference.metric,
    reference.area_code,
    reference.year,
    reference.reference_value,
    reference.unit,
    reference.tolerance_share,
    reference.severity,
    reference.source as reference_source,
    loaded.loaded_value,
    loaded.months_loaded,
    loaded.source_sha256s,
    case
        when loaded.loaded_value is null then 'not loaded'
        when loaded.months_loaded < 12 then 'incomplete year'
        else 'compared'
    end as comparison_status,
    case when loaded.months_loaded = 12
        then (loaded.loaded_value - reference.reference_value) / reference.reference_value end as relative_difference
from {{ ref('stg_parameters__reconciliation_references') }} as reference
left join loaded
    on loaded.metric = reference.metric
    and loaded.area_code = reference.area_code
    and loaded.year = reference.year
