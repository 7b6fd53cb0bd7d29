-- PHEV utility factor curves (share of distance driven charge-depleting) by electric range: the
-- type-approval curve of each test cycle and the real-world curve.
select
    curve,
    cast(electric_range_km as double) as electric_range_km,
    cast(utility_factor as double) as utility_factor,
    'phev_uf_' || lower(curve) || '_' || cast(electric_range_km as varchar) || 'km' as utility_factor_id,
    source,
    source_url,
    cast(reference_year as integer) as reference_year,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('phev_utility_factor') }}
