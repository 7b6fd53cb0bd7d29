"""Contract of the raw Ember grid carbon intensity table (landed by ``connectors.ember``).

One row per Ember entity (country, or aggregate such as the EU) and year. Raw rules reject only
the impossible; the 0-1,300 g/kWh plausibility rule is a separate, quarantining check.
"""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

RAW_EMBER_GRID_INTENSITY = TableContract(
    name="ember__grid_carbon_intensity",
    layer="raw",
    description=(
        "Carbon intensity of electricity generation by country (or Ember aggregate such as the EU) and "
        "year, from the Ember API v1 carbon-intensity/yearly dataset. CC BY 4.0."
    ),
    columns=(
        Column("entity", "string", "Ember entity name (country, or aggregate such as 'EU')"),
        Column("entity_code", "string", "ISO 3166-1 alpha-3 code; null for aggregates", nullable=True,
               pattern=r"^[A-Z]{3}$"),
        Column("is_aggregate_entity", "bool", "True for aggregates of several countries (EU, World, regions)"),
        Column("year", "int64", "Calendar year of the observation", unit="year", min_value=1900, max_value=2100),
        Column("carbon_intensity_elec_g_per_kwh", "float64",
               "Carbon intensity of electricity generation (Ember emissions_intensity_gco2_per_kwh)",
               unit="g CO2e/kWh", nullable=True, min_value=0, max_value=2000),
        SOURCE_SHA256,
    ),
    primary_key=("entity", "year"),
)
