"""Contract of the raw World Bank indicators table (landed by ``connectors.worldbank``).

Long format: one row per indicator, country (or World Bank aggregate) and year, with the unit of
each indicator's values named in ``value_unit``. Raw rules reject only the impossible.
"""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

RAW_WORLDBANK_INDICATORS = TableContract(
    name="worldbank__indicators",
    layer="raw",
    description=(
        "World Development Indicators (population, GDP in current USD, CO2 per capita, official exchange rate in "
        "local currency units per US$) by country or World Bank aggregate and year, from the World Bank Indicators "
        "API v2. CC BY 4.0."
    ),
    columns=(
        Column("indicator_id", "string", "World Bank indicator code (e.g. NY.GDP.MKTP.CD)", pattern=r"^[A-Z0-9_.]+$"),
        Column("indicator_name", "string", "World Bank indicator name (e.g. 'GDP (current US$)')"),
        Column("country_wb_id", "string", "World Bank country id: ISO 3166-1 alpha-2, or an aggregate code (XC, 1W)",
               pattern=r"^[A-Z0-9]{2,3}$"),
        Column("country_name", "string", "World Bank country or aggregate name"),
        Column("country_iso3", "string", "ISO3-style code of the country or aggregate (EMU, EUU); null when the API sends none",
               nullable=True, pattern=r"^[A-Z]{3}$"),
        Column("year", "int64", "Calendar year of the observation", unit="year", min_value=1900, max_value=2100),
        Column("value", "float64", "Indicator value, in value_unit; null when the World Bank has no value", nullable=True),
        Column("value_unit", "string", "Unit of value (from the connector's INDICATORS: persons, current USD, t CO2e per capita, "
                                       "LCU per US$...)"),
        Column("last_updated", "string", "Date the World Bank last updated the indicator (page metadata lastupdated)",
               pattern=r"^\d{4}-\d{2}-\d{2}$"),
        SOURCE_SHA256,
    ),
    primary_key=("indicator_id", "country_wb_id", "year"),
)
