-- The bands of each rule, per powertrain and banded quantity, cover every value once: sorted by their
-- lower end, the first is open below, the last open above, and each ends where the next begins with
-- exactly one of the two ends included. A gap or an overlap fails here naming the rule and bands. A
-- part of the line whose figures are not known is a not_recorded band, never a gap. Coefficient
-- rows (a fleet target, a fleet penalty, the NEV multipliers) are not bands.
with powertrains as (
    select distinct powertrain from {{ ref('stg_parameters__consumption_uplift') }}
),

bands as (
    select bands.*, powertrains.powertrain
    from {{ ref('market_rule_bands') }} as bands
    inner join powertrains
        on bands.powertrains = '*' or list_contains(string_split(bands.powertrains, ';'), powertrains.powertrain)
    where bands.consequence_kind not in ('fleet_target', 'penalty_per_unit_above_target', 'nev_multiplier')
      and bands.band_on <> 'registration_year'
),

ordered as (
    select
        *,
        lag(band_id) over line as previous_band,
        lag(upper_bound) over line as previous_upper,
        lag(upper_inclusive) over line as previous_upper_inclusive,
        row_number() over line as position,
        count(*) over (partition by rule_id, band_on, powertrain) as bands_on_line
    from bands
    window line as (partition by rule_id, band_on, powertrain order by lower_bound nulls first, band_order)
)

select rule_id, band_on, powertrain, band_id, previous_band,
    case
        when position = 1 and lower_bound is not null and lower_bound > 0 then 'gap below the first band'
        when position = bands_on_line and upper_bound is not null then 'gap above the last band'
        when position > 1 and previous_upper is null then 'overlap: the previous band is open above'
        when position > 1 and lower_bound is null then 'overlap: the band is open below but not first'
        when position > 1 and lower_bound <> previous_upper then 'gap or overlap between bands'
        when position > 1 and lower_inclusive = previous_upper_inclusive then 'the shared end is in both bands or in neither'
    end as problem
from ordered
where (position = 1 and lower_bound is not null and lower_bound > 0)
   or (position = bands_on_line and upper_bound is not null)
   or (position > 1 and (previous_upper is null or lower_bound is null or lower_bound <> previous_upper
                         or lower_inclusive = previous_upper_inclusive))
