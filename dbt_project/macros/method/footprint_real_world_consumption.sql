{#-
  Consumption step of the method: declared consumption -> real-world consumption per 100 km.

  - ICEV, HEV, BEV: declared value x uplift (seed consumption_uplift) for its test cycle,
    powertrain and energy carrier; REAL_WORLD has an uplift of 1.
  - PHEV: the declared values are split into charge-depleting electricity and charge-sustaining
    fuel. On a cycle whose PHEV values are weighted with a type-approval utility factor (WLTP,
    NEDC, CLTC) they are un-weighted with that cycle's curve at the declared electric range; EPA
    states them separately. Each is uplifted, then re-weighted with the real-world utility factor at
    the real-world electric range (declared range / electricity uplift). REAL_WORLD passes through.
  - Electricity is at the plug (charging losses included, as WLTP and EPA report it).
-#}
{% macro footprint_real_world_consumption(relation) %}
uplifted as (
    select
        {{ relation }}.*,
        case when {{ relation }}.fuel in ('petrol', 'diesel') then {{ relation }}.fuel end as fuel_for_combustion,
        bases.phev_values,
        fuel_uplift.uplift_factor as fuel_uplift_factor,
        fuel_uplift.uplift_id as fuel_uplift_id,
        electricity_uplift.uplift_factor as electricity_uplift_factor,
        electricity_uplift.uplift_id as electricity_uplift_id,
        case when {{ relation }}.powertrain = 'PHEV'
            then {{ relation }}.electric_range_km / electricity_uplift.uplift_factor end as real_world_electric_range_km
    from {{ relation }}
    left join {{ ref('stg_parameters__consumption_bases') }} as bases
        on bases.consumption_basis = {{ relation }}.consumption_basis
    left join {{ ref('stg_parameters__consumption_uplift') }} as fuel_uplift
        on fuel_uplift.consumption_basis = {{ relation }}.consumption_basis
        and fuel_uplift.powertrain = {{ relation }}.powertrain
        and fuel_uplift.energy_carrier = 'fuel'
    left join {{ ref('stg_parameters__consumption_uplift') }} as electricity_uplift
        on electricity_uplift.consumption_basis = {{ relation }}.consumption_basis
        and electricity_uplift.powertrain = {{ relation }}.powertrain
        and electricity_uplift.energy_carrier = 'electricity'
),

{{ phev_utility_factor_lookup('uplifted', 'uplifted.consumption_basis', 'electric_range_km', 'type_approval') }},

{{ phev_utility_factor_lookup('type_approval', "'REAL_WORLD'", 'real_world_electric_range_km', 'real_world') }},

consumption as (
    select
        real_world.*,
        -- A zero declared value needs no uplift (an ICEV's electricity, a BEV's fuel).
        case
            when fuel_l_per_100km = 0 then 0
            when powertrain <> 'PHEV' then fuel_l_per_100km * fuel_uplift_factor
            when phev_values = 'real_world_average' then fuel_l_per_100km
            when phev_values = 'uf_weighted'
                then (1 - real_world_utility_factor) * fuel_l_per_100km / (1 - type_approval_utility_factor)
                     * fuel_uplift_factor
            when phev_values = 'cd_cs_separate'
                then (1 - real_world_utility_factor) * fuel_l_per_100km * fuel_uplift_factor
        end as real_world_fuel_l_per_100km,
        case
            when electricity_kwh_per_100km = 0 then 0
            when powertrain <> 'PHEV' then electricity_kwh_per_100km * electricity_uplift_factor
            when phev_values = 'real_world_average' then electricity_kwh_per_100km
            when phev_values = 'uf_weighted'
                then real_world_utility_factor * electricity_kwh_per_100km / type_approval_utility_factor
                     * electricity_uplift_factor
            when phev_values = 'cd_cs_separate'
                then real_world_utility_factor * electricity_kwh_per_100km * electricity_uplift_factor
        end as real_world_electricity_kwh_per_100km,
        concat_ws(';',
            case when fuel_l_per_100km > 0 and phev_values <> 'real_world_average' then fuel_uplift_id end,
            case when electricity_kwh_per_100km > 0 and phev_values <> 'real_world_average' then electricity_uplift_id end,
            case when powertrain = 'PHEV' and phev_values = 'uf_weighted' then type_approval_utility_factor_ids end,
            case when powertrain = 'PHEV' and phev_values <> 'real_world_average' then real_world_utility_factor_ids end
        ) as consumption_factor_ids
    from real_world
)
{% endmacro %}
