"""Contract of the OWID energy dataset's grid carbon intensity (connectors/owid_energy.py)."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

RAW_OWID_GRID_INTENSITY = TableContract(
    name="owid_energy__grid_carbon_intensity",
    layer="raw",
    description=(
        "Carbon intensity of electricity generation by country (or OWID aggregate) and year, from "
        "Our World in Data's energy dataset (Ember). CC BY 4.0."
    ),
    columns=(
        Column("country", "string", "OWID entity name (country or aggregate such as 'European Union (27)')"),
        Column("iso_code", "string", "ISO 3166-1 alpha-3 code; null for aggregates", nullable=True,
               pattern=r"^([A-Z]{3}|OWID_[A-Z0-9_]+)$"),
        Column("year", "int64", "Calendar year of the observation", unit="year", min_value=1900, max_value=2100),
        Column("carbon_intensity_elec_g_per_kwh", "float64",
               "Life-cycle carbon intensity of electricity generation (OWID carbon_intensity_elec)",
               # Real published values reach 1,306 (Turkmenistan 2015-2023): the contract rejects only the
               # impossible; the standard's 0-1,300 plausibility rule is a separate, quarantining check.
               unit="g CO2e/kWh", nullable=True, min_value=0, max_value=2000),
        SOURCE_SHA256,
    ),
    primary_key=("country", "year"),
)
