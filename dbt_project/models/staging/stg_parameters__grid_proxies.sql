-- Markets whose grid intensity is knowingly taken from another geography (none today), with the
-- proxy named and the reason. A grid value from any other geography fails the geographical
-- representativeness check.
select
    market_code,
    proxy_geography,
    reason,
    source,
    confidence
from {{ ref('grid_proxies') }}
