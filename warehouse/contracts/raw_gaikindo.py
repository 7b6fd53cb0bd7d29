"""Raw contract of the GAIKINDO connector (``connectors.gaikindo``): Indonesia's monthly wholesales
by model variant, in the columns of the embedded extract, one row per row of a file as published.
It rejects only the impossible; plausibility rules (model rows against brand totals) come later.

``POWERTRAIN_BY_FUEL_CODE`` maps GAIKINDO's fuel codes to the sales powertrain vocabulary of the
carsales contract (``SALES_POWERTRAINS``), so the two sources' splits of Indonesia compare."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.contracts.vocabularies import ISO3_PATTERN, SALES_POWERTRAINS, to_sales_powertrains

# GAIKINDO's fuel code -> powertrain. CNG and hydrogen fuel-cell cars are "other", as in carsales.
POWERTRAIN_BY_FUEL_CODE = to_sales_powertrains("POWERTRAIN_BY_FUEL_CODE", {
    "G": "petrol",
    "D": "diesel",
    "HYBRID": "hev",
    "HEV": "hev",
    "PHEV": "phev",
    "BEV": "bev",
    "EV": "bev",
    "CNG": "other",
    "FCEV": "other",
})
BUILT_UP_MEANINGS = {"CBU": "completely built up, imported", "CKD": "completely knocked down, assembled in Indonesia"}

RAW_GAIKINDO_MODEL_WHOLESALES = TableContract(
    name="gaikindo__model_wholesales",
    layer="raw",
    description=(
        "Indonesia's monthly wholesales (factory to dealer) by model variant, every brand, as GAIKINDO "
        "(Gabungan Industri Kendaraan Bermotor Indonesia) publishes them in its monthly reports "
        "(files.gaikindo.or.id): offline the embedded extract 2022-01..2025-12 compiled in "
        "razivzulfikar24/Gaikindo_Sales_Analysis (commit daec4b4; REAL-VALUES/RECONSTRUCTED: a few trims "
        "filed under the wrong brand, e.g. AION trims under BYD), live the files dropped in "
        "GREENBRIDGE_GAIKINDO_DIR in the extract's columns. One row per row of a file, as published: a "
        "variant may have several rows in a month. No licence stated by the compilation: cite GAIKINDO."
    ),
    columns=(
        Column("source_file", "string", "name of the file the row was read from"),
        Column("source_row", "int64", "data row of the file (1 = the first after the header)", min_value=1),
        Column("month", "string", "YYYY-MM", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
        Column("gaikindo_row_id", "string", "GAIKINDO's id of the model row in its reports (e.g. CAR0012)"),
        Column("brand", "string", "brand as published (upper case)"),
        Column("model", "string", "model as published"),
        Column("type", "string", "variant (trim) as published"),
        Column("category", "string", "GAIKINDO's category as published (SEDAN, 4X2, 4X4, PICK UP, TRUCK, BUS, ...)"),
        Column("fuel_code", "string", "GAIKINDO's fuel code as published; null where the report gives none "
                                      "(mostly trucks and buses)",
               nullable=True, allowed_values=tuple(POWERTRAIN_BY_FUEL_CODE)),
        Column("powertrain", "string",
               "Powertrain of the fuel code (the carsales sales vocabulary): "
               + "; ".join(f"{code} = {powertrain}" for code, powertrain in POWERTRAIN_BY_FUEL_CODE.items())
               + "; null where the fuel code is",
               nullable=True, allowed_values=SALES_POWERTRAINS),
        Column("engine_cc", "int64", "engine displacement; null where none is published or it is not a whole number",
               unit="cm3", nullable=True, min_value=0),
        Column("engine_cc_unparsed", "string", "engine_cc as published where it is not a whole number (garbled, "
                                               "e.g. '18--', or a battery's kWh); null otherwise", nullable=True),
        Column("transmission", "string", "transmission as published (AT, MT, CVT)", nullable=True),
        Column("gvw", "string", "gross vehicle weight as published, text: garbled in the compilation "
                                "(e.g. '1 ,635', '127-'), not a number to compute with", nullable=True),
        Column("built_up", "string", "; ".join(f"{code} = {meaning}" for code, meaning in BUILT_UP_MEANINGS.items()),
               nullable=True, allowed_values=tuple(BUILT_UP_MEANINGS)),
        Column("origin", "string", "country of origin (where built) as published (e.g. INDONESIA, SWEDIA)", nullable=True),
        Column("origin_iso3", "string", "ISO 3166-1 alpha-3 code of the origin country", nullable=True,
               pattern=ISO3_PATTERN),
        Column("wholesales", "int64", "vehicles of the variant wholesaled in Indonesia in the month (this row)",
               unit="vehicles", min_value=0),
        SOURCE_SHA256,
    ),
    primary_key=("source_file", "source_row"),
)
