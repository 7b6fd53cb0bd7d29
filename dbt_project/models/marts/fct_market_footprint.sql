{#- Average footprint of the catalogue's variants per market x registration year x powertrain,
    weighted by what the market buys at the finest grain it publishes (issue 14, item 5). The basis is
    chosen per row and named in weight_basis:
    - model_registrations: registrations of the variants themselves (the registrations file source,
      and Indonesia's GAIKINDO wholesales matched to variants, int_registrations__gaikindo_matched);
      variants the market did not buy weigh nothing;
    - make_fuel_registrations: registrations by make x powertrain (Singapore's LTA, seed
      registration_make_mapping), each make's volume shared equally among its catalogue variants of
      that powertrain;
    - powertrain_mix: no registrations below the powertrain, so every variant of the powertrain counts
      equally and vehicle_count is the market's new-car sales of it (stg_carsales__new_car_sales), which
      is what weights the powertrains against each other in fct_market_new_car_fleet;
    - china_exports: no sales data, but China's exports of the powertrain to the market (Comtrade);
    - unweighted: none of these; a plain mean, vehicle_count null. -#}
{%- set stages = var('life_cycle_stages') + ['total', 'total_all_stages'] -%}
with model_registrations as (
    select model_id, market_code, registration_year, sum(units) as units
    from (
        select model_id, market_code, year as registration_year, registrations as units
        from {{ ref('stg_registrations__by_model_month') }}
        union all
        select model_id, market_code, year, wholesales
        from {{ ref('int_registrations__gaikindo_matched') }}
        where model_id is not null
    )
    group by all
),

make_fuel_registrations as (
    select
        mapping.catalogue_make as make,
        registrations.market_code,
        registrations.year as registration_year,
        registrations.catalogue_powertrain as powertrain,
        sum(registrations.registrations) as units
    from {{ ref('stg_lta__registrations_by_make') }} as registrations
    inner join {{ ref('registration_make_mapping') }} as mapping
        on mapping.source = 'lta' and mapping.make_as_published = registrations.make_normalised
    where registrations.catalogue_powertrain is not null
    group by all
),

variants_per_make as (
    select make, powertrain, count(*) as variants
    from {{ ref('int_vehicles__catalogue') }}
    group by all
),

powertrain_sales as (
    select market_code, year as registration_year, catalogue_powertrain as powertrain, sum(new_car_sales) as units
    from {{ ref('stg_carsales__new_car_sales') }}
    where catalogue_powertrain is not null
    group by all
),

exports as (
    select partner_iso3 as market_code, year as registration_year, powertrain,
        sum(quantity_units) as export_units
    from {{ ref('stg_comtrade__china_car_exports') }}
    where not is_world and powertrain in ('ICEV', 'HEV', 'PHEV', 'BEV')
    group by partner_iso3, year, powertrain
),

volumes as (
    select
        footprints.*,
        coalesce(model_registrations.units, 0) as model_units,
        coalesce(make_fuel_registrations.units / variants_per_make.variants, 0) as make_fuel_units
    from {{ ref('fct_vehicle_footprint') }} as footprints
    left join model_registrations
        on model_registrations.model_id = footprints.model_id
        and model_registrations.market_code = footprints.market_code
        and model_registrations.registration_year = footprints.registration_year
    left join make_fuel_registrations
        on make_fuel_registrations.make = footprints.make
        and make_fuel_registrations.market_code = footprints.market_code
        and make_fuel_registrations.registration_year = footprints.registration_year
        and make_fuel_registrations.powertrain = footprints.powertrain
    left join variants_per_make
        on variants_per_make.make = footprints.make and variants_per_make.powertrain = footprints.powertrain
),

weighted as (
    select
        *,
        -- The finest grain with any volume for the row's market, year and powertrain decides the weights.
        case
            when sum(model_units) over cell > 0 then 'model_registrations'
            when sum(make_fuel_units) over cell > 0 then 'make_fuel_registrations'
        end as registration_basis,
        case
            when sum(model_units) over cell > 0 then model_units
            when sum(make_fuel_units) over cell > 0 then make_fuel_units
            else 1
        end as weight
    from volumes
    window cell as (partition by market_code, registration_year, powertrain)
),

aggregated as (
    select
        market_code,
        registration_year,
        powertrain,
        any_value(registration_basis) as registration_basis,
        count(*) filter (where weight > 0) as model_count,
        -- Rounded: a make's volume shared among its variants sums back with float residue.
        round(sum(weight) filter (where registration_basis is not null), 6) as registered_units,
        {% for stage in stages -%}
        sum({{ stage }}_kg_co2e * weight) / sum(weight) as {{ stage }}_kg_co2e,
        sum({{ stage }}_g_co2e_per_km * weight) / sum(weight) as {{ stage }}_g_co2e_per_km,
        {% endfor -%}
        min(lifetime_km) as lifetime_km,
        min(methodology_version) as methodology_version
    from weighted
    group by market_code, registration_year, powertrain
)

select
    aggregated.market_code,
    aggregated.registration_year,
    aggregated.powertrain,
    case
        when aggregated.registration_basis is not null then aggregated.registration_basis
        when powertrain_sales.units > 0 then 'powertrain_mix'
        when exports.export_units > 0 then 'china_exports'
        else 'unweighted'
    end as weight_basis,
    case
        when aggregated.registration_basis is not null then aggregated.registered_units
        when powertrain_sales.units > 0 then powertrain_sales.units
        when exports.export_units > 0 then exports.export_units
    end as vehicle_count,
    aggregated.model_count,
    {% for stage in stages -%}
    aggregated.{{ stage }}_kg_co2e,
    aggregated.{{ stage }}_g_co2e_per_km,
    {% endfor -%}
    aggregated.lifetime_km,
    aggregated.methodology_version
from aggregated
left join powertrain_sales
    on powertrain_sales.market_code = aggregated.market_code
    and powertrain_sales.registration_year = aggregated.registration_year
    and powertrain_sales.powertrain = aggregated.powertrain
left join exports
    on exports.market_code = aggregated.market_code
    and exports.registration_year = aggregated.registration_year
    and exports.powertrain = aggregated.powertrain
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code, registration_year, powertrain
