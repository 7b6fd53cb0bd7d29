{#- The variants the catalogue's sources describe (issue 14, item 2): the curated seed
    (stg_vehicles__catalogue) and the open-ev-data trims that can be priced
    (int_vehicles__open_ev_data_variants), one row per variant. Where two sources describe the same
    variant (seed catalogue_variant_links, reviewed by hand), each group of fields comes from one
    source, chosen by the declared precedence: a sourced value before an estimated one, then by source
    kind, type-approval (EEA, EPA, a type-approval listing) before a manufacturer's specification before
    a compiled dataset (the curated seed's cited press and spec pages, then open-ev-data). field_sources
    says, per group, where the values came from; estimated_fields lists the estimated columns.
    int_vehicles__catalogue adds the variants built in a pilot market (int_vehicles__market_built_variants). -#}
{%- set field_groups = {
    'mass': ['curb_mass_kg'],
    'battery': ['battery_kwh', 'battery_chemistry'],
    'consumption': ['consumption_basis', 'electric_range_km', 'fuel_l_per_100km', 'electricity_kwh_per_100km',
                    'tailpipe_co2_g_per_km'],
} -%}
{%- set source_rank = {
    'type_approval_listing': 1, 'eea_co2_monitoring': 1, 'epa_fueleconomy': 1,
    'manufacturer_spec': 2, 'secondary_spec_database': 3, 'open_ev_data': 4,
} -%}
with curated as (
    select
        *,
        'curated_seed' as catalogue_source,
        model_id as source_record_id,
        source_type as source_kind
    from {{ ref('stg_vehicles__catalogue') }}
),

open_ev_data as (
    select
        coalesce(links.model_id, variants.model_id) as model_id,
        variants.* exclude (model_id, exclusion_reason, source_sha256),
        'open_ev_data' as catalogue_source,
        'open_ev_data' as source_kind
    from {{ ref('int_vehicles__open_ev_data_variants') }} as variants
    left join {{ ref('catalogue_variant_links') }} as links
        on links.source = 'open_ev_data' and links.source_record_id = variants.source_record_id
    where variants.exclusion_reason is null
),

candidates as (
    select
        model_id, make, model, variant, model_year, powertrain, fuel, segment, curb_mass_kg, battery_kwh,
        battery_chemistry, electric_range_km, consumption_basis, fuel_l_per_100km, electricity_kwh_per_100km,
        tailpipe_co2_g_per_km, production_country, battery_production_country, source_type, source_citation,
        source_url, estimated_fields, estimation_basis, catalogue_source, source_record_id,
        case source_kind
            {%- for kind, rank in source_rank.items() %}
            when '{{ kind }}' then {{ rank }}
            {%- endfor %}
        end as source_rank,
        coalesce(string_split(estimated_fields, ';'), []) as estimated_list
    from (select * from curated union all by name select * from open_ev_data)
),

ranked as (
    select
        *,
        {%- for group, fields in field_groups.items() %}
        -- 0 when every field of the group is sourced; the rank orders the sources after that.
        (case when list_has_any(estimated_list, {{ fields }}) then 10 else 0 end) + source_rank as {{ group }}_precedence,
        {%- endfor %}
        -- The variant's identity (names, powertrain, countries) comes from its best-ranked source.
        row_number() over (partition by model_id order by source_rank, catalogue_source) as identity_order
    from candidates
),

chosen as (
    select
        model_id,
        {%- for group, fields in field_groups.items() %}
        {%- for field in fields %}
        arg_min({{ field }}, {{ group }}_precedence) as {{ field }},
        {%- endfor %}
        arg_min(catalogue_source || ':' || source_record_id, {{ group }}_precedence) as {{ group }}_source,
        arg_min(list_filter(estimated_list, lambda field: list_contains({{ fields }}, field)), {{ group }}_precedence)
            as {{ group }}_estimated,
        {%- endfor %}
        string_agg(distinct catalogue_source, ';' order by catalogue_source) as catalogue_sources,
        count(*) as source_count
    from ranked
    group by model_id
),

identity as (
    select * exclude (identity_order) from ranked where identity_order = 1
)

select
    identity.model_id,
    identity.make,
    identity.model,
    identity.variant,
    identity.model_year,
    identity.powertrain,
    identity.fuel,
    identity.segment,
    {%- for group, fields in field_groups.items() %}
    {%- for field in fields %}
    chosen.{{ field }},
    {%- endfor %}
    {%- endfor %}
    identity.production_country,
    identity.battery_production_country,
    identity.source_type,
    identity.source_citation,
    identity.source_url,
    -- The estimated columns of the values kept: the identity source's own (segment, countries) and
    -- each field group's from the source it came from.
    nullif(array_to_string(list_sort(list_distinct(
        list_filter(identity.estimated_list, lambda field: not list_contains(
            {{ field_groups.values() | sum(start=[]) }}, field))
        {%- for group in field_groups %} || chosen.{{ group }}_estimated{% endfor %}
    )), ';'), '') as estimated_fields,
    identity.estimation_basis,
    identity.catalogue_source,
    identity.source_record_id,
    chosen.catalogue_sources,
    {%- for group in field_groups %}'{{ group }}=' || chosen.{{ group }}_source{{ " || '; ' || " if not loop.last }}{% endfor %} as field_sources
from identity
inner join chosen using (model_id)
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id
