"""Raw contract of the market sales connector (``connectors.carsales``): new-car sales per market,
month and powertrain from Robbie Andrew's carsales dataset, as landed (long: one row per market,
month and powertrain). It rejects only the impossible; plausibility rules come later.

``SALES_POWERTRAINS`` is the vocabulary of the sales split. It is coarser and looser than the
catalogue's ``POWERTRAINS``: some publishers do not split petrol from diesel (``ice``) or plug-in
from non-plug-in hybrids (``hybrid``), and Poland reports LPG cars apart."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

# powertrain -> what it counts (the column docs quote these)
SALES_POWERTRAIN_MEANINGS = {
    "diesel": "diesel combustion cars",
    "petrol": "petrol combustion cars",
    "lpg": "LPG (autogas, bi-fuel) combustion cars, where the publisher reports them apart (Poland)",
    "ice": "combustion cars, petrol and diesel not split",
    "hev": "non-plug-in hybrids",
    "phev": "plug-in hybrids",
    "hybrid": "hybrids, plug-in and non-plug-in not split",
    "bev": "battery electric cars",
    "other": "everything else the publisher counts (CNG, hydrogen, unknown fuel, ...)",
}
SALES_POWERTRAINS = tuple(SALES_POWERTRAIN_MEANINGS)

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
