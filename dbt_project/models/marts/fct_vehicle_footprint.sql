-- Life-cycle footprint of each catalogue model in each market and registration year
-- (the method: macros/method/footprint_method.sql).
with footprints as (
    {{ footprint_method(ref('int_footprint__catalogue_inputs')) }}
)

select
    footprints.*,
    catalogue.make,
    catalogue.model,
    catalogue.estimated_fields as vehicle_estimated_fields
from footprints
inner join {{ ref('int_vehicles__catalogue') }} as catalogue using (model_id)
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id, market_code, registration_year
