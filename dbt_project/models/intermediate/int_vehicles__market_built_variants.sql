-- Catalogue variants as built in a pilot market (issue 14, item 3): every catalogue variant that
-- Indonesia's wholesales (int_registrations__gaikindo_matched) show assembled in another country than
-- the variant's, as its own variant <model_id>_built_<iso3> with that production country, so its
-- production stage uses that country's grid. Every other field is the source variant's; the battery's
-- country stays the source variant's (GAIKINDO says where a car is assembled, not where its cells are
-- made), flagged as estimated.
with built as (
    select distinct model_id, catalogue_model_id, assembled_in
    from {{ ref('int_registrations__gaikindo_matched') }}
    where model_id <> catalogue_model_id
)

select
    built.model_id,
    variants.* exclude (model_id, variant, production_country, estimated_fields, estimation_basis, catalogue_source,
                        source_record_id, catalogue_sources, field_sources, source_citation),
    variants.variant || ' (assembled in ' || built.assembled_in || ')' as variant,
    built.assembled_in as production_country,
    variants.source_citation || '; assembled in ' || built.assembled_in
        || ': GAIKINDO wholesales by model (CKD rows with origin ' || built.assembled_in || ')' as source_citation,
    nullif(array_to_string(list_sort(list_distinct(
        list_filter(coalesce(string_split(variants.estimated_fields, ';'), []), lambda field: field <> 'production_country')
        || case when variants.battery_production_country is not null then ['battery_production_country'] else [] end
    )), ';'), '') as estimated_fields,
    concat_ws(' | ', variants.estimation_basis,
              case when variants.battery_production_country is not null
                  then 'battery_production_country: kept from ' || built.catalogue_model_id
                       || ' (GAIKINDO gives the assembly country only)' end) as estimation_basis,
    'market_built' as catalogue_source,
    built.catalogue_model_id as source_record_id,
    variants.catalogue_sources || ';gaikindo' as catalogue_sources,
    variants.field_sources || '; production_country=gaikindo:' || built.assembled_in as field_sources
from built
inner join {{ ref('int_vehicles__source_variants') }} as variants
    on variants.model_id = built.catalogue_model_id
