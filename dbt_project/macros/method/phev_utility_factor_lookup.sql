{#-
  Linear interpolation of a PHEV utility factor curve (seed phev_utility_factor) at a range.
  Emits one CTE named `output` selecting every column of `relation` plus
  <output>_utility_factor and <output>_utility_factor_ids (the bracketing points). Beyond the
  curve's last point the last value is held. Rows that are not PHEVs get NULL.
-#}
{% macro phev_utility_factor_lookup(relation, curve_expression, range_column, output) %}
{{ output }} as (
    select
        {{ relation }}.*,
        case
            when {{ relation }}.powertrain <> 'PHEV' then null
            when upper_point.electric_range_km is null or upper_point.electric_range_km = lower_point.electric_range_km
                then lower_point.utility_factor
            else lower_point.utility_factor
                + (upper_point.utility_factor - lower_point.utility_factor)
                  * ({{ relation }}.{{ range_column }} - lower_point.electric_range_km)
                  / (upper_point.electric_range_km - lower_point.electric_range_km)
        end as {{ output }}_utility_factor,
        case when {{ relation }}.powertrain = 'PHEV'
            then concat_ws(';', lower_point.utility_factor_id,
                           nullif(upper_point.utility_factor_id, lower_point.utility_factor_id)) end
            as {{ output }}_utility_factor_ids
    from {{ relation }}
    asof left join {{ ref('stg_parameters__phev_utility_factor') }} as lower_point
        on lower_point.curve = {{ curve_expression }}
        and lower_point.electric_range_km <= {{ relation }}.{{ range_column }}
    asof left join {{ ref('stg_parameters__phev_utility_factor') }} as upper_point
        on upper_point.curve = {{ curve_expression }}
        and upper_point.electric_range_km >= {{ relation }}.{{ range_column }}
)
{% endmacro %}
