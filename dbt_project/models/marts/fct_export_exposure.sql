-- China's passenger-car exports by destination x year x powertrain (HS 8703 subheadings), with
-- the estimated life-cycle emissions of those cars in their destination: export units x the
-- market's average footprint for that powertrain (fct_market_footprint). An HS 8703 row not split
-- by powertrain takes the average over the destination's own new-car sales mix of that year
-- (stg_carsales__new_car_sales; emissions_basis destination_powertrain_mix: China's exports need not
-- have that mix, hence the label). Destinations that are not modelled markets, or without a mix,
-- keep their units with NULL emissions and say why in emissions_basis.
with exports as (
    select
        partner_iso3 as destination_iso3,
        any_value(partner_name) as destination_name,
        year,
        powertrain,
        string_agg(distinct hs_code, ';' order by hs_code) as hs_codes,
        sum(quantity_units) as export_units,
        bool_or(is_qty_estimated) as quantity_is_estimated,
        sum(primary_value_usd) as export_value_usd,
        count(distinct month) as months_reported,
        string_agg(distinct source_sha256, ';' order by source_sha256) as source_sha256s
    from {{ ref('stg_comtrade__china_car_exports') }}
    where not is_world and partner_iso3 is not null
    group by partner_iso3, year, powertrain
),

destination_mix as (
    -- The destination's sales-weighted footprint over the powertrains it buys that have one.
    select
        footprint.market_code,
        footprint.registration_year,
        sum(sales.units * footprint.total_kg_co2e) / sum(sales.units) as total_kg_co2e,
        min(footprint.methodology_version) as methodology_version
    from (
        select market_code, year, catalogue_powertrain as powertrain, sum(new_car_sales) as units
        from {{ ref('stg_carsales__new_car_sales') }}
        where catalogue_powertrain is not null
        group by all
    ) as sales
    inner join {{ ref('fct_market_footprint') }} as footprint
        on footprint.market_code = sales.market_code
        and footprint.registration_year = sales.year
        and footprint.powertrain = sales.powertrain
    where sales.units > 0 and footprint.total_kg_co2e is not null
    group by all
),

priced as (
    select
        exports.*,
        markets.market_code,
        case when exports.powertrain = 'ALL' then mix.total_kg_co2e else footprint.total_kg_co2e end
            as footprint_total_kg_co2e,
        case when exports.powertrain = 'ALL' then mix.methodology_version else footprint.methodology_version end
            as methodology_version,
        footprint.weight_basis,
        exports.year in (select distinct registration_year from {{ ref('fct_market_footprint') }}) as year_has_footprints
    from exports
    left join {{ ref('stg_parameters__markets') }} as markets
        on markets.iso3 = exports.destination_iso3
    left join {{ ref('fct_market_footprint') }} as footprint
        on footprint.market_code = markets.market_code
        and footprint.registration_year = exports.year
        and footprint.powertrain = exports.powertrain
    left join destination_mix as mix
        on mix.market_code = markets.market_code and mix.registration_year = exports.year
)

select
    destination_iso3,
    destination_name,
    year,
    powertrain,
    hs_codes,
    export_units,
    quantity_is_estimated,
    export_value_usd,
    months_reported,
    market_code is not null as is_modelled_market,
    footprint_total_kg_co2e as footprint_total_kg_co2e_per_vehicle,
    export_units * footprint_total_kg_co2e / 1000 as lifecycle_emissions_t_co2e,
    case
        when market_code is null then 'destination_not_modelled'
        when not year_has_footprints then 'no_footprint_for_year'
        when powertrain = 'ALL' and footprint_total_kg_co2e is null then 'powertrain_not_split'
        when powertrain = 'ALL' then 'destination_powertrain_mix'
        when footprint_total_kg_co2e is null then 'no_footprint_for_year'
        else 'market_average_' || weight_basis
    end as emissions_basis,
    methodology_version,
    source_sha256s
from priced
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by destination_iso3, year, powertrain
