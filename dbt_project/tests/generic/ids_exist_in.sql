{#- Every id in a semicolon-separated list column exists in `to`.`field` (a relationships test for
    id lists such as fct_vehicle_footprint.factor_ids). Fails with one row per missing id. -#}
{% test ids_exist_in(model, column_name, to, field) %}
with cited as (
    select distinct unnest(string_split({{ column_name }}, ';')) as cited_id
    from {{ model }}
    where {{ column_name }} is not null
)

select cited.cited_id
from cited
left join {{ to }} as target on target.{{ field }} = cited.cited_id
where cited.cited_id <> '' and target.{{ field }} is null
{% endtest %}
