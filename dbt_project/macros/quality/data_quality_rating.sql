{#-
  Scores of the PEF data quality rating (Commission Recommendation (EU) 2021/2279, Annex II), each
  1 (best) to 5 (worst). shared/docs/method-reference.md section 5.2 restates the scales.
-#}

{#- Precision (P) from the confidence tag every seed row carries: V = value read from its cited
    source, V2 = read from a second-hand copy of the source, D = derived by calculation from cited
    values, R = estimate (recollected or assumed). PEF P: 1 measured and verified ... 5 rough estimate;
    no value here is measured for this vehicle, so the best is 2. -#}
{% macro precision_score(confidence) -%}
case {{ confidence }} when 'V' then 2 when 'V2' then 3 when 'D' then 3 when 'R' then 4 else 5 end
{%- endmacro %}

{#- Time representativeness (TiR) of a secondary dataset: years beyond its time validity, PEF scale
    1 within validity, 2 <= 2 years beyond, 3 <= 4, 4 <= 6, 5 > 6. -#}
{% macro time_representativeness_score(years_beyond_validity) -%}
case
    when {{ years_beyond_validity }} <= 0 then 1
    when {{ years_beyond_validity }} <= 2 then 2
    when {{ years_beyond_validity }} <= 4 then 3
    when {{ years_beyond_validity }} <= 6 then 4
    else 5
end
{%- endmacro %}

{#- PEF quality level of a DQR, from the dbt var dqr_quality_levels (best first): the first level
    whose max_dqr the DQR does not exceed, else the last level (excellent <= 1.5 < very good <= 2.0
    < good <= 3.0 < fair <= 4.0 < poor). -#}
{% macro quality_level(dqr) -%}
case
    when {{ dqr }} is null then null
    {%- for entry in var('dqr_quality_levels') %}
    {%- if entry.get('max_dqr') is not none %}
    when {{ dqr }} <= {{ entry['max_dqr'] }} then '{{ entry['level'] }}'
    {%- else %}
    else '{{ entry['level'] }}'
    {%- endif %}
    {%- endfor %}
end
{%- endmacro %}
