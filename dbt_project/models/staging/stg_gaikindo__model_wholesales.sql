-- Indonesia's monthly wholesales by model variant as GAIKINDO publishes them
-- (raw.gaikindo__model_wholesales), one row per published row, with the calendar year, the catalogue
-- powertrain of the sales powertrain, and the country the variant was assembled in. Text fields are
-- already trimmed by the connector (connectors/gaikindo.py).
select
    source_file,
    source_row,
    month,
    cast(substr(month, 1, 4) as integer) as year,
    gaikindo_row_id,
    brand,
    -- Known defect of the compiled extract (../shared/data/README.md, gaikindo row: "a few trims filed
    -- under the wrong brand (AION trims under BYD)"). The explicit rule: a row filed under BYD whose
    -- variant name starts with 'AION ' is a GAC AION trim (BYD sells no model named AION; GAIKINDO
    -- files the same trims under AION elsewhere, e.g. 'AION Y PLUS EXCLUSIVE'). brand keeps the row as
    -- published, so the published brand totals still reconcile.
    case when brand = 'BYD' and starts_with(type, 'AION ') then 'AION' else brand end as brand_corrected,
    model,
    type,
    category,
    -- Passenger cars: GAIKINDO's SEDAN, 4X2, 4X4 and AFFORDABLE (low-cost green car) categories; PICK UP,
    -- DOUBLE CABIN, TRUCK and BUS are commercial vehicles. On the embedded snapshot the four sum to the
    -- carsales Indonesia series (passenger cars, extracted from GAIKINDO) to the unit in 2022-2024.
    coalesce(category in ('SEDAN', '4X2', '4X4', 'AFFORDABLE'), false) as is_passenger_car,
    fuel_code,
    powertrain,
    {{ catalogue_powertrain('powertrain') }} as catalogue_powertrain,
    built_up,
    origin_iso3,
    -- Production country (issue 14, item 3): the published origin. A CKD row with origin Indonesia is
    -- assembled in Indonesia (IDN); every other row was built where its origin says, which includes
    -- CBU rows with origin Indonesia (e.g. Mitsubishi XFORCE, built in Indonesia). Rows whose built_up
    -- contradicts the origin stay at the origin and are flagged below, not guessed.
    origin_iso3 as assembled_in,
    coalesce((built_up = 'CKD' and origin_iso3 is distinct from 'IDN') or (built_up = 'CBU' and origin_iso3 = 'IDN'),
             false) as built_up_disagrees_with_origin,
    wholesales,
    source_sha256
from {{ source('raw', 'gaikindo__model_wholesales') }}
