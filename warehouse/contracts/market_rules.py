"""Contracts of the market CO2 rules (issue 15): the rule seeds (``market_rules``: one row per rule
version per market; ``market_rule_bands``: one row per band, coefficient or rate of a rule) and the
mart of what each rule makes of each car (``fct_market_rule_outcome``). The vocabularies of rule
kinds, boundaries, metrics and consequences are defined here once; the dbt models read the values."""

from __future__ import annotations

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.units import UNITS
from warehouse.contracts.vocabularies import CONFIDENCE_TAGS, MARKET_CODES

RULE_KINDS = ("fleet_target", "per_vehicle_target", "per_vehicle_band", "per_vehicle_tax_rate", "per_vehicle_levy",
              "subsidy", "not_recorded", "no_rule")
BOUNDARIES = ("tailpipe", "tailpipe+upstream_electricity", "fuel_consumption", "none")
METRICS = ("tailpipe_co2_g_per_km", "tailpipe_co2_g_per_mile", "fuel_l_per_100km", "battery_kwh", "none")
BAND_ON = ("metric", "curb_mass_kg", "battery_kwh", "footprint_ft2", "registration_year")
CONSEQUENCE_KINDS = ("penalty_per_unit_above_target", "fleet_target", "model_target", "nev_multiplier",
                     "rebate_surcharge", "tax_rate", "subsidy", "levy_per_unit_above", "not_recorded", "none")
CURRENCIES = ("EUR", "USD", "CNY", "SGD", "IDR", "THB", "ZAR", "PKR", "RUB")
RULE_ID = Column("rule_id", "string", "Rule and version, e.g. ZA-CO2-LEVY-2022", pattern=r"^[A-Z]{2}-[A-Za-z0-9./-]+$")
_CONFIDENCE = Column("confidence", "string", "V read in the source; V2 second-hand; D derived; R not confirmed",
                     allowed_values=CONFIDENCE_TAGS)
_SOURCE = Column("source", "string", "Publication the row comes from")
_SOURCE_URL = Column("source_url", "string", "URL of the source", nullable=True, pattern=r"^https?://")
_NOTES = Column("notes", "string", "What the row covers and leaves out", nullable=True)

MARKET_RULES = TableContract(
    name="market_rules",
    layer="parameters",
    description=(
        "Each market's car CO2 rule in force over a validity window, one row per rule version per market: what it "
        "counts (boundary, test cycle, metric), its kind and currency, with source and confidence. A market without "
        "a rule has an explicit no_rule row; a rule in force whose figures are not recorded a not_recorded row."
    ),
    columns=(
        RULE_ID,
        Column("market_code", "string", "Market the rule applies in (dim_market)", allowed_values=MARKET_CODES),
        Column("rule_name", "string", "The rule and its legal basis"),
        Column("rule_kind", "string", "What the rule does with a car", allowed_values=RULE_KINDS),
        Column("valid_from", "string", "First day in force (ISO 8601)", pattern=r"^\d{4}-\d{2}-\d{2}$"),
        Column("valid_to", "string", "Last day in force (ISO 8601); null while in force", nullable=True,
               pattern=r"^\d{4}-\d{2}-\d{2}$"),
        Column("boundary", "string", "What the rule counts", allowed_values=BOUNDARIES),
        Column("test_cycle", "string", "Test cycle of the regulated value (none for a rule without one)"),
        Column("metric", "string", "The regulated quantity", allowed_values=METRICS),
        Column("metric_unit", "string", "Unit of the metric", nullable=True, allowed_values=tuple(sorted(UNITS))),
        Column("currency", "string", "Currency of the rule's amounts", allowed_values=CURRENCIES),
        Column("electricity_g_co2_per_wh", "float64", "Factor at which the rule counts electricity (Singapore 0.4)",
               unit="g CO2/Wh", nullable=True, min_value=0, max_value=2),
        _SOURCE, _SOURCE_URL, _CONFIDENCE, _NOTES,
    ),
    primary_key=("rule_id", "market_code"),
)

MARKET_RULE_BANDS = TableContract(
    name="market_rule_bands",
    layer="parameters",
    description=(
        "The bands, rates, coefficients and amounts of each rule (market_rules), one row per band: the interval of "
        "the banded quantity (the metric, curb mass, battery size, footprint or registration year) and the "
        "powertrains it applies to, and its consequence with amount and unit, with source and confidence."
    ),
    columns=(
        RULE_ID,
        Column("band_id", "string", "Band or coefficient name (A1, petrol_150, middle, penalty, ...)"),
        Column("band_order", "int64", "Order in which bands are tried; the first that holds the value applies",
               unit="count", min_value=1),
        Column("band_on", "string", "The quantity the interval is on", allowed_values=BAND_ON),
        Column("powertrains", "string", "Semicolon-separated powertrains the band applies to, or * for every one"),
        Column("lower_bound", "float64", "Lower end of the interval; null for none", nullable=True),
        Column("lower_inclusive", "bool", "The lower end belongs to the band"),
        Column("upper_bound", "float64", "Upper end of the interval; null for none", nullable=True),
        Column("upper_inclusive", "bool", "The upper end belongs to the band"),
        Column("consequence_kind", "string", "What the band means", allowed_values=CONSEQUENCE_KINDS),
        Column("amount", "float64", "The band's amount, rate, target intercept or multiplier, in amount_unit",
               nullable=True),
        Column("amount_unit", "string", "Unit of amount", nullable=True, allowed_values=tuple(sorted(UNITS))),
        Column("slope", "float64", "Slope of a target line (per kg, per ft2); null where not recorded", nullable=True),
        Column("slope_origin", "float64", "Value a slope or a per-unit amount counts from (a levy's threshold)",
               nullable=True),
        _SOURCE, _SOURCE_URL, _CONFIDENCE, _NOTES,
    ),
    primary_key=("rule_id", "band_id"),
)

OUTCOMES = ("pass", "exceeds", "no_co2_rule", "rule_figures_not_recorded", "fleet_rule_no_per_vehicle_limit",
            "no_band_recorded_for_value", "footprint_unknown_no_target")

FCT_MARKET_RULE_OUTCOME = TableContract(
    name="fct_market_rule_outcome",
    layer="marts",
    description=(
        "What each market's CO2 rule in force makes of each car, beside its life cycle: one row per model x market x "
        "registration year x rule in force on 1 July (seeds market_rules, market_rule_bands). The regulated value is "
        "computed the rule's way from the car's declared values and the method's combustion factor; outcome is the "
        "band, pass or exceeds, or why there is none; the consequence in local currency and USD (World Bank "
        "PA.NUS.FCRF of the year) where the rule fixes one per car; the life-cycle gap and the share the rule sees."
    ),
    columns=(
        Column("model_id", "string", "Vehicle model variant (dim_vehicle_model.model_id)",
               references="dim_vehicle_model.model_id"),
        Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES,
               references="dim_market.market_code"),
        Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
        RULE_ID,
        Column("rule_name", "string", "The rule and its legal basis"),
        Column("rule_kind", "string", "What the rule does with a car", allowed_values=RULE_KINDS),
        Column("boundary", "string", "What the rule counts", allowed_values=BOUNDARIES),
        Column("test_cycle", "string", "Test cycle the rule's value is on"),
        Column("metric", "string", "The regulated quantity", allowed_values=METRICS),
        Column("metric_unit", "string", "Unit of regulated_value", nullable=True, allowed_values=tuple(sorted(UNITS))),
        Column("regulated_value", "float64", "The car's value as the rule counts it (BEV tailpipe 0; Singapore adds "
               "electricity x its factor)", nullable=True, min_value=0),
        Column("tailpipe_basis", "string", "type_approval_co2, from_declared_fuel_consumption (declared L/100 km x the "
               "method's combustion CO2 per litre) or zero_tailpipe",
               allowed_values=("type_approval_co2", "from_declared_fuel_consumption", "zero_tailpipe")),
        Column("value_cycle", "string", "Test cycle of the catalogue value used"),
        Column("cycle_differs", "bool", "The catalogue value is on another cycle than the rule's, used as it is (no "
               "cited conversion factor is recorded)"),
        Column("per_vehicle_limit", "float64", "The car's own limit where the rule sets one (China: target by curb mass)",
               nullable=True),
        Column("outcome", "string", "The band, pass or exceeds, or why there is none"),
        Column("band_id", "string", "The band the value falls in (market_rule_bands)", nullable=True),
        Column("nev_multiplier", "float64", "How many times a new-energy car counts in its maker's average that year",
               unit="multiplier", nullable=True, min_value=0),
        Column("consequence_kind", "string", "What the band means", nullable=True, allowed_values=CONSEQUENCE_KINDS),
        Column("consequence_rate", "float64", "The band's rate or amount, in consequence_rate_unit", nullable=True),
        Column("consequence_rate_unit", "string", "Unit of consequence_rate", nullable=True,
               allowed_values=tuple(sorted(UNITS))),
        Column("consequence_local", "float64", "What the car pays (positive) or receives (negative; a subsidy: "
               "positive, received) in the rule's currency; null where not fixed per car", nullable=True),
        Column("currency", "string", "Currency of consequence_local", allowed_values=CURRENCIES),
        Column("consequence_usd", "float64", "consequence_local at the year's World Bank official rate", unit="USD",
               nullable=True),
        Column("exchange_rate_year", "int64", "Year of the PA.NUS.FCRF rate used", unit="year", nullable=True),
        Column("consequence_missing_reason", "string", "Why consequence_local or consequence_usd is null",
               nullable=True),
        Column("lifecycle_g_co2e_per_km", "float64", "Life-cycle footprint of the car in the market "
               "(fct_vehicle_footprint, core boundary)", unit="g CO2e/km", nullable=True, min_value=0),
        Column("lifecycle_gap_g_co2e_per_km", "float64", "Life cycle minus the regulated g/km (rules on g CO2/km)",
               unit="g CO2e/km", nullable=True),
        Column("lifecycle_share_seen", "float64", "Share of the life cycle the rule counts (0 without a rule; 0 for a "
               "BEV counted at zero)", unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("rule_confidence", "string", "Confidence of the rule row", allowed_values=CONFIDENCE_TAGS),
        Column("band_confidence", "string", "Confidence of the band row", nullable=True, allowed_values=CONFIDENCE_TAGS),
        Column("source", "string", "Source of the rule"),
        Column("source_url", "string", "URL of the source", nullable=True),
    ),
    primary_key=("model_id", "market_code", "registration_year", "rule_id"),
)

FCT_MARKET_RULE_FLEET = TableContract(
    name="fct_market_rule_fleet",
    layer="marts",
    description=(
        "The EU's CO2 standard as the fleet rule it is, per make and year from the EEA registrations: new cars, their "
        "registration-weighted mean WLTP CO2 and mass, the target of the rule version in force, the excess and the "
        "penalty exposure (EUR 95 x excess x new cars). target_note says what the target leaves out (the 2025 mass "
        "term's slope is not recorded; before 2025 each maker's target is its own). China's CAFC per make has no "
        "loaded source yet. Thin on the embedded snapshot (an EEA sample)."
    ),
    columns=(
        Column("market_code", "string", "Market (EU27)", allowed_values=MARKET_CODES, references="dim_market.market_code"),
        Column("year", "int64", "Registration year", unit="year", min_value=2000, max_value=2100),
        Column("make", "string", "Make as the EEA publishes it (upper-cased)"),
        RULE_ID,
        Column("new_cars", "float64", "New cars registered", unit="vehicles", min_value=0),
        Column("mean_wltp_co2_g_per_km", "float64", "Registration-weighted mean WLTP CO2", unit="g CO2/km", min_value=0),
        Column("mean_mass_kg", "float64", "Registration-weighted mean mass", unit="kg", nullable=True, min_value=0),
        Column("target_g_co2_per_km", "float64", "The make's target under the rule, where computed", unit="g CO2/km",
               nullable=True),
        Column("target_mass_adjusted", "bool", "The target includes the mass term"),
        Column("excess_g_co2_per_km", "float64", "mean - target (negative: below target)", unit="g CO2/km",
               nullable=True),
        Column("penalty_per_g_km", "float64", "The rule's penalty rate", unit="EUR per g CO2/km per vehicle",
               nullable=True),
        Column("penalty_exposure_eur", "float64", "penalty rate x max(excess, 0) x new cars", unit="EUR",
               nullable=True, min_value=0),
        Column("target_note", "string", "What the target leaves out", nullable=True),
        Column("member_states", "string", "Member states whose registrations are summed"),
    ),
    primary_key=("market_code", "year", "make"),
)

MARKET_RULE_CONTRACTS = (MARKET_RULES, MARKET_RULE_BANDS, FCT_MARKET_RULE_OUTCOME, FCT_MARKET_RULE_FLEET)
