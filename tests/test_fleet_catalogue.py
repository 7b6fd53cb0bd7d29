"""Real fleets (issue 14, items 2-5) on the session's refreshed warehouse: the catalogue built from
the curated seed and open-ev-data (every trim priced or excluded with its reason, estimated
consumption recomputed from its inputs and flagged), variants built in Indonesia with Indonesia's
grid in their production stage, GAIKINDO wholesales matched to variants with the unmatched volume
reported, and market footprints weighted by what each market buys."""

import pytest

from orchestration.checks.standard_rules import registration_years
from warehouse.quality.rules import BEV_CONSUMPTION_KWH_PER_100KM


def _rows(connection, sql):
    return connection.sql(sql).fetchall()


def test_at_least_250_chinese_make_variants_are_published_in_every_market(warehouse):
    per_market = dict(_rows(warehouse, """
        select footprint.market_code, count(distinct footprint.model_id)
        from marts.fct_vehicle_footprint as footprint
        join marts.dim_vehicle_model as vehicle using (model_id)
        join staging.stg_parameters__make_origins as origins
            on origins.make_as_published = vehicle.make
            and origins.source_name = case vehicle.catalogue_source when 'open_ev_data' then 'open_ev_data' else 'catalogue' end
        where origins.is_chinese_brand
        group by 1"""))
    markets = [code for (code,) in _rows(warehouse, "select market_code from marts.dim_market")]
    assert sorted(per_market) == sorted(markets)
    assert min(per_market.values()) >= 250, per_market


def test_every_open_ev_data_trim_is_a_variant_a_linked_record_or_an_exclusion_with_its_reason(warehouse):
    (trims,), = _rows(warehouse, "select count(*) from staging.stg_open_ev_data__trims")
    (variants,), = _rows(warehouse, "select count(*) from marts.dim_vehicle_model where catalogue_source = 'open_ev_data'")
    (linked,), = _rows(warehouse, """
        select count(*) from intermediate.int_vehicles__open_ev_data_variants as trims
        join parameters.catalogue_variant_links as links on links.source_record_id = trims.source_record_id
        where trims.exclusion_reason is null""")
    excluded = _rows(warehouse, "select exclusion_reason from marts.dim_vehicle_model_exclusion where source = 'open_ev_data'")
    assert variants + linked + len(excluded) == trims
    assert all(reason for (reason,) in excluded)
    # A PHEV record has no fuel consumption: excluded, never priced with an invented one.
    assert not _rows(warehouse, "select 1 from marts.dim_vehicle_model where catalogue_source = 'open_ev_data' "
                                "and powertrain <> 'BEV'")


def test_an_estimated_consumption_recomputes_from_its_trim_and_the_charging_efficiency_and_is_flagged(warehouse):
    (efficiency,), = _rows(warehouse, "select value from staging.stg_parameters__method_parameters "
                                      "where parameter_id = 'charging_efficiency'")
    rows = _rows(warehouse, """
        select vehicle.electricity_kwh_per_100km, coalesce(trims.battery_net_kwh, trims.battery_gross_kwh),
               vehicle.electric_range_km, vehicle.consumption_basis, vehicle.estimated_fields,
               case vehicle.consumption_basis when 'WLTP' then trims.range_wltp_km when 'EPA' then trims.range_epa_km
                    when 'CLTC' then trims.range_cltc_km when 'NEDC' then trims.range_nedc_km end
        from marts.dim_vehicle_model as vehicle
        join staging.stg_open_ev_data__trims as trims on trims.trim_id = vehicle.source_record_id
        where vehicle.catalogue_source = 'open_ev_data'""")
    assert len(rows) > 250
    low, high = BEV_CONSUMPTION_KWH_PER_100KM
    for consumption, usable_kwh, range_km, basis, estimated, range_on_basis in rows:
        assert range_km == range_on_basis
        assert consumption == pytest.approx(round(usable_kwh / range_km * 100 / efficiency, 2))
        assert low <= consumption <= high
        assert "electricity_kwh_per_100km" in estimated.split(";")


def test_the_estimate_lands_near_the_published_consumption_where_a_linked_variant_has_one(warehouse):
    # The estimate's basis checked on the linked pairs whose curated value is sourced (not itself
    # estimated): within 10% of the maker's WLTP figure (Atto 3 15.6 -> 16.8, Dolphin 15.9 -> 16.5).
    (efficiency,), = _rows(warehouse, "select value from staging.stg_parameters__method_parameters "
                                      "where parameter_id = 'charging_efficiency'")
    pairs = _rows(warehouse, """
        select curated.model_id, curated.electricity_kwh_per_100km, trims.battery_net_kwh, trims.range_wltp_km
        from parameters.catalogue_variant_links as links
        join staging.stg_vehicles__catalogue as curated using (model_id)
        join staging.stg_open_ev_data__trims as trims on trims.trim_id = links.source_record_id
        where coalesce(curated.estimated_fields, '') not like '%electricity_kwh_per_100km%'
          and trims.range_wltp_km is not null""")
    assert len(pairs) >= 2
    for model_id, published, usable_kwh, range_km in pairs:
        assert usable_kwh / range_km * 100 / efficiency == pytest.approx(published, rel=0.10), model_id


def test_estimated_consumption_lowers_the_quality_of_its_electricity_input_and_says_why(warehouse):
    rows = _rows(warehouse, """
        select vehicle.catalogue_source = 'open_ev_data' as estimated, bool_or(quality.has_primary_activity_data),
               min(quality.precision), max(quality.precision), string_agg(distinct quality.estimated_activity_field, ';'),
               avg(quality.dqr)
        from marts.fct_footprint_input_quality as quality
        join marts.dim_vehicle_model as vehicle using (model_id)
        where quality.input_id = 'electricity_supply' and vehicle.powertrain = 'BEV'
          and quality.market_code = 'THA' and quality.registration_year = 2024
          and (vehicle.catalogue_source = 'open_ev_data' or vehicle.estimated_fields is null)
        group by 1""")
    by_kind = {row[0]: row[1:] for row in rows}
    primary, low, high, field, dqr = by_kind[True]
    assert not primary and low >= 4 and field == "electricity_kwh_per_100km"
    sourced_primary, sourced_low, sourced_high, sourced_field, sourced_dqr = by_kind[False]
    assert sourced_primary and sourced_field is None and sourced_high < low
    # Same market, year and grid factor: only the precision differs, so the DQR is worse by that.
    assert dqr > sourced_dqr


def test_variants_assembled_in_indonesia_carry_idn_and_price_production_at_its_grid(warehouse):
    built = _rows(warehouse, """
        select built.model_id, base.production_country, built.production_country
        from marts.dim_vehicle_model as built
        join marts.dim_vehicle_model as base on base.model_id = built.source_record_id
        where built.catalogue_source = 'market_built'""")
    assert {model_id for model_id, _, _ in built} >= {"omoda_e5_61kwh_2025_built_idn", "mg_mg4_64kwh_2023_built_idn"}
    assert all(base != country for _, base, country in built)
    # Every CKD wholesale row with origin Indonesia that is matched is priced as a variant built in IDN.
    assert _rows(warehouse, """
        select distinct vehicle.production_country
        from intermediate.int_registrations__gaikindo_matched as matched
        join marts.dim_vehicle_model as vehicle using (model_id)
        join staging.stg_gaikindo__model_wholesales as staged
            on staged.month = matched.month and staged.type = matched.type and staged.model = matched.model
        where staged.built_up = 'CKD' and staged.origin_iso3 = 'IDN' and not staged.built_up_disagrees_with_origin""") \
        == [("IDN",)]
    grids = dict(_rows(warehouse, """
        select model_id, production_grid_intensity_g_per_kwh from marts.fct_vehicle_footprint
        where market_code = 'IDN' and registration_year = 2024
          and model_id in ('mg_mg4_64kwh_2023', 'mg_mg4_64kwh_2023_built_idn')"""))
    (idn_grid,), = _rows(warehouse, """
        select production_grid_intensity_g_per_kwh from marts.fct_vehicle_footprint as footprint
        join marts.dim_vehicle_model using (model_id)
        where production_country = 'IDN' and footprint.model_id = 'mg_mg4_64kwh_2023_built_idn'
          and market_code = 'IDN' and registration_year = 2024""")
    assert grids["mg_mg4_64kwh_2023_built_idn"] == idn_grid != grids["mg_mg4_64kwh_2023"]


def test_the_match_report_accounts_for_every_passenger_car_and_names_what_to_map_next(warehouse):
    report = _rows(warehouse, """
        select sum(units), sum(matched_units + matched_as_proxy_units + unmatched_units) from marts.fct_registration_match
        where source = 'gaikindo' and year = 2024""")
    (passenger,), = _rows(warehouse, "select sum(wholesales) from staging.stg_gaikindo__model_wholesales "
                                     "where year = 2024 and is_passenger_car")
    (carsales,), = _rows(warehouse, "select sum(new_car_sales) from staging.stg_carsales__new_car_sales "
                                    "where market_code = 'IDN' and year = 2024")
    assert report == [(passenger, passenger)] and passenger == carsales
    (share, unmatched), = _rows(warehouse, """
        select sum(matched_units + matched_as_proxy_units) / sum(units), max(unmatched_models)
            filter (where brand = 'WULING')
        from marts.fct_registration_match where source = 'gaikindo' and year = 2024 and is_chinese_brand""")
    (expected,), = _rows(warehouse, """
        select sum(wholesales) filter (where model_id is not null) / sum(wholesales)
        from intermediate.int_registrations__gaikindo_matched as matched
        join staging.stg_parameters__make_origins as origins
            on origins.source_name = 'gaikindo' and origins.make_as_published = matched.brand
        where year = 2024 and origins.is_chinese_brand""")
    assert share == pytest.approx(expected) and 0 < share < 1
    assert unmatched.startswith("BINGUO / BINGUO 410 KM DC (")


def test_indonesia_is_weighted_by_matched_wholesales_and_the_average_recomputes(warehouse):
    (basis, count, total), = _rows(warehouse, """
        select weight_basis, vehicle_count, total_kg_co2e from marts.fct_market_footprint
        where market_code = 'IDN' and registration_year = 2024 and powertrain = 'BEV'""")
    (units, weighted), = _rows(warehouse, """
        with units as (
            select model_id, sum(wholesales) as units from intermediate.int_registrations__gaikindo_matched
            where year = 2024 and model_id is not null group by 1)
        select sum(units), sum(units * footprint.total_kg_co2e) / sum(units)
        from units join marts.fct_vehicle_footprint as footprint using (model_id)
        where footprint.market_code = 'IDN' and footprint.registration_year = 2024 and footprint.powertrain = 'BEV'""")
    assert basis == "model_registrations" and count == units > 20000
    assert total == pytest.approx(weighted)


def test_every_market_with_sales_data_is_weighted_by_its_sales(warehouse):
    bases = dict(((market, year, powertrain), basis) for market, year, powertrain, basis in _rows(
        warehouse, "select market_code, registration_year, powertrain, weight_basis from marts.fct_market_footprint"))
    with_sales = _rows(warehouse, """
        select distinct market_code, year, catalogue_powertrain from staging.stg_carsales__new_car_sales
        where catalogue_powertrain is not null and new_car_sales > 0""")
    years = set(registration_years())
    checked = [(key, bases[key]) for key in map(tuple, with_sales) if key in bases and key[1] in years]
    assert len(checked) > 20
    assert all(basis in ("model_registrations", "make_fuel_registrations", "powertrain_mix") for _, basis in checked), \
        [item for item in checked if item[1] not in ("model_registrations", "make_fuel_registrations", "powertrain_mix")]
    # Singapore's LTA make x fuel grain weights its 2023 BEVs (LTA ends in 2023-09).
    assert bases[("SGP", 2023, "BEV")] == "make_fuel_registrations"


def test_an_unsplit_export_total_is_priced_at_the_destinations_sales_mix_and_labelled(warehouse):
    (units, footprint, emissions, basis), = _rows(warehouse, """
        select export_units, footprint_total_kg_co2e_per_vehicle, lifecycle_emissions_t_co2e, emissions_basis
        from marts.fct_export_exposure where destination_iso3 = 'THA' and year = 2024 and powertrain = 'ALL'""")
    (mix,), = _rows(warehouse, """
        with sales as (
            select catalogue_powertrain as powertrain, sum(new_car_sales) as units
            from staging.stg_carsales__new_car_sales
            where market_code = 'THA' and year = 2024 and catalogue_powertrain is not null group by 1)
        select sum(sales.units * footprint.total_kg_co2e) / sum(sales.units)
        from sales join marts.fct_market_footprint as footprint using (powertrain)
        where footprint.market_code = 'THA' and footprint.registration_year = 2024""")
    assert basis == "destination_powertrain_mix"
    assert footprint == pytest.approx(mix) and emissions == pytest.approx(units * mix / 1000)
