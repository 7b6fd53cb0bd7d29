{#-
  Final projection of footprint_method: stages per vehicle and per km (sums of the ledger's
  components, footprint_stage_totals), the total over the core boundary (seed life_cycle_stages),
  inputs used, data-quality fields and the cited factor ids (derived from the ledger).
-#}

{% macro stage_in_core_boundary(stage) -%}
(select in_core_boundary from {{ ref('stg_parameters__life_cycle_stages') }} where stage = '{{ stage }}')
{%- endmacro %}

{% macro footprint_report(relation) %}
{%- set stage_names = var('life_cycle_stages') -%}
totals as (
    select
        *,
        {% for stage in stage_names -%}
        case when {{ stage_in_core_boundary(stage) }} then {{ stage }}_kg_co2e else 0 end
            {%- if not loop.last %} + {% endif %}
        {% endfor %} as total_kg_co2e,
        {% for stage in stage_names -%}
        {{ stage }}_kg_co2e {%- if not loop.last %} + {% endif %}
        {% endfor %} as total_all_stages_kg_co2e
    from {{ relation }}
)

select
    model_id,
    market_code,
    registration_year,
    powertrain,
    fuel,
    consumption_basis,
    lifetime_km,
    lifetime_years,
    {% for stage in stage_names -%}
    {{ stage }}_kg_co2e,
    {% endfor -%}
    total_kg_co2e,
    total_all_stages_kg_co2e,
    {% for stage in stage_names + ['total', 'total_all_stages'] -%}
    {{ kg_to_g_per_km(stage ~ '_kg_co2e', 'lifetime_km') }} as {{ stage }}_g_co2e_per_km,
    {% endfor -%}
    battery_raw_materials_kg_co2e,
    battery_production_kg_co2e,
    traction_battery_replacements,
    maintenance_traction_battery_kg_co2e,
    fuel_production_electricity_kg_co2e,
    (select string_agg(stage, ';' order by stage_order)
     from {{ ref('stg_parameters__life_cycle_stages') }} where in_core_boundary) as core_boundary_stages,
    real_world_fuel_l_per_100km,
    real_world_electricity_kwh_per_100km,
    real_world_utility_factor,
    market_grid_service_life_g_per_kwh,
    market_grid_years_observed,
    market_grid_years_projected,
    market_grid_years_held,
    market_grid_last_source_year,
    production_grid_g_per_kwh as production_grid_intensity_g_per_kwh,
    production_grid_year,
    battery_grid_g_per_kwh as battery_grid_intensity_g_per_kwh,
    factor_ids,
    (select string_agg(distinct factors.factor_id, ';' order by factors.factor_id)
     from {{ ref('stg_parameters__emission_factors') }} as factors
     where factors.gwp_set <> 'AR6'
         and list_contains(string_split(totals.factor_ids, ';'), factors.factor_id)) as factors_in_other_gwp_set,
    '{{ var("methodology_version") }}' as methodology_version,
    'AR6' as gwp_set
from totals
{% endmacro %}
