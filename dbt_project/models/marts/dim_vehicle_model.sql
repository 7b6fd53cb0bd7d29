-- The vehicle catalogue as a dimension: specifications and where each value came from.
select * from {{ ref('stg_vehicles__catalogue') }}
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id
