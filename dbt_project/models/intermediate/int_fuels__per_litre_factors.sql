-- Tank-to-wheel (per gas) and well-to-tank emissions per litre of liquid fuel, built from the IPCC
-- combustion defaults, fuel properties and AR6 GWPs in the seeds. Each value keeps the id of the
-- factor it converts and the ids of the parameters the conversion used, for the ledger.
with fuel_inputs as (
    select
        'petrol' as fuel,
        {{ parameter_value('density_petrol') }} * {{ parameter_value('ncv_petrol') }} as mj_per_litre,
        {{ factor_value('ef_petrol_combustion_co2') }} as co2_kg_per_tj,
        {{ factor_value('ef_petrol_combustion_ch4') }} as ch4_kg_per_tj,
        {{ factor_value('ef_petrol_combustion_n2o') }} as n2o_kg_per_tj,
        {{ factor_value('ef_petrol_wtt') }} as wtt_g_co2e_per_mj,
        'ef_petrol_combustion_co2' as co2_factor_id,
        'ef_petrol_combustion_ch4' as ch4_factor_id,
        'ef_petrol_combustion_n2o' as n2o_factor_id,
        'ef_petrol_wtt' as wtt_factor_id,
        'ncv_petrol;density_petrol' as fuel_property_ids
    union all
    select
        'diesel',
        {{ parameter_value('density_diesel') }} * {{ parameter_value('ncv_diesel') }},
        {{ factor_value('ef_diesel_combustion_co2') }},
        {{ factor_value('ef_diesel_combustion_ch4') }},
        {{ factor_value('ef_diesel_combustion_n2o') }},
        {{ factor_value('ef_diesel_wtt') }},
        'ef_diesel_combustion_co2',
        'ef_diesel_combustion_ch4',
        'ef_diesel_combustion_n2o',
        'ef_diesel_wtt',
        'ncv_diesel;density_diesel'
)

select
    fuel,
    mj_per_litre,
    {{ per_tj_to_per_litre('co2_kg_per_tj', 'mj_per_litre') }} as ttw_co2_kg_per_litre,
    {{ per_tj_to_per_litre('ch4_kg_per_tj', 'mj_per_litre') }} * {{ parameter_value('gwp_ch4_fossil') }}
        as ttw_ch4_kg_co2e_per_litre,
    {{ per_tj_to_per_litre('n2o_kg_per_tj', 'mj_per_litre') }} * {{ parameter_value('gwp_n2o') }}
        as ttw_n2o_kg_co2e_per_litre,
    {{ g_per_mj_to_kg_per_litre('wtt_g_co2e_per_mj', 'mj_per_litre') }} as wtt_kg_co2e_per_litre,
    co2_factor_id,
    ch4_factor_id,
    n2o_factor_id,
    wtt_factor_id,
    fuel_property_ids
from fuel_inputs
