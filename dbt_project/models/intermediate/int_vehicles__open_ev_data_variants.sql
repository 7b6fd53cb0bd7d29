-- Every open-ev-data trim as a candidate catalogue variant (issue 14, item 2): the catalogue's fields
-- from the trim's specifications, an estimated consumption at the plug where the record has a rated
-- range but no consumption (it never has one), and why a trim cannot be priced (exclusion_reason,
-- null when it can). dim_vehicle_model takes the priced ones; dim_vehicle_model_exclusion lists the rest.
{%- set cycles = [('WLTP', 'range_wltp_km'), ('EPA', 'range_epa_km'), ('CLTC', 'range_cltc_km'), ('NEDC', 'range_nedc_km')] %}
with trims as (
    select
        trims.*,
        -- The rated range the estimate divides by, by cycle precedence: WLTP (the EU's test, closest to
        -- real driving of the four), then the EPA label, then CLTC, then NEDC. The cycle's own
        -- real-world uplift (seed consumption_uplift) then applies in the method, as for any declared value.
        case
            {%- for cycle, column in cycles %}
            when {{ column }} is not null then '{{ cycle }}'
            {%- endfor %}
        end as rated_range_cycle,
        coalesce({% for cycle, column in cycles %}{{ column }}{{ ', ' if not loop.last }}{% endfor %}) as rated_range_km,
        -- Usable energy is what a rated range is driven on; gross where the record has no net value.
        coalesce(battery_net_kwh, battery_gross_kwh) as usable_kwh
    from {{ ref('stg_open_ev_data__trims') }} as trims
),

estimated as (
    select
        *,
        {{ plug_consumption_estimate('usable_kwh', 'rated_range_km') }} as estimated_electricity_kwh_per_100km,
        {{ charging_efficiency_value() }} as charging_efficiency
    from trims
),

priced as (
    select
        estimated.*,
        case
            when availability_status is distinct from 'production'
                then 'not in production (availability ' || coalesce(availability_status, 'unknown') || ')'
            when powertrain is null then 'powertrain unclear: the record says both PHEV and EREV'
            when powertrain = 'PHEV'
                then 'plug-in hybrid without a fuel consumption: open-ev-data has no consumption field and a fuel use '
                     || 'cannot be estimated from a rated range'
            when curb_mass_kg is null then 'no curb mass in the record'
            when battery_chemistry is null and battery_chemistry_unspecified
                then 'battery chemistry unspecified (lithium-ion): the method prices battery materials by chemistry'
            when battery_chemistry is null then 'no battery chemistry in the record'
            when usable_kwh is null then 'no battery energy in the record'
            when rated_range_km is null then 'no rated range on any cycle: consumption cannot be estimated'
            when curb_mass_kg not between {{ rule_bound('curb_mass_kg', 'low') }} and {{ rule_bound('curb_mass_kg', 'high') }}
                then 'curb mass ' || curb_mass_kg || ' kg outside the standard''s plausibility bounds '
                     || '{{ rule_bound('curb_mass_kg', 'low') }}-{{ rule_bound('curb_mass_kg', 'high') }} kg (DQ-PLAUSIBILITY)'
            -- An estimate the standard's gate would reject is not published to fail it: the trim waits
            -- for a published consumption instead.
            when estimated_electricity_kwh_per_100km not between {{ rule_bound('bev_consumption_kwh_per_100km', 'low') }}
                                                           and {{ rule_bound('bev_consumption_kwh_per_100km', 'high') }}
                then 'estimated consumption ' || round(estimated_electricity_kwh_per_100km, 1) || ' kWh/100 km ('
                     || round(usable_kwh, 1) || ' kWh / ' || round(rated_range_km) || ' km ' || rated_range_cycle
                     || ') outside the standard''s plausibility bounds {{ rule_bound('bev_consumption_kwh_per_100km', 'low') }}-'
                     || '{{ rule_bound('bev_consumption_kwh_per_100km', 'high') }} kWh/100 km (DQ-PLAUSIBILITY)'
        end as exclusion_reason
    from estimated
)

select
    'oed_' || trim(lower(regexp_replace(substr(trim_id, 5), '[^A-Za-z0-9]+', '_', 'g')), '_') as model_id,
    trim_id as source_record_id,
    make,
    model,
    trim || coalesce(' ' || variant, '') || ' (' || round(coalesce(battery_gross_kwh, battery_net_kwh), 1) || ' kWh)' as variant,
    year as model_year,
    powertrain,
    'electricity' as fuel,
    -- Size segment by wheelbase (the catalogue's convention puts the curated cars on the same bands:
    -- Dolphin 2,700 mm medium, Seal 2,920 mm large), SUV by the record's vehicle_type. A classification,
    -- flagged as estimated: it only chooses the material composition row, of which every segment shares
    -- the powertrain default today.
    case
        when wheelbase_mm < 2600 then 'small'
        when wheelbase_mm < 2850 or wheelbase_mm is null then 'medium'
        else 'large'
    end || case when vehicle_type = 'suv' then '_suv' else '' end as segment,
    curb_mass_kg,
    coalesce(battery_gross_kwh, battery_net_kwh) as battery_kwh,
    battery_chemistry,
    rated_range_km as electric_range_km,
    rated_range_cycle as consumption_basis,
    cast(0 as double) as fuel_l_per_100km,
    round(estimated_electricity_kwh_per_100km, 2) as electricity_kwh_per_100km,
    cast(0 as double) as tailpipe_co2_g_per_km,
    -- open-ev-data records no assembly or cell country; every make in it is Chinese and builds these
    -- trims in China, the assumption flagged below until a source says otherwise.
    'CHN' as production_country,
    'CHN' as battery_production_country,
    'secondary_spec_database' as source_type,
    'open-ev-data dataset (CDLA-Permissive-2.0), trim ' || trim_id
        || coalesce('; the record''s sources: ' || source_urls, '') as source_citation,
    coalesce(nullif(split_part(source_urls, ' ', 1), ''), 'https://github.com/open-ev-data/open-ev-data-dataset') as source_url,
    'electricity_kwh_per_100km;segment;production_country;battery_production_country'
        || case when battery_net_kwh is null then ';usable_kwh' else '' end as estimated_fields,
    'electricity_kwh_per_100km: ' || round(usable_kwh, 1) || ' kWh ' || case when battery_net_kwh is null then 'gross (no net value) ' else 'usable ' end
        || '/ ' || round(rated_range_km) || ' km rated range (' || rated_range_cycle || ') x 100 / charging efficiency '
        || charging_efficiency || ' (method parameter charging_efficiency), on the range''s cycle'
        || ' | segment: wheelbase ' || coalesce(cast(round(wheelbase_mm) as varchar) || ' mm', 'unknown (medium assumed)')
        || ' and vehicle_type ' || coalesce(vehicle_type, 'unknown')
        || ' | production_country, battery_production_country: open-ev-data gives none; CHN assumed for a Chinese make' as estimation_basis,
    exclusion_reason,
    source_sha256
from priced
