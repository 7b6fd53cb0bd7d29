-- New-car sales by market, month and powertrain as each market's publisher splits them
-- (raw.carsales__new_car_sales), with the catalogue powertrain where the split has one: a
-- publisher's 'hybrid' (HEV + PHEV not split) and 'other' have none.
select
    market_code,
    month,
    cast(substr(month, 1, 4) as integer) as year,
    powertrain,
    {{ catalogue_powertrain('powertrain') }} as catalogue_powertrain,
    new_car_sales,
    publisher,
    source_sha256
from {{ source('raw', 'carsales__new_car_sales') }}
