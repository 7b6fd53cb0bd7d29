-- China's passenger-car exports by destination x year x powertrain (HS 8703 subheadings), with
-- the estimated life-cycle emissions of those cars in their destination: export units x the
-- market's average footprint for that powertrain (fct_market_footprint). Destinations that are
-- not modelled markets, and HS 8703 rows not split by powertrain, keep their units with NULL
-- emissions and say why in emissions_basis.
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
)

select
    exports.destination_iso3,
    exports.destination_name,
    exports.year,
    exports.powertrain,
    exports.hs_codes,
    exports.export_units,
    exports.quantity_is_estimated,
    exports.export_value_usd,
    exports.months_reported,
    markets.market_code is not null as is_modelled_market,
    footprint.total_kg_co2e as footprint_total_kg_co2e_per_vehicle,
    exports.export_units * footprint.total_kg_co2e / 1000 as lifecycle_emissions_t_co2e,
    case
        when markets.market_code is null then 'destination_not_modelled'
        when exports.powertrain = 'ALL' then 'powertrain_not_split'
        when footprint.total_kg_co2e is null then 'no_footprint_for_year'
        else 'market_average_' || footprint.weight_basis
    end as emissions_basis,
    footprint.methodology_version,
    exports.source_sha256s
from exports
left join {{ ref('stg_parameters__markets') }} as markets
    on markets.iso3 = exports.destination_iso3
left join {{ ref('fct_market_footprint') }} as footprint
    on footprint.market_code = markets.market_code
    and footprint.registration_year = exports.year
    and footprint.powertrain = exports.powertrain
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by destination_iso3, year, powertrain
