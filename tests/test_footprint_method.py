"""The footprint method, checked against hand computations from the seeds (golden cases: a petrol
car, a BEV, a PHEV), and its invariants, through ``greenbridge footprint`` (the dbt macro, compiled
once, on a one-row input) against the publication of the offline refresh.

The hand computations below read every parameter from the seed CSVs and the grid observations
from the warehouse; they restate the method in plain arithmetic so a change in the SQL that moves
a number shows up here."""

import json
import math
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from orchestration.calculator.compute import FootprintRequest, compute_footprint
from orchestration.calculator.reference import REFERENCE_FILE, build_reference, discard
from orchestration.calculator.spec import parse_spec
from orchestration.cli import main as greenbridge_main
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DBT_PROJECT_DIR, DataPaths
from warehouse.publish import publish_tables

SEEDS = DBT_PROJECT_DIR / "seeds"
RELATIVE = 1e-9


class Seeds:
    def __init__(self):
        self.factors = pd.read_csv(SEEDS / "emission_factors.csv").set_index("factor_id")["value"]
        self.parameters = pd.read_csv(SEEDS / "method_parameters.csv").set_index("parameter_id")["value"]
        self.lifetime = pd.read_csv(SEEDS / "market_lifetime.csv").set_index("market_code")
        self.uplift = pd.read_csv(SEEDS / "consumption_uplift.csv").set_index("uplift_id")["uplift_factor"]
        self.utility = pd.read_csv(SEEDS / "phev_utility_factor.csv")
        self.stages = pd.read_csv(SEEDS / "life_cycle_stages.csv")
        composition = pd.read_csv(SEEDS / "material_composition.csv")
        composition = composition[(composition["powertrain"] == "*") & (composition["segment"] == "*")]
        self.glider_kg_per_kg = float(
            (composition["mass_lb_per_vehicle"] * composition["factor_id"].map(self.factors)).sum()
            / composition["mass_lb_per_vehicle"].sum()
        )

    def p(self, parameter_id: str) -> float:
        return float(self.parameters[parameter_id])

    def f(self, factor_id: str) -> float:
        return float(self.factors[factor_id])

    def core(self) -> list[str]:
        return list(self.stages.loc[self.stages["in_core_boundary"], "stage"])

    def curve(self, name: str, range_km: float) -> float:
        points = self.utility[self.utility["curve"] == name].sort_values("electric_range_km")
        return float(np.interp(range_km, points["electric_range_km"], points["utility_factor"]))

    def per_litre(self, fuel: str) -> tuple[float, float]:
        """(tank-to-wheel, well-to-tank) kg CO2e per litre."""
        mj_per_litre = self.p(f"density_{fuel}") * self.p(f"ncv_{fuel}")
        ttw = mj_per_litre * (self.f(f"ef_{fuel}_combustion_co2") + self.f(f"ef_{fuel}_combustion_ch4") * self.p("gwp_ch4_fossil")
                              + self.f(f"ef_{fuel}_combustion_n2o") * self.p("gwp_n2o")) / 1e6
        wtt = mj_per_litre * self.f(f"ef_{fuel}_wtt") / 1000
        return ttw, wtt


@pytest.fixture(scope="module")
def seeds():
    return Seeds()


@pytest.fixture(scope="module")
def grid(refreshed_data_dir):
    """area -> {year: g/kWh} of the observations the warehouse holds (Ember, else OWID)."""
    with duckdb.connect(str(refreshed_data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        rows = connection.sql("select area_code, year, carbon_intensity_g_per_kwh "
                              "from intermediate.int_grid__carbon_intensity_observations").fetchall()
    series: dict[str, dict[int, float]] = {}
    for area, year, value in rows:
        series.setdefault(area, {})[year] = value
    return series


def latest(grid, area: str, year: int) -> float:
    observed = [y for y in grid[area] if y <= year]
    return grid[area][max(observed)]


def service_life_grid(grid, area: str, year: int, years: float) -> float:
    weights = [min(1.0, years - offset) for offset in range(math.ceil(years))]
    values = [latest(grid, area, year + offset) for offset in range(len(weights))]
    return sum(w * v for w, v in zip(weights, values)) / sum(weights)


def maintenance_common(seeds, lifetime_km: float, lifetime_years: float) -> float:
    tyres = (max(math.ceil(lifetime_km / seeds.p("tyre_lifetime_km")) - 1, 0) * seeds.p("tyres_per_vehicle")
             * seeds.p("tyre_mass_kg") * seeds.f("ef_tyre_production"))
    lead_acid = (max(math.ceil(lifetime_years / seeds.p("lead_acid_battery_lifetime_years")) - 1, 0)
                 * seeds.p("lead_acid_battery_mass_kg") * seeds.f("ef_lead_acid_battery"))
    return tyres + lead_acid


def oil(seeds, lifetime_km: float) -> float:
    return (math.floor(lifetime_km / seeds.p("oil_change_interval_km")) * seeds.p("engine_oil_litres_per_change")
            * seeds.f("ef_lubricating_oil"))


def assembly(seeds, grid, mass_kg: float, country: str, year: int) -> float:
    return mass_kg * (seeds.p("assembly_electricity_kwh_per_kg") * latest(grid, country, year) / 1000
                      + seeds.p("assembly_heat_mj_per_kg") * seeds.f("ef_heat_natural_gas"))


def battery_manufacturing(seeds, grid, kwh: float, country: str, year: int) -> float:
    return kwh * (seeds.p("battery_manufacturing_electricity_kwh_per_kwh") * latest(grid, country, year) / 1000
                  + seeds.p("battery_manufacturing_heat_mj_per_kwh") * seeds.f("ef_heat_natural_gas"))


def battery_life_km(seeds, chemistry: str, kwh: float, real_world_kwh_per_100km: float) -> float:
    """Distance a pack lasts: its cycle life x usable kWh over the electricity drawn per km (carculator)."""
    return (seeds.p(f"battery_cycle_life_{chemistry}") * kwh * seeds.p("battery_depth_of_discharge")
            / (real_world_kwh_per_100km / 100))


def compute(data_dir: Path, spec: dict, market: str, year: int, lifetime_km: float | None = None) -> dict:
    return compute_footprint(FootprintRequest(parse_spec(spec), market, year, lifetime_km), DataPaths.at(data_dir))


def assert_matches(result: dict, expected_stages: dict, seeds: Seeds) -> None:
    for stage, expected in expected_stages.items():
        assert result["stages_kg"][stage] == pytest.approx(expected, rel=RELATIVE), stage
    total = sum(expected_stages[stage] for stage in seeds.core())
    assert result["total_kg"] == pytest.approx(total, rel=RELATIVE)
    assert result["g_per_km"] == pytest.approx(total * 1000 / result["lifetime_km"], rel=RELATIVE)


PETROL = {"model": "Golden petrol SUV", "powertrain": "ICEV", "fuel": "petrol", "curb_mass_kg": 1350,
          "battery_kwh": 0, "battery_chemistry": None, "battery_production_country": None, "production_country": "CHN",
          "consumption": {"basis": "WLTP", "fuel_l_per_100km": 6.8, "electricity_kwh_per_100km": 0},
          "electric_range_km": None}
BEV = {"model": "Golden BEV", "powertrain": "BEV", "fuel": "electricity", "curb_mass_kg": 1764, "battery_kwh": 67.2,
       "battery_chemistry": "NMC622", "battery_production_country": "CHN", "production_country": "CHN",
       "consumption": {"basis": "WLTP", "fuel_l_per_100km": 0, "electricity_kwh_per_100km": 16.9},
       "electric_range_km": None}
PHEV = {"model": "Golden PHEV", "powertrain": "PHEV", "fuel": "petrol", "curb_mass_kg": 1850, "battery_kwh": 18.3,
        "battery_chemistry": "LFP", "battery_production_country": "CHN", "production_country": "CHN",
        "consumption": {"basis": "WLTP", "fuel_l_per_100km": 1.2, "electricity_kwh_per_100km": 15.0},
        "electric_range_km": 60}


def test_golden_petrol_car(refreshed_data_dir, seeds, grid):
    market, year, mass, litres = "POL", 2024, 1350, 6.8
    lifetime_km, lifetime_years = (float(seeds.lifetime.loc[market, column]) for column in ("lifetime_km", "lifetime_years"))
    real_world_l = litres * float(seeds.uplift["uplift_wltp_icev_fuel"])
    ttw, wtt = seeds.per_litre("petrol")
    expected = {
        "raw_materials": mass * seeds.glider_kg_per_kg,
        "production": assembly(seeds, grid, mass, "CHN", year),
        "fuel_production": lifetime_km / 100 * real_world_l * wtt,
        "fuel_use": lifetime_km / 100 * real_world_l * ttw,
        "maintenance": maintenance_common(seeds, lifetime_km, lifetime_years) + oil(seeds, lifetime_km),
        "end_of_life": mass * seeds.f("ef_vehicle_end_of_life"),
    }
    result = compute(refreshed_data_dir, PETROL, market, year)
    assert result["lifetime_km"] == lifetime_km and result["methodology_version"] == "0.2.1"
    assert_matches(result, expected, seeds)
    # The carbon balance of the fuel-use stage: petrol 22-24.5 g CO2/km per L/100 km.
    assert 22 <= expected["fuel_use"] * 1000 / lifetime_km / real_world_l <= 24.5


def test_golden_bev(refreshed_data_dir, seeds, grid):
    market, year, kwh, mass, consumption = "IDN", 2024, 67.2, 1764, 16.9
    lifetime_km, lifetime_years = (float(seeds.lifetime.loc[market, column]) for column in ("lifetime_km", "lifetime_years"))
    pack_kg = kwh * 1000 / seeds.p("pack_wh_per_kg_nmc622")
    glider_kg = mass - pack_kg
    battery_materials = kwh * seeds.f("ef_battery_materials_nmc622")
    battery_production = battery_manufacturing(seeds, grid, kwh, "CHN", year)
    real_world_kwh = consumption * float(seeds.uplift["uplift_wltp_bev_electricity"])
    replacements = max(math.ceil(lifetime_km / battery_life_km(seeds, "nmc622", kwh, real_world_kwh)) - 1, 0)
    expected = {
        "raw_materials": glider_kg * seeds.glider_kg_per_kg + battery_materials,
        "production": assembly(seeds, grid, glider_kg, "CHN", year) + battery_production,
        "fuel_production": lifetime_km / 100 * real_world_kwh * service_life_grid(grid, market, year, lifetime_years) / 1000
                           / (1 - seeds.p("grid_td_loss_share")),
        "fuel_use": 0.0,
        "maintenance": maintenance_common(seeds, lifetime_km, lifetime_years)
                       + replacements * (battery_materials + battery_production),
        "end_of_life": glider_kg * seeds.f("ef_vehicle_end_of_life")
                       + (1 + replacements) * pack_kg * seeds.f("ef_battery_end_of_life"),
    }
    assert_matches(compute(refreshed_data_dir, BEV, market, year), expected, seeds)


def test_golden_phev_splits_charge_depleting_and_sustaining(refreshed_data_dir, seeds, grid):
    market, year, kwh, mass, litres, electricity, range_km = "THA", 2024, 18.3, 1850, 1.2, 15.0, 60
    lifetime_km, lifetime_years = (float(seeds.lifetime.loc[market, column]) for column in ("lifetime_km", "lifetime_years"))
    fuel_uplift = float(seeds.uplift["uplift_wltp_phev_fuel"])
    electricity_uplift = float(seeds.uplift["uplift_wltp_phev_electricity"])
    type_approval_uf = seeds.curve("WLTP", range_km)
    real_world_uf = seeds.curve("REAL_WORLD", range_km / electricity_uplift)
    real_world_l = (1 - real_world_uf) * litres / (1 - type_approval_uf) * fuel_uplift
    real_world_kwh = real_world_uf * electricity / type_approval_uf * electricity_uplift
    pack_kg = kwh * 1000 / seeds.p("pack_wh_per_kg_lfp")
    glider_kg = mass - pack_kg
    battery_materials = kwh * seeds.f("ef_battery_materials_lfp")
    battery_production = battery_manufacturing(seeds, grid, kwh, "CHN", year)
    ttw, wtt = seeds.per_litre("petrol")
    replacements = max(math.ceil(lifetime_km / battery_life_km(seeds, "lfp", kwh, real_world_kwh)) - 1, 0)
    expected = {
        "raw_materials": glider_kg * seeds.glider_kg_per_kg + battery_materials,
        "production": assembly(seeds, grid, glider_kg, "CHN", year) + battery_production,
        "fuel_production": lifetime_km / 100 * (
            real_world_l * wtt
            + real_world_kwh * service_life_grid(grid, market, year, lifetime_years) / 1000 / (1 - seeds.p("grid_td_loss_share"))
        ),
        "fuel_use": lifetime_km / 100 * real_world_l * ttw,
        "maintenance": maintenance_common(seeds, lifetime_km, lifetime_years) + oil(seeds, lifetime_km)
                       + replacements * (battery_materials + battery_production),
        "end_of_life": glider_kg * seeds.f("ef_vehicle_end_of_life")
                       + (1 + replacements) * pack_kg * seeds.f("ef_battery_end_of_life"),
    }
    result = compute(refreshed_data_dir, PHEV, market, year)
    assert_matches(result, expected, seeds)
    # The real-world utility factor is below the type-approval one: more petrol than the label says.
    assert real_world_uf < type_approval_uf and real_world_l > litres


def test_bev_fuel_use_is_zero_everywhere_and_stages_sum_to_total(refreshed_data_dir, seeds):
    result = compute(refreshed_data_dir, BEV, "CHN", 2023)
    assert result["stages_kg"]["fuel_use"] == 0
    assert result["total_kg"] == pytest.approx(sum(result["stages_kg"][stage] for stage in seeds.core()), rel=RELATIVE)
    assert result["total_all_stages_kg"] == pytest.approx(sum(result["stages_kg"].values()), rel=RELATIVE)


def test_a_dirtier_grid_raises_only_the_bevs_fuel_production(refreshed_data_dir, tmp_path):
    dirty = tmp_path / "data"
    (dirty / "warehouse").mkdir(parents=True)
    shutil.copy(refreshed_data_dir / "warehouse" / "greenbridge.duckdb", dirty / "warehouse" / "greenbridge.duckdb")
    with duckdb.connect(str(dirty / "warehouse" / "greenbridge.duckdb")) as connection:
        connection.execute("update intermediate.int_grid__intensity_series "
                           "set carbon_intensity_g_per_kwh = carbon_intensity_g_per_kwh * 1.5 where area_code = 'POL'")
    # The calculator reads the publication's reference, so publish one built from the dirtier warehouse.
    paths = DataPaths.at(dirty)
    built = build_reference(paths, Warehouse(paths.warehouse_file), "dirty")
    publish_tables(paths, "dirty", {}, files={REFERENCE_FILE: built.path})
    discard(built)
    clean_bev, dirty_bev = (compute(data_dir, BEV, "POL", 2024) for data_dir in (refreshed_data_dir, dirty))
    assert dirty_bev["stages_kg"]["fuel_production"] > clean_bev["stages_kg"]["fuel_production"]
    for stage in set(clean_bev["stages_kg"]) - {"fuel_production"}:
        assert dirty_bev["stages_kg"][stage] == clean_bev["stages_kg"][stage], stage
    # A petrol car built in China does not use Poland's grid at all.
    assert compute(dirty, PETROL, "POL", 2024)["stages_kg"] == compute(refreshed_data_dir, PETROL, "POL", 2024)["stages_kg"]


def test_doubling_lifetime_km_keeps_production_per_vehicle_and_halves_it_per_km(refreshed_data_dir):
    single, double = (compute(refreshed_data_dir, BEV, "IDN", 2024, lifetime_km=km) for km in (150_000, 300_000))
    assert double["lifetime_km"] == 2 * single["lifetime_km"]
    for stage in ("raw_materials", "production"):
        assert double["stages_kg"][stage] == pytest.approx(single["stages_kg"][stage], rel=RELATIVE)
        assert double["stages_g_per_km"][stage] == pytest.approx(single["stages_g_per_km"][stage] / 2, rel=RELATIVE)


def test_a_pack_outlived_by_the_car_is_replaced_once_and_both_packs_reach_end_of_life(refreshed_data_dir, seeds, grid):
    real_world_kwh = 16.9 * float(seeds.uplift["uplift_wltp_bev_electricity"])
    life_km = battery_life_km(seeds, "nmc622", 67.2, real_world_kwh)
    within, beyond = (compute(refreshed_data_dir, BEV, "IDN", 2024, lifetime_km=km) for km in (life_km * 0.99, life_km * 1.01))
    pack_kg = 67.2 * 1000 / seeds.p("pack_wh_per_kg_nmc622")
    battery_eol = pack_kg * seeds.f("ef_battery_end_of_life")
    assert beyond["stages_kg"]["end_of_life"] - within["stages_kg"]["end_of_life"] == pytest.approx(battery_eol, rel=1e-6)
    second_pack = 67.2 * seeds.f("ef_battery_materials_nmc622") + battery_manufacturing(seeds, grid, 67.2, "CHN", 2024)
    # Tyres and lead-acid batteries are the same over both distances (18 tyre sets, the market's years).
    assert beyond["stages_kg"]["maintenance"] - within["stages_kg"]["maintenance"] == pytest.approx(second_pack, rel=1e-6)
    assert "battery_cycle_life_nmc622" in beyond["factor_ids"] and "battery_depth_of_discharge" in beyond["factor_ids"]


def test_cli_prints_the_specified_json(refreshed_data_dir, tmp_path, capsys):
    spec = tmp_path / "bev.json"
    spec.write_text(json.dumps(BEV))
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), "--market", "HUN", "--year", "2024",
                                  "--lifetime-km", "180000", "--json", "--data-dir", str(refreshed_data_dir)])
    assert exit_code == 0
    printed = json.loads(capsys.readouterr().out)
    assert {"market", "year", "lifetime_km", "methodology_version", "stages_kg", "total_kg", "g_per_km"} <= set(printed)
    assert set(printed["stages_kg"]) == {"raw_materials", "production", "fuel_production", "fuel_use", "maintenance", "end_of_life"}
    assert (printed["market"], printed["year"], printed["lifetime_km"]) == ("HUN", 2024, 180000.0)


@pytest.mark.parametrize("change, field", [
    (lambda spec: spec.pop("curb_mass_kg"), "'curb_mass_kg' is missing"),
    (lambda spec: spec.update(curb_mass_kg=-1200), "'curb_mass_kg': must be > 0"),
    (lambda spec: spec.update(battery_chemistry="NMC999"), "'battery_chemistry': unknown chemistry 'NMC999'"),
    (lambda spec: spec["consumption"].pop("basis"), "'consumption.basis' is missing"),
    (lambda spec: spec.update(powertrain="FCEV"), "'powertrain': 'FCEV' is not one of"),
])
def test_a_bad_spec_exits_non_zero_naming_the_field(refreshed_data_dir, tmp_path, capsys, change, field):
    document = json.loads(json.dumps(BEV))
    change(document)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document))
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024",
                                  "--data-dir", str(refreshed_data_dir)])
    assert exit_code == 2
    assert field in capsys.readouterr().err


def test_an_unknown_market_exits_non_zero_naming_it(refreshed_data_dir, tmp_path, capsys):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(BEV))
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), "--market", "ATL", "--year", "2024",
                                  "--data-dir", str(refreshed_data_dir)])
    assert exit_code == 2
    assert "--market: unknown market 'ATL'" in capsys.readouterr().err
