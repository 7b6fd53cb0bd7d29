-- The method's input for the published facts: every catalogue model in every market and
-- registration year (dbt var registration_years), at the market's default lifetime.
select
    catalogue.model_id,
    catalogue.powertrain,
    catalogue.fuel,
    catalogue.segment,
    catalogue.curb_mass_kg,
    catalogue.battery_kwh,
    catalogue.battery_chemistry,
    catalogue.electric_range_km,
    catalogue.consumption_basis,
    catalogue.fuel_l_per_100km,
    catalogue.electricity_kwh_per_100km,
    catalogue.production_country,
    catalogue.battery_production_country,
    markets.market_code,
    years.registration_year,
    cast(null as double) as lifetime_km_override
from {{ ref('int_vehicles__catalogue') }} as catalogue
cross join {{ ref('stg_parameters__markets') }} as markets
cross join (select unnest({{ var('registration_years') }}) as registration_year) as years
