{#- Use the layer name (raw, parameters, staging, intermediate, marts) as the DuckDB schema,
    instead of dbt's default "<target>_<custom>" concatenation, so SQL users see the layers. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
