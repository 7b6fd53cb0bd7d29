"""Raw contracts of the IEA Global EV Outlook connector (``connectors.iea_ev_sales``): electric-car
sales and sales share from the OWID grapher CSVs, as landed. They reject only the impossible;
plausibility rules come later."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

_OWID_CODE_PATTERN = r"^([A-Z]{3}|OWID_[A-Z0-9_]+)$"


def _keys() -> tuple[Column, ...]:
    return (
        Column("entity", "string", "OWID entity: country or region such as 'Europe', 'World', 'Rest of World'"),
        Column("code", "string", "ISO 3166-1 alpha-3 code, OWID_* for OWID aggregates; null for uncoded regions",
               nullable=True, pattern=_OWID_CODE_PATTERN),
        Column("year", "int64", "Calendar year of the sales", unit="year", min_value=2000, max_value=2100),
    )



RAW_IEA_ELECTRIC_CAR_SALES = TableContract(
    name="iea__electric_car_sales",
    layer="raw",
    description=(
        "New electric cars sold (BEV + PHEV) by country or region and year, IEA Global EV Outlook via "
        "the OWID grapher chart electric-car-sales. CC BY 4.0."
    ),
    columns=(
        *_keys(),
        # No lower bound: IEA's 'Rest of World' is a residual (world minus listed countries) and is
        # published negative in some years (2013, 2015, 2019, 2022).
        Column("electric_car_sales_units", "int64", "Electric cars sold (OWID 'Electric cars sold')",
               unit="vehicles", nullable=True),
        SOURCE_SHA256,
    ),
    primary_key=("entity", "year"),
)

RAW_IEA_ELECTRIC_CAR_SALES_SHARE = TableContract(
    name="iea__electric_car_sales_share",
    layer="raw",
    description=(
        "Share of new cars sold that are electric (BEV + PHEV) by country or region and year, IEA Global "
        "EV Outlook via the OWID grapher chart electric-car-sales-share. CC BY 4.0."
    ),
    columns=(
        *_keys(),
        Column("electric_car_sales_share_pct", "float64",
               "Share of new cars that are electric (OWID 'Share of new cars that are electric')",
               unit="%", nullable=True, min_value=0, max_value=100),
        SOURCE_SHA256,
    ),
    primary_key=("entity", "year"),
)
