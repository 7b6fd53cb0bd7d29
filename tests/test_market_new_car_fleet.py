"""The new-car fleet mart (issue 14, item 5) and the make origins seed, on the session's refreshed
warehouse: shares add up per market and year, Indonesia's 2024 sales are the carsales sum and its
Chinese-brand volume comes from the GAIKINDO passenger categories, the life-cycle tonnes are sales x
footprint, every null footprint or Chinese-brand figure says why, and the make origins cover every
make the sources publish. The Indonesian reconciliation references (item 6) are compared and hold."""

import math

import pyarrow.parquet as pq
import pytest

from warehouse.contracts.fleet import CHINESE_BRAND_BASES, FOOTPRINT_BASES

# GAIKINDO's passenger-car categories, as the reading of the data states them (stg_gaikindo__model_wholesales
# decides is_passenger_car; the tests check it against this list).
GAIKINDO_PASSENGER_CATEGORIES = ("SEDAN", "4X2", "4X4", "AFFORDABLE")
from warehouse.contracts.registry import PUBLISHED_TABLES, contract_for

FLEET = "marts.fct_market_new_car_fleet"
# The footprint bases under which a row has a footprint; under every other the footprint is null.
PRICED_BASES = {"market_footprint", "ice_as_catalogue_icev"}
BRAND_SOURCE_BASES = {"gaikindo_passenger_wholesales", "lta_registrations_by_make"}


def _one(connection, sql):
    return connection.sql(sql).fetchall()[0]


def test_shares_of_the_market_sum_to_one_per_market_and_year(warehouse):
    sums = warehouse.sql(f"select market_code, year, sum(share_of_market), any_value(market_year_sales) from {FLEET} "
                         "group by market_code, year").fetchall()
    assert len(sums) > 50
    for market_code, year, share_sum, market_year_sales in sums:
        if market_year_sales > 0:
            assert math.isclose(share_sum, 1.0, abs_tol=1e-9), (market_code, year, share_sum)
    # market_year_sales is the sum of the powertrains' sales.
    assert _one(warehouse, f"select count(*) from (select market_code, year from {FLEET} group by all "
                           "having sum(new_car_sales) <> min(market_year_sales) or min(market_year_sales) "
                           "<> max(market_year_sales))") == (0,)


def test_only_the_seed_markets_and_every_carsales_row_of_them(warehouse):
    outside = warehouse.sql(f"select distinct market_code from {FLEET} where market_code not in "
                            "(select market_code from staging.stg_parameters__markets)").fetchall()
    assert outside == []
    expected = _one(warehouse, "select sum(new_car_sales) from staging.stg_carsales__new_car_sales "
                               "where market_code in (select market_code from staging.stg_parameters__markets)")
    assert _one(warehouse, f"select sum(new_car_sales) from {FLEET}") == expected


def test_indonesia_2024_is_the_carsales_sum_and_the_gaikindo_passenger_categories(warehouse):
    (total,) = _one(warehouse, f"select sum(new_car_sales) from {FLEET} where market_code = 'IDN' and year = 2024")
    (carsales,) = _one(warehouse, "select sum(new_car_sales) from staging.stg_carsales__new_car_sales "
                                  "where market_code = 'IDN' and year = 2024")
    assert total == carsales == 673058
    categories = ", ".join(f"'{category}'" for category in GAIKINDO_PASSENGER_CATEGORIES)
    (passenger,) = _one(warehouse, "select sum(wholesales) from staging.stg_gaikindo__model_wholesales "
                                   f"where year = 2024 and category in ({categories})")
    # The passenger categories are what carsales counts; the commercial ones make GAIKINDO's 865,795.
    assert passenger == total
    (flagged,) = _one(warehouse, "select sum(wholesales) from staging.stg_gaikindo__model_wholesales "
                                 "where year = 2024 and is_passenger_car")
    assert flagged == passenger
    (months,) = _one(warehouse, f"select min(months_reported) from {FLEET} where market_code = 'IDN' and year = 2024")
    assert months == 12


def test_indonesia_2024_chinese_brand_volume_is_within_the_total(warehouse):
    rows = warehouse.sql(f"select powertrain, new_car_sales, chinese_brand_volume, brand_source_volume, "
                         f"chinese_brand_share, chinese_brand_basis from {FLEET} "
                         "where market_code = 'IDN' and year = 2024").fetchall()
    assert {row[5] for row in rows} == {"gaikindo_passenger_wholesales"}
    chinese = sum(row[2] for row in rows)
    total = sum(row[1] for row in rows)
    assert 0 < chinese < total
    for powertrain, _, volume, source_volume, share, _ in rows:
        assert 0 <= volume <= source_volume, powertrain
        if source_volume > 0:
            assert math.isclose(share, volume / source_volume), powertrain
    by_powertrain = {row[0]: row for row in rows}
    # Chinese brands sell most of Indonesia's BEVs (BYD, Wuling, Chery, AION, ...) and no diesel cars.
    assert by_powertrain["bev"][4] > 0.5
    assert by_powertrain["diesel"][2] == 0
    # The same volume, summed straight from the GAIKINDO rows of the Chinese makes of the seed.
    categories = ", ".join(f"'{category}'" for category in GAIKINDO_PASSENGER_CATEGORIES)
    (direct,) = _one(warehouse, f"""
        select sum(wholesales) from staging.stg_gaikindo__model_wholesales as rows
        join staging.stg_parameters__make_origins as origins
            on origins.source_name = 'gaikindo' and origins.make_as_published = rows.brand_corrected
        where rows.year = 2024 and rows.category in ({categories}) and origins.is_chinese_brand
            and rows.powertrain is not null""")
    assert chinese == direct


def test_chinese_brand_figures_are_null_only_with_a_basis_saying_why(warehouse):
    bases = dict(warehouse.sql(f"select chinese_brand_basis, count(*) from {FLEET} group by all").fetchall())
    assert set(bases) <= set(CHINESE_BRAND_BASES)
    (misfiled,) = _one(warehouse, f"""
        select count(*) from {FLEET}
        where (chinese_brand_basis in ('gaikindo_passenger_wholesales', 'lta_registrations_by_make'))
            <> (chinese_brand_volume is not null)""")
    assert misfiled == 0
    # Singapore: LTA's make series covers 2016-01..2023-09 in the snapshot.
    singapore = dict(warehouse.sql(f"select year, min(chinese_brand_basis) from {FLEET} "
                                   "where market_code = 'SGP' and year between 2022 and 2024 group by year").fetchall())
    assert singapore == {2022: "lta_registrations_by_make", 2023: "brand_source_year_incomplete",
                         2024: "brand_source_year_not_loaded"}
    assert _one(warehouse, f"select distinct chinese_brand_basis from {FLEET} where market_code = 'THA'") \
        == ("no_brand_level_source",)


def test_lifecycle_tonnes_are_sales_times_the_footprint(warehouse):
    rows = warehouse.sql(f"select new_car_sales, footprint_kg_co2e_per_vehicle, lifecycle_t_co2e from {FLEET} "
                         "where lifecycle_t_co2e is not null").fetchall()
    assert len(rows) >= 20
    for sales, kg, tonnes in rows:
        assert math.isclose(tonnes, sales * kg / 1000, rel_tol=1e-12)
    (idn_2024,) = _one(warehouse, f"select sum(lifecycle_t_co2e) from {FLEET} where market_code = 'IDN' and year = 2024")
    assert idn_2024 > 0


def test_null_footprints_carry_a_basis(warehouse):
    rows = warehouse.sql(f"select market_code, year, powertrain, footprint_basis, footprint_kg_co2e_per_vehicle, "
                         f"footprint_g_co2e_per_km, lifecycle_t_co2e from {FLEET}").fetchall()
    for market_code, year, powertrain, basis, kg, g_per_km, tonnes in rows:
        assert basis in FOOTPRINT_BASES
        if basis in PRICED_BASES:
            assert None not in (kg, g_per_km, tonnes), (market_code, year, powertrain)
        else:
            assert (kg, g_per_km, tonnes) == (None, None, None), (market_code, year, powertrain, basis)
    by_key = {(row[0], row[1], row[2]): row[3] for row in rows}
    # The catalogue's ICEVs burn petrol: Indonesia's diesel cars have no footprint, and say why.
    fuels = {row[0] for row in warehouse.sql("select distinct fuel from marts.fct_vehicle_footprint "
                                             "where market_code = 'IDN' and registration_year = 2024 "
                                             "and powertrain = 'ICEV'").fetchall()}
    assert by_key[("IDN", 2024, "diesel")] == ("market_footprint" if fuels == {"diesel"} else "fuel_not_in_catalogue")
    assert by_key[("IDN", 2024, "other")] == "no_catalogue_powertrain"
    assert by_key[("IDN", 2024, "bev")] == "market_footprint"
    assert by_key[("IDN", 2020, "bev")] == "no_footprint_for_year"
    # The footprint is the market footprint of the catalogue powertrain, unchanged.
    assert _one(warehouse, f"""
        select count(*) from {FLEET} as fleet
        join marts.fct_market_footprint as market
            on market.market_code = fleet.market_code and market.registration_year = fleet.year
            and market.powertrain = fleet.catalogue_powertrain
        where fleet.footprint_kg_co2e_per_vehicle is not null
            and (fleet.footprint_kg_co2e_per_vehicle <> market.total_kg_co2e
                 or fleet.footprint_g_co2e_per_km <> market.total_g_co2e_per_km)""") == (0,)


def test_make_origins_cover_every_make_the_sources_publish(warehouse):
    missing = warehouse.sql("""
        with published as (
            select distinct 'gaikindo' as source_name, brand_corrected as make from staging.stg_gaikindo__model_wholesales
            union select distinct 'lta', make_normalised from staging.stg_lta__registrations_by_make
            union select distinct 'open_ev_data', make from staging.stg_open_ev_data__trims
            union select distinct 'catalogue', make from parameters.vehicle_catalogue
        )
        select published.source_name, published.make from published
        left join staging.stg_parameters__make_origins as origins
            on origins.source_name = published.source_name and origins.make_as_published = published.make
        where origins.make_as_published is null
        order by all""").fetchall()
    assert missing == []
    assert _one(warehouse, f"select coalesce(sum(unknown_origin_volume), 0) from {FLEET}") == (0,)
    flags = dict(warehouse.sql("select make_as_published, is_chinese_brand from staging.stg_parameters__make_origins "
                               "where source_name = 'gaikindo'").fetchall())
    assert flags["WULING"] and flags["MORRIS GARAGE"] and flags["AION"] and flags["VOLVO"]
    assert not flags["TOYOTA"] and not flags["POLYTRON"] and not flags["VINFAST"]


def test_indonesian_reconciliation_references_are_compared_and_hold(warehouse):
    rows = warehouse.sql("select reference_id, comparison_status, relative_difference, tolerance_share "
                         "from intermediate.int_quality__reconciliation "
                         "where metric in ('idn_car_wholesales_units', 'idn_passenger_car_sales_units')").fetchall()
    assert {row[0] for row in rows} >= {"gaikindo_idn_wholesales_2024", "carsales_idn_passenger_2024"}
    for reference_id, status, difference, tolerance in rows:
        assert status == "compared", reference_id
        assert abs(difference) <= tolerance, reference_id


def test_the_fleet_is_published_with_its_contract_schema(refreshed_data_dir):
    assert "fct_market_new_car_fleet" in PUBLISHED_TABLES
    published = pq.read_table(refreshed_data_dir / "published" / "fct_market_new_car_fleet" / "part-0.parquet")
    contract = contract_for("fct_market_new_car_fleet")
    assert published.schema.names == contract.column_names
    assert published.num_rows > 0
    keys = list(zip(*(published.column(name).to_pylist() for name in contract.primary_key)))
    assert keys == sorted(keys)
