-- Who owns each make as each source publishes it (seed make_origins), and whether it counts as a
-- Chinese brand (the rule: the seed's contract, warehouse/contracts/fleet.py).
select
    source_name,
    make_as_published,
    owner_group,
    owner_country,
    cast(is_chinese_brand as boolean) as is_chinese_brand,
    source,
    source_url,
    confidence,
    notes
from {{ ref('make_origins') }}
