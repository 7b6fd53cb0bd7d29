{#- New cars sold by market x year x sales powertrain (issue 14, item 5): sales and share of the
    market's year from the carsales series; the Chinese-brand volume and share where a brand-level
    source covers the whole year; the average life-cycle footprint of that year's new cars of the
    powertrain (fct_market_footprint) and their life-cycle t CO2e. Every null says why in a basis
    column (warehouse/contracts/fleet.py lists the values). -#}
with sales as (
    select
        sales.market_code,
        sales.year,
        sales.powertrain,
        min(sales.catalogue_powertrain) as catalogue_powertrain,
        cast(sum(sales.new_car_sales) as bigint) as new_car_sales,
        count(distinct sales.month) as months_reported,
        min(sales.publisher) as sales_publisher,
        string_agg(distinct sales.source_sha256, ';' order by sales.source_sha256) as source_sha256s
    from {{ ref('stg_carsales__new_car_sales') }} as sales
    join {{ ref('stg_parameters__markets') }} as markets on markets.market_code = sales.market_code
    group by sales.market_code, sales.year, sales.powertrain
),

market_years as (
    select market_code, year, cast(sum(new_car_sales) as bigint) as market_year_sales
    from sales
    group by market_code, year
),

origins as (
    select source_name, make_as_published, is_chinese_brand
    from {{ ref('stg_parameters__make_origins') }}
),

-- The brand-level sources, one row per market x year x sales powertrain x make, with the months the
-- source covers in that year (a share is given only for a whole year).
brand_rows as (
    select
        'IDN' as market_code,
        year,
        powertrain,
        'gaikindo' as source_name,
        'gaikindo_passenger_wholesales' as brand_basis,
        brand_corrected as make,
        wholesales as units,
        month
    from {{ ref('stg_gaikindo__model_wholesales') }}
    where is_passenger_car
    union all
    select
        market_code,
        year,
        powertrain,
        'lta' as source_name,
        'lta_registrations_by_make' as brand_basis,
        make_normalised as make,
        registrations as units,
        month
    from {{ ref('stg_lta__registrations_by_make') }}
),

brand_source_years as (
    select market_code, year, min(brand_basis) as brand_basis, count(distinct month) as brand_months
    from brand_rows
    group by market_code, year
),

brand_source_markets as (
    select distinct market_code from brand_rows
),

brand_volumes as (
    select
        brand_rows.market_code,
        brand_rows.year,
        brand_rows.powertrain,
        cast(sum(case when origins.is_chinese_brand then brand_rows.units else 0 end) as bigint) as chinese_brand_volume,
        cast(sum(brand_rows.units) as bigint) as brand_source_volume,
        cast(sum(case when origins.make_as_published is null then brand_rows.units else 0 end) as bigint)
            as unknown_origin_volume
    from brand_rows
    left join origins
        on origins.source_name = brand_rows.source_name
        and origins.make_as_published = brand_rows.make
    -- A row without a powertrain (GAIKINDO without a fuel code) belongs to no sales powertrain.
    where brand_rows.powertrain is not null
    group by brand_rows.market_code, brand_rows.year, brand_rows.powertrain
),

-- The fuels of the catalogue models behind each market footprint: a petrol or diesel car is priced by
-- the ICEV footprint only where every catalogue ICEV of that market and year burns that fuel.
catalogue_fuels as (
    select
        market_code,
        registration_year,
        powertrain,
        bool_and(fuel = 'petrol') as all_petrol,
        bool_and(fuel = 'diesel') as all_diesel
    from {{ ref('fct_vehicle_footprint') }}
    group by market_code, registration_year, powertrain
),

footprints as (
    select
        market.market_code,
        market.registration_year,
        market.powertrain,
        market.weight_basis,
        market.total_kg_co2e,
        market.total_g_co2e_per_km,
        market.methodology_version,
        coalesce(fuels.all_petrol, false) as all_petrol,
        coalesce(fuels.all_diesel, false) as all_diesel
    from {{ ref('fct_market_footprint') }} as market
    left join catalogue_fuels as fuels
        on fuels.market_code = market.market_code
        and fuels.registration_year = market.registration_year
        and fuels.powertrain = market.powertrain
),

joined as (
    select
        sales.*,
        market_years.market_year_sales,
        case
            when brand_source_markets.market_code is null then 'no_brand_level_source'
            when brand_source_years.year is null then 'brand_source_year_not_loaded'
            when brand_source_years.brand_months < 12 then 'brand_source_year_incomplete'
            else brand_source_years.brand_basis
        end as chinese_brand_basis,
        brand_volumes.chinese_brand_volume,
        brand_volumes.brand_source_volume,
        brand_volumes.unknown_origin_volume,
        case
            when sales.catalogue_powertrain is null then 'no_catalogue_powertrain'
            when footprints.market_code is null then 'no_footprint_for_year'
            when sales.powertrain = 'ice' then 'ice_as_catalogue_icev'
            when sales.powertrain = 'lpg' then 'fuel_not_in_catalogue'
            when sales.powertrain = 'petrol' and not footprints.all_petrol then 'fuel_not_in_catalogue'
            when sales.powertrain = 'diesel' and not footprints.all_diesel then 'fuel_not_in_catalogue'
            else 'market_footprint'
        end as footprint_basis,
        footprints.weight_basis,
        footprints.total_kg_co2e,
        footprints.total_g_co2e_per_km,
        footprints.methodology_version
    from sales
    join market_years
        on market_years.market_code = sales.market_code
        and market_years.year = sales.year
    left join brand_source_markets on brand_source_markets.market_code = sales.market_code
    left join brand_source_years
        on brand_source_years.market_code = sales.market_code
        and brand_source_years.year = sales.year
    left join brand_volumes
        on brand_volumes.market_code = sales.market_code
        and brand_volumes.year = sales.year
        and brand_volumes.powertrain = sales.powertrain
    left join footprints
        on footprints.market_code = sales.market_code
        and footprints.registration_year = sales.year
        and footprints.powertrain = sales.catalogue_powertrain
)

select
    market_code,
    year,
    powertrain,
    catalogue_powertrain,
    new_car_sales,
    months_reported,
    market_year_sales,
    case when market_year_sales > 0 then new_car_sales / market_year_sales end as share_of_market,
    sales_publisher,
    -- A year the brand-level source covers in full: a powertrain it counts none of has volume 0.
    case when chinese_brand_basis in ('gaikindo_passenger_wholesales', 'lta_registrations_by_make')
        then coalesce(chinese_brand_volume, 0) end as chinese_brand_volume,
    case when chinese_brand_basis in ('gaikindo_passenger_wholesales', 'lta_registrations_by_make')
        then coalesce(brand_source_volume, 0) end as brand_source_volume,
    case when chinese_brand_basis in ('gaikindo_passenger_wholesales', 'lta_registrations_by_make')
        then coalesce(unknown_origin_volume, 0) end as unknown_origin_volume,
    case when chinese_brand_basis in ('gaikindo_passenger_wholesales', 'lta_registrations_by_make')
        and brand_source_volume > 0 then chinese_brand_volume / brand_source_volume end as chinese_brand_share,
    chinese_brand_basis,
    case when footprint_basis in ('market_footprint', 'ice_as_catalogue_icev') then total_kg_co2e end
        as footprint_kg_co2e_per_vehicle,
    case when footprint_basis in ('market_footprint', 'ice_as_catalogue_icev') then total_g_co2e_per_km end
        as footprint_g_co2e_per_km,
    case when footprint_basis in ('market_footprint', 'ice_as_catalogue_icev') then weight_basis end
        as footprint_weight_basis,
    case when footprint_basis in ('market_footprint', 'ice_as_catalogue_icev') then new_car_sales * total_kg_co2e / 1000 end
        as lifecycle_t_co2e,
    footprint_basis,
    case when footprint_basis in ('market_footprint', 'ice_as_catalogue_icev') then methodology_version end
        as methodology_version,
    source_sha256s
from joined
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code, year, powertrain
