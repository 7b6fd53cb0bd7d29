"""The data quality rating of a footprint (dbt: fct_footprint_input_quality, fct_footprint_data_quality)
against hand computation from the seeds, and the rules' configurable thresholds."""

import csv

import pytest

from orchestration.checks.standard_rules import data_quality_expectations, registration_years
from warehouse.paths import DBT_PROJECT_DIR
from warehouse.quality.rules import BLOCKING, WARNING, QualitySettings


def _seed(name: str, key: str) -> dict[str, dict]:
    with open(DBT_PROJECT_DIR / "seeds" / f"{name}.csv", newline="") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("market, geographical", [("IDN", 4), ("HUN", 2), ("EU27", 1)])
def test_fuel_supply_of_a_petrol_car_is_scored_from_the_seeds(warehouse, market, geographical):
    scores = _seed("input_quality_scores", "input_id")["fuel_supply"]
    factor = _seed("emission_factors", "factor_id")["ef_petrol_wtt"]
    years_beyond = 2024 - (int(factor["reference_year"]) + int(scores["time_validity_years"]))
    time_score = 1 if years_beyond <= 0 else 2 if years_beyond <= 2 else 3 if years_beyond <= 4 else 4 if years_beyond <= 6 else 5
    precision = {"V": 2, "V2": 3, "D": 3, "R": 4}[factor["confidence"]]
    row = warehouse.sql(f"""
        select technological_representativeness, geographical_representativeness, time_representativeness,
               precision, dqr, years_beyond_validity, dataset_geography
        from marts.fct_footprint_input_quality
        where model_id = 'mg_zs_10tgdi_auto_2021' and market_code = '{market}' and registration_year = 2024
          and input_id = 'fuel_supply'""").fetchall()[0]
    assert row[6] == factor["geography"] == "EU27"
    assert row[:4] == (int(scores["technological_representativeness"]), geographical, time_score, precision)
    assert row[4] == pytest.approx((row[0] + row[1] + row[2] + row[3]) / 4)
    assert row[5] == years_beyond


def test_footprint_dqr_is_the_emission_weighted_mean_over_inputs_above_five_percent(warehouse):
    footprints = warehouse.sql("select model_id, market_code, registration_year, dqr, dqr_coverage_share, quality_level "
                               "from marts.fct_footprint_data_quality").fetchall()
    inputs = warehouse.sql("select model_id, market_code, registration_year, share_of_total, dqr "
                           "from marts.fct_footprint_input_quality where in_core_boundary").fetchall()
    by_footprint: dict[tuple, list] = {}
    for model, market, year, share, dqr in inputs:
        by_footprint.setdefault((model, market, year), []).append((share, dqr))
    levels = ((1.5, "excellent"), (2.0, "very good"), (3.0, "good"), (4.0, "fair"), (5.0, "poor"))
    for model, market, year, dqr, coverage, level in footprints:
        rated = [(share, score) for share, score in by_footprint[(model, market, year)] if share > 0.05]
        assert coverage == pytest.approx(sum(share for share, _ in rated))
        assert dqr == pytest.approx(sum(share * score for share, score in rated) / sum(share for share, _ in rated))
        assert level == next(name for bound, name in levels if dqr <= bound)
    # Every catalogue variant in every market and registration year, none dropped on the way.
    variants, markets = (warehouse.sql(f"select count(*) from marts.{table}").fetchall()[0][0]
                         for table in ("dim_vehicle_model", "dim_market"))
    assert len(footprints) == variants * markets * len(registration_years()) > 6000


def test_every_core_input_of_a_footprint_adds_up_to_its_total(warehouse):
    gaps = warehouse.sql("""
        select f.model_id, f.market_code, f.registration_year, f.total_kg_co2e, sum(i.contribution_kg_co2e) as inputs
        from marts.fct_vehicle_footprint f
        join marts.fct_footprint_input_quality i using (model_id, market_code, registration_year)
        where i.in_core_boundary
        group by all
        having abs(f.total_kg_co2e - sum(i.contribution_kg_co2e)) > 1e-6""").fetchall()
    assert gaps == []


def test_cut_off_and_dqr_severity_follow_the_settings():
    def levels(settings):
        suites = data_quality_expectations(settings, current_year=2026)
        return {rule_id: [(expectation.meta or {}).get("level", "error") for expectation in expectations]
                for rule_id, expectations in suites.items()}

    default = levels(QualitySettings())
    strict = levels(QualitySettings(cut_off_severity=BLOCKING, dqr_severity=BLOCKING))
    assert default["DQ-CUTOFF"][0] == WARNING and strict["DQ-CUTOFF"][0] == "error"
    assert default["DQ-DQR"][-1] == WARNING and strict["DQ-DQR"][-1] == "error"
    assert default["DQ-TEMPORAL"] == ["error", WARNING, WARNING]


def test_quality_settings_from_the_environment_name_a_bad_value():
    settings = QualitySettings.from_env({"GREENBRIDGE_DQ_CUT_OFF_LIMIT": "0.03", "GREENBRIDGE_DQ_DQR_SEVERITY": "blocking"})
    assert (settings.cut_off_limit_share, settings.dqr_severity) == (0.03, BLOCKING)
    with pytest.raises(ValueError, match="GREENBRIDGE_DQ_TEMPORAL_FAIL_YEARS"):
        QualitySettings.from_env({"GREENBRIDGE_DQ_TEMPORAL_FAIL_YEARS": "six"})
    with pytest.raises(ValueError, match="expected 'blocking' or 'warning'"):
        QualitySettings.from_env({"GREENBRIDGE_DQ_CUT_OFF_SEVERITY": "fatal"})
