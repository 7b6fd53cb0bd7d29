-- Indonesia's passenger-car wholesales (GAIKINDO, stg_gaikindo__model_wholesales) with the catalogue
-- variant each row is matched to by the reviewed mapping (seed registration_variant_mapping), one row
-- per published row. A matched row assembled in another country than its catalogue variant's (a CKD
-- row of an imported model) is priced as that variant built where GAIKINDO says
-- (<model_id>_built_<iso3>, int_vehicles__market_built_variants); a row whose built-up code contradicts
-- its origin keeps the catalogue variant's country, flagged in stg.
select
    'IDN' as market_code,
    wholesales.year,
    wholesales.month,
    wholesales.brand_corrected as brand,
    wholesales.model,
    wholesales.type,
    wholesales.catalogue_powertrain,
    wholesales.assembled_in,
    wholesales.built_up_disagrees_with_origin,
    wholesales.wholesales,
    mapping.model_id as catalogue_model_id,
    mapping.match_kind,
    case
        when mapping.model_id is null then null
        when wholesales.assembled_in is null or wholesales.built_up_disagrees_with_origin
             or wholesales.assembled_in = variants.production_country then mapping.model_id
        else mapping.model_id || '_built_' || lower(wholesales.assembled_in)
    end as model_id,
    wholesales.source_sha256
from {{ ref('stg_gaikindo__model_wholesales') }} as wholesales
left join {{ ref('registration_variant_mapping') }} as mapping
    on mapping.source = 'gaikindo'
    and mapping.brand = wholesales.brand_corrected
    and mapping.model = wholesales.model
    and mapping.type = wholesales.type
left join {{ ref('int_vehicles__source_variants') }} as variants
    on variants.model_id = mapping.model_id
where wholesales.is_passenger_car
