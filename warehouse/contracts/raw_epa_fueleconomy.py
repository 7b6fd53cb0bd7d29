"""Raw contract of the US EPA fueleconomy.gov connector (``connectors.epa_fueleconomy``): the
vehicles file as landed, in km. It rejects only the impossible; plausibility rules come later."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.quality.plausibility import EPA_CARBON_BALANCE

EPA_POWERTRAINS = ("ICEV", "HEV", "PHEV", "BEV", "FCEV")

RAW_EPA_FUELECONOMY_VEHICLES = TableContract(
    name="epa_fueleconomy__vehicles",
    layer="raw",
    description=(
        "US EPA test results of every model-year vehicle on fueleconomy.gov (vehicles.csv): "
        "tailpipe CO2, combined fuel economy, electricity consumption, PHEV utility factor and EV "
        "range, converted from miles to km. US public domain."
    ),
    columns=(
        Column("epa_vehicle_id", "int64", "fueleconomy.gov vehicle id (EPA id)", min_value=1),
        Column("make", "string", "Make (EPA make)"),
        Column("model", "string", "Model (EPA model)"),
        Column("model_year", "int64", "Model year (EPA year)", unit="year", min_value=1984, max_value=2100),
        Column("vehicle_class", "string", "EPA size class (VClass)"),
        Column("fuel_type", "string", "Fuel type (EPA fuelType, e.g. Regular, Premium, Electricity)"),
        Column("atv_type", "string", "Alternative-fuel technology (EPA atvType); null for a conventional car",
               nullable=True),
        Column("powertrain", "string", "BEV (atvType EV), PHEV (Plug-in Hybrid), HEV (Hybrid), FCEV (FCV), else ICEV",
               allowed_values=EPA_POWERTRAINS),
        Column("tailpipe_co2_g_per_km", "float64", "Tailpipe CO2 (EPA co2TailpipeGpm / 1.609344); 0 for an EV",
               unit="g CO2/km", nullable=True, min_value=0),
        Column("combined_mpg", "float64", "Combined fuel economy, MPGe for electric drive (EPA comb08)",
               unit="mi/US gal", min_value=0),
        Column("electricity_kwh_per_100km", "float64",
               "Combined electricity consumption (EPA combE / 1.609344); null where EPA writes 0 (no electric drive)",
               unit="kWh/100 km", nullable=True, min_value=0),
        Column("phev_utility_factor", "float64", "Share of distance driven on electricity (EPA combinedUF); null where 0",
               unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("electric_range_km", "float64", "EV range (EPA range x 1.609344); null where 0 (PHEVs: EPA rangeA, not kept)",
               unit="km", nullable=True, min_value=0),
        SOURCE_SHA256,
    ),
    primary_key=("epa_vehicle_id",),
    row_rules=(EPA_CARBON_BALANCE,),
)
