-- China's monthly car exports by destination and HS code, partner codes mapped to ISO3 through
-- Comtrade's reference list (never by assuming ISO numeric codes), HS subheadings classified by
-- powertrain. Totals over customs procedure and mode of transport only.
select
    exports.month,
    cast(exports.ref_year as integer) as year,
    cast(exports.partner_code as integer) as partner_code,
    partners.partner_iso3,
    partners.partner_name,
    exports.partner_code = 0 as is_world,
    exports.cmd_code as hs_code,
    case
        when exports.cmd_code = '8703' then 'ALL'
        when exports.cmd_code in ('870321', '870322', '870323', '870324', '870331', '870332', '870333') then 'ICEV'
        when exports.cmd_code in ('870340', '870350') then 'HEV'
        when exports.cmd_code in ('870360', '870370') then 'PHEV'
        when exports.cmd_code = '870380' then 'BEV'
    end as powertrain,
    exports.quantity_units,
    exports.is_qty_estimated,
    exports.fob_value_usd,
    exports.primary_value_usd,
    exports.source_sha256
from {{ source('raw', 'comtrade__china_car_exports') }} as exports
left join {{ ref('stg_comtrade__partner_areas') }} as partners
    on partners.partner_code = exports.partner_code
where exports.partner2_code = 0
    and exports.customs_code = 'C00'
    and exports.mot_code = 0
