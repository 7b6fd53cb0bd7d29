{#- Scalar look-ups of one seed row by id. A missing id yields NULL: a ledger component using it is
    left unpriced (its stage NULL), and the blocking rule DQ-PRICED names footprint, component and id. -#}
{% macro factor_value(factor_id) -%}
(select value from {{ ref('stg_parameters__emission_factors') }} where factor_id = '{{ factor_id }}')
{%- endmacro %}

{% macro parameter_value(parameter_id) -%}
(select value from {{ ref('stg_parameters__method_parameters') }} where parameter_id = '{{ parameter_id }}')
{%- endmacro %}
