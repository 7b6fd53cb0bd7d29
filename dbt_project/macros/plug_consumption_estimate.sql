{#- An electric car's consumption at the plug [kWh/100 km] estimated from its usable battery energy
    [kWh] and its rated range [km] on one cycle: the battery-side energy per km, divided by the method
    parameter charging_efficiency (a scalar subquery, so the caller needs no join) to reach the plug.
    The one place this estimate is made, for the curated seed and open-ev-data alike; the result is on
    the range's cycle, whose real-world uplift the method applies like any declared value. -#}
{% macro plug_consumption_estimate(usable_kwh, range_km) -%}
    ({{ usable_kwh }} / {{ range_km }} * 100
     / (select value from {{ ref('stg_parameters__method_parameters') }} where parameter_id = 'charging_efficiency'))
{%- endmacro %}

{#- The charging efficiency the estimate divides by, for the estimation_basis text. -#}
{% macro charging_efficiency_value() -%}
    (select value from {{ ref('stg_parameters__method_parameters') }} where parameter_id = 'charging_efficiency')
{%- endmacro %}
