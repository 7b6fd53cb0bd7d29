"""``greenbridge footprint`` refuses every input it cannot compute before it opens the warehouse:
exit 2 with the field named, never a traceback, never a late dbt failure (exit 1), never invalid
JSON. Codes match whole (no trailing newline), numbers are finite and inside the contracts'
plausible ranges, the model name is short plain text.

The command-line cases run the real entry point against a data dir that does not exist: an exit 2
there shows the check ran before the warehouse was needed. Spec rules are checked on parse_spec.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.calculator import command
from orchestration.calculator.spec import SpecError, check_arguments, parse_spec
from orchestration.cli import main as greenbridge_main

BEV = {"model": "Validation BEV", "powertrain": "BEV", "fuel": "electricity", "curb_mass_kg": 1764, "battery_kwh": 67.2,
       "battery_chemistry": "NMC622", "battery_production_country": "CHN", "production_country": "CHN",
       "consumption": {"basis": "WLTP", "fuel_l_per_100km": 0, "electricity_kwh_per_100km": 16.9},
       "electric_range_km": None}
PHEV = {"model": "Validation PHEV", "powertrain": "PHEV", "fuel": "petrol", "curb_mass_kg": 1850, "battery_kwh": 18.3,
        "battery_chemistry": "LFP", "battery_production_country": "CHN", "production_country": "CHN",
        "consumption": {"basis": "WLTP", "fuel_l_per_100km": 1.2, "electricity_kwh_per_100km": 15.0},
        "electric_range_km": 60}
HUGE_INTEGER = "9" * 401


def short_id(value) -> str:
    """A readable test id for values that are huge on purpose."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"int_of_{value.bit_length()}_bits"
    text = str(value) if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= 24 else f"{text[:12]}..{len(text)}_chars"


def spec_with(**changes) -> dict:
    document = json.loads(json.dumps(BEV))
    for key, value in changes.items():
        if key.startswith("consumption."):
            document["consumption"][key.split(".", 1)[1]] = value
        else:
            document[key] = value
    return document


def run_cli(tmp_path, spec_text: str, *arguments: str) -> tuple[int, Path]:
    spec = tmp_path / "spec.json"
    spec.write_text(spec_text, encoding="utf-8")
    data_dir = tmp_path / "no-warehouse-here"
    options = list(arguments)
    for option, default in (("--market", "IDN"), ("--year", "2024")):
        if not any(given == option or given.startswith(option + "=") for given in options):
            options += [option, default]
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), *options, "--data-dir", str(data_dir)])
    return exit_code, data_dir


def assert_usage_error(capsys, exit_code: int, data_dir: Path, *phrases: str) -> None:
    captured = capsys.readouterr()
    assert exit_code == 2, captured.err
    assert captured.out == ""
    assert captured.err.startswith("greenbridge footprint: "), captured.err
    for phrase in phrases:
        assert phrase in captured.err, captured.err
    assert not data_dir.exists(), "validation must not need (or touch) the warehouse"


# ---- the command line: exit codes and messages ----------------------------------------------

def test_a_valid_spec_gets_past_validation_to_the_missing_warehouse(tmp_path, capsys):
    """The control case: the same inputs, valid, reach the warehouse (absent here: exit 1)."""
    exit_code, _ = run_cli(tmp_path, json.dumps(BEV), "--lifetime-km", "180000")
    assert exit_code == 1
    assert "run `greenbridge refresh` first" in capsys.readouterr().err


@pytest.mark.parametrize("field, value", [
    ("production_country", "CHN\n"),
    ("battery_production_country", "CHN\n"),
    ("battery_chemistry", "NMC622\n"),
    ("segment", "medium_suv\n"),
])
def test_a_code_with_a_trailing_newline_exits_2(tmp_path, capsys, field, value):
    exit_code, data_dir = run_cli(tmp_path, json.dumps(spec_with(**{field: value})))
    assert_usage_error(capsys, exit_code, data_dir, f"spec field '{field}'")


@pytest.mark.parametrize("lifetime", ["inf", "-inf", "nan", "1e999", HUGE_INTEGER, "0", "-150000", "999", "2000001"], ids=short_id)
def test_a_lifetime_that_is_not_finite_or_implausible_exits_2(tmp_path, capsys, lifetime):
    # --lifetime-km=VALUE: argparse would take a separate "-inf" for an option
    exit_code, data_dir = run_cli(tmp_path, json.dumps(BEV), f"--lifetime-km={lifetime}")
    assert_usage_error(capsys, exit_code, data_dir, "--lifetime-km: ")


@pytest.mark.parametrize("lifetime", ["1000", "2000000"])
def test_the_lifetime_bounds_are_inclusive(tmp_path, capsys, lifetime):
    exit_code, _ = run_cli(tmp_path, json.dumps(BEV), "--lifetime-km", lifetime)
    assert exit_code == 1 and "run `greenbridge refresh` first" in capsys.readouterr().err


@pytest.mark.parametrize("year", ["2014", "2101", "-2024", HUGE_INTEGER], ids=short_id)
def test_a_year_outside_the_footprint_table_exits_2(tmp_path, capsys, year):
    exit_code, data_dir = run_cli(tmp_path, json.dumps(BEV), f"--year={year}")
    assert_usage_error(capsys, exit_code, data_dir, "--year: expected a registration year between 2015 and 2100")


@pytest.mark.parametrize("market", ["ID N", "IDN;", "'; drop table x; --", "I", "IDN\x1b[2J"])
def test_a_market_that_is_not_a_code_exits_2(tmp_path, capsys, market):
    exit_code, data_dir = run_cli(tmp_path, json.dumps(BEV), "--market", market)
    assert_usage_error(capsys, exit_code, data_dir, "--market: expected a market code")


@pytest.mark.parametrize("spec_text, field", [
    (json.dumps(spec_with(curb_mass_kg=1e308)), "'curb_mass_kg': must be between 600 and 3,500 kg"),
    (json.dumps(BEV).replace('"curb_mass_kg": 1764', f'"curb_mass_kg": {HUGE_INTEGER}'),
     "'curb_mass_kg': expected a finite number"),
    (json.dumps(BEV).replace('"curb_mass_kg": 1764', '"curb_mass_kg": 1e999'), "'curb_mass_kg': expected a finite number"),
    (json.dumps(BEV).replace('"curb_mass_kg": 1764', '"curb_mass_kg": NaN'), "'curb_mass_kg': expected a finite number"),
    (json.dumps(BEV).replace('"battery_kwh": 67.2', '"battery_kwh": Infinity'), "'battery_kwh': expected a finite number"),
    (json.dumps(spec_with(**{"consumption.electricity_kwh_per_100km": 1e308})),
     "'consumption.electricity_kwh_per_100km': must be between"),
], ids=short_id)
def test_a_number_that_is_not_finite_or_implausible_exits_2_without_infinity_in_the_output(tmp_path, capsys,
                                                                                            spec_text, field):
    exit_code, data_dir = run_cli(tmp_path, spec_text, "--json")
    assert_usage_error(capsys, exit_code, data_dir, field)


def test_an_integer_past_pythons_digit_limit_exits_2(tmp_path, capsys):
    spec_text = json.dumps(BEV).replace('"curb_mass_kg": 1764', f'"curb_mass_kg": {"9" * 5000}')
    exit_code, data_dir = run_cli(tmp_path, spec_text)
    assert_usage_error(capsys, exit_code, data_dir, "cannot be read as a spec")


@pytest.mark.parametrize("model, phrase", [
    ("Seal\x1b[2J", "U+001B"),
    ("Seal\nFAKE: total 0 kg", "U+000A"),
    ("Seal\u202eLAES", "U+202E"),
    ("Seal\u2028Atto", "U+2028"),
    ("x" * 201, "at most 200 characters"),
], ids=short_id)
def test_a_model_name_with_control_characters_or_too_long_exits_2(tmp_path, capsys, model, phrase):
    exit_code, data_dir = run_cli(tmp_path, json.dumps(spec_with(model=model)))
    assert_usage_error(capsys, exit_code, data_dir, "spec field 'model'", phrase)


def test_a_lone_surrogate_in_the_model_name_exits_2(tmp_path, capsys):
    spec_text = json.dumps(BEV).replace('"Validation BEV"', '"Seal \\ud800"')
    exit_code, data_dir = run_cli(tmp_path, spec_text)
    assert_usage_error(capsys, exit_code, data_dir, "spec field 'model'", "U+D800")


@pytest.mark.parametrize("spec_bytes, phrase", [
    (b'{"model": "\xff"}', "is not UTF-8 text"),
    (b"[" * 100_000, "larger than"),
    (b"[" * 30_000 + b"]" * 30_000, "cannot be read as a spec"),
    (b"{" + b" " * 70_000 + json.dumps(BEV).encode()[1:], "larger than 65,536 bytes"),
], ids=short_id)
def test_a_spec_file_that_is_not_a_small_json_text_exits_2(tmp_path, capsys, spec_bytes, phrase):
    spec = tmp_path / "spec.json"
    spec.write_bytes(spec_bytes)
    data_dir = tmp_path / "no-warehouse-here"
    exit_code = greenbridge_main(["footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024",
                                  "--data-dir", str(data_dir)])
    assert_usage_error(capsys, exit_code, data_dir, phrase)


def test_a_spec_path_that_is_a_directory_exits_2(tmp_path, capsys):
    data_dir = tmp_path / "no-warehouse-here"
    exit_code = greenbridge_main(["footprint", "--spec", str(tmp_path), "--market", "IDN", "--year", "2024",
                                  "--data-dir", str(data_dir)])
    assert_usage_error(capsys, exit_code, data_dir, "cannot be read")


def test_the_console_script_exits_2_without_a_traceback(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(BEV).replace('"curb_mass_kg": 1764', f'"curb_mass_kg": {HUGE_INTEGER}'))
    script = Path(sys.executable).with_name("greenbridge")
    if not script.exists():
        pytest.skip("the greenbridge console script is not installed next to this python")
    done = subprocess.run([str(script), "footprint", "--spec", str(spec), "--market", "IDN", "--year", "2024",
                           "--lifetime-km", "inf", "--data-dir", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.startswith("greenbridge footprint: --lifetime-km"), done.stderr


# ---- the output: strict JSON only -----------------------------------------------------------

def _fake_result(total: float) -> dict:
    stages = ("raw_materials", "production", "fuel_production", "fuel_use", "maintenance", "end_of_life")
    return {"model": "Validation BEV", "market": "IDN", "year": 2024, "lifetime_km": 150000.0,
            "methodology_version": "0.2.0", "stages_kg": {stage: 1000.0 for stage in stages},
            "stages_g_per_km": {stage: 6.6 for stage in stages}, "total_kg": total, "g_per_km": 40.0,
            "core_boundary_stages": list(stages[:4]), "total_all_stages_kg": 6000.0, "factor_ids": ["ef_x"]}


def _strict_json(text: str):
    def refuse(constant):
        raise AssertionError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("json_flag", [True, False])
def test_a_non_finite_result_is_a_failure_not_invalid_json(tmp_path, capsys, monkeypatch, json_flag):
    monkeypatch.setattr(command, "compute_footprint", lambda request, paths: _fake_result(float("inf")))
    exit_code, _ = run_cli(tmp_path, json.dumps(BEV), *(["--json"] if json_flag else []))
    captured = capsys.readouterr()
    assert exit_code == 1 and captured.out == ""
    assert "not finite" in captured.err


def test_the_json_output_is_strict_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(command, "compute_footprint", lambda request, paths: _fake_result(4000.0))
    exit_code, _ = run_cli(tmp_path, json.dumps(BEV), "--json")
    assert exit_code == 0
    assert _strict_json(capsys.readouterr().out)["total_kg"] == 4000.0


# ---- parse_spec and check_arguments ---------------------------------------------------------

def test_the_reference_specs_parse():
    assert parse_spec(BEV).curb_mass_kg == 1764.0
    assert parse_spec(PHEV).electric_range_km == 60.0
    assert parse_spec(spec_with(model="  比亚迪 海豹 (Seal) 82.5 kWh  ", segment="medium_suv")).model == "比亚迪 海豹 (Seal) 82.5 kWh"


@pytest.mark.parametrize("field, value, phrase", [
    ("curb_mass_kg", 599, "between 600 and 3,500 kg (DQ-PLAUSIBILITY)"),
    ("curb_mass_kg", 3501, "between 600 and 3,500 kg"),
    ("curb_mass_kg", -1200, "must be > 0"),
    ("curb_mass_kg", 0, "must be > 0"),
    ("curb_mass_kg", True, "expected a number"),
    ("curb_mass_kg", "1764", "expected a number"),
    ("curb_mass_kg", 10 ** 400, "expected a finite number"),
    ("curb_mass_kg", 10 ** 5000, "expected a finite number"),
    ("curb_mass_kg", float("nan"), "expected a finite number"),
    ("battery_kwh", 201, "between 0 and 200 kWh"),
    ("battery_kwh", -1, "must be >= 0"),
    ("electric_range_km", 1201, "between 0 and 1,200 km"),
    ("electric_range_km", float("inf"), "expected a finite number"),
    ("consumption.electricity_kwh_per_100km", 9.9, "between 10 and 30 kWh/100 km (DQ-PLAUSIBILITY for a BEV)"),
    ("consumption.electricity_kwh_per_100km", 30.1, "between 10 and 30"),
    ("consumption.electricity_kwh_per_100km", 41, "between 0 and 40"),
], ids=short_id)
def test_a_number_outside_its_range_names_the_field_and_the_range(field, value, phrase):
    with pytest.raises(SpecError, match=r"^spec field '" + field.replace(".", r"\.") + "'") as raised:
        parse_spec(spec_with(**{field: value}))
    assert phrase in str(raised.value)


@pytest.mark.parametrize("field, value", [("curb_mass_kg", 600), ("curb_mass_kg", 3500), ("battery_kwh", 200),
                                          ("consumption.electricity_kwh_per_100km", 10),
                                          ("consumption.electricity_kwh_per_100km", 30)])
def test_the_range_bounds_are_inclusive(field, value):
    parse_spec(spec_with(**{field: value}))


def test_a_phev_is_held_to_the_catalogue_ranges_not_the_bev_rule():
    document = json.loads(json.dumps(PHEV))
    document["consumption"]["electricity_kwh_per_100km"] = 35.0
    assert parse_spec(document).electricity_kwh_per_100km == 35.0
    document["consumption"]["fuel_l_per_100km"] = 31
    with pytest.raises(SpecError, match=r"'consumption\.fuel_l_per_100km': must be between 0 and 30 L/100 km"):
        parse_spec(document)


@pytest.mark.parametrize("field, value", [
    ("production_country", "CHN\n"), ("production_country", "CN"), ("production_country", "chn"),
    ("battery_production_country", "CHN\n"), ("battery_chemistry", "LFP\n"), ("battery_chemistry", "lfp"),
    ("segment", "medium_suv\n"), ("segment", "tank"), ("segment", ["medium_suv"]),
    ("powertrain", "BEV\n"), ("powertrain", ["BEV"]), ("fuel", "electricity\n"),
])
def test_a_code_must_match_whole(field, value):
    with pytest.raises(SpecError, match=f"^spec field '{field}'"):
        parse_spec(spec_with(**{field: value}))


def test_a_long_value_is_cut_short_in_the_message():
    with pytest.raises(SpecError) as raised:
        parse_spec(spec_with(powertrain="X" * 1_000_000))
    assert len(str(raised.value)) < 200


def test_check_arguments_normalises_and_bounds():
    assert check_arguments(" idn ", 2024, None) == ("IDN", 2024, None)
    assert check_arguments("EU27", 2015, 1000.0) == ("EU27", 2015, 1000.0)
    for market, year, lifetime, option in (("IDN", 2024, float("nan"), "--lifetime-km"),
                                           ("IDN", 2024, float("inf"), "--lifetime-km"),
                                           ("IDN", 10 ** 5000, None, "--year"),
                                           ("IDN\n\n", 2024, None, None), ("ID\nN", 2024, None, "--market")):
        if option is None:  # surrounding whitespace is trimmed, as before
            assert check_arguments(market, year, lifetime)[0] == "IDN"
            continue
        with pytest.raises(SpecError, match=f"^{option}: "):
            check_arguments(market, year, lifetime)
