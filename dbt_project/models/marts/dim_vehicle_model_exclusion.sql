-- Source records that are not priced variants, with the reason (int_vehicles__open_ev_data_variants
-- decides it): the list a data engineer works down to widen the catalogue.
select
    'open_ev_data' as source,
    source_record_id,
    make,
    model,
    variant,
    model_year,
    powertrain,
    exclusion_reason,
    source_url
from {{ ref('int_vehicles__open_ev_data_variants') }}
where exclusion_reason is not null
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by source, source_record_id
