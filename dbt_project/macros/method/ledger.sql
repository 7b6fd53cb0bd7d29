{#-
  Building blocks of the ledger: one component is an activity (an amount in a unit: kg of steel,
  kWh drawn from the grid, litres burnt) times one cited factor. Stage macros list their components
  with `component(...)`; `footprint_ledger` turns them into rows with kg CO2e and the boundary.
-#}

{#-
  One component as a struct. name, quality_input and the units are literals; the rest are SQL
  expressions. parameter_ids: the other parameters the activity or the factor's conversion used
  (';'-separated). rates_quality_input: this component's factor is the dataset that rates its
  quality input (fct_footprint_input_quality).
-#}
{% macro component(stage, name, quality_input, activity, activity_unit, factor_id, factor_value, factor_unit,
                   parameter_ids="null", rates_quality_input=false) -%}
{
    'stage': '{{ stage }}',
    'component': {{ name }},
    'quality_input': '{{ quality_input }}',
    'activity_amount': cast({{ activity }} as double),
    'activity_unit': '{{ activity_unit }}',
    'factor_id': cast({{ factor_id }} as varchar),
    'factor_value': cast({{ factor_value }} as double),
    'factor_unit': cast({{ factor_unit }} as varchar),
    'parameter_ids': cast({{ parameter_ids }} as varchar),
    'rates_quality_input': {{ 'true' if rates_quality_input else 'false' }}
}
{%- endmacro %}

{#- The components of one stage, one struct per component, for every footprint row of relation. -#}
{% macro stage_components(relation, structs) -%}
select
    model_id,
    market_code,
    registration_year,
    unnest([
        {{ structs | join(',\n        ') }}
    ], recursive := true)
from {{ relation }}
{%- endmacro %}

{#- The unit a seed factor is stated in, by id. -#}
{% macro factor_unit(factor_id) -%}
(select unit from {{ ref('stg_parameters__emission_factors') }} where factor_id = '{{ factor_id }}')
{%- endmacro %}

{#-
  kg CO2e of each component: activity x factor, exactly 0 where the activity is 0 (the factor is
  then not needed and may be absent), NULL where the activity is not 0 and the factor is missing.
-#}
{% macro footprint_ledger(relation) %}
select
    components.model_id,
    components.market_code,
    components.registration_year,
    components.stage,
    components.component,
    components.quality_input,
    components.activity_amount,
    components.activity_unit,
    components.factor_id,
    components.factor_value,
    components.factor_unit,
    case when components.activity_amount = 0 then 0.0
        else components.activity_amount * components.factor_value end as kg_co2e,
    stages.in_core_boundary,
    components.parameter_ids,
    components.rates_quality_input,
    '{{ var("methodology_version") }}' as methodology_version
from {{ relation }} as components
left join {{ ref('stg_parameters__life_cycle_stages') }} as stages using (stage)
{% endmacro %}
