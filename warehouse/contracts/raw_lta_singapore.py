"""Raw contract of the Singapore registrations connector (``connectors.lta_singapore``): LTA's
"M03 - New Registration of Cars by Make", one row per month, make, importer type, fuel type and
body type, as landed. It rejects only the impossible; plausibility rules come later.

The powertrain is the sales vocabulary the carsales source already uses (``SALES_POWERTRAINS``):
LTA's fuel types map onto it one to one, and both sources then meet on the same codes."""

from warehouse.contracts.vocabularies import SALES_POWERTRAINS
from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

IMPORTER_TYPES = {
    "AMD": "authorised dealer (Authorised Motor Dealer)",
    "PI": "parallel importer",
}

RAW_LTA_SINGAPORE_CAR_REGISTRATIONS = TableContract(
    name="lta_singapore__car_registrations_by_make",
    layer="raw",
    description=(
        "Singapore's new car registrations per month by make, importer type, fuel type and body type: "
        "Land Transport Authority (LTA), \"M03 - New Registration of Cars by Make\" (live: data.gov.sg "
        "datastore API; snapshot: the dataset's CSV, 2016-01 to 2023-09). Singapore Open Data Licence."
    ),
    columns=(
        Column("market_code", "string", "Market: ISO 3166-1 alpha-3 code (always SGP)", pattern=r"^SGP$"),
        Column("month", "string", "Registration month, YYYY-MM", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
        Column("make", "string", "Make as LTA writes it (e.g. 'B.M.W.', 'Mclaren' before 2017-10)"),
        Column("make_normalised", "string", "Make upper-cased and trimmed, to group LTA's spellings of one make",
               pattern=r"^\S(.*\S)?$"),
        Column("importer_type", "string",
               "Importer type: " + "; ".join(f"{code} = {meaning}" for code, meaning in IMPORTER_TYPES.items())
               + "; empty where LTA does not split registrations by importer (before 2023-01)",
               nullable=True, allowed_values=tuple(IMPORTER_TYPES)),
        Column("fuel_type", "string", "Fuel type as LTA writes it (e.g. 'Petrol-Electric (Plug-In)')"),
        Column("powertrain", "string", "Powertrain the fuel type maps to (the sales vocabulary of raw.carsales__new_car_sales)",
               allowed_values=SALES_POWERTRAINS),
        Column("body_type", "string", "Body type as LTA writes it (LTA's vehicle_type: Hatchback, Sedan, ...)"),
        Column("registrations", "int64", "New cars registered in the month", unit="vehicles", min_value=0),
        Column("registrations_blank_in_source", "bool",
               "True where LTA left the count empty; LTA writes no zeros from 2018-07 on and leaves the cell empty "
               "instead, so an empty count lands as 0"),
        SOURCE_SHA256,
    ),
    primary_key=("month", "make", "importer_type", "fuel_type", "body_type"),
)
