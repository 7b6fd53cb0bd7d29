{#-
  The footprint row from its ledger: each stage is the sum of its components (NULL when any of them
  could not be priced, so a missing factor never reads as a smaller footprint), the battery and
  electricity sub-totals are sums of the components they name, and factor_ids lists every factor
  and parameter of the components whose activity is not zero.
  Emits a CTE `stages` (with a trailing comma) keyed like the input rows, carrying `priced`'s columns.
-#}
{% macro footprint_stage_total(stage, where="true") -%}
case when count(*) filter (where stage = '{{ stage }}' and {{ where }} and kg_co2e is null) = 0
    then coalesce(sum(kg_co2e) filter (where stage = '{{ stage }}' and {{ where }}), 0.0) end
{%- endmacro %}

{% macro footprint_stage_totals(priced, ledger) %}
ledger_totals as (
    select
        model_id,
        market_code,
        registration_year,
        {% for stage in var('life_cycle_stages') -%}
        {{ footprint_stage_total(stage) }} as {{ stage }}_kg_co2e,
        {% endfor -%}
        {{ footprint_stage_total('raw_materials', "component = 'battery_materials'") }} as battery_raw_materials_kg_co2e,
        {{ footprint_stage_total('production', "quality_input = 'battery_manufacturing'") }} as battery_production_kg_co2e,
        {{ footprint_stage_total('maintenance', "component like 'traction_battery_replacement%'") }}
            as maintenance_traction_battery_kg_co2e,
        {{ footprint_stage_total('fuel_production', "quality_input = 'electricity_supply'") }}
            as fuel_production_electricity_kg_co2e
    from {{ ledger }}
    group by model_id, market_code, registration_year
),

cited_ids as (
    select model_id, market_code, registration_year, string_agg(distinct id, ';' order by id) as factor_ids
    from (
        select model_id, market_code, registration_year,
               unnest(string_split(concat_ws(';', factor_id, parameter_ids), ';')) as id
        from {{ ledger }}
        where activity_amount <> 0
    )
    where id <> ''
    group by model_id, market_code, registration_year
),

stages as (
    select
        {{ priced }}.*,
        ledger_totals.* exclude (model_id, market_code, registration_year),
        cited_ids.factor_ids
    from {{ priced }}
    inner join ledger_totals using (model_id, market_code, registration_year)
    left join cited_ids using (model_id, market_code, registration_year)
),
{% endmacro %}
