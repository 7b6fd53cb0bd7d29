"""Raw contract of the EEA CO2 monitoring connector (``connectors.eea_co2cars``): the Discodata
aggregate as landed. It rejects only the impossible; plausibility rules come later."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.quality.plausibility import EEA_CARBON_BALANCE

EEA_POWERTRAINS = ("ICEV", "HEV", "PHEV", "BEV", "FCEV")

RAW_EEA_CO2CARS_REGISTRATIONS = TableContract(
    name="eea_co2cars__registrations_by_model",
    layer="raw",
    description=(
        "New passenger-car registrations by member state, make, commercial name, fuel type and fuel "
        "mode for one reporting year, with the registration-weighted means of mass, WLTP CO2, "
        "electricity consumption, electric range and fuel consumption, aggregated by Discodata from "
        "the EEA CO2 monitoring release tables (Regulation (EU) 2019/631). CC BY 4.0 (DG CLIMA)."
    ),
    columns=(
        Column("member_state", "string", "Member state of registration (EEA MS, ISO 3166-1 alpha-2; Greece is GR)",
               pattern=r"^[A-Z]{2}$"),
        Column("make", "string", "Make as registered (EEA Mk)"),
        Column("commercial_name", "string", "Commercial name as registered (EEA Cn)"),
        Column("fuel_type", "string", "Fuel type, lower-cased (EEA Ft: petrol, diesel, electric, petrol/electric, ...)"),
        Column("fuel_mode", "string", "Fuel mode (EEA Fm: M mono, H hybrid, P plug-in, E electric, B bi-fuel, F flex)"),
        Column("powertrain", "string", "FCEV if Ft is hydrogen; else BEV (Fm E), PHEV (P), HEV (H), ICEV",
               allowed_values=EEA_POWERTRAINS),
        Column("reporting_year", "int64", "Reporting year of the release table", unit="year",
               min_value=2010, max_value=2100),
        Column("registrations_units", "int64", "Registrations in the group (SUM of EEA R)", unit="vehicles",
               min_value=0),
        Column("mean_mass_kg", "float64", "Mean mass in running order (EEA M (kg)); null if none reported",
               unit="kg", nullable=True, min_value=0),
        Column("mean_wltp_co2_g_per_km", "float64", "Mean WLTP CO2 emissions (EEA Ewltp (g/km)); null if none reported",
               unit="g CO2/km", nullable=True, min_value=0),
        Column("mean_electricity_wh_per_km", "float64",
               "Mean electric energy consumption over the rows reporting it (EEA Z (Wh/km)); null if none",
               unit="Wh/km", nullable=True, min_value=0),
        Column("mean_electric_range_km", "float64", "Mean electric range over the rows reporting it (EEA Zr); null if none",
               unit="km", nullable=True, min_value=0),
        Column("mean_fuel_l_per_100km", "float64", "Mean fuel consumption over the rows reporting it (EEA Fc); null if none",
               unit="L/100 km", nullable=True, min_value=0),
        SOURCE_SHA256,
    ),
    primary_key=("member_state", "make", "commercial_name", "fuel_type", "fuel_mode", "reporting_year"),
    row_rules=(EEA_CARBON_BALANCE,),
)
