"""Raw contracts of the UN Comtrade connector: China's monthly car exports by partner and HS code,
and Comtrade's partner reference list."""

from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

HS_8703_CODES = (
    "8703", "870321", "870322", "870323", "870324", "870331", "870332", "870333",
    "870340", "870350", "870360", "870370", "870380",
)

RAW_COMTRADE_CHINA_CAR_EXPORTS = TableContract(
    name="comtrade__china_car_exports",
    layer="raw",
    description=(
        "China-reported monthly exports of passenger cars (HS 8703 and its powertrain subheadings) by "
        "partner, from UN Comtrade; totals over customs procedure and mode of transport. Partitioned by month."
    ),
    columns=(
        Column("month", "string", "Reference month (partition key)", pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
        Column("ref_year", "int64", "Reference year", unit="year", min_value=1990, max_value=2100),
        Column("ref_month", "int64", "Reference month number", min_value=1, max_value=12),
        Column("reporter_code", "int64", "Comtrade reporter code (156 = China)", allowed_values=(156,)),
        Column("flow_code", "string", "Trade flow (X = export)", allowed_values=("X",)),
        Column("partner_code", "int64", "Comtrade partner code (0 = World); map through comtrade__partner_areas",
               min_value=0, max_value=999),
        Column("partner2_code", "int64", "Second partner code (0 = World, i.e. no breakdown)", min_value=0),
        Column("cmd_code", "string", "HS code: 8703 or one of its subheadings", allowed_values=HS_8703_CODES),
        Column("customs_code", "string", "Customs procedure code (C00 = total)"),
        Column("mot_code", "int64", "Mode of transport code (0 = total)", min_value=0),
        Column("qty_unit_abbr", "string", "Quantity unit abbreviation as reported ('u' = number of items)"),
        Column("quantity_units", "float64", "Number of vehicles, when the quantity is reported in units "
               "(can be fractional where Comtrade estimated it)", unit="vehicles", nullable=True, min_value=0),
        Column("is_qty_estimated", "bool", "Comtrade flags the quantity as estimated", nullable=True),
        Column("net_weight_kg", "float64", "Net weight", unit="kg", nullable=True, min_value=0),
        Column("fob_value_usd", "float64", "Free-on-board value", unit="USD", nullable=True, min_value=0),
        Column("primary_value_usd", "float64", "Primary trade value (exports: FOB)", unit="USD", min_value=0),
        SOURCE_SHA256,
    ),
    primary_key=("month", "partner_code", "partner2_code", "cmd_code", "customs_code", "mot_code"),
)

RAW_COMTRADE_PARTNER_AREAS = TableContract(
    name="comtrade__partner_areas",
    layer="raw",
    description="Comtrade's partner reference list: partner code to name and ISO 3166-1 alpha-3.",
    columns=(
        Column("partner_code", "int64", "Comtrade partner code", min_value=0, max_value=999),
        Column("partner_desc", "string", "Partner name as Comtrade writes it"),
        Column("partner_iso3", "string", "ISO 3166-1 alpha-3 (or Comtrade's own code such as W00 for World)",
               nullable=True, pattern=r"^[A-Z0-9_]{3}$"),
        Column("is_group", "bool", "The partner is a group of countries (World, regions)"),
        SOURCE_SHA256,
    ),
    primary_key=("partner_code",),
)
