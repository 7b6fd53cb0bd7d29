-- Every market has a rule (or an explicit no_rule / not_recorded row) in force on 1 July of every
-- registration year the footprints are built for, and never two of the same kind: a failing row
-- names the market, year and kind.
with years as (
    select unnest({{ var('registration_years') }}) as registration_year
),

in_force as (
    select markets.market_code, years.registration_year, rules.rule_kind, rules.rule_id
    from {{ ref('stg_parameters__markets') }} as markets
    cross join years
    left join {{ ref('market_rules') }} as rules
        on rules.market_code = markets.market_code
        and cast(rules.valid_from as date) <= make_date(years.registration_year, 7, 1)
        and (rules.valid_to is null or cast(rules.valid_to as date) >= make_date(years.registration_year, 7, 1))
)

select market_code, registration_year, rule_kind, string_agg(rule_id, ', ') as rule_ids,
    case when rule_kind is null then 'no rule row in force' else 'more than one rule of this kind in force' end as problem
from in_force
group by all
having rule_kind is null or count(*) > 1
