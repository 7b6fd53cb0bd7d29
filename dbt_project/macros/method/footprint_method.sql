{#-
  The Greenbridge life-cycle footprint method, implemented once. The published facts
  (fct_vehicle_footprint, fct_footprint_component) and the calculator (`greenbridge footprint`)
  all call this macro.

  vehicle_markets: a relation or parenthesised subquery with one row per vehicle x market x
  registration year (unique on model_id, market_code, registration_year) and the columns of
  int_footprint__catalogue_inputs:
    model_id, powertrain, fuel, segment, curb_mass_kg, battery_kwh, battery_chemistry,
    electric_range_km, consumption_basis, fuel_l_per_100km, electricity_kwh_per_100km,
    production_country, battery_production_country, market_code, registration_year,
    lifetime_km_override (null = the market's default lifetime).

  The method is a ledger: each stage macro (macros/method/stages/) emits the stage's components,
  one row per footprint x component: activity amount x factor = kg CO2e. Everything else is an
  aggregation of the components, so a stage, a total and the cited factor ids cannot disagree with
  the ledger.

  output='footprint' (default): one row per input row with the six stages in kg CO2e per vehicle and
  g CO2e/km, the total over the core boundary (seed life_cycle_stages), the inputs used and the ids
  of every factor and parameter used (footprint_report).
  output='components': the ledger itself (fct_footprint_component).

  A factor or parameter that is missing where the activity is not zero leaves its component's
  kg_co2e NULL, and the stage and totals NULL with it (never a silent zero): the ledger's contract
  rule DQ-PRICED names the footprint, the component and the missing id, and DQ-STAGES the stage.
-#}
{% macro footprint_method(vehicle_markets, output='footprint') %}
with inputs as (
    select
        vehicle_markets.*,
        coalesce(vehicle_markets.lifetime_km_override, lifetime.lifetime_km) as lifetime_km,
        lifetime.lifetime_years,
        case when vehicle_markets.lifetime_km_override is null then lifetime.lifetime_km_factor_id end
            as lifetime_km_factor_id,
        lifetime.lifetime_years_factor_id
    from {{ vehicle_markets }} as vehicle_markets
    left join {{ ref('stg_parameters__market_lifetime') }} as lifetime
        on lifetime.market_code = vehicle_markets.market_code
),

{{ footprint_real_world_consumption('inputs') }},

{{ footprint_service_life_grid('consumption') }},

{{ footprint_priced_inputs('consumption') }},

components as (
    {{ stage_raw_materials('priced') }}
    union all
    {{ stage_production('priced') }}
    union all
    {{ stage_fuel_production('priced') }}
    union all
    {{ stage_fuel_use('priced') }}
    union all
    {{ stage_maintenance('priced') }}
    union all
    {{ stage_end_of_life('priced') }}
),

ledger as (
    {{ footprint_ledger('components') }}
)

{% if output == 'components' -%}
select * from ledger
{%- else -%}
, {{ footprint_stage_totals('priced', 'ledger') }}

{{ footprint_report('stages') }}
{%- endif %}
{% endmacro %}
