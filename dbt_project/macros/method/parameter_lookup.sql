{#- Scalar look-ups of one seed row by id. A missing id yields NULL, which the not_null tests on
    every footprint stage then catch, naming the column. -#}
{% macro factor_value(factor_id) -%}
(select value from {{ ref('stg_parameters__emission_factors') }} where factor_id = '{{ factor_id }}')
{%- endmacro %}

{% macro parameter_value(parameter_id) -%}
(select value from {{ ref('stg_parameters__method_parameters') }} where parameter_id = '{{ parameter_id }}')
{%- endmacro %}
