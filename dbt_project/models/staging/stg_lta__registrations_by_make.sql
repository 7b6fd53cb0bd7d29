-- Singapore's new car registrations by month, make, importer type, fuel type and body type (LTA M03,
-- raw.lta_singapore__car_registrations_by_make), with the calendar year and the catalogue powertrain
-- of the fuel type's sales powertrain.
select
    market_code,
    month,
    cast(substr(month, 1, 4) as integer) as year,
    make,
    make_normalised,
    importer_type,
    fuel_type,
    powertrain,
    {{ catalogue_powertrain('powertrain') }} as catalogue_powertrain,
    body_type,
    registrations,
    registrations_blank_in_source,
    source_sha256
from {{ source('raw', 'lta_singapore__car_registrations_by_make') }}
