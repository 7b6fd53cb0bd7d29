-- The vehicle catalogue as a dimension: specifications and where each value came from.
select * from {{ ref('stg_vehicles__catalogue') }}
