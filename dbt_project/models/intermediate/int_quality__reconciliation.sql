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

-- Indonesia's wholesales as the GAIKINDO model rows sum them, every category (cars and commercial
-- vehicles, as GAIKINDO's published annual total counts them).
idn_wholesales as (
    select
        'idn_car_wholesales_units' as metric,
        'IDN' as area_code,
        year,
        sum(wholesales) as loaded_value,
        count(distinct month) as months_loaded,
        string_agg(distinct source_sha256, ';' order by source_sha256) as source_sha256s
    from {{ ref('stg_gaikindo__model_wholesales') }}
    group by year
),

-- Indonesia's new passenger cars in the carsales series (extracted from GAIKINDO's reports).
idn_passenger_sales as (
    select
        'idn_passenger_car_sales_units' as metric,
        market_code as area_code,
        year,
        sum(new_car_sales) as loaded_value,
        count(distinct month) as months_loaded,
        string_agg(distinct source_sha256, ';' order by source_sha256) as source_sha256s
    from {{ ref('stg_carsales__new_car_sales') }}
    where market_code = 'IDN'
    group by market_code, year
),

loaded as (
    select * from china_exports
    union all
    select * from gdp
    union all
    select * from idn_wholesales
    union all
    select * from idn_passenger_sales
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
