{# GENERATED from warehouse/quality/rules.py by `python -m warehouse.contracts.dbt_properties`. Do not edit. #}
{% macro rule_bound(name, end) -%}
    {%- set bounds = {'bev_consumption_kwh_per_100km': [10.0, 30.0], 'curb_mass_kg': [600.0, 3500.0]} -%}
    {{ bounds[name][0 if end == 'low' else 1] }}
{%- endmacro %}
