{#-
  Stage fuel_production: the fuel's well-to-tank emissions (litres over the lifetime x WTT per litre)
  and the electricity drawn from the market's grid to charge the car: one component per year of the
  service life, the year's share of the lifetime kWh (km driven are constant per year; a fractional
  last year counts for its fraction) grossed up for T&D losses, at that year's grid intensity (the
  latest value at or before it: observed, projected or held; footprint_service_life_grid).
-#}
{% macro stage_fuel_production(relation) %}
{{ stage_components(relation, [
    component('fuel_production', "'fuel_supply'", 'fuel_supply',
              'lifetime_fuel_litres', 'L', 'wtt_factor_id', 'wtt_kg_co2e_per_litre', "'kg CO2e/L'",
              "concat_ws(';', fuel_property_ids, distance_parameter_ids)", rates_quality_input=true),
]) }}
union all
select
    {{ relation }}.model_id,
    {{ relation }}.market_code,
    {{ relation }}.registration_year,
    'fuel_production' as stage,
    'charging_electricity:' || service_years.use_year as component,
    'electricity_supply' as quality_input,
    {{ relation }}.lifetime_electricity_kwh * service_years.year_weight / service_years.service_life_weight
        / (1 - {{ parameter_value('grid_td_loss_share') }}) as activity_amount,
    'kWh' as activity_unit,
    service_years.grid_factor_id as factor_id,
    {{ grams_to_kg('service_years.carbon_intensity_g_per_kwh') }} as factor_value,
    'kg CO2e/kWh' as factor_unit,
    concat_ws(';', 'grid_td_loss_share', {{ relation }}.distance_parameter_ids, {{ relation }}.lifetime_years_factor_id)
        as parameter_ids,
    -- The electricity supply is rated by the grid value its service life ends on.
    service_years.use_year = service_years.last_use_year as rates_quality_input
from {{ relation }}
inner join (
    select
        *,
        sum(year_weight) over service_life as service_life_weight,
        max(use_year) over service_life as last_use_year
    from service_years_priced
    window service_life as (partition by market_code, registration_year, lifetime_years)
) as service_years
    on service_years.market_code = {{ relation }}.market_code
    and service_years.registration_year = {{ relation }}.registration_year
    and service_years.lifetime_years = {{ relation }}.lifetime_years
{% endmacro %}
