{#- Low-carbon front-runners (issue 16): every priced variant ranked by its life-cycle g CO2e/km in the
    core boundary within market x registration year x segment, its eligibility and the front-runner
    rule. The rule's numbers are method_parameters rows of group front_runner (one place each); the
    eligibility findings reuse the data-quality mart's fields. -#}
with parameters as (
    select
        max(value) filter (where parameter_id = 'front_runner_segment_share') as segment_share,
        max(value) filter (where parameter_id = 'front_runner_fleet_average_ratio') as fleet_average_ratio,
        max(value) filter (where parameter_id = 'front_runner_max_dqr') as max_dqr,
        max(value) filter (where parameter_id = 'front_runner_max_years_beyond_validity') as max_years_beyond_validity,
        max(value) filter (where parameter_id = 'green_ncap_lca_award_threshold') as green_ncap_threshold,
        string_agg(parameter_id, ';' order by parameter_id) as rule_parameter_ids
    from {{ ref('stg_parameters__method_parameters') }}
    where parameter_group = 'front_runner'
),

-- The market's new cars of the year, weighted by sales over the sales powertrains that have a footprint.
fleet as (
    select
        market_code,
        year as registration_year,
        sum(new_car_sales * footprint_g_co2e_per_km) filter (where footprint_g_co2e_per_km is not null)
            / nullif(sum(new_car_sales) filter (where footprint_g_co2e_per_km is not null), 0)
            as market_fleet_average_g_co2e_per_km,
        sum(new_car_sales) filter (where footprint_g_co2e_per_km is not null) / nullif(sum(new_car_sales), 0)
            as fleet_average_sales_share
    from {{ ref('fct_market_new_car_fleet') }}
    group by all
),

origins as (
    select lower(make_as_published) as make_key, bool_or(is_chinese_brand) as is_chinese_brand
    from {{ ref('stg_parameters__make_origins') }}
    group by all
),

variants as (
    select
        footprint.market_code,
        footprint.registration_year,
        vehicle.segment,
        footprint.model_id,
        vehicle.make,
        vehicle.model,
        vehicle.variant,
        footprint.powertrain,
        vehicle.production_country,
        origins.is_chinese_brand,
        footprint.total_g_co2e_per_km as lifecycle_g_co2e_per_km,
        footprint.total_all_stages_g_co2e_per_km as all_stages_g_co2e_per_km,
        quality.dqr,
        quality.quality_level,
        case
            when ';' || coalesce(vehicle.estimated_fields, '') || ';' like '%;electricity_kwh_per_100km;%'
                or ';' || coalesce(vehicle.estimated_fields, '') || ';' like '%;fuel_l_per_100km;%'
                then 'estimated'
            else 'type_approval'
        end as consumption_source,
        footprint.consumption_basis,
        quality.dqr > parameters.max_dqr as dqr_finding,
        quality.max_years_beyond_validity > parameters.max_years_beyond_validity as temporal_finding,
        quality.market_grid_geography_status not in ('own', 'declared proxy') as geography_finding,
        footprint.methodology_version
    from {{ ref('fct_vehicle_footprint') }} as footprint
    inner join {{ ref('dim_vehicle_model') }} as vehicle on vehicle.model_id = footprint.model_id
    inner join {{ ref('fct_footprint_data_quality') }} as quality
        on quality.model_id = footprint.model_id
        and quality.market_code = footprint.market_code
        and quality.registration_year = footprint.registration_year
    left join origins on origins.make_key = lower(vehicle.make)
    cross join parameters
    -- A footprint with a stage missing has no total to rank: DQ-STAGES fails on it (and blocks the
    -- publication); ranking it here would add a second failure for the same cause.
    where footprint.total_g_co2e_per_km is not null and quality.dqr is not null
),

ranked as (
    select
        variants.*,
        rank() over segment_window as rank_in_segment,
        count(*) over (partition by market_code, registration_year, segment) as variants_in_segment,
        min(lifecycle_g_co2e_per_km) over (partition by market_code, registration_year, segment)
            as segment_best_g_co2e_per_km
    from variants
    window segment_window as (partition by market_code, registration_year, segment order by lifecycle_g_co2e_per_km)
),

judged as (
    select
        ranked.*,
        greatest(1, cast(ceil(parameters.segment_share * variants_in_segment) as bigint)) as best_share_cutoff_rank,
        fleet.market_fleet_average_g_co2e_per_km,
        fleet.fleet_average_sales_share,
        nullif(concat_ws(';',
            case when temporal_finding then 'DQ-TEMPORAL' end,
            case when geography_finding then 'DQ-GEOGRAPHY' end,
            case when dqr_finding then 'DQ-DQR' end), '') as findings,
        nullif(concat_ws(';',
            case when dqr_finding or quality_level not in ('excellent', 'very good', 'good') then 'quality_below_good' end,
            case when temporal_finding then 'inputs_beyond_validity' end,
            case when geography_finding then 'market_grid_not_own' end,
            case when consumption_basis is null then 'no_consumption_value' end), '') as ineligible_reasons,
        lifecycle_g_co2e_per_km < parameters.fleet_average_ratio * fleet.market_fleet_average_g_co2e_per_km
            as below_fleet_average,
        parameters.green_ncap_threshold as green_ncap_threshold_g_co2e_per_km,
        parameters.rule_parameter_ids
    from ranked
    cross join parameters
    left join fleet
        on fleet.market_code = ranked.market_code and fleet.registration_year = ranked.registration_year
)

select
    market_code,
    registration_year,
    segment,
    model_id,
    make,
    model,
    variant,
    powertrain,
    production_country,
    is_chinese_brand,
    lifecycle_g_co2e_per_km,
    all_stages_g_co2e_per_km,
    rank_in_segment,
    variants_in_segment,
    segment_best_g_co2e_per_km,
    best_share_cutoff_rank,
    market_fleet_average_g_co2e_per_km,
    fleet_average_sales_share,
    dqr,
    quality_level,
    consumption_source,
    findings,
    ineligible_reasons is null as is_eligible,
    ineligible_reasons,
    rank_in_segment <= best_share_cutoff_rank as in_best_share,
    below_fleet_average,
    ineligible_reasons is null and rank_in_segment <= best_share_cutoff_rank and coalesce(below_fleet_average, false)
        as is_front_runner,
    case
        when ineligible_reasons is not null then null
        when rank_in_segment > best_share_cutoff_rank then 'outside_best_share_of_segment'
        when below_fleet_average is null then 'no_fleet_average'
        when not below_fleet_average then 'not_below_fleet_average'
    end as not_front_runner_reason,
    green_ncap_threshold_g_co2e_per_km,
    all_stages_g_co2e_per_km <= green_ncap_threshold_g_co2e_per_km as meets_green_ncap_threshold,
    rule_parameter_ids,
    methodology_version
from judged
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code, registration_year, model_id
