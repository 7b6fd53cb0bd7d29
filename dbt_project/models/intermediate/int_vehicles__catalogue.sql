-- Every priced variant: those the sources describe (int_vehicles__source_variants) and those built in
-- a pilot market (int_vehicles__market_built_variants). dim_vehicle_model publishes it; the method's
-- inputs (int_footprint__catalogue_inputs) are built from it.
select * from {{ ref('int_vehicles__source_variants') }}
union all by name
select * from {{ ref('int_vehicles__market_built_variants') }}
