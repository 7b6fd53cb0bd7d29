-- Non-emission parameters of the method (lifetime, fuel properties, GWPs...), one row per id.
select
    parameter_id,
    parameter_group,
    description,
    cast(value as double) as value,
    unit,
    geography,
    cast(reference_year as integer) as reference_year,
    source,
    source_url,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('method_parameters') }}
