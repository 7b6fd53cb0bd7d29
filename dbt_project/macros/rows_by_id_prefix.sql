{#-
  Rows of a parameter seed whose ids share a prefix, keyed by what follows it (upper-cased): e.g.
  'pack_wh_per_kg_lfp' -> 'LFP'. Selects <key_column>, the id as <id_alias> and the value as
  <value_alias>, for one parameter family (group_column = group_value). The prefix is matched
  literally (starts_with, not LIKE, whose '_' would match any character) and removed only at the start.
-#}
{% macro rows_by_id_prefix(relation, id_column, group_column, group_value, prefix, key_column, id_alias, value_alias) %}
select
    upper(substr({{ id_column }}, {{ prefix | length + 1 }})) as {{ key_column }},
    {{ id_column }} as {{ id_alias }},
    value as {{ value_alias }}
from {{ relation }}
where {{ group_column }} = '{{ group_value }}' and starts_with({{ id_column }}, '{{ prefix }}')
{% endmacro %}
