-- The vehicle catalogue as a dimension: every priced variant with its specifications, where each
-- group of values came from and which are estimated (built in int_vehicles__catalogue).
select * from {{ ref('int_vehicles__catalogue') }}
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id
