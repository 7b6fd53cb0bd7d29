-- Comtrade partner codes mapped to ISO3 through Comtrade's own reference list.
select
    cast(partner_code as integer) as partner_code,
    partner_desc as partner_name,
    partner_iso3,
    cast(is_group as boolean) as is_group,
    source_sha256
from {{ source('raw', 'comtrade__partner_areas') }}
