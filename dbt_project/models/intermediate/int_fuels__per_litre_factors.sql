-- Tank-to-wheel and well-to-tank emissions per litre of liquid fuel, built from the IPCC
-- combustion defaults, fuel properties and AR6 GWPs in the seeds.
with fuel_inputs as (
    select
        'petrol' as fuel,
        {{ parameter_value('density_petrol') }} * {{ parameter_value('ncv_petrol') }} as mj_per_litre,
        {{ factor_value('ef_petrol_combustion_co2') }} as co2_kg_per_tj,
        {{ factor_value('ef_petrol_combustion_ch4') }} as ch4_kg_per_tj,
        {{ factor_value('ef_petrol_combustion_n2o') }} as n2o_kg_per_tj,
        {{ factor_value('ef_petrol_wtt') }} as wtt_g_co2e_per_mj,
        'ef_petrol_combustion_co2;ef_petrol_combustion_ch4;ef_petrol_combustion_n2o;ncv_petrol;density_petrol;gwp_ch4_fossil;gwp_n2o' as ttw_factor_ids,
        'ef_petrol_wtt;ncv_petrol;density_petrol' as wtt_factor_ids
    union all
    select
        'diesel',
        {{ parameter_value('density_diesel') }} * {{ parameter_value('ncv_diesel') }},
        {{ factor_value('ef_diesel_combustion_co2') }},
        {{ factor_value('ef_diesel_combustion_ch4') }},
        {{ factor_value('ef_diesel_combustion_n2o') }},
        {{ factor_value('ef_diesel_wtt') }},
        'ef_diesel_combustion_co2;ef_diesel_combustion_ch4;ef_diesel_combustion_n2o;ncv_diesel;density_diesel;gwp_ch4_fossil;gwp_n2o',
        'ef_diesel_wtt;ncv_diesel;density_diesel'
)

select
    fuel,
    mj_per_litre,
    -- kg per TJ times MJ per litre gives kg per litre after dividing by 1e6 MJ per TJ
    mj_per_litre * co2_kg_per_tj / 1e6 as ttw_co2_kg_per_litre,
    mj_per_litre * (
        co2_kg_per_tj
        + ch4_kg_per_tj * {{ parameter_value('gwp_ch4_fossil') }}
        + n2o_kg_per_tj * {{ parameter_value('gwp_n2o') }}
    ) / 1e6 as ttw_kg_co2e_per_litre,
    mj_per_litre * wtt_g_co2e_per_mj / 1000 as wtt_kg_co2e_per_litre,
    ttw_factor_ids,
    wtt_factor_ids
from fuel_inputs
