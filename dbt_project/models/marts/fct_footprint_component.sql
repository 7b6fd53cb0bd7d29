-- The footprint ledger: one row per catalogue model x market x registration year x component of a
-- stage, with its activity (amount and unit), the factor it is multiplied by (id, value, unit) and
-- the kg CO2e it contributes. fct_vehicle_footprint's stages, totals and factor_ids are sums of
-- these rows (the same macro, macros/method/footprint_method.sql, output='components').
{{ footprint_method(ref('int_footprint__catalogue_inputs'), output='components') }}
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id, market_code, registration_year, component
