-- Lifetime distance and years of a car per market, each with its source; the service life over
-- which the market's grid is averaged and the per-km values are spread.
select
    market_code,
    cast(lifetime_km as double) as lifetime_km,
    cast(lifetime_years as double) as lifetime_years,
    'lifetime_km_' || lower(market_code) as lifetime_km_factor_id,
    'lifetime_years_' || lower(market_code) as lifetime_years_factor_id,
    source,
    source_url,
    cast(reference_year as integer) as reference_year,
    confidence,
    notes,
    cast(seed_version as varchar) as seed_version
from {{ ref('market_lifetime') }}
