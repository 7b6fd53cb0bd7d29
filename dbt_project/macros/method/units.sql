{#- Named unit conversions of the method, so no bare /1000, /100 or /1e6 hides a unit change. -#}

{#- g CO2e/kWh (grid intensity) -> kg CO2e/kWh -#}
{% macro grams_to_kg(expression) -%}
(({{ expression }}) / 1000.0)
{%- endmacro %}

{#- a quantity per 100 km (L/100 km, kWh/100 km) times a distance in km -> the quantity over that distance -#}
{% macro over_distance(per_100km, distance_km) -%}
(({{ distance_km }}) / 100.0 * ({{ per_100km }}))
{%- endmacro %}

{#- kWh of battery capacity at a specific energy in Wh/kg -> kg of pack -#}
{% macro pack_mass_kg(battery_kwh, wh_per_kg) -%}
(({{ battery_kwh }}) * 1000.0 / ({{ wh_per_kg }}))
{%- endmacro %}

{#- MJ/L times kg/TJ -> kg/L -#}
{% macro per_tj_to_per_litre(kg_per_tj, mj_per_litre) -%}
(({{ mj_per_litre }}) * ({{ kg_per_tj }}) / 1e6)
{%- endmacro %}

{#- g/MJ times MJ/L -> kg/L -#}
{% macro g_per_mj_to_kg_per_litre(g_per_mj, mj_per_litre) -%}
(({{ mj_per_litre }}) * ({{ g_per_mj }}) / 1000.0)
{%- endmacro %}

{#- a per-vehicle amount in kg -> g per km over the lifetime -#}
{% macro kg_to_g_per_km(kg, lifetime_km) -%}
(({{ kg }}) * 1000.0 / ({{ lifetime_km }}))
{%- endmacro %}
