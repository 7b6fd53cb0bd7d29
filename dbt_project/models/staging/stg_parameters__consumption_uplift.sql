-- Real-world uplift multipliers for type-approval consumption, per test cycle, powertrain and
-- energy carrier (fuel or electricity).
select
    uplift_id,
    consumption_basis,
    powertrain,
    energy_carrier,
    cast(uplift_factor as double) as uplift_factor,
    source,
    source_url,
    cast(reference_year as integer) as reference_year,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('consumption_uplift') }}
