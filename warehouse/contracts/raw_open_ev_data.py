"""Raw contract of the open-ev-data connector (``connectors.open_ev_data``): one row per electric
vehicle trim as the dataset's layered JSON compiles it, with nulls wherever a record is silent. It
rejects only the impossible; which trims the catalogue takes, and how, is decided downstream."""

from connectors.open_ev_data import RATED_CYCLES
from warehouse.contracts.schema import SOURCE_SHA256, Column, TableContract

OPEN_EV_DATA_POWERTRAINS = ("BEV", "PHEV", "EREV")
SLUG_PATTERN = r"^[a-z0-9_]+$"
CYCLE_NAMES = {"cltc": "CLTC", "wltp": "WLTP", "nedc": "NEDC", "epa": "EPA", "jc08": "JC08",
               "other": "a cycle the dataset calls 'other' (not named)"}


def _range_column(cycle: str) -> Column:
    return Column(f"range_{cycle}_km", "float64", f"Rated range on {CYCLE_NAMES[cycle]} (range.rated, cycle {cycle}); "
                  "null when the record gives none", unit="km", nullable=True, min_value=0)


RAW_OPEN_EV_DATA_TRIMS = TableContract(
    name="open_ev_data__trims",
    layer="raw",
    description=(
        "Specifications of electric vehicle trims from open-ev-data (open-ev-data/open-ev-data-dataset), one row "
        "per trim compiled from the dataset's layered JSON (base.json, then the year file, then a variant file): "
        "battery chemistry and capacity, curb weight, rated range per test cycle, markets, wheelbase, sources. "
        "No consumption: the dataset has none. CDLA-Permissive-2.0."
    ),
    columns=(
        Column("trim_id", "string", "The dataset's canonical id: oed:<make>:<model>:<year>:<trim>[:<variant>]",
               pattern=r"^oed:[a-z0-9_]+:[a-z0-9_]+:\d{4}:[a-z0-9_]+(:[a-z0-9_]+)?$"),
        Column("make_slug", "string", "Make slug (make.slug)", pattern=SLUG_PATTERN),
        Column("make", "string", "Make name (make.name)"),
        Column("model_slug", "string", "Model slug (model.slug)", pattern=SLUG_PATTERN),
        Column("model", "string", "Model name (model.name)"),
        Column("model_year", "int64", "Model year (year; equals the file's year folder)", unit="year",
               min_value=1900, max_value=2100),
        Column("trim_slug", "string", "Trim slug (trim.slug)", pattern=SLUG_PATTERN),
        Column("trim", "string", "Trim name (trim.name)"),
        Column("variant_slug", "string", "Variant slug (variant.slug); null for a year's base vehicle",
               nullable=True, pattern=SLUG_PATTERN),
        Column("variant", "string", "Variant name (variant.name)", nullable=True),
        Column("variant_kind", "string", "What the variant changes (variant.kind, e.g. battery_upgrade)", nullable=True),
        Column("vehicle_type", "string", "Vehicle type (vehicle_type: passenger_car, suv, van, ...)", nullable=True),
        Column("availability_status", "string", "availability.status (production, discontinued, concept, ...)",
               nullable=True),
        Column("powertrain", "string", "BEV, PHEV or EREV as the record's own names or notes say (the dataset has no "
               "powertrain field); null when they say both PHEV and EREV", nullable=True,
               allowed_values=OPEN_EV_DATA_POWERTRAINS),
        Column("powertrain_basis", "string", "What decided the powertrain: the fields and texts quoted, or that none "
               "labels the trim PHEV or EREV"),
        Column("battery_chemistry", "string", "battery.chemistry as written (lfp, nmc, li-ion = lithium-ion, "
               "chemistry unspecified)", nullable=True),
        Column("battery_gross_kwh", "float64", "battery.pack_capacity_kwh_gross", unit="kWh", nullable=True, min_value=0),
        Column("battery_net_kwh", "float64", "battery.pack_capacity_kwh_net (usable)", unit="kWh", nullable=True,
               min_value=0),
        Column("curb_weight_kg", "float64", "weights.curb_weight_kg", unit="kg", nullable=True, min_value=0),
        Column("wheelbase_mm", "float64", "dimensions.wheelbase_mm", unit="mm", nullable=True, min_value=0),
        *(_range_column(cycle) for cycle in RATED_CYCLES),
        Column("rated_range_notes", "string", "The notes of range.rated, '<cycle>: <note>' joined by '; ' (e.g. an "
               "EREV's total range with its range extender)", nullable=True),
        Column("markets", "string", "Markets sold in (markets), ISO 3166-1 alpha-2 codes joined by ';'", nullable=True,
               pattern=r"^[A-Z]{2}(;[A-Z]{2})*$"),
        Column("source_urls", "string", "URLs of the record's sources (sources[].url), space-separated"),
        Column("trim_file", "string", "The file defining the trim inside the dataset's archive (src/<make>/<model>/"
               "<year>/<file>.json), layered over its model's base.json (and a variant over its year file)",
               pattern=r"^src/[^/]+/[^/]+/\d{4}/[^/]+\.json$"),
        SOURCE_SHA256,
    ),
    primary_key=("trim_id",),
)
