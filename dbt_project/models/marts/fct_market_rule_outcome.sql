{#- What each market's CO2 rule makes of each car, beside its life cycle (issue 15): one row per
    model x market x registration year x rule in force on 1 July of that year (seeds market_rules,
    market_rule_bands), with the value the rule regulates computed the rule's way from the car's
    declared values (dim_vehicle_model) and the method's own combustion factor
    (int_fuels__per_litre_factors), the band or limit it falls in, the consequence in local currency
    and in USD (World Bank PA.NUS.FCRF of the year), and how much of the life cycle the rule sees. -#}
with footprints as (
    select
        footprint.model_id, footprint.market_code, footprint.registration_year, footprint.powertrain,
        footprint.total_g_co2e_per_km as lifecycle_g_co2e_per_km,
        vehicle.fuel, vehicle.curb_mass_kg, vehicle.battery_kwh, vehicle.consumption_basis,
        vehicle.fuel_l_per_100km, vehicle.electricity_kwh_per_100km, vehicle.tailpipe_co2_g_per_km,
        vehicle.estimated_fields
    from {{ ref('fct_vehicle_footprint') }} as footprint
    inner join {{ ref('dim_vehicle_model') }} as vehicle using (model_id)
),

rules as (
    select * replace (cast(valid_from as date) as valid_from, cast(valid_to as date) as valid_to)
    from {{ ref('market_rules') }}
),

in_force as (
    select footprints.*, rules.* exclude (market_code)
    from footprints
    inner join rules
        on rules.market_code = footprints.market_code
        and rules.valid_from <= make_date(footprints.registration_year, 7, 1)
        and (rules.valid_to is null or rules.valid_to >= make_date(footprints.registration_year, 7, 1))
),

regulated as (
    select
        in_force.*,
        -- The type-approval tailpipe CO2 where the catalogue has one; else the declared fuel use at the
        -- method's combustion CO2 per litre (carbon balance); a BEV emits none at the tailpipe.
        case
            when powertrain = 'BEV' then 0
            when tailpipe_co2_g_per_km > 0 then tailpipe_co2_g_per_km
            else fuel_l_per_100km * fuels.ttw_co2_kg_per_litre * 10
        end as tailpipe_g_co2_per_km,
        case
            when powertrain = 'BEV' then 'zero_tailpipe'
            when tailpipe_co2_g_per_km > 0 then 'type_approval_co2'
            else 'from_declared_fuel_consumption'
        end as tailpipe_basis
    from in_force
    left join {{ ref('int_fuels__per_litre_factors') }} as fuels using (fuel)
),

valued as (
    select
        regulated.*,
        case metric
            when 'tailpipe_co2_g_per_km' then tailpipe_g_co2_per_km
                -- Singapore counts an electric car's (and a PHEV's weighted) electricity at its own factor.
                + coalesce(electricity_g_co2_per_wh * electricity_kwh_per_100km * 10, 0)
            when 'tailpipe_co2_g_per_mile' then tailpipe_g_co2_per_km * 1.609344
            -- China's CAFC: a BEV's fuel consumption counts 0; a PHEV's declared weighted value.
            when 'fuel_l_per_100km' then case when powertrain = 'BEV' then 0 else fuel_l_per_100km end
            when 'battery_kwh' then battery_kwh
        end as regulated_value,
        -- The cycle the catalogue's value is on against the rule's: no cited conversion factor is
        -- recorded, so a value on another cycle is used as it is and flagged here.
        metric not in ('none', 'battery_kwh') and powertrain <> 'BEV' and consumption_basis <> test_cycle
            and not (test_cycle = 'WLTC' and consumption_basis = 'WLTP') as cycle_differs
    from regulated
),

band_hits as (
    -- The first band (by band_order) of the rule that the car's value falls in; a car no band covers
    -- keeps its row with no band.
    select
        valued.model_id, valued.market_code, valued.registration_year, valued.rule_id,
        bands.band_id, bands.band_on, bands.consequence_kind, bands.amount, bands.amount_unit, bands.slope,
        bands.slope_origin, bands.confidence as band_confidence,
        row_number() over (partition by valued.model_id, valued.market_code, valued.registration_year, valued.rule_id
                           order by bands.band_order) as band_rank
    from valued
    inner join {{ ref('market_rule_bands') }} as bands
        on bands.rule_id = valued.rule_id
        and bands.band_on <> 'registration_year'
        and (bands.powertrains = '*' or list_contains(string_split(bands.powertrains, ';'), valued.powertrain))
    cross join lateral (
        select case bands.band_on
            when 'metric' then valued.regulated_value
            when 'curb_mass_kg' then valued.curb_mass_kg
            when 'battery_kwh' then valued.battery_kwh
        end as banded_value
    ) as banded
    where bands.band_on = 'footprint_ft2'
        or ((bands.lower_bound is null or banded.banded_value > bands.lower_bound
             or (bands.lower_inclusive and banded.banded_value = bands.lower_bound))
            and (bands.upper_bound is null or banded.banded_value < bands.upper_bound
                 or (bands.upper_inclusive and banded.banded_value = bands.upper_bound)))
),

matched as (
    select valued.*, hits.* exclude (model_id, market_code, registration_year, rule_id, band_rank)
    from valued
    left join band_hits as hits
        on hits.model_id = valued.model_id and hits.market_code = valued.market_code
        and hits.registration_year = valued.registration_year and hits.rule_id = valued.rule_id
        and hits.band_rank = 1
),

nev as (
    select rule_id, bands.upper_bound as registration_year, powertrains, amount as nev_multiplier
    from {{ ref('market_rule_bands') }} as bands
    where band_on = 'registration_year' and consequence_kind = 'nev_multiplier'
),

exchange as (
    select country_iso3, year, official_exchange_rate_lcu_per_usd as lcu_per_usd
    from {{ ref('stg_worldbank__market_context') }}
    where official_exchange_rate_lcu_per_usd is not null
),

outcomes as (
    select
        matched.*,
        nev.nev_multiplier,
        case
            when rule_kind = 'no_rule' then null
            when rule_kind = 'not_recorded' then null
            -- A target line in curb mass (China): intercept + slope x (mass - origin).
            when consequence_kind = 'model_target' and band_on = 'curb_mass_kg'
                then amount + coalesce(slope, 0) * (curb_mass_kg - coalesce(slope_origin, 0))
        end as per_vehicle_limit,
        case
            when rule_kind = 'no_rule' then 'no_co2_rule'
            when rule_kind = 'not_recorded' or consequence_kind = 'not_recorded' then 'rule_figures_not_recorded'
            when rule_kind = 'fleet_target' then 'fleet_rule_no_per_vehicle_limit'
            when band_id is null then 'no_band_recorded_for_value'
            when consequence_kind = 'model_target' and band_on = 'footprint_ft2' then 'footprint_unknown_no_target'
            when consequence_kind = 'model_target' then null  -- decided below against the limit
            else band_id
        end as band_outcome,
        -- The consequence for this one car, in the rule's currency, where the rule and the catalogue fix it.
        case
            when consequence_kind = 'levy_per_unit_above' then amount * greatest(regulated_value - slope_origin, 0)
            when consequence_kind in ('rebate_surcharge', 'subsidy') then amount
            -- A band with no consequence (not eligible for a subsidy, below its battery size) pays nothing.
            when consequence_kind = 'none' and rule_kind <> 'no_rule' then 0
        end as consequence_local
    from matched
    left join nev
        on nev.rule_id = matched.rule_id and nev.registration_year = matched.registration_year
        and list_contains(string_split(nev.powertrains, ';'), matched.powertrain)
)

select
    outcomes.model_id,
    outcomes.market_code,
    outcomes.registration_year,
    outcomes.rule_id,
    outcomes.rule_name,
    outcomes.rule_kind,
    outcomes.boundary,
    outcomes.test_cycle,
    outcomes.metric,
    outcomes.metric_unit,
    outcomes.regulated_value,
    outcomes.tailpipe_basis,
    outcomes.consumption_basis as value_cycle,
    coalesce(outcomes.cycle_differs, false) as cycle_differs,
    case when outcomes.consequence_kind = 'model_target' and outcomes.band_outcome is null
        then outcomes.per_vehicle_limit end as per_vehicle_limit,
    case
        when outcomes.band_outcome is not null then outcomes.band_outcome
        when outcomes.regulated_value <= outcomes.per_vehicle_limit then 'pass'
        else 'exceeds'
    end as outcome,
    outcomes.band_id,
    outcomes.nev_multiplier,
    outcomes.consequence_kind,
    outcomes.amount as consequence_rate,
    outcomes.amount_unit as consequence_rate_unit,
    outcomes.consequence_local,
    outcomes.currency,
    outcomes.consequence_local / case when outcomes.currency = 'USD' then 1 else exchange.lcu_per_usd end
        as consequence_usd,
    case when outcomes.currency <> 'USD' and outcomes.consequence_kind in ('levy_per_unit_above', 'rebate_surcharge',
                                                                          'subsidy', 'none')
        then exchange.year end as exchange_rate_year,
    case
        when outcomes.consequence_kind = 'tax_rate' then 'a rate of the taxable price: the catalogue has no prices'
        when outcomes.consequence_kind = 'penalty_per_unit_above_target'
            then 'a fleet penalty per g/km above the manufacturer''s target x its cars: not per vehicle (fct_market_rule_fleet)'
        when outcomes.consequence_kind in ('model_target', 'fleet_target', 'nev_multiplier')
            then 'the rule sets a target, no per-vehicle payment'
        when outcomes.rule_kind in ('no_rule', 'not_recorded') or outcomes.band_id is null
             or outcomes.consequence_kind = 'not_recorded' then 'no consequence recorded'
        when outcomes.currency <> 'USD' and exchange.lcu_per_usd is null
            then 'no World Bank PA.NUS.FCRF rate for ' || coalesce(markets.iso3, 'EMU') || ' ' || outcomes.registration_year
    end as consequence_missing_reason,
    outcomes.lifecycle_g_co2e_per_km,
    case when outcomes.metric in ('tailpipe_co2_g_per_km')
        then outcomes.lifecycle_g_co2e_per_km - outcomes.regulated_value end as lifecycle_gap_g_co2e_per_km,
    -- The share of the life cycle a CO2 rule counts: all of it unseen where there is no rule, and
    -- none seen for a BEV counted at zero.
    case
        when outcomes.rule_kind = 'no_rule' then 0
        when outcomes.metric = 'tailpipe_co2_g_per_km'
            then least(outcomes.regulated_value / nullif(outcomes.lifecycle_g_co2e_per_km, 0), 1)
        when outcomes.metric = 'tailpipe_co2_g_per_mile'
            then least(outcomes.regulated_value / 1.609344 / nullif(outcomes.lifecycle_g_co2e_per_km, 0), 1)
    end as lifecycle_share_seen,
    outcomes.confidence as rule_confidence,
    outcomes.band_confidence,
    outcomes.source,
    outcomes.source_url
from outcomes
left join {{ ref('stg_parameters__markets') }} as markets on markets.market_code = outcomes.market_code
left join exchange
    on exchange.country_iso3 = case when outcomes.currency = 'EUR' then 'EMU' else markets.iso3 end
    and exchange.year = outcomes.registration_year
-- Rows in the contract's key order, so identical inputs publish identical Parquet bytes.
order by model_id, market_code, registration_year, rule_id
