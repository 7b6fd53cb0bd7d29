-- Every observed grid carbon intensity per area (market code, or ISO3 for other countries) and
-- year, from Ember where the Ember API gave a value and from OWID otherwise. Ember wins where both
-- have one: it is the primary source (OWID republishes Ember's yearly data) and updates more often.
-- source_geography is the country code the source gives the row (the area code for aggregates
-- without one): it differs from area_code when a source files another country under the entity
-- a market maps to, which the geographical representativeness check reports.
with ember as (
    select
        coalesce(markets.market_code, grid.iso3) as area_code,
        grid.year,
        grid.carbon_intensity_g_per_kwh,
        'ember' as grid_source,
        grid.iso3 as source_iso3,
        grid.source_sha256
    from {{ ref('stg_ember__grid_carbon_intensity') }} as grid
    left join {{ ref('stg_parameters__markets') }} as markets
        on markets.ember_entity = grid.ember_entity
    where coalesce(markets.market_code, grid.iso3) is not null
),

owid as (
    select
        coalesce(markets.market_code, grid.iso3) as area_code,
        grid.year,
        grid.carbon_intensity_g_per_kwh,
        'owid' as grid_source,
        grid.iso3 as source_iso3,
        grid.source_sha256
    from {{ ref('stg_owid__grid_carbon_intensity') }} as grid
    left join {{ ref('stg_parameters__markets') }} as markets
        on markets.owid_entity = grid.owid_entity
    where coalesce(markets.market_code, grid.iso3) is not null
),

combined as (
    select * from ember
    union all
    select owid.*
    from owid
    anti join ember
        on ember.area_code = owid.area_code
        and ember.year = owid.year
)

select
    area_code,
    year,
    carbon_intensity_g_per_kwh,
    grid_source,
    case when source_iso3 is null or source_iso3 like 'OWID_%' then area_code else source_iso3 end
        as source_geography,
    source_sha256
from combined
