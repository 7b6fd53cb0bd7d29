"""A full offline refresh materializes every asset and publishes Parquet matching the contracts."""

import json

import pyarrow.parquet as pq

from warehouse.contracts.registry import PUBLISHED_TABLES, contract_for
from warehouse.contracts.vocabularies import LIFE_CYCLE_STAGES, MARKET_CODES
from warehouse.quality.footprint_totals import core_boundary_sum



def _read(data_dir, table):
    return pq.read_table(data_dir / "published" / table / "part-0.parquet")


def test_published_tables_have_the_contract_schema(refreshed_data_dir):
    for table in PUBLISHED_TABLES:
        published = _read(refreshed_data_dir, table)
        contract = contract_for(table)
        assert published.schema.names == contract.column_names
        assert published.schema.equals(contract.to_pyarrow(), check_metadata=False)
        assert published.num_rows > 0


def test_footprint_has_every_model_in_every_market_and_year(refreshed_data_dir):
    footprint = _read(refreshed_data_dir, "fct_vehicle_footprint").to_pandas()
    models = _read(refreshed_data_dir, "dim_vehicle_model").to_pandas()["model_id"]
    assert len(models) >= 12
    assert set(footprint["market_code"]) == set(MARKET_CODES)
    years = sorted(footprint["registration_year"].unique())
    per_market = footprint.groupby("market_code").size()
    assert (per_market == len(models) * len(years)).all(), per_market.to_dict()
    assert set(footprint["powertrain"]) == {"ICEV", "HEV", "PHEV", "BEV"}


def test_stages_sum_to_total_and_bev_has_no_fuel_use(refreshed_data_dir):
    footprint = _read(refreshed_data_dir, "fct_vehicle_footprint").to_pandas()
    # total = the stages inside the core boundary (seed life_cycle_stages); all six sum to total_all_stages.
    assert set(footprint["core_boundary_stages"]) == {"raw_materials;production;fuel_production;fuel_use"}
    assert ((core_boundary_sum(footprint) - footprint["total_kg_co2e"]).abs() < 1e-6).all()
    every_stage = sum(footprint[f"{stage}_kg_co2e"] for stage in LIFE_CYCLE_STAGES)
    assert ((every_stage - footprint["total_all_stages_kg_co2e"]).abs() < 1e-6).all()
    per_km = footprint["total_kg_co2e"] * 1000 / footprint["lifetime_km"]
    assert ((per_km - footprint["total_g_co2e_per_km"]).abs() < 1e-9).all()
    bev = footprint[footprint["powertrain"] == "BEV"]
    assert (bev["fuel_use_kg_co2e"] == 0).all() and (bev["fuel_production_kg_co2e"] > 0).all()


def test_bev_footprint_follows_the_market_grid(refreshed_data_dir):
    footprint = _read(refreshed_data_dir, "fct_vehicle_footprint").to_pandas()
    bev = footprint[(footprint["model_id"] == "byd_atto3_60kwh_2023") & (footprint["registration_year"] == 2024)]
    by_market = bev.set_index("market_code")
    # Same car: the dirtier grid (Poland, coal) must give a larger electricity stage than the EU average.
    assert by_market.loc["POL", "market_grid_service_life_g_per_kwh"] > by_market.loc["EU27", "market_grid_service_life_g_per_kwh"]
    assert by_market.loc["POL", "fuel_production_kg_co2e"] > by_market.loc["EU27", "fuel_production_kg_co2e"]
    assert by_market.loc["POL", "production_kg_co2e"] == by_market.loc["EU27", "production_kg_co2e"]


def test_every_cited_factor_is_in_the_factor_dimension(refreshed_data_dir):
    footprint = _read(refreshed_data_dir, "fct_vehicle_footprint").to_pandas()
    factors = set(_read(refreshed_data_dir, "dim_emission_factor").to_pandas()["factor_id"])
    cited = {factor for ids in footprint["factor_ids"] for factor in ids.split(";")}
    assert cited - factors == set()


def test_publication_manifest_and_provenance(refreshed_data_dir):
    manifest = json.loads((refreshed_data_dir / "published" / "_manifest.json").read_text())
    assert set(manifest["tables"]) == set(PUBLISHED_TABLES)
    raw_files = list((refreshed_data_dir / "raw" / "sha256").rglob("*"))
    assert any(path.is_file() for path in raw_files), "raw bytes were not kept"


def test_every_source_landed_with_a_fetch_log_and_ember_wins_the_grid(refreshed_data_dir):
    import duckdb

    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        logged = {row[0] for row in connection.sql("select distinct table_name from raw.raw_fetch_log").fetchall()}
        assert {"owid_energy__grid_carbon_intensity", "ember__grid_carbon_intensity", "comtrade__china_car_exports",
                "comtrade__partner_areas", "eea_co2cars__registrations_by_model", "epa_fueleconomy__vehicles",
                "iea__electric_car_sales", "iea__electric_car_sales_share", "worldbank__indicators"} <= logged
        # China's HS 8703 exports to the world in 2023: 5.39 M units (reference in ../shared/docs/sources.md).
        units = connection.sql("select sum(quantity_units) from staging.stg_comtrade__china_car_exports "
                               "where is_world and year = 2023").fetchall()[0][0]
        assert abs(units - 5.39e6) / 5.39e6 < 0.005
        grid = dict(connection.sql("select area_code || '-' || year, grid_source from intermediate.int_grid__intensity_series "
                                   "where area_code in ('CHN', 'TKM')").fetchall())
    # Ember has China; only OWID has Turkmenistan.
    assert grid["CHN-2024"] == "ember" and grid["TKM-2023"] == "owid"
