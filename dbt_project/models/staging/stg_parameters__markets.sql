-- Markets the footprints are reported for (targets and references).
select
    market_code,
    market_name,
    nullif(iso3, '') as iso3,
    owid_entity,
    ember_entity,
    market_role,
    cast(in_2024_pilot as boolean) as in_2024_pilot,
    cast(in_2021_study as boolean) as in_2021_study
from {{ ref('markets') }}
