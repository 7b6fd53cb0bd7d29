{#- Where the rule is a fleet rule (issue 15, item 4): the EU's CO2 standard per make and year from the
    EEA registrations (stg_eea__registrations_by_model): new cars, their registration-weighted mean WLTP
    CO2 and mass, the fleet target of the rule version in force (seeds market_rules, market_rule_bands),
    the excess and the penalty it would draw (EUR 95 x excess x cars, Art. 8). The 2025-2029 target's mass
    term a2025 x (TM - TM0) is not recorded, so the target is the fleet-wide 93.6 g/km and
    target_mass_adjusted says so; before 2025 the target is each maker's own (converted from NEDC) and is
    not computed. China's CAFC per make needs the makers' production and fuel consumption, which no
    loaded source gives: no rows. -#}
with registrations as (
    select
        'EU27' as market_code,
        year,
        make,
        sum(registrations) as new_cars,
        sum(mean_wltp_co2_g_per_km * registrations) / sum(registrations) as mean_wltp_co2_g_per_km,
        sum(mean_mass_kg * registrations) / sum(registrations) as mean_mass_kg,
        string_agg(distinct member_state, ';' order by member_state) as member_states
    from {{ ref('stg_eea__registrations_by_model') }}
    where registrations > 0 and mean_wltp_co2_g_per_km is not null
    group by all
),

rules as (
    select * replace (cast(valid_from as date) as valid_from, cast(valid_to as date) as valid_to)
    from {{ ref('market_rules') }}
    where rule_kind = 'fleet_target'
),

coefficients as (
    select
        rule_id,
        max(amount) filter (where consequence_kind = 'fleet_target') as target_intercept,
        max(slope) filter (where consequence_kind = 'fleet_target') as target_slope,
        max(slope_origin) filter (where consequence_kind = 'fleet_target') as target_mass_origin_kg,
        max(amount) filter (where consequence_kind = 'penalty_per_unit_above_target') as penalty_per_g_km
    from {{ ref('market_rule_bands') }}
    group by rule_id
),

targeted as (
    select
        registrations.*,
        rules.rule_id,
        coefficients.penalty_per_g_km,
        -- A fleet target is computed only where the rule's bands give one (2025-2029: 93.6 g/km).
        coefficients.target_intercept
            + case when coefficients.target_slope is not null
                   then coefficients.target_slope * (registrations.mean_mass_kg - coefficients.target_mass_origin_kg)
                   else 0 end as target_g_co2_per_km,
        coefficients.target_intercept is not null and coefficients.target_slope is not null as target_mass_adjusted,
        case
            when coefficients.target_intercept is null
                then 'the rule''s target is each manufacturer''s own (converted from NEDC): not computed'
            when coefficients.target_slope is null
                then 'slope a2025 of the mass term not recorded: fleet-wide 93.6 g/km used, not mass-adjusted'
        end as target_note
    from registrations
    inner join rules
        on rules.market_code = registrations.market_code
        and rules.valid_from <= make_date(registrations.year, 7, 1)
        and (rules.valid_to is null or rules.valid_to >= make_date(registrations.year, 7, 1))
    left join coefficients using (rule_id)
)

select
    market_code,
    year,
    make,
    rule_id,
    cast(new_cars as double) as new_cars,
    mean_wltp_co2_g_per_km,
    mean_mass_kg,
    target_g_co2_per_km,
    target_mass_adjusted,
    mean_wltp_co2_g_per_km - target_g_co2_per_km as excess_g_co2_per_km,
    penalty_per_g_km,
    -- EUR 95 per g/km above the target, per new car; nothing below it.
    penalty_per_g_km * greatest(mean_wltp_co2_g_per_km - target_g_co2_per_km, 0) * new_cars as penalty_exposure_eur,
    target_note,
    member_states
from targeted
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by market_code, year, make
