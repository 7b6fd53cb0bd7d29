-- Electric car sales (BEV + PHEV) and their share of new cars by country or region and year (IEA
-- Global EV Outlook via OWID grapher).
select
    coalesce(sales.entity, share.entity) as iea_entity,
    coalesce(sales.code, share.code) as code,
    cast(coalesce(sales.year, share.year) as integer) as year,
    sales.electric_car_sales_units,
    share.electric_car_sales_share_pct,
    concat_ws(';', sales.source_sha256, share.source_sha256) as source_sha256s
from {{ source('raw', 'iea__electric_car_sales') }} as sales
full outer join {{ source('raw', 'iea__electric_car_sales_share') }} as share
    on share.entity = sales.entity
    and share.year = sales.year
