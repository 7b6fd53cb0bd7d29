"""One home for each fact: the markets, the life-cycle stages, the quality levels of a DQR, the
plausibility bounds and the contract check's name are each defined once; everything else is
generated from that definition, or checked against it here."""

from __future__ import annotations

import ast
import csv

from connectors import ember, worldbank
from orchestration.checks.standard_rules import data_quality_expectations
from warehouse.contracts.marts import DIM_VEHICLE_MODEL, FCT_VEHICLE_FOOTPRINT, STAGE_DESCRIPTIONS, STAGES
from warehouse.contracts.quality import FCT_FOOTPRINT_DATA_QUALITY
from warehouse.contracts.registry import CONTRACTS
from warehouse.contracts.seeds import VEHICLE_CATALOGUE
from warehouse.contracts.vocabularies import (
    LIFE_CYCLE_STAGE_ROWS,
    LIFE_CYCLE_STAGES,
    MARKET_CODES,
    MARKETS,
    QUALITY_LEVEL_BOUNDS,
    QUALITY_LEVELS,
    dbt_vars,
    read_seed,
)
from warehouse.paths import DBT_PROJECT_DIR, DEFAULT_SNAPSHOT_DIR
from warehouse.quality.rules import CURB_MASS_KG, GRID_INTENSITY_G_PER_KWH, QualitySettings, rule
from tests.test_imports import project_modules

# Names that must be assigned at module level in exactly one project module.
SINGLE_HOMES = {
    "POWERTRAINS": "warehouse.contracts.vocabularies",
    "FUELS": "warehouse.contracts.vocabularies",
    "CONSUMPTION_BASES": "warehouse.contracts.vocabularies",
    "CHEMISTRIES": "warehouse.contracts.vocabularies",
    "CONFIDENCE_TAGS": "warehouse.contracts.vocabularies",
    "ISO3_PATTERN": "warehouse.contracts.vocabularies",
    "MARKET_CODES": "warehouse.contracts.vocabularies",
    "LIFE_CYCLE_STAGES": "warehouse.contracts.vocabularies",
    "QUALITY_LEVELS": "warehouse.contracts.vocabularies",
    "CONTRACT_CHECK_NAME": "warehouse.contracts.validation",
    "CONTRACT_RULE_ID": "warehouse.contracts.validation",
    "CURB_MASS_KG": "warehouse.quality.rules",
    "GRID_INTENSITY_G_PER_KWH": "warehouse.quality.rules",
    "BEV_CONSUMPTION_KWH_PER_100KM": "warehouse.quality.rules",
    "CARBON_BALANCE_G_PER_KM_PER_L_PER_100KM": "warehouse.quality.rules",
}


def _module_level_names(path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(element, ast.Name):
                    names.add(element.id)
    return names


def test_each_shared_fact_is_assigned_in_one_module_only():
    homes: dict[str, list[str]] = {name: [] for name in SINGLE_HOMES}
    for module, path in project_modules().items():
        for name in _module_level_names(path) & set(SINGLE_HOMES):
            homes[name].append(module)
    assert homes == {name: [module] for name, module in SINGLE_HOMES.items()}


def test_the_dbt_stage_var_lists_the_seed_stages_in_order():
    assert list(dbt_vars()["life_cycle_stages"]) == list(LIFE_CYCLE_STAGES)
    assert [stage.order for stage in LIFE_CYCLE_STAGE_ROWS] == list(range(1, len(LIFE_CYCLE_STAGES) + 1))
    assert set(STAGE_DESCRIPTIONS) == set(LIFE_CYCLE_STAGES), "a stage described in marts.py that the seed lacks"
    assert [stage for stage, _ in STAGES] == [*LIFE_CYCLE_STAGES, "total", "total_all_stages"]
    assert FCT_VEHICLE_FOOTPRINT.column("total_kg_co2e")


def test_markets_come_from_the_seed_and_each_source_code_from_its_row():
    rows = read_seed("markets")
    assert list(MARKET_CODES) == [row["market_code"] for row in rows]
    for name, contract in CONTRACTS.items():
        for column in contract.columns:
            if column.name in ("market_code", "market_area") and column.allowed_values is not None:
                assert tuple(column.allowed_values) == MARKET_CODES, f"{name}.{column.name}"
    countries = [market for market in MARKETS if market.iso3]
    aggregates = [market for market in MARKETS if not market.iso3]
    assert [market.code for market in aggregates] == ["EU27"]
    assert ember.MARKET_ENTITY_CODES == tuple(market.iso3 for market in countries)
    assert ember.EU_ENTITY == aggregates[0].ember_entity == "EU"
    assert worldbank.MARKET_COUNTRY_CODES == tuple(market.worldbank_code for market in MARKETS)
    assert all(market.worldbank_code == market.iso3 for market in countries)


def test_the_seed_agrees_with_the_snapshot_crosswalk_of_source_codes():
    with open(DEFAULT_SNAPSHOT_DIR / "market_code_crosswalk.csv", newline="", encoding="utf-8") as handle:
        crosswalk = {row["market"]: row for row in csv.DictReader(handle)}
    for market in MARKETS:
        row = crosswalk[market.name]
        assert (row["iso3"] or None, row["worldbank_code"], row["owid_country_name"]) == (
            market.iso3, market.worldbank_code, market.owid_entity), market.code
        asked = f"entity_code={market.iso3}" if market.iso3 else f"entity={market.ember_entity}"
        assert row["ember_api_param"] == asked, market.code


def test_quality_levels_are_the_dbt_var_everywhere():
    assert QUALITY_LEVELS == ("excellent", "very good", "good", "fair", "poor")
    assert [bound for _, bound in QUALITY_LEVEL_BOUNDS][-1] is None
    bounds = [bound for _, bound in QUALITY_LEVEL_BOUNDS[:-1]]
    assert bounds == sorted(bounds)
    assert FCT_FOOTPRINT_DATA_QUALITY.column("quality_level").allowed_values == QUALITY_LEVELS
    macro = (DBT_PROJECT_DIR / "macros" / "quality" / "data_quality_rating.sql").read_text(encoding="utf-8")
    body = macro[macro.index("{% macro quality_level"):]
    assert "var('dqr_quality_levels')" in body
    assert not [level for level in QUALITY_LEVELS if f"'{level}'" in body], "a level spelled out in the macro"
    rating = data_quality_expectations(QualitySettings(), current_year=2026)["DQ-DQR"]
    value_sets = [expectation.value_set for expectation in rating if getattr(expectation, "column", None) == "quality_level"
                  and hasattr(expectation, "value_set")]
    assert value_sets == [list(QUALITY_LEVELS)]


def test_contract_ranges_that_are_plausibility_bounds_are_the_rules_bounds():
    for contract in (VEHICLE_CATALOGUE, DIM_VEHICLE_MODEL):
        column = contract.column("curb_mass_kg")
        assert (column.min_value, column.max_value) == CURB_MASS_KG
    for name in ("market_grid_service_life_g_per_kwh", "production_grid_intensity_g_per_kwh",
                 "battery_grid_intensity_g_per_kwh"):
        column = FCT_VEHICLE_FOOTPRINT.column(name)
        assert (column.min_value, column.max_value) == GRID_INTENSITY_G_PER_KWH, name
    requirement = rule("DQ-PLAUSIBILITY").requirement
    assert f"{CURB_MASS_KG[0]:,g}-{CURB_MASS_KG[1]:,g} kg" in requirement
    assert f"{GRID_INTENSITY_G_PER_KWH[0]:,g}-{GRID_INTENSITY_G_PER_KWH[1]:,g} g/kWh" in requirement
