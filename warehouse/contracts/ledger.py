"""Contract of the footprint ledger, fct_footprint_component: one row per footprint (model x
market x registration year) x component of a stage, activity x factor = kg CO2e. The footprint's
stages, totals and factor ids (fct_vehicle_footprint) are aggregations of these rows."""

from __future__ import annotations

from warehouse.contracts.marts import FOOTPRINT_KEY_COLUMNS, METHODOLOGY_VERSION
from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.units import UNITS
from warehouse.contracts.vocabularies import LIFE_CYCLE_STAGES

FCT_FOOTPRINT_COMPONENT = TableContract(
    name="fct_footprint_component",
    layer="marts",
    description=(
        "The footprint ledger: every component of every stage of every footprint (model x market x registration "
        "year) as activity amount x factor = kg CO2e, with the factor's id, value and unit and the other parameters "
        "used. Summed per stage it gives fct_vehicle_footprint's stages; a component whose activity is not zero "
        "and whose factor is missing has no kg_co2e (rule DQ-PRICED)."
    ),
    columns=(
        *FOOTPRINT_KEY_COLUMNS,
        Column("stage", "string", "Life-cycle stage the component belongs to", allowed_values=LIFE_CYCLE_STAGES),
        Column("component", "string", "What is priced, e.g. glider_material:steel, charging_electricity:2031, tyres"),
        Column("quality_input", "string", "The rated input of fct_footprint_input_quality the component belongs to "
               "(seed input_quality_scores)", references="stg_parameters__input_quality_scores.input_id"),
        Column("activity_amount", "float64", "Amount of the activity over the vehicle's life, in activity_unit "
               "(kg of material, kWh drawn from the grid, litres burnt, MJ of heat)", min_value=0, nullable=True),
        Column("activity_unit", "string", "Unit of activity_amount", allowed_values=tuple(sorted(UNITS))),
        Column("factor_id", "string", "Id of the factor the activity is multiplied by (dim_emission_factor); empty "
               "only where nothing was found", nullable=True, references="dim_emission_factor.factor_id"),
        Column("factor_value", "float64", "The factor's value as multiplied, in factor_unit (a grid value converted "
               "to kg/kWh, a per-TJ combustion factor converted per litre)", min_value=0, nullable=True),
        Column("factor_unit", "string", "Unit of factor_value", nullable=True, allowed_values=tuple(sorted(UNITS))),
        Column("kg_co2e", "float64", "activity_amount x factor_value; 0 where the activity is 0", unit="kg CO2e/vehicle",
               min_value=0, nullable=True),
        Column("in_core_boundary", "bool", "The component's stage is inside the standard's core boundary "
               "(seed life_cycle_stages)"),
        Column("parameter_ids", "string", "Other parameters the activity or the factor's conversion used "
               "(';'-separated, dim_emission_factor)", nullable=True, cites="dim_emission_factor.factor_id"),
        Column("rates_quality_input", "bool", "This component's factor is the dataset that rates its quality input"),
        METHODOLOGY_VERSION,
    ),
    primary_key=("model_id", "market_code", "registration_year", "component"),
)
