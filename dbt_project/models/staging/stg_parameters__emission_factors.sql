-- Emission factors of the method, one row per factor id (seed: emission_factors.csv).
select
    factor_id,
    factor_group,
    description,
    cast(value as double) as value,
    unit,
    geography,
    cast(reference_year as integer) as reference_year,
    gwp_set,
    source,
    source_url,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('emission_factors') }}
