-- Specifications of electric vehicle trims from open-ev-data (raw.open_ev_data__trims), one row per
-- trim, with the powertrain and battery chemistry in the catalogue's vocabularies
-- (warehouse/contracts/vocabularies.py). No consumption and no estimate: a consumption derived from a
-- rated range is an estimate, and estimating it (flagged) is the catalogue model's job.
select
    trim_id,
    make,
    model,
    model_year as year,
    trim,
    variant,
    vehicle_type,
    availability_status,
    powertrain as open_ev_data_powertrain,
    -- EREV -> PHEV: a range-extended car charges from the grid and also burns fuel, which is what the
    -- catalogue's PHEV is (an off-vehicle-charging hybrid: WLTP, Regulation (EU) 2017/1151, tests both as
    -- OVC-HEV, and China's NEV statistics count range-extenders among plug-in hybrids). Its rated range
    -- may be the total with the range extender (rated_range_notes says so), not an electric range.
    -- Null stays null: the record says both PHEV and EREV.
    case powertrain when 'BEV' then 'BEV' when 'PHEV' then 'PHEV' when 'EREV' then 'PHEV' end as powertrain,
    battery_chemistry as battery_chemistry_as_published,
    -- 'li-ion' is lithium-ion with the chemistry unspecified: null, flagged (a record silent on the
    -- battery is null, not flagged). A chemistry this list does not know fails the build rather than
    -- passing as unspecified.
    case
        when battery_chemistry = 'lfp' then 'LFP'
        when battery_chemistry = 'nmc' then 'NMC'
        when battery_chemistry = 'li-ion' or battery_chemistry is null then null
        else error('raw.open_ev_data__trims: battery_chemistry ''' || battery_chemistry || ''' of trim '
                   || trim_id || ' is not mapped to the catalogue''s CHEMISTRIES in stg_open_ev_data__trims')
    end as battery_chemistry,
    coalesce(battery_chemistry = 'li-ion', false) as battery_chemistry_unspecified,
    battery_gross_kwh,
    battery_net_kwh,
    curb_weight_kg as curb_mass_kg,
    wheelbase_mm,
    range_wltp_km,
    range_cltc_km,
    range_nedc_km,
    range_epa_km,
    rated_range_notes,
    markets,
    source_urls,
    source_sha256
from {{ source('raw', 'open_ev_data__trims') }}
