"""The vocabularies every layer shares: powertrains, fuels, test cycles, battery chemistries,
confidence tags, the markets, the life-cycle stages and the quality levels of a DQR.

Each is defined once. The short closed lists are here; the markets and the stages are the dbt seeds
``markets.csv`` and ``life_cycle_stages.csv`` (dbt reads them as tables, Python reads them here at
import), and the quality levels are the dbt var ``dqr_quality_levels`` (the macro ``quality_level``
renders it as SQL). The connectors take their market codes from ``MARKETS``; a test checks that the
dbt var ``life_cycle_stages`` lists the seed's stages in the seed's order.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from warehouse.paths import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
DBT_PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"

POWERTRAINS = ("ICEV", "HEV", "PHEV", "BEV")
FUELS = ("petrol", "diesel", "electricity")
CONSUMPTION_BASES = ("WLTP", "NEDC", "CLTC", "EPA", "REAL_WORLD")
CHEMISTRIES = ("LFP", "NMC622", "NMC811", "NCA", "LMO", "NMC")
# Confidence of a seed value: V read in the source; V2 second-hand; D derived; R not confirmed (estimated).
CONFIDENCE_TAGS = ("V", "V2", "D", "R")
ISO3_PATTERN = r"^[A-Z]{3}$"


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """The rows of the dbt seed ``<name>.csv``, as text."""
    with open(seeds_dir / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def dbt_vars() -> dict[str, Any]:
    """The ``vars`` of dbt_project.yml."""
    return yaml.safe_load(DBT_PROJECT_FILE.read_text(encoding="utf-8"))["vars"]


@dataclass(frozen=True)
class Market:
    """A market footprints are reported for (seed ``markets``) and its code in each source."""

    code: str  # ISO 3166-1 alpha-3, or EU27
    name: str
    iso3: str | None  # None for an aggregate (EU27)
    owid_entity: str  # entity name in OWID's energy dataset
    ember_entity: str  # entity name in the Ember API (an aggregate is asked by this name)
    worldbank_code: str  # country or aggregate code of the World Bank API (EUU for the EU)


@dataclass(frozen=True)
class Stage:
    """A life-cycle stage of the standard (seed ``life_cycle_stages``)."""

    name: str
    order: int
    in_core_boundary: bool  # by default: the seed decides what total_kg_co2e sums
    description: str


MARKETS: tuple[Market, ...] = tuple(
    Market(code=row["market_code"], name=row["market_name"], iso3=row["iso3"] or None,
           owid_entity=row["owid_entity"], ember_entity=row["ember_entity"], worldbank_code=row["worldbank_code"])
    for row in read_seed("markets")
)
MARKET_CODES: tuple[str, ...] = tuple(market.code for market in MARKETS)

LIFE_CYCLE_STAGE_ROWS: tuple[Stage, ...] = tuple(sorted(
    (Stage(name=row["stage"], order=int(row["stage_order"]), in_core_boundary=row["in_core_boundary"].strip().lower() == "true",
           description=row["description"])
     for row in read_seed("life_cycle_stages")),
    key=lambda stage: stage.order,
))
# The six reported stages (without the totals), in report order.
LIFE_CYCLE_STAGES: tuple[str, ...] = tuple(stage.name for stage in LIFE_CYCLE_STAGE_ROWS)

# PEF quality levels of a DQR, best first: (level, the highest DQR it covers; None for the last).
QUALITY_LEVEL_BOUNDS: tuple[tuple[str, float | None], ...] = tuple(
    (entry["level"], entry.get("max_dqr")) for entry in dbt_vars()["dqr_quality_levels"]
)
QUALITY_LEVELS: tuple[str, ...] = tuple(level for level, _ in QUALITY_LEVEL_BOUNDS)


def market(code: str) -> Market:
    for candidate in MARKETS:
        if candidate.code == code:
            return candidate
    raise KeyError(f"no market {code!r} in seed markets; known: {', '.join(MARKET_CODES)}")


# The powertrain split of market sales and registrations (carsales, GAIKINDO, LTA): coarser and looser
# than the catalogue's POWERTRAINS, because some publishers do not split petrol from diesel (ice) or
# plug-in from non-plug-in hybrids (hybrid), and Poland reports LPG cars apart.
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


def to_sales_powertrains(mapping_name: str, mapping: dict[str, str]) -> dict[str, str]:
    """A source's mapping of its own labels to the sales powertrains, refused at import if it names
    one outside ``SALES_POWERTRAINS``."""
    outside = sorted(set(mapping.values()) - set(SALES_POWERTRAINS))
    if outside:
        raise ValueError(f"{mapping_name} maps to {', '.join(outside)}, outside SALES_POWERTRAINS "
                         "(warehouse/contracts/vocabularies.py)")
    return mapping
