-- New-car registrations of catalogue models by market and month, as delivered in registration
-- files (raw.registrations__by_model_month).
select
    model_id,
    market_code,
    month,
    cast(substr(month, 1, 4) as integer) as year,
    registrations,
    publisher,
    source_sha256
from {{ source('raw', 'registrations__by_model_month') }}
