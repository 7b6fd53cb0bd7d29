"""Derive the World Bank API answer for the official exchange rate (PA.NUS.FCRF) from the WDI rows in
``worldbank/wdi_pa_nus_fcrf_excerpt_nigeria-market-analysis_338825d.csv``.

That file is an excerpt, rows unchanged, of the WDI bulk download
``API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv`` ("Last Updated Date" 2026-07-13) as committed in
favourdavidemeka/nigeria-market-analysis at 338825da02091afd3105d111ef747de9fd0296eb
(``data-raw/``, said there to be the untouched World Bank file): the rows of the codes the connector
asks this indicator for (``connectors.worldbank.requested_codes``), transcribed by hand.

Writes ``worldbank/wb_pa_nus_fcrf_markets_2015_2025.json``: the one page the connector's request
(``per_page`` 1000, ``date`` FIRST_YEAR..current year) would get, ``[page metadata, records]``, one
record per requested code (in request order) and year from FIRST_YEAR to the last year column of
the excerpt, newest first. A value is the excerpt's cell as a JSON number (the same decimal digits)
or null where the cell is empty; nothing is filled in. ``lastupdated`` is the excerpt's "Last Updated
Date". Not in the excerpt, hence rebuilt: the countries' API ids (ISO 3166 alpha-2; XC and EU for
the aggregates), ``sourceid`` "2" (WDI) and ``unit`` "", ``obs_status`` "", ``decimal`` 0 as in the
recorded GDP answers of this snapshot.

    uv run python -m connectors.snapshot_builders.worldbank_exchange_rates
"""

import csv
import io
import json
from pathlib import Path

from connectors import worldbank
from connectors.snapshot_manifest import add_entry
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

SOURCE_REPO = "favourdavidemeka/nigeria-market-analysis"
SOURCE_COMMIT = "338825da02091afd3105d111ef747de9fd0296eb"
SOURCE_PATH = "data-raw/API_PA.NUS.FCRF_DS2_en_csv_v2_404139.csv"
EXCERPT_FILE = "worldbank/wdi_pa_nus_fcrf_excerpt_nigeria-market-analysis_338825d.csv"
OUTPUT_FILE = "worldbank/wb_pa_nus_fcrf_markets_2015_2025.json"
RETRIEVED_DATE = "2026-12-02"
# The request the answer stands for: the snapshot was assembled in 2026, so date=FIRST_YEAR:2026.
REQUEST_END_YEAR = 2026
PER_PAGE = 1000
# API country ids (the API's "country.id") of the requested codes; the excerpt carries ISO3 codes only.
API_IDS = {
    "CHN": "CN", "IDN": "ID", "THA": "TH", "SGP": "SG", "HUN": "HU", "POL": "PL", "ZAF": "ZA", "PAK": "PK",
    "RUS": "RU", "EUU": "EU", "USA": "US", "EMU": "XC",
}
PROVENANCE = f"{SOURCE_REPO}@{SOURCE_COMMIT} {SOURCE_PATH}"
TRUST = (
    f"V2 (second-hand): values transcribed from {PROVENANCE} (the WDI bulk CSV, Last Updated 2026-07-13); "
    "REAL-VALUES/RECONSTRUCTED: API envelope built by connectors/snapshot_builders/worldbank_exchange_rates.py"
)


def read_excerpt(path: Path) -> tuple[str, list[str], list[dict]]:
    """(last updated date, year columns, rows keyed by the header) of a WDI bulk CSV (four preamble lines)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    preamble = list(csv.reader(lines[:4]))
    last_updated = next(row[1] for row in preamble if row and row[0] == "Last Updated Date")
    reader = csv.DictReader(io.StringIO("\n".join(lines[4:])))
    years = [name for name in reader.fieldnames if name.isdigit()]
    return last_updated, years, list(reader)


def number(text: str) -> int | float | None:
    """A cell as the JSON number with the same digits: '' -> None, '1' -> 1, '15855.4482866711' -> float."""
    text = text.strip()
    if not text:
        return None
    value = int(text) if text.lstrip("-").isdigit() else float(text)
    if not isinstance(value, int) and repr(value) != text:
        raise ValueError(f"{text!r} would not keep its digits as a JSON number ({value!r})")
    return value


def live_url() -> str:
    """The URL of the request the answer stands for, as ``connectors.worldbank.fetch_live`` builds it."""
    codes = ";".join(worldbank.requested_codes(worldbank.EXCHANGE_RATE))
    path = worldbank.URL_TEMPLATE.format(base_url=worldbank.BASE_URL, codes=codes, indicator=worldbank.EXCHANGE_RATE)
    return f"{path}?format=json&per_page={PER_PAGE}&page=1&date={worldbank.FIRST_YEAR}:{REQUEST_END_YEAR}"


def build(snapshot_dir: Path = DEFAULT_SNAPSHOT_DIR) -> bytes:
    last_updated, years, rows = read_excerpt(snapshot_dir / EXCERPT_FILE)
    by_code = {row["Country Code"]: row for row in rows}
    answered = [year for year in years if worldbank.FIRST_YEAR <= int(year) <= REQUEST_END_YEAR]
    records = []
    for code in worldbank.requested_codes(worldbank.EXCHANGE_RATE):
        row = by_code[code]  # a requested code missing from the excerpt is an error, not a gap
        if row["Indicator Code"] != worldbank.EXCHANGE_RATE:
            raise ValueError(f"{code}: excerpt row is {row['Indicator Code']!r}")
        for year in sorted(answered, reverse=True):
            records.append({
                "indicator": {"id": row["Indicator Code"], "value": row["Indicator Name"]},
                "country": {"id": API_IDS[code], "value": row["Country Name"]},
                "countryiso3code": code,
                "date": year,
                "value": number(row[year]),
                "unit": "",
                "obs_status": "",
                "decimal": 0,
            })
    meta = {"page": 1, "pages": 1, "per_page": PER_PAGE, "total": len(records), "sourceid": "2",
            "lastupdated": last_updated}
    return json.dumps([meta, records], separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def main(snapshot_dir: Path = DEFAULT_SNAPSHOT_DIR) -> Path:
    output = snapshot_dir / OUTPUT_FILE
    output.write_bytes(build(snapshot_dir))
    add_entry(
        snapshot_dir, EXCERPT_FILE, source_id="worldbank_pa_nus_fcrf_excerpt",
        url=f"https://github.com/{SOURCE_REPO}/blob/{SOURCE_COMMIT}/{SOURCE_PATH}",
        source_release="WDI bulk download, Last Updated Date 2026-07-13",
        licence="CC BY 4.0 (World Bank data; the repository states no licence)",
        citation="World Bank, World Development Indicators, PA.NUS.FCRF",
        trust=f"V2 (second-hand): rows transcribed unchanged from {PROVENANCE}",
        notes="Excerpt: the preamble, the header and the rows of CHN, EMU, EUU, HUN, IDN, PAK, POL, RUS, SGP, THA, "
              "USA, ZAF in the file's order; source of wb_pa_nus_fcrf_markets_2015_2025.json, not read by a connector",
        retrieved_date=RETRIEVED_DATE,
    )
    add_entry(
        snapshot_dir, OUTPUT_FILE, source_id=worldbank.SOURCE, url=live_url(),
        source_release="WDI, lastupdated 2026-07-13",
        licence="CC BY 4.0",
        citation="World Bank, World Development Indicators, PA.NUS.FCRF",
        trust=TRUST,
        notes="Official exchange rate (LCU per US$, period average), 2015-2025, for the 11 markets' codes and the euro "
              "area (EMU); null where the WDI file has no value (EUU every year, RUS 2025); no 2026 column in the source",
        retrieved_date=RETRIEVED_DATE,
    )
    print(f"wrote {output}")
    return output


if __name__ == "__main__":
    main()
