"""Derive Comtrade-shaped monthly answers and a partner reference list from the transcribed China
export series in ``china_exports/`` (real values from UN Comtrade, China-reported HS 8703 exports).

Writes ``comtrade/china_hs8703_exports_<year>.json``: one ``{"elapsedTime", "count", "data",
"error"}`` document per year, one record per month and partner in the field layout of
``/data/v1/get/C/M/HS`` (partner 0 = World for every month; named partners for the months the
transcription holds). Fields the transcription does not carry (weights, CIF, descriptions) are null.
Writes ``comtrade/partner_areas_subset.json`` in the layout of ``partnerAreas.json`` for the
partners that appear, codes and ISO3 as the transcription and the market crosswalk give them.

    uv run python -m connectors.snapshot_builders.comtrade_monthly
"""

import csv
import json
from collections import defaultdict
from pathlib import Path

from connectors import comtrade
from connectors.snapshot_manifest import add_entry
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

WORLD_FILE = "china_exports/china_hs8703_exports_world_monthly_2020_2024.csv"
PARTNER_FILE = "china_exports/china_hs8703_exports_by_partner_2024-12_subset.csv"
CROSSWALK_FILE = "market_code_crosswalk.csv"
TRUST = "REAL-VALUES/RECONSTRUCTED: Comtrade envelope built by connectors/snapshot_builders/comtrade_monthly.py around the transcribed China export values"


def record(month: str, partner_code: int, partner_iso: str, units: str, value_usd: str, estimated: bool) -> dict:
    year, month_number = month.split("-")
    return {
        "typeCode": "C", "freqCode": "M", "refPeriodId": int(f"{year}{month_number}01"), "refYear": int(year),
        "refMonth": int(month_number), "period": f"{year}{month_number}", "reporterCode": comtrade.REPORTER_CHINA,
        "reporterISO": "CHN", "reporterDesc": None, "flowCode": "X", "flowDesc": None, "partnerCode": partner_code,
        "partnerISO": partner_iso, "partnerDesc": None, "partner2Code": 0, "partner2ISO": "W00", "partner2Desc": None,
        "classificationCode": "H6", "classificationSearchCode": "HS", "isOriginalClassification": True,
        "cmdCode": "8703", "cmdDesc": None, "aggrLevel": 4, "isLeaf": False, "isAggregate": True,
        "customsCode": "C00", "customsDesc": None, "mosCode": "0", "motCode": 0, "motDesc": None,
        "qtyUnitCode": 5 if units else -1, "qtyUnitAbbr": "u" if units else "N/A",
        "qty": float(units) if units else None, "isQtyEstimated": estimated,
        "altQtyUnitCode": None, "altQtyUnitAbbr": None, "altQty": None, "isAltQtyEstimated": None,
        "netWgt": None, "isNetWgtEstimated": None, "grossWgt": None, "isGrossWgtEstimated": None,
        "fobvalue": float(value_usd), "cifvalue": None, "primaryValue": float(value_usd),
        "isReported": True, "legacyEstimationFlag": None,
    }


def build(snapshot_dir: Path = DEFAULT_SNAPSHOT_DIR) -> list[str]:
    by_year: dict[str, list[dict]] = defaultdict(list)
    with open(snapshot_dir / WORLD_FILE, newline="") as handle:
        for row in csv.DictReader(handle):
            by_year[row["period"][:4]].append(record(row["period"], 0, "W00", row["units"], row["value_usd"], False))
    partners: dict[int, tuple[str, str]] = {0: ("World", "W00")}
    with open(snapshot_dir / PARTNER_FILE, newline="") as handle:
        for row in csv.DictReader(handle):
            code = int(row["partner_code"])
            partners[code] = (row["country"], row["iso3"])
            by_year[row["period"][:4]].append(
                record(row["period"], code, row["iso3"], row["units"], row["value_usd"], row["qty_estimated"] == "true")
            )
    written = []
    for year, records in sorted(by_year.items()):
        records.sort(key=lambda item: (item["period"], item["partnerCode"]))
        relative = f"comtrade/china_hs8703_exports_{year}.json"
        document = {"elapsedTime": None, "count": len(records), "data": records, "error": ""}
        (snapshot_dir / relative).write_text(json.dumps(document, indent=1) + "\n")
        months = sorted({f"{item['period'][:4]}-{item['period'][4:]}" for item in records})
        add_entry(snapshot_dir, relative, source_id=comtrade.SOURCE,
                  url=f"{comtrade.DATA_URL}?reporterCode=156&flowCode=X&cmdCode=8703&period=<each month of {year}>",
                  source_release="China-reported customs exports (UN Comtrade), as transcribed in china_exports/",
                  licence=comtrade.LICENCE, citation=comtrade.CITATION, trust=TRUST, partitions=months,
                  notes="HS 8703 total only (no powertrain subheadings in the transcription); partner rows only where transcribed")
        written.append(relative)
    iso2 = {}
    with open(snapshot_dir / CROSSWALK_FILE, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["iso3"]:
                iso2[row["iso3"]] = row["iso2"]
    results = [
        {"id": code, "text": name, "PartnerCode": code, "PartnerDesc": name,
         "PartnerCodeIsoAlpha2": iso2.get(iso3, "W0" if code == 0 else None), "PartnerCodeIsoAlpha3": iso3,
         "isGroup": code == 0}
        for code, (name, iso3) in sorted(partners.items())
    ]
    relative = "comtrade/partner_areas_subset.json"
    (snapshot_dir / relative).write_text(json.dumps({"more": False, "results": results}, indent=1, ensure_ascii=False) + "\n")
    add_entry(snapshot_dir, relative, source_id=comtrade.REFERENCE_SOURCE, url=comtrade.PARTNER_AREAS_URL,
              source_release="Comtrade reference list (subset)", licence=comtrade.LICENCE, citation=comtrade.CITATION,
              trust="REAL-VALUES/RECONSTRUCTED: codes and ISO3 of the transcribed partners, layout of partnerAreas.json",
              notes="Only the partners present in the embedded export series; the live list has ~290 entries")
    written.append(relative)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
