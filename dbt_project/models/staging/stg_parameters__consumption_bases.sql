-- Test cycles a consumption value can be declared on, and how a PHEV's values are reported on each.
select
    consumption_basis,
    phev_values,
    description,
    source,
    source_url,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('consumption_bases') }}
