"""The PACT export (products/pact.py, pact_command.py) on the session's refreshed publication: every
object validates against products/pact_schema.json with the jsonschema library, the numbers are the
marts' (pcf = raw materials + production, the extension's totals), ids are stable, decimals are
strings, a broken object fails the schema (both jsonschema and the export's compiled check), and the
command writes a file or refuses a bad selection with exit 2."""

from __future__ import annotations

import argparse
import copy
import json
import time
import uuid
from decimal import Decimal

import jsonschema
import pytest

from products import pact
from products.pact import (CompanySettings, PactExportError, PactSchemaError, load_schema, pact_json,
                           product_footprints, validate_footprints, write_pact_file)
from products.pact_command import add_pact_parser, export_command
from products.source import ProductSource

ROUNDING = Decimal("0.05")  # kg CO2e values carry one decimal


@pytest.fixture(scope="module")
def source(refreshed_data_dir):
    with ProductSource.from_publication(refreshed_data_dir) as opened:
        yield opened


@pytest.fixture(scope="module")
def footprints(source):
    return product_footprints(source)


@pytest.fixture(scope="module")
def schema_validator():
    schema = load_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def by_product(footprints):
    return {(footprint["productIds"][0].rsplit(":", 1)[1], footprint["extensions"][0]["data"]["registrationYear"]): footprint
            for footprint in footprints}


def run_export(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="greenbridge")
    add_pact_parser(parser.add_subparsers(dest="command", required=True))
    return export_command(parser.parse_args(["export", "pact", *argv]))


def test_one_footprint_per_model_year_and_every_one_validates(source, footprints, schema_validator):
    expected = source.one("select count(distinct (model_id, registration_year, methodology_version)) as n "
                          "from fct_vehicle_footprint")["n"]
    assert len(footprints) == expected > 0
    failures = [(footprint["id"], error.json_path, error.message)
                for footprint in footprints for error in schema_validator.iter_errors(footprint)]
    assert failures == []
    validate_footprints(footprints)  # the export's own compiled check agrees


@pytest.mark.parametrize("powertrain", ["BEV", "ICEV"])
def test_pcf_is_raw_materials_plus_production(source, by_product, powertrain):
    row = source.one(
        "select f.model_id, f.registration_year, f.raw_materials_kg_co2e + f.production_kg_co2e as cradle_to_gate, "
        "v.curb_mass_kg from fct_vehicle_footprint as f join dim_vehicle_model as v using (model_id) "
        "where f.powertrain = ? order by f.model_id, f.registration_year limit 1", [powertrain])
    assert row is not None, f"the publication has no {powertrain}"
    pcf = by_product[(row["model_id"], row["registration_year"])]["pcf"]
    assert abs(Decimal(pcf["pcfExcludingBiogenicUptake"]) - Decimal(repr(row["cradle_to_gate"]))) <= ROUNDING
    assert pcf["fossilGhgEmissions"] == pcf["pcfIncludingBiogenicUptake"] == pcf["pcfExcludingBiogenicUptake"]
    assert (pcf["declaredUnitOfMeasurement"], pcf["declaredUnitAmount"]) == ("piece", "1")
    assert Decimal(pcf["productMassPerDeclaredUnit"]) == Decimal(repr(row["curb_mass_kg"])).quantize(Decimal("0.1"))
    assert pcf["referencePeriodStart"] == f"{row['registration_year']}-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == f"{row['registration_year'] + 1}-01-01T00:00:00Z"


def test_extension_carries_every_market_and_the_marts_totals(source, by_product):
    rows = source.rows("select model_id, registration_year, market_code, total_kg_co2e, total_all_stages_kg_co2e, "
                       "fuel_use_kg_co2e from fct_vehicle_footprint")
    assert rows
    for row in rows:
        markets = by_product[(row["model_id"], row["registration_year"])]["extensions"][0]["data"]["markets"]
        entry = next(entry for entry in markets if entry["marketCode"] == row["market_code"])
        for key, column in (("coreBoundaryTotalKgCO2e", "total_kg_co2e"), ("allStagesTotalKgCO2e", "total_all_stages_kg_co2e"),
                            ("fuelUseKgCO2e", "fuel_use_kg_co2e")):
            assert abs(Decimal(entry[key]) - Decimal(repr(row[column]))) <= ROUNDING, (row, key)
    assert sum(len(footprint["extensions"][0]["data"]["markets"]) for footprint in by_product.values()) == len(rows)


def test_cradle_to_gate_split_and_four_stages_add_up(by_product):
    for footprint in by_product.values():
        data = footprint["extensions"][0]["data"]
        split = data["cradleToGate"]
        pcf = Decimal(footprint["pcf"]["pcfExcludingBiogenicUptake"])
        assert abs(Decimal(split["rawMaterialsKgCO2e"]) + Decimal(split["productionKgCO2e"]) - pcf) <= 2 * ROUNDING
        for entry in data["markets"]:
            four = pcf + Decimal(entry["fuelProductionKgCO2e"]) + Decimal(entry["fuelUseKgCO2e"])
            assert abs(four - Decimal(entry["coreBoundaryTotalKgCO2e"])) <= 3 * ROUNDING


def test_ids_are_stable_and_differ_between_models(refreshed_data_dir, footprints):
    with ProductSource.from_publication(refreshed_data_dir) as again:
        second = product_footprints(again)
    assert [footprint["id"] for footprint in second] == [footprint["id"] for footprint in footprints]
    assert pact_json(second) == pact_json(footprints)  # byte-identical: created is the publication's date
    ids = [footprint["id"] for footprint in footprints]
    assert len(set(ids)) == len(ids)
    first = footprints[0]
    other_model = next(footprint for footprint in footprints if footprint["productIds"] != first["productIds"])
    assert first["id"] != other_model["id"]
    assert uuid.UUID(first["id"]).version == 5


def test_decimals_are_strings_never_floats(footprints):
    def floats(value, path="$"):
        if isinstance(value, float):
            yield path
        elif isinstance(value, dict):
            for key, member in value.items():
                yield from floats(member, f"{path}.{key}")
        elif isinstance(value, list):
            for index, member in enumerate(value):
                yield from floats(member, f"{path}[{index}]")

    assert [path for footprint in footprints for path in floats(footprint)] == []
    pcf = footprints[0]["pcf"]
    for key in ("pcfExcludingBiogenicUptake", "productMassPerDeclaredUnit", "exemptedEmissionsPercent", "primaryDataShare"):
        assert isinstance(pcf[key], str)
        Decimal(pcf[key])
    assert all(isinstance(value, str) for value in pcf["dqi"].values())
    assert b"pcfExcludingBiogenicUptake\":\"" in pact_json(footprints[:1])


BREAKAGES = {
    "pcf as a JSON number": (lambda f: f["pcf"].__setitem__("pcfExcludingBiogenicUptake", 6234.1), ".pcf.pcfExcludingBiogenicUptake"),
    "v2 field name": (lambda f: f["pcf"].__setitem__("pCfExcludingBiogenic", "1.0"), ".pcf"),
    "DQR above 5": (lambda f: f["pcf"]["dqi"].__setitem__("temporalDQR", "5.5"), ".pcf.dqi.temporalDQR"),
    "alpha-3 country": (lambda f: f["pcf"].__setitem__("geographyCountry", "CHN"), ".pcf.geographyCountry"),
    "two geographies": (lambda f: f["pcf"].__setitem__("geographyRegionOrSubregion", "Eastern Asia"), ".pcf"),
    "company id not a URN": (lambda f: f.__setitem__("companyIds", ["BYD"]), ".companyIds[0]"),
    "missing pcf": (lambda f: f.pop("pcf"), ""),
    "extension total as a number": (
        lambda f: f["extensions"][0]["data"]["markets"][0].__setitem__("coreBoundaryTotalKgCO2e", 1.5),
        ".extensions[0].data.markets[0].coreBoundaryTotalKgCO2e"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_broken_object_fails_the_schema(footprints, schema_validator, breakage):
    break_it, json_path = BREAKAGES[breakage]
    broken = copy.deepcopy(footprints[0])
    break_it(broken)
    assert not schema_validator.is_valid(broken)
    with pytest.raises(PactSchemaError) as raised:
        validate_footprints([footprints[1], broken])
    assert raised.value.footprint_id == broken["id"]
    assert raised.value.json_path == "$" + json_path


def test_market_filter_keeps_the_footprint_and_one_market(source, by_product):
    filtered = product_footprints(source, market="tha", year=2024)
    assert filtered
    for footprint in filtered:
        data = footprint["extensions"][0]["data"]
        assert [entry["marketCode"] for entry in data["markets"]] == ["THA"]
        whole = by_product[(footprint["productIds"][0].rsplit(":", 1)[1], 2024)]
        assert footprint["id"] == whole["id"] and footprint["pcf"] == whole["pcf"]


def test_company_settings_override_the_make(source, monkeypatch):
    default = product_footprints(source, market="THA", year=2024)[0]
    assert default["companyIds"] == [f"urn:greenbridge:company:{pact.slug(default['companyName'])}"]
    given = CompanySettings("Greenbridge Test Motors", ("urn:example:company:42",))
    assert {(f["companyName"], tuple(f["companyIds"])) for f in product_footprints(source, "THA", 2024, given)} == \
        {("Greenbridge Test Motors", ("urn:example:company:42",))}
    monkeypatch.setenv(pact.COMPANY_NAME_ENV, "Env Motors")
    monkeypatch.setenv(pact.COMPANY_IDS_ENV, "urn:example:company:1, urn:example:company:2")
    from_env = product_footprints(source, "THA", 2024)[0]
    assert (from_env["companyName"], from_env["companyIds"]) == ("Env Motors", ["urn:example:company:1", "urn:example:company:2"])
    with pytest.raises(ValueError):
        CompanySettings("X", ("not-a-urn",))


def test_an_unmapped_production_country_fails_loudly(source, monkeypatch):
    country = source.one("select production_country from dim_vehicle_model order by model_id limit 1")["production_country"]
    monkeypatch.delitem(pact.ALPHA3_TO_ALPHA2, country)
    with pytest.raises(PactExportError, match=country):
        product_footprints(source)


def test_command_writes_a_file_and_refuses_a_bad_selection(refreshed_data_dir, tmp_path, capsys):
    out = tmp_path / "pact.json"
    assert run_export("--data-dir", str(refreshed_data_dir), "--market", "IDN", "--year", "2024", "--out", str(out),
                      "--company-name", "Greenbridge Test Motors", "--company-id", "urn:example:company:42") == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written and {entry["marketCode"] for f in written for entry in f["extensions"][0]["data"]["markets"]} == {"IDN"}
    assert {f["companyName"] for f in written} == {"Greenbridge Test Motors"}
    capsys.readouterr()
    assert run_export("--data-dir", str(refreshed_data_dir), "--market", "sgp", "--year", "2023") == 0  # stdout
    printed = json.loads(capsys.readouterr().out)
    assert printed and {entry["marketCode"] for f in printed for entry in f["extensions"][0]["data"]["markets"]} == {"SGP"}
    refused = tmp_path / "refused.json"
    assert run_export("--data-dir", str(refreshed_data_dir), "--market", "XYZ", "--out", str(refused)) == 2
    assert run_export("--data-dir", str(refreshed_data_dir), "--year", "1999", "--out", str(refused)) == 2
    assert run_export("--data-dir", str(refreshed_data_dir), "--company-id", "urn:example:company:42") == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert len(errors) == 3 and "unknown market XYZ" in errors[0] and "1999" in errors[1]
    assert not refused.exists()


def test_command_writes_nothing_when_an_object_fails_the_schema(refreshed_data_dir, tmp_path, capsys, monkeypatch):
    real = pact.product_footprints

    def one_broken(*args, **kwargs):
        found = real(*args, **kwargs)
        found[-1]["pcf"]["dqi"]["technologicalDQR"] = "0.5"
        return found

    monkeypatch.setattr(pact, "product_footprints", one_broken)
    out = tmp_path / "never.json"
    assert run_export("--data-dir", str(refreshed_data_dir), "--year", "2024", "--out", str(out)) == 1
    message = capsys.readouterr().err
    assert "$.pcf.dqi.technologicalDQR" in message and "ProductFootprint " in message
    assert not out.exists()


def test_write_pact_file_of_a_whole_publication(source, tmp_path):
    started = time.perf_counter()
    count = write_pact_file(source, tmp_path / "pact" / "product_footprints.json")
    elapsed = time.perf_counter() - started
    written = json.loads((tmp_path / "pact" / "product_footprints.json").read_bytes().decode("utf-8"))
    assert count == len(written) > 0
    print(f"write_pact_file: {count} footprints in {elapsed:.2f} s")
    assert elapsed < 5  # ~0.6 s on an idle machine; generous for a loaded CI runner
