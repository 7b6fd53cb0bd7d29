-- The cited range of a traction battery's cradle-to-gate footprint per kWh, per chemistry: the
-- physical plausibility check compares each footprint's battery (materials + manufacturing) to it.
select
    battery_chemistry,
    cast(min_kg_co2e_per_kwh as double) as min_kg_co2e_per_kwh,
    cast(max_kg_co2e_per_kwh as double) as max_kg_co2e_per_kwh,
    unit,
    source,
    source_url,
    cast(reference_year as integer) as reference_year,
    confidence,
    notes
from {{ ref('battery_factor_ranges') }}
