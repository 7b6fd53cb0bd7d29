{#- Sales-weighted average footprint per market x registration year x powertrain. The weights are
    chosen per row and named in weight_basis:
    - registrations: the market's registrations of the catalogue models of that powertrain that year;
    - china_exports: no registrations, but China's exports of that powertrain (HS subheading) to the
      market that year: every catalogue model of the powertrain counts equally, and vehicle_count
      is the export quantity;
    - unweighted: neither; a plain mean of the catalogue models, vehicle_count NULL. -#}
{%- set stages = var('life_cycle_stages') + ['total', 'total_all_stages'] -%}
with registrations as (
    select model_id, market_code, year as registration_year, sum(registrations) as registrations
    from {{ ref('stg_registrations__by_model_month') }}
    group by model_id, market_code, year
),

exports as (
    select partner_iso3 as market_code, year as registration_year, powertrain,
        sum(quantity_units) as export_units
    from {{ ref('stg_comtrade__china_car_exports') }}
    where not is_world and powertrain in ('ICEV', 'HEV', 'PHEV', 'BEV')
    group by partner_iso3, year, powertrain
),

weighted as (
    select
        footprints.*,
        coalesce(registrations.registrations, 0) as registrations
    from {{ ref('fct_vehicle_footprint') }} as footprints
    left join registrations
        on registrations.model_id = footprints.model_id
        and registrations.market_code = footprints.market_code
        and registrations.registration_year = footprints.registration_year
),

aggregated as (
    select
        market_code,
        registration_year,
        powertrain,
        count(*) as model_count,
        sum(registrations) as registrations,
        {% for stage in stages -%}
        case when sum(registrations) > 0
            then sum({{ stage }}_kg_co2e * registrations) / sum(registrations)
            else avg({{ stage }}_kg_co2e) end as {{ stage }}_kg_co2e,
        case when sum(registrations) > 0
            then sum({{ stage }}_g_co2e_per_km * registrations) / sum(registrations)
            else avg({{ stage }}_g_co2e_per_km) end as {{ stage }}_g_co2e_per_km,
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
        when aggregated.registrations > 0 then 'registrations'
        when exports.export_units > 0 then 'china_exports'
        else 'unweighted'
    end as weight_basis,
    case
        when aggregated.registrations > 0 then aggregated.registrations
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
left join exports
    on exports.market_code = aggregated.market_code
    and exports.registration_year = aggregated.registration_year
    and exports.powertrain = aggregated.powertrain
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code, registration_year, powertrain
