"""Contracts of the new-car fleet tables (issue 14, items 5 and 6): the seed ``make_origins`` (who
owns each make as the sources publish it, and whether it counts as a Chinese brand), its staging
model, and the mart ``fct_market_new_car_fleet`` (market x year x sales powertrain: new-car sales,
share of the market, Chinese-brand volume and share where a brand-level source covers the year, and
the average life-cycle footprint and t CO2e of that year's new cars)."""

from __future__ import annotations

from warehouse.contracts.schema import Column, TableContract
from warehouse.contracts.vocabularies import (
    CONFIDENCE_TAGS,
    ISO3_PATTERN,
    MARKET_CODES,
    POWERTRAINS,
    SALES_POWERTRAIN_MEANINGS,
    SALES_POWERTRAINS,
)

# The sources whose make names the seed maps, and the column each name is read from.
MAKE_SOURCES = {
    "gaikindo": "staging.stg_gaikindo__model_wholesales.brand_corrected",
    "lta": "staging.stg_lta__registrations_by_make.make_normalised",
    "open_ev_data": "staging.stg_open_ev_data__trims.make",
    "catalogue": "seeds/vehicle_catalogue.csv make",
}

CHINESE_BRAND_RULE = (
    "A make is a Chinese brand when, at the end of 2024, the group that controls it (majority or controlling "
    "stake) is headquartered in mainland China, wherever the make itself is based or its cars are built: "
    "MG/Morris Garage, Maxus, Roewe, IM Motors, Rising Auto = SAIC; Volvo Cars, Polestar, Lotus, Zeekr = Geely; "
    "a joint venture counts as Chinese when a Chinese group holds at least half of it and it is headquartered in "
    "China (Wuling = SAIC-GM-Wuling, SAIC 50.1%; smart = Mercedes-Benz/Geely 50:50, Ningbo). A minority Chinese "
    "stake does not count (Mercedes-Benz, Aston Martin). A marque no longer built "
    "counts under the last company that built it (Morris, Austin, Rover). Ownership is not historicised: "
    "every year uses the 2024 owner (smart was Daimler's before 2020)."
)

_MAKE_ORIGIN_COLUMNS = (
    Column("source_name", "string",
           "Source whose make name the row maps: " + "; ".join(f"{name} = {column}" for name, column in MAKE_SOURCES.items()),
           allowed_values=tuple(MAKE_SOURCES)),
    Column("make_as_published", "string", "Make exactly as the source's column spells it"),
    Column("owner_group", "string", "Company or group that controls the make (end of 2024); for a defunct marque, "
                                    "the last company that built it"),
    Column("owner_country", "string", "ISO 3166-1 alpha-3 code of the country the owner group is headquartered in",
           pattern=ISO3_PATTERN),
    Column("is_chinese_brand", "bool", "The make is a Chinese brand: " + CHINESE_BRAND_RULE),
    Column("source", "string", "Where the ownership was read, or that it was not read in a source (confidence R)"),
    Column("source_url", "string", "URL of the source", nullable=True, pattern=r"^https?://"),
    Column("confidence", "string", "V read in the source; V2 second-hand (press, encyclopaedia); D derived; "
                                   "R not confirmed in a source read for this seed", allowed_values=CONFIDENCE_TAGS),
    Column("notes", "string", "Joint ventures, minority stakes, former owners, what the make covers", nullable=True),
)
_MAKE_ORIGIN_KEY = ("source_name", "make_as_published")

MAKE_ORIGINS = TableContract(
    name="make_origins",
    layer="parameters",
    description=(
        "Owner group and owner country of every make as each source publishes it (GAIKINDO brand, LTA make, "
        "open-ev-data make, curated catalogue make), and whether it counts as a Chinese brand. " + CHINESE_BRAND_RULE
    ),
    columns=_MAKE_ORIGIN_COLUMNS,
    primary_key=_MAKE_ORIGIN_KEY,
)

STG_PARAMETERS__MAKE_ORIGINS = TableContract(
    name="stg_parameters__make_origins",
    layer="staging",
    description="Owner group, owner country and Chinese-brand flag of every make as each source publishes it "
                "(seed make_origins).",
    columns=_MAKE_ORIGIN_COLUMNS,
    primary_key=_MAKE_ORIGIN_KEY,
)

CHINESE_BRAND_BASES = {
    "gaikindo_passenger_wholesales": "GAIKINDO model wholesales of passenger cars (stg_gaikindo__model_wholesales"
                                     ".is_passenger_car: SEDAN, 4X2, 4X4, AFFORDABLE = the LCGC programme), by "
                                     "brand_corrected",
    "lta_registrations_by_make": "LTA new registrations by make (M03)",
    "brand_source_year_not_loaded": "the market's brand-level source has no rows for the year",
    "brand_source_year_incomplete": "the market's brand-level source covers fewer than 12 months of the year",
    "no_brand_level_source": "no source gives the market's sales by make",
}
FOOTPRINT_BASES = {
    "market_footprint": "fct_market_footprint of the catalogue powertrain, whose catalogue models burn the sales "
                        "powertrain's fuel",
    "ice_as_catalogue_icev": "ice (petrol and diesel not split): the catalogue ICEV footprint (its models' fuels) "
                             "stands for both",
    "fuel_not_in_catalogue": "the catalogue's ICEV models of the market and year do not burn this fuel only "
                             "(diesel, lpg: the catalogue has petrol ICEVs)",
    "no_catalogue_powertrain": "the publisher's split has no catalogue powertrain (hybrid = HEV + PHEV, other)",
    "no_footprint_for_year": "fct_market_footprint has no row for the market, year and catalogue powertrain "
                             "(footprints are built for dbt var registration_years)",
}


def _described(bases: dict[str, str]) -> str:
    return "; ".join(f"{value} = {meaning}" for value, meaning in bases.items())


FCT_MARKET_NEW_CAR_FLEET = TableContract(
    name="fct_market_new_car_fleet",
    layer="marts",
    description=(
        "New cars sold by market x year x sales powertrain (stg_carsales__new_car_sales, markets of seed markets): "
        "sales and share of the market's year, the Chinese-brand volume and share where a brand-level source covers "
        "the whole year (Indonesia: GAIKINDO passenger-category wholesales; Singapore: LTA registrations by make; "
        "chinese_brand_basis says why not elsewhere), and the average core-boundary life-cycle footprint of that "
        "year's new cars of the powertrain (fct_market_footprint) with their life-cycle t CO2e (footprint_basis "
        "says why a row has none)."
    ),
    columns=(
        Column("market_code", "string", "Market (dim_market)", allowed_values=MARKET_CODES,
               references="dim_market.market_code"),
        Column("year", "int64", "Calendar year of the sales (the footprint's registration year)", unit="year",
               min_value=1990, max_value=2100),
        Column("powertrain", "string", "Sales powertrain as the market's publisher splits it: "
               + "; ".join(f"{name} = {meaning}" for name, meaning in SALES_POWERTRAIN_MEANINGS.items()),
               allowed_values=SALES_POWERTRAINS),
        Column("catalogue_powertrain", "string",
               "Catalogue powertrain the sales powertrain counts (ICEV for diesel, petrol, lpg, ice); null for hybrid "
               "and other", nullable=True, allowed_values=POWERTRAINS),
        Column("new_car_sales", "int64", "New cars sold in the year: sum of the months reported", unit="vehicles",
               min_value=0),
        Column("months_reported", "int64", "Months of the year the publisher reports", unit="months",
               min_value=1, max_value=12),
        Column("market_year_sales", "int64", "New cars sold in the market that year, all powertrains", unit="vehicles",
               min_value=0),
        Column("share_of_market", "float64", "new_car_sales / market_year_sales; null when the market sold none",
               unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("sales_publisher", "string", "Primary publisher of the sales figures (carsales sources_data.json)"),
        Column("chinese_brand_volume", "int64",
               "Cars of Chinese brands (seed make_origins) of the powertrain in the brand-level source's year; null "
               "where chinese_brand_basis names no source", unit="vehicles", nullable=True, min_value=0),
        Column("brand_source_volume", "int64",
               "All cars of the powertrain in the brand-level source's year (the share's denominator)",
               unit="vehicles", nullable=True, min_value=0),
        Column("unknown_origin_volume", "int64",
               "Cars of the powertrain in the brand-level source whose make is not in seed make_origins (counted as "
               "not Chinese; a make to add)", unit="vehicles", nullable=True, min_value=0),
        Column("chinese_brand_share", "float64",
               "chinese_brand_volume / brand_source_volume; null where there is no source or it counts none",
               unit="fraction", nullable=True, min_value=0, max_value=1),
        Column("chinese_brand_basis", "string", "Where the Chinese-brand figures come from, or why there are none: "
               + _described(CHINESE_BRAND_BASES), allowed_values=tuple(CHINESE_BRAND_BASES)),
        Column("footprint_kg_co2e_per_vehicle", "float64",
               "Average core-boundary life-cycle footprint of a new car of the powertrain registered that year "
               "(fct_market_footprint.total_kg_co2e)", unit="kg CO2e/vehicle", nullable=True, min_value=0),
        Column("footprint_g_co2e_per_km", "float64",
               "The same per km over the market's lifetime (fct_market_footprint.total_g_co2e_per_km)",
               unit="g CO2e/km", nullable=True, min_value=0),
        Column("footprint_weight_basis", "string", "weight_basis of the fct_market_footprint row used", nullable=True),
        Column("lifecycle_t_co2e", "float64",
               "Life-cycle emissions of the year's new cars of the powertrain: new_car_sales x "
               "footprint_kg_co2e_per_vehicle / 1000", unit="t CO2e", nullable=True, min_value=0),
        Column("footprint_basis", "string", "Why the footprint is what it is, or why it is null: "
               + _described(FOOTPRINT_BASES), allowed_values=tuple(FOOTPRINT_BASES)),
        Column("methodology_version", "string", "Version of the footprint method; null without a footprint",
               nullable=True, pattern=r"^\d+\.\d+\.\d+$"),
        Column("source_sha256s", "string", "sha256 of the raw carsales bytes summed, semicolon-separated",
               pattern=r"^[0-9a-f]{64}(;[0-9a-f]{64})*$"),
    ),
    primary_key=("market_code", "year", "powertrain"),
)

FLEET_CONTRACTS = (MAKE_ORIGINS, STG_PARAMETERS__MAKE_ORIGINS, FCT_MARKET_NEW_CAR_FLEET)
