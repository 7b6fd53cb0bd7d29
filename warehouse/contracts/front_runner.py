"""Contract of the low-carbon front-runner list (issue 16): ``fct_front_runner``, every priced variant
ranked by life-cycle g CO2e/km within its market x registration year x segment, with its eligibility
and whether the front-runner rule (method_parameters group ``front_runner``) names it. The reasons a
variant is not eligible or not a front-runner are a vocabulary defined here once."""

from __future__ import annotations

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.vocabularies import MARKET_CODES

# Why a variant cannot be a front-runner whatever its rank (semicolon-separated when several hold).
INELIGIBLE_REASONS = ("quality_below_good", "inputs_beyond_validity", "market_grid_not_own", "no_consumption_value")
# Why an eligible variant is not a front-runner.
NOT_FRONT_RUNNER_REASONS = ("outside_best_share_of_segment", "not_below_fleet_average", "no_fleet_average")
FINDINGS = ("DQ-TEMPORAL", "DQ-GEOGRAPHY", "DQ-DQR")

FCT_FRONT_RUNNER = TableContract(
    name="fct_front_runner",
    layer="marts",
    description=(
        "Low-carbon front-runners: every priced variant per market x registration year x segment, ranked by its "
        "life-cycle g CO2e/km in the standard's core boundary (fct_vehicle_footprint), with its eligibility (quality "
        "level good or better, no blocking data-quality finding, consumption from a type-approval value or marked "
        "estimated) and the front-runner rule of method_parameters group front_runner (default: in the best quartile "
        "of its segment in that market and below that market's sales-weighted new-car fleet average). Green NCAP's "
        "LCA Award threshold is shown beside it on the all-stages total."
    ),
    columns=(
        Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES,
               references="dim_market.market_code"),
        Column("registration_year", "int64", "Year of first registration", unit="year", min_value=2015, max_value=2100),
        Column("segment", "string", "Vehicle segment (dim_vehicle_model.segment)"),
        Column("model_id", "string", "Vehicle model variant (dim_vehicle_model.model_id)",
               references="dim_vehicle_model.model_id"),
        Column("make", "string", "Make"),
        Column("model", "string", "Model"),
        Column("variant", "string", "Variant", nullable=True),
        Column("powertrain", "string", "Powertrain (BEV, PHEV, HEV, ICEV)"),
        Column("production_country", "string", "Country the vehicle is built in (ISO 3166-1 alpha-3)"),
        Column("is_chinese_brand", "bool", "The make belongs to a Chinese group (seed make_origins); null where the "
               "seed does not name it", nullable=True),
        Column("lifecycle_g_co2e_per_km", "float64", "Life-cycle footprint in the core boundary over the market's "
               "lifetime distance (fct_vehicle_footprint.total_g_co2e_per_km)", unit="g CO2e/km", min_value=0),
        Column("all_stages_g_co2e_per_km", "float64", "Life-cycle footprint with maintenance and end of life "
               "(fct_vehicle_footprint.total_all_stages_g_co2e_per_km)", unit="g CO2e/km", min_value=0),
        Column("rank_in_segment", "int64", "Rank by lifecycle_g_co2e_per_km within market x year x segment, 1 the "
               "lowest (ties share a rank)", unit="count", min_value=1),
        Column("variants_in_segment", "int64", "Priced variants in the market x year x segment", unit="count",
               min_value=1),
        Column("segment_best_g_co2e_per_km", "float64", "Lowest lifecycle_g_co2e_per_km of the segment",
               unit="g CO2e/km", min_value=0),
        Column("best_share_cutoff_rank", "int64", "Highest rank inside the rule's best share of the segment "
               "(ceil(share x variants), at least 1)", unit="count", min_value=1),
        Column("market_fleet_average_g_co2e_per_km", "float64", "Sales-weighted life-cycle g CO2e/km of the market's "
               "new cars of the year over the sales powertrains with a footprint (fct_market_new_car_fleet)",
               unit="g CO2e/km", nullable=True, min_value=0),
        Column("fleet_average_sales_share", "float64", "Share of the market's new-car sales of the year the fleet "
               "average covers", unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("dqr", "float64", "PEF data quality rating of the footprint (fct_footprint_data_quality)",
               unit="score 1-5", min_value=1, max_value=5),
        Column("quality_level", "string", "PEF quality level of the footprint"),
        Column("consumption_source", "string", "type_approval (a declared cycle value) or estimated (the catalogue "
               "marks the consumption as estimated, with its basis)", allowed_values=("type_approval", "estimated")),
        Column("findings", "string", "Data-quality findings on the footprint that block eligibility, "
               "semicolon-separated rule ids", nullable=True),
        Column("is_eligible", "bool", "Can be a front-runner: quality good or better, no blocking finding, a "
               "consumption value"),
        Column("ineligible_reasons", "string", "Why not eligible, semicolon-separated: " + ", ".join(INELIGIBLE_REASONS),
               nullable=True),
        Column("in_best_share", "bool", "rank_in_segment <= best_share_cutoff_rank"),
        Column("below_fleet_average", "bool", "lifecycle_g_co2e_per_km below the fleet-average ratio x the market's "
               "fleet average; null where the market has no fleet average", nullable=True),
        Column("is_front_runner", "bool", "Eligible, in the best share of its segment and below the fleet average"),
        Column("not_front_runner_reason", "string", "Why an eligible variant is not a front-runner: "
               + ", ".join(NOT_FRONT_RUNNER_REASONS), nullable=True),
        Column("green_ncap_threshold_g_co2e_per_km", "float64", "Green NCAP LCA Award threshold "
               "(method_parameters green_ncap_lca_award_threshold), shown beside the rule", unit="g CO2e/km",
               min_value=0),
        Column("meets_green_ncap_threshold", "bool", "all_stages_g_co2e_per_km at or below the Green NCAP threshold "
               "(Green NCAP's boundary includes maintenance and end of life)"),
        Column("rule_parameter_ids", "string", "The method_parameters rows of the rule, semicolon-separated",
               references=None),
        Column("methodology_version", "string", "Methodology version of the footprint"),
    ),
    primary_key=("market_code", "registration_year", "model_id"),
)
