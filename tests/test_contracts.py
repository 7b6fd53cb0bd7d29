"""Table contracts: one definition generates pandera, pyarrow and dbt docs, and they agree."""

import pandas as pd
import pytest

from warehouse.contracts.dbt_properties import expected_files
from warehouse.contracts.raw_owid_energy import RAW_OWID_GRID_INTENSITY
from warehouse.contracts.registry import CONTRACTS
from warehouse.contracts.validation import ContractViolation, validate_frame
from warehouse.paths import DBT_PROJECT_DIR

GOOD_ROW = {
    "country": "Indonesia",
    "iso_code": "IDN",
    "year": 2023,
    "carbon_intensity_elec_g_per_kwh": 682.43,
    "source_sha256": "0" * 64,
}


def test_a_good_row_passes():
    validated = validate_frame(RAW_OWID_GRID_INTENSITY, pd.DataFrame([GOOD_ROW]))
    assert validated["year"].dtype == "Int64"


def test_negative_intensity_is_rejected_naming_column_and_rule():
    bad = pd.DataFrame([GOOD_ROW, {**GOOD_ROW, "year": 2024, "carbon_intensity_elec_g_per_kwh": -5.0}])
    with pytest.raises(ContractViolation) as error:
        validate_frame(RAW_OWID_GRID_INTENSITY, bad)
    message = str(error.value)
    assert "owid_energy__grid_carbon_intensity" in message
    assert "carbon_intensity_elec_g_per_kwh" in message and "greater_than_or_equal_to(0)" in message
    assert "-5.0" in message


def test_bad_iso_code_and_duplicate_key_are_rejected():
    bad = pd.DataFrame([GOOD_ROW, GOOD_ROW, {**GOOD_ROW, "country": "X", "iso_code": "Indonesia"}])
    with pytest.raises(ContractViolation) as error:
        validate_frame(RAW_OWID_GRID_INTENSITY, bad)
    columns = {failure["column"] for failure in error.value.failures}
    assert "iso_code" in columns
    assert any("duplicate" in failure["check"] or failure["column"] in ("country", "year") for failure in error.value.failures)


def test_pyarrow_and_pandera_schemas_list_the_same_columns():
    for contract in CONTRACTS.values():
        assert contract.to_pyarrow().names == contract.column_names
        assert list(contract.to_pandera().columns) == contract.column_names


def test_committed_dbt_properties_are_generated_from_the_contracts():
    for path, text in expected_files().items():
        assert path.read_text() == text, f"{path} is stale: run `make docs-contracts`"


def test_every_staging_model_has_a_staging_contract():
    models = {path.stem for path in (DBT_PROJECT_DIR / "models" / "staging").glob("stg_*.sql")}
    contracts = {name for name, contract in CONTRACTS.items() if contract.layer == "staging"}
    assert models, "no staging models found"
    assert models - contracts == set(), "staging models without a staging contract"
    assert contracts - models == set(), "staging contracts without a model"


def test_a_unit_outside_the_vocabulary_is_refused_naming_it():
    from warehouse.contracts.schema import Column

    with pytest.raises(ValueError, match=r"unit 'kgCO2/kWh' is not in the units vocabulary"):
        Column("factor", "float64", "A factor", unit="kgCO2/kWh")
    factors = CONTRACTS["emission_factors"]
    assert "kg CO2e/kWh" in factors.column("unit").allowed_values
