"""The staging models of the GAIKINDO, LTA Singapore and open-ev-data sources (issue 14), on the
session's refreshed warehouse: real totals of the embedded snapshot, the shared catalogue-powertrain
mapping, the AION-under-BYD correction kept beside the published brand, the production country, the
chemistry and powertrain vocabularies; and an unknown chemistry failing, named, for whoever reads it."""

import shutil

import duckdb
import pytest

from warehouse.contracts.vocabularies import CHEMISTRIES, POWERTRAINS

# The catalogue_powertrain macro's mapping, as the carsales staging test states it.
CATALOGUE_POWERTRAIN_OF = {"diesel": "ICEV", "petrol": "ICEV", "hev": "HEV", "phev": "PHEV", "bev": "BEV", "other": None}


def _one(connection, sql):
    return connection.sql(sql).fetchall()[0]


def test_gaikindo_staging_keeps_every_row_and_the_2024_total(warehouse):
    staged, raw = _one(warehouse, "select (select count(*) from staging.stg_gaikindo__model_wholesales), "
                                  "(select count(*) from raw.gaikindo__model_wholesales)")
    assert staged == raw > 20000
    # GAIKINDO's 2024 wholesales (../shared/data/README.md; issue 14 reconciles against ~865,700).
    assert _one(warehouse, "select sum(wholesales) from staging.stg_gaikindo__model_wholesales where year = 2024") \
        == (865795,)
    mapping = dict(warehouse.sql("select distinct powertrain, catalogue_powertrain "
                                 "from staging.stg_gaikindo__model_wholesales where powertrain is not null").fetchall())
    assert mapping == CATALOGUE_POWERTRAIN_OF


def test_gaikindo_aion_trims_filed_under_byd_are_corrected_beside_the_published_brand(warehouse):
    by_brand = dict(((brand, corrected), units) for brand, corrected, units in warehouse.sql(
        "select brand, brand_corrected, sum(wholesales) from staging.stg_gaikindo__model_wholesales "
        "where year = 2024 and catalogue_powertrain = 'BEV' and brand = 'BYD' group by all").fetchall())
    # As published, BYD's 2024 BEV wholesales are the README's 16,669; 861 of them are AION Y Plus trims.
    assert sum(by_brand.values()) == 16669
    assert by_brand == {("BYD", "BYD"): 15808, ("BYD", "AION"): 861}
    corrected_types = {row[0] for row in warehouse.sql(
        "select distinct type from staging.stg_gaikindo__model_wholesales where brand <> brand_corrected").fetchall()}
    assert corrected_types == {"AION Y PLUSEXCLUSIVE", "AION Y PLUSPREMIUM"}


def test_gaikindo_production_country_is_indonesia_for_ckd_rows_from_indonesia(warehouse):
    ckd_indonesia = warehouse.sql("select distinct assembled_in, built_up_disagrees_with_origin "
                                  "from staging.stg_gaikindo__model_wholesales "
                                  "where built_up = 'CKD' and origin_iso3 = 'IDN'").fetchall()
    assert ckd_indonesia == [("IDN", False)]
    imported_chinese = warehouse.sql("select distinct assembled_in from staging.stg_gaikindo__model_wholesales "
                                     "where built_up = 'CBU' and origin_iso3 = 'CHN'").fetchall()
    assert imported_chinese == [("CHN",)]
    # Some of Mitsubishi's XFORCE rows are filed CBU with origin Indonesia: kept at their origin, flagged.
    xforce = set(warehouse.sql("select distinct built_up, assembled_in, built_up_disagrees_with_origin "
                               "from staging.stg_gaikindo__model_wholesales where model = 'XFORCE'").fetchall())
    assert xforce == {("CKD", "IDN", False), ("CBU", "IDN", True)}


def test_lta_staging_keeps_every_registration_in_singapore(warehouse):
    rows, registrations, markets = _one(warehouse, "select count(*), sum(registrations), list(distinct market_code) "
                                                   "from staging.stg_lta__registrations_by_make")
    assert (rows, registrations, markets) == (38013, 473455, ["SGP"])
    mapping = dict(warehouse.sql("select distinct powertrain, catalogue_powertrain "
                                 "from staging.stg_lta__registrations_by_make").fetchall())
    assert mapping == CATALOGUE_POWERTRAIN_OF
    years = _one(warehouse, "select min(year), max(year) from staging.stg_lta__registrations_by_make")
    assert years == (2016, 2023)


def test_open_ev_data_staging_has_one_row_per_trim_in_the_catalogues_vocabularies(warehouse):
    trims, distinct_ids, bev, phev, erev_as_phev, undecided = _one(warehouse, """
        select count(*), count(distinct trim_id), count(*) filter (where powertrain = 'BEV'),
               count(*) filter (where powertrain = 'PHEV'),
               count(*) filter (where open_ev_data_powertrain = 'EREV' and powertrain = 'PHEV'),
               count(*) filter (where powertrain is null)
        from staging.stg_open_ev_data__trims""")
    assert (trims, distinct_ids, bev, phev, erev_as_phev, undecided) == (424, 424, 402, 20, 1, 2)
    powertrains = {row[0] for row in warehouse.sql("select distinct powertrain from staging.stg_open_ev_data__trims "
                                                   "where powertrain is not null").fetchall()}
    assert powertrains <= set(POWERTRAINS)
    chemistry = {(published, mapped, unspecified): count for published, mapped, unspecified, count in warehouse.sql(
        "select battery_chemistry_as_published, battery_chemistry, battery_chemistry_unspecified, count(*) "
        "from staging.stg_open_ev_data__trims group by all").fetchall()}
    assert chemistry == {("lfp", "LFP", False): 201, ("nmc", "NMC", False): 131, ("li-ion", None, True): 92}
    assert {"LFP", "NMC"} <= set(CHEMISTRIES)
    columns = {row[0] for row in warehouse.sql("select column_name from information_schema.columns "
                                               "where table_name = 'stg_open_ev_data__trims'").fetchall()}
    assert not {column for column in columns if "consumption" in column or "wh_per_km" in column}


def test_an_unknown_chemistry_fails_every_reader_of_the_staging_model_naming_field_and_trim(refreshed_data_dir, tmp_path):
    """The staging model is a view: its first reader (the contract check, a downstream model) fails."""
    database = tmp_path / "greenbridge.duckdb"
    shutil.copy(refreshed_data_dir / "warehouse" / "greenbridge.duckdb", database)
    with duckdb.connect(str(database)) as connection:
        trim_id = connection.sql("update raw.open_ev_data__trims set battery_chemistry = 'sodium-ion' "
                                 "where trim_id = (select min(trim_id) from raw.open_ev_data__trims) "
                                 "returning trim_id").fetchall()[0][0]
        with pytest.raises(duckdb.Error, match=f"battery_chemistry 'sodium-ion' of trim {trim_id} is not mapped"):
            connection.sql("select * from staging.stg_open_ev_data__trims").fetchall()
