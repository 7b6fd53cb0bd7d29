"""The footprint ledger (fct_footprint_component): its components add up to every stage, sub-total
and total of every published footprint; factor_ids are exactly the ids behind its non-zero
components; each component is activity x factor; and a factor that goes missing leaves the
component unpriced, which DQ-PRICED names, instead of pricing it at zero."""

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from orchestration.checks.ledger_checks import describe, find_unpriced
from orchestration.checks.standard_rules import registration_years
from warehouse.contracts.vocabularies import LIFE_CYCLE_STAGES
from warehouse.dbt_profile import write_dbt_profile
from warehouse.paths import DBT_PROJECT_DIR, DataPaths

KEYS = ["model_id", "market_code", "registration_year"]


def _published(data_dir, table) -> pd.DataFrame:
    return pq.read_table(data_dir / "published" / table / "part-0.parquet").to_pandas()


@pytest.fixture(scope="module")
def ledger(refreshed_data_dir):
    return _published(refreshed_data_dir, "fct_footprint_component")


@pytest.fixture(scope="module")
def footprints(refreshed_data_dir):
    return _published(refreshed_data_dir, "fct_vehicle_footprint").set_index(KEYS)


def _close(left: pd.Series, right: pd.Series) -> pd.Series:
    return ((left - right).abs() <= 1e-9 * right.abs().clip(lower=1e-12)) | ((left == 0) & (right == 0))


def test_components_add_up_to_every_stage_and_total_of_every_footprint(ledger, footprints, refreshed_data_dir):
    variants = len(_published(refreshed_data_dir, "dim_vehicle_model"))
    markets = len(_published(refreshed_data_dir, "dim_market"))
    assert len(footprints) == variants * markets * len(registration_years()) > 6000
    assert ledger.groupby(KEYS).ngroups == len(footprints)
    by_stage = ledger.pivot_table(index=KEYS, columns="stage", values="kg_co2e", aggfunc="sum")
    for stage in LIFE_CYCLE_STAGES:
        assert _close(by_stage[stage], footprints[f"{stage}_kg_co2e"].reindex(by_stage.index)).all(), stage
    core = ledger[ledger["in_core_boundary"]].groupby(KEYS)["kg_co2e"].sum()
    assert _close(core, footprints["total_kg_co2e"].reindex(core.index)).all()
    everything = ledger.groupby(KEYS)["kg_co2e"].sum()
    assert _close(everything, footprints["total_all_stages_kg_co2e"].reindex(everything.index)).all()
    subtotals = {
        "battery_raw_materials_kg_co2e": ledger["component"] == "battery_materials",
        "battery_production_kg_co2e": ledger["quality_input"] == "battery_manufacturing",
        "maintenance_traction_battery_kg_co2e": ledger["component"].str.startswith("traction_battery_replacement"),
        "fuel_production_electricity_kg_co2e": ledger["quality_input"] == "electricity_supply",
    }
    for column, rows in subtotals.items():
        summed = ledger[rows].groupby(KEYS)["kg_co2e"].sum().reindex(footprints.index, fill_value=0.0)
        assert _close(summed, footprints[column]).all(), column


def test_each_component_is_its_activity_times_its_factor(ledger):
    active = ledger[ledger["activity_amount"] != 0]
    assert active["factor_value"].notna().all() and active["factor_id"].notna().all()
    assert _close(active["kg_co2e"], active["activity_amount"] * active["factor_value"]).all()
    assert (ledger.loc[ledger["activity_amount"] == 0, "kg_co2e"] == 0).all()
    # A BEV burns no fuel: its fuel components are there, at zero activity.
    bev = ledger[(ledger["model_id"] == "byd_seal_rwd_82kwh_2023") & ledger["component"].str.startswith("fuel_")]
    assert len(bev) > 0 and (bev["kg_co2e"] == 0).all()


def test_factor_ids_are_the_ids_behind_the_non_zero_components(ledger, footprints):
    active = ledger[ledger["activity_amount"] != 0]
    ids = (active["factor_id"].fillna("") + ";" + active["parameter_ids"].fillna("")).str.split(";")
    cited = ids.groupby([active[key] for key in KEYS]).agg(lambda lists: {i for ids in lists for i in ids if i})
    published = footprints["factor_ids"].str.split(";").map(set)
    assert (cited == published.reindex(cited.index)).all()


def test_a_missing_factor_leaves_its_component_unpriced_and_dq_priced_names_it(refreshed_data_dir, tmp_path):
    """Remove one emission factor from a copy of the warehouse and rebuild the footprint marts with
    dbt: the tyre component of every footprint has no kg CO2e, the maintenance stage is NULL (not
    smaller), and the check names footprint, component and factor."""
    copy = DataPaths.at(tmp_path / "data")
    copy.warehouse_file.parent.mkdir(parents=True)
    shutil.copy(refreshed_data_dir / "warehouse" / "greenbridge.duckdb", copy.warehouse_file)
    with duckdb.connect(str(copy.warehouse_file)) as connection:
        connection.execute("delete from parameters.emission_factors where factor_id = 'ef_tyre_production'")
    write_dbt_profile(copy)
    # dbt in its own process, as the refresh runs it (an in-process run keeps the DuckDB file open).
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run([
        str(dbt if dbt.exists() else "dbt"), "run", "--select", "fct_footprint_component", "fct_vehicle_footprint",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(copy.dbt_profiles_dir),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
    ], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    with duckdb.connect(str(copy.warehouse_file), read_only=True) as connection:
        unpriced = find_unpriced(connection)
        maintenance = connection.sql("select count(*) filter (where maintenance_kg_co2e is null), count(*) "
                                     "from marts.fct_vehicle_footprint").fetchall()[0]
    tyres_replaced = [row for row in unpriced if row["component"] == "tyres"]
    assert len(unpriced) == len(tyres_replaced) > 0
    assert maintenance[0] == len(tyres_replaced)  # every footprint replacing tyres: NULL, never a smaller stage
    message = describe(tyres_replaced[0])
    assert "tyres" in message and "ef_tyre_production has no value" in message
    assert f"{tyres_replaced[0]['model_id']} / {tyres_replaced[0]['market_code']}" in message
