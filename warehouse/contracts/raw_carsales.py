"""Raw contract of the market sales connector (``connectors.carsales``): new-car sales per market,
month and powertrain from Robbie Andrew's carsales dataset, as landed (long: one row per market,
month and powertrain). It rejects only the impossible; plausibility rules come later.

The powertrain is the sales vocabulary ``SALES_POWERTRAINS`` (warehouse/contracts/vocabularies.py),
shared with the GAIKINDO and LTA sources."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract
from warehouse.contracts.vocabularies import SALES_POWERTRAIN_MEANINGS, SALES_POWERTRAINS


RAW_CARSALES_NEW_CAR_SALES = TableContract(
    name="carsales__new_car_sales",
    layer="raw",
    description=(
        "New passenger-car sales (registrations or wholesales, as each market's publisher reports them) "
        "by market, month and powertrain, from Robbie Andrew's carsales dataset (CICERO; "
        "robbieandrew.github.io/carsales), one CSV per market, each market's primary publisher named by "
        "the dataset's sources_data.json. CC BY 4.0."
    ),
    columns=(
        Column("market_code", "string", "Market: ISO 3166-1 alpha-3 code, or EU27", pattern=r"^([A-Z]{3}|EU27)$"),
        Column("month", "string", "YYYY-MM", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
        Column("powertrain", "string",
               "Powertrain as the publisher splits sales: "
               + "; ".join(f"{name} = {meaning}" for name, meaning in SALES_POWERTRAIN_MEANINGS.items()),
               allowed_values=SALES_POWERTRAINS),
        Column("new_car_sales", "int64", "New cars of the powertrain sold in the market in the month",
               unit="vehicles", min_value=0),
        Column("publisher", "string",
               "The market's primary publisher as sources_data.json lists it: its data page URL(s), '; '-separated"),
        SOURCE_SHA256,
    ),
    primary_key=("market_code", "month", "powertrain"),
)
