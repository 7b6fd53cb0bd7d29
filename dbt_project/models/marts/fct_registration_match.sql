-- How much of each market's registered volume is matched to a priced catalogue variant, by market x
-- year x brand (issue 14, item 4), so a data engineer sees what to map next: Indonesia's passenger-car
-- wholesales by model variant (int_registrations__gaikindo_matched; seed registration_variant_mapping)
-- and Singapore's registrations by make (seed registration_make_mapping: a make is matched where the
-- catalogue has variants of that make and powertrain). unmatched_models names the largest unmatched
-- models of the brand (up to five) with their units.
with gaikindo as (
    select
        'gaikindo' as source, market_code, year, brand, model || ' / ' || type as name, catalogue_powertrain,
        wholesales as units,
        case when match_kind in ('same_variant', 'same_model_and_battery') then wholesales else 0 end as exact_units,
        case when match_kind = 'proxy' then wholesales else 0 end as proxy_units
    from {{ ref('int_registrations__gaikindo_matched') }}
),

catalogue_makes as (
    select distinct make, powertrain from {{ ref('int_vehicles__catalogue') }}
),

lta as (
    select
        'lta' as source, registrations.market_code, registrations.year, registrations.make_normalised as brand,
        registrations.make_normalised || ' ' || coalesce(registrations.catalogue_powertrain, registrations.powertrain) as name,
        registrations.catalogue_powertrain,
        registrations.registrations as units,
        case when exists (
            select 1 from {{ ref('registration_make_mapping') }} as mapping
            inner join catalogue_makes
                on catalogue_makes.make = mapping.catalogue_make
                and catalogue_makes.powertrain = registrations.catalogue_powertrain
            where mapping.source = 'lta' and mapping.make_as_published = registrations.make_normalised
        ) then registrations.registrations else 0 end as exact_units,
        0 as proxy_units
    from {{ ref('stg_lta__registrations_by_make') }} as registrations
    where registrations.registrations > 0
),

rows_by_name as (
    select source, market_code, year, brand, name, sum(units) as units, sum(exact_units) as exact_units,
        sum(proxy_units) as proxy_units
    from (select * from gaikindo union all select * from lta)
    group by all
),

by_brand as (
    select
        source,
        market_code,
        year,
        brand,
        sum(units) as units,
        sum(exact_units) as exact_units,
        sum(proxy_units) as proxy_units,
        sum(units - exact_units - proxy_units) as unmatched_units,
        -- The five largest, so the row stays readable for a brand with a hundred trims.
        nullif(array_to_string((list(name || ' (' || (units - exact_units - proxy_units) || ')'
                                     order by units - exact_units - proxy_units desc, name)
                                filter (where units - exact_units - proxy_units > 0))[1:5], '; '), '') as unmatched_models
    from rows_by_name
    group by all
)

select
    by_brand.source,
    by_brand.market_code,
    by_brand.year,
    by_brand.brand,
    origins.is_chinese_brand,
    cast(by_brand.units as double) as units,
    cast(by_brand.exact_units as double) as matched_units,
    cast(by_brand.proxy_units as double) as matched_as_proxy_units,
    cast(by_brand.unmatched_units as double) as unmatched_units,
    (by_brand.exact_units + by_brand.proxy_units) / by_brand.units as matched_share,
    by_brand.unmatched_models
from by_brand
left join {{ ref('stg_parameters__make_origins') }} as origins
    on origins.source_name = by_brand.source and origins.make_as_published = by_brand.brand
where by_brand.units > 0
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by source, market_code, year, brand
