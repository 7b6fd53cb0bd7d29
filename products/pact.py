"""PACT ProductFootprint exchange objects (PACT Technical Specifications v3, data model 3.0.3) of the
published footprints, and the JSON file the publication carries them in (``pact/product_footprints.json``:
a JSON array, as the ``data`` of the PACT API's ListFootprints response).

What one ProductFootprint is
    One per model variant x registration year x methodology version. PACT footprints are
    cradle-to-gate, and the marts' cradle-to-gate stages (raw materials, production) do not depend on
    the market the car is used in (checked on every export: an export fails if they differ across
    markets), so the footprint is the same in every market; the market-dependent use phase goes into
    the Greenbridge extension, one entry per market (with ``market=``, only that market's entry).
    ``id`` is uuid5 over ``PACT_ID_NAMESPACE`` and ``<model_id>|<registration_year>|<methodology_version>``
    (model_id identifies the variant), so two exports of the same data give the same id. PACT v3 wants
    a new id for any change of a published footprint; a republication that changes the numbers within
    one methodology version keeps its id here (the methodology version is the versioning unit).

``pcf`` (CarbonFootprint)
    - ``declaredUnitOfMeasurement`` "piece", ``declaredUnitAmount`` "1" (one vehicle),
      ``productMassPerDeclaredUnit`` = dim_vehicle_model.curb_mass_kg.
    - ``pcfExcludingBiogenicUptake`` = raw_materials_kg_co2e + production_kg_co2e of
      fct_vehicle_footprint. ``fossilGhgEmissions`` = the same: every factor the method prices
      cradle-to-gate is a fossil one (materials, grid electricity, natural-gas heat).
    - Biogenic and land sector: the method's cradle-to-gate inventory has no biogenic or land-use
      process, so ``landUseChangeGhgEmissions`` and ``biogenicNonCO2Emissions`` are "0" (the v3
      reporting rule: 0 if not applicable). ``biogenicCO2Uptake`` and ``biogenicCarbonContent`` are
      left undefined (the rule: blank if unknown): the method does not record the carbon content of
      the car's materials. ``pcfIncludingBiogenicUptake`` (mandatory) therefore equals
      ``pcfExcludingBiogenicUptake``. ``fossilCarbonContent`` is mandatory in v3 but not recorded by the
      method either: it is "0" as a placeholder, and ``comment`` says so — it is not a measurement.
    - ``referencePeriodStart``/``End``: 1 January of the registration year and 1 January of the next
      (the end is exclusive in v3). ``validityPeriodStart`` = ``referencePeriodEnd``,
      ``validityPeriodEnd`` = 1 January after fct_footprint_data_quality.valid_until_year (at most the
      v3 default of 3 years after ``referencePeriodEnd``; checked).
    - ``geographyCountry``: the assembly country (dim_vehicle_model.production_country, ISO 3166-1
      alpha-3 in the marts) as alpha-2 through ``ALPHA3_TO_ALPHA2``; an unmapped code fails the export.
    - ``ipccCharacterizationFactors`` [fct_vehicle_footprint.gwp_set]; cradle-to-gate factors the marts
      list in ``factors_in_other_gwp_set`` are named in ``comment`` (the marts do not name their set).
    - ``crossSectoralStandards`` ["ISO14067"]; ``productOrSectorSpecificRules``: operator "Other"
      (``otherOperatorName`` Greenbridge), rule name the standard and the methodology version.
    - ``exemptedEmissionsPercent`` "0.0": nothing inside raw materials and production is cut off
      (every cradle-to-gate component with an activity is priced). The marts' cut_off_share is the
      share of maintenance and end-of-life in the all-stage total, stages after the factory gate, so
      outside this footprint's boundary rather than exempted from it; it is given per market in the
      extension (``cutOffPercent``), and ``exemptedEmissionsDescription`` says this.
    - ``primaryDataShare`` and ``dqi``: v3 defines both over the PCF itself. The marts'
      fct_footprint_data_quality rates the four-stage core total in each market, a different
      quantity, so the export aggregates fct_footprint_input_quality over the cradle-to-gate inputs
      (the same inputs in every market; checked): ``primaryDataShare`` = % of the pcf whose activity
      data are the vehicle's own (has_primary_activity_data), and technological/geographical/
      temporal DQR = emission-weighted mean of the inputs' PEF TeR/GeR/TiR over all cradle-to-gate
      inputs (v3: "weighted average of all inputs"). v3 rates DQRs from 1 to 5 (the 1-3 scale and
      coveragePercent, completenessDQR and reliabilityDQR were v2 and are gone), so the PEF 1-5
      scores are used as they are, 1 best. The marts' per-market ratings (DQR, coverage, primary
      share of the core total) are in the extension.
    - ``secondaryEmissionFactorSources``: every ``source`` (name) and ``reference_year`` (version) of
      dim_emission_factor cited by a non-zero raw-materials or production component of
      fct_footprint_component. Every emission factor of the method is secondary, so it is always
      present (v3: iff secondary data were used).
    - ``packagingEmissionsIncluded`` false; ``ccsTechnologicalCO2CaptureIncluded`` false (the method
      has no CCS).

ProductFootprint: ``specVersion`` "3.0.3"; ``version``, ``updated`` and ``statusComment`` are obsolete in v3
and not emitted; ``created`` = the publication's published_at, else ``SOURCE_DATE_EPOCH``, else now;
``status`` "Active"; ``productIds`` ["urn:greenbridge:product:<model_id>"]; ``productClassifications``
segment and powertrain URNs; ``companyName``/``companyIds``: ``CompanySettings`` given, else
GREENBRIDGE_PACT_COMPANY_NAME / GREENBRIDGE_PACT_COMPANY_IDS (comma-separated URNs), else the make
(``urn:greenbridge:company:<slug of make>``).

The Greenbridge extension (``extensions[0]``, dataSchema ``EXTENSION_SCHEMA``, described in
pact_schema.json ``$defs/lifecycleExtension``): ``data`` holds the methodology version, the
registration year, the cradle-to-gate split (raw materials, production, of which the traction
battery), the core-boundary stages, and ``markets``: per market (sorted by code) its lifetime, the
use-phase and end-of-life stages (fuel production, fuel use, maintenance, end of life), the
standard's four-stage total (total_kg_co2e), the all-stage total and the four-stage total per km,
the market's data quality from fct_footprint_data_quality, and factors in another GWP set.

Decimals are strings with fixed places (kg CO2e and kg: 1, g/km: 1, percent: 1, DQR: 2, km and
years: 0), correctly rounded from the marts' doubles (Python's format and DuckDB's printf agree);
stage values are rounded each on its own, so their sum can differ from the rounded total in the
last place.

Speed: one query per kind of information for all footprints (the market entries are built as JSON
in DuckDB), and the schema check compiled once (the end of this module): a whole publication's
export, checked and written, takes well under a second.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from products.schema_check import compiled_schema
from products.source import ProductSource

SPEC_VERSION = "3.0.3"
# Greenbridge's namespace for footprint ids, fixed once: changing it changes every id.
PACT_ID_NAMESPACE = uuid.UUID("5e1a8cb8-8ea2-4f01-b55a-ccd7b566b262")
EXTENSION_SCHEMA = "urn:greenbridge:extension:belt-and-road-lifecycle:1.0.0"
EXTENSION_SPEC_VERSION = "2.0.0"  # of the PACT Data Model Extensions specification
STANDARD_NAME = "Belt and Road passenger-car life-cycle carbon footprint standard (draft)"
SCHEMA_PATH = Path(__file__).with_name("pact_schema.json")
COMPANY_NAME_ENV = "GREENBRIDGE_PACT_COMPANY_NAME"
COMPANY_IDS_ENV = "GREENBRIDGE_PACT_COMPANY_IDS"
CRADLE_TO_GATE_STAGES = ("raw_materials", "production")

# Production countries of dim_vehicle_model (alpha-3 in the marts) and the pilot markets, as
# ISO 3166-1 alpha-2. Explicit on purpose: a new country must be added here, not guessed.
ALPHA3_TO_ALPHA2 = {
    "CHN": "CN", "IDN": "ID", "IND": "IN", "THA": "TH",
    "HUN": "HU", "PAK": "PK", "POL": "PL", "RUS": "RU", "SGP": "SG", "USA": "US", "ZAF": "ZA",
}

KG_PLACES, PERCENT_PLACES, DQR_PLACES, PER_KM_PLACES = 1, 1, 2, 1
URN_PATTERN = re.compile(r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$")


class PactExportError(ValueError):
    """The marts cannot be exported as PACT footprints (a missing value, an unmapped country, ...)."""


class PactSelectionError(PactExportError):
    """The market or year asked for has no footprint rows."""


class PactSchemaError(PactExportError):
    """An object does not validate against pact_schema.json."""

    def __init__(self, footprint_id: str, json_path: str, message: str):
        super().__init__(f"ProductFootprint {footprint_id}: {json_path}: {message}")
        self.footprint_id, self.json_path = footprint_id, json_path


@dataclass(frozen=True)
class CompanySettings:
    """The data owner named in every footprint (PACT companyName, companyIds)."""

    name: str
    ids: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "ids", tuple(self.ids))
        if not self.name.strip():
            raise ValueError("company name: empty")
        if not self.ids:
            raise ValueError("company ids: at least one URN is needed")
        for company_id in self.ids:
            if not URN_PATTERN.match(company_id):
                raise ValueError(f"company id {company_id!r}: not a URN (urn:<namespace>:<id>)")

    @classmethod
    def named(cls, name: str, ids: list[str] | tuple[str, ...] = ()) -> "CompanySettings":
        """A company with these ids, or by default the Greenbridge URN of its name."""
        return cls(name, tuple(ids) or (company_urn(name),))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> "CompanySettings | None":
        name = environ.get(COMPANY_NAME_ENV, "").strip()
        ids = [part.strip() for part in environ.get(COMPANY_IDS_ENV, "").split(",") if part.strip()]
        if not name and not ids:
            return None
        if not name:
            raise ValueError(f"{COMPANY_IDS_ENV} is set but {COMPANY_NAME_ENV} is not: name the company")
        return cls.named(name, ids)


def company_urn(name: str) -> str:
    return f"urn:greenbridge:company:{slug(name)}"


@lru_cache(maxsize=4096)
def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "unnamed"


def footprint_id(model_id: str, registration_year: int, methodology_version: str) -> str:
    return str(uuid.uuid5(PACT_ID_NAMESPACE, f"{model_id}|{int(registration_year)}|{methodology_version}"))


def product_footprints(source: ProductSource, market: str | None = None, year: int | None = None,
                       company: "CompanySettings | None" = None) -> list[dict]:
    """One ProductFootprint per model variant x registration year (x methodology version) with a
    footprint row in ``market`` (default: any) and ``year`` (default: all), sorted by model and year;
    the extension lists the use phase of ``market`` only, or of every market."""
    market = market.upper() if market else None
    company = company or CompanySettings.from_environment()
    rows = _footprint_rows(source, market, year)
    vehicles = {row["model_id"]: row for row in source.rows(VEHICLES_SQL)}
    quality = {(row["model_id"], row["registration_year"]): row for row in source.rows(CRADLE_TO_GATE_QUALITY_SQL)}
    sources = _emission_factor_sources(source)
    created = _created(source)
    footprints = []
    for row in rows:
        key = (row["model_id"], row["registration_year"])
        if key not in quality:
            raise PactExportError(f"{key[0]} {key[1]}: no cradle-to-gate inputs in fct_footprint_input_quality")
        if key not in sources:
            raise PactExportError(f"{key[0]} {key[1]}: no priced cradle-to-gate component in fct_footprint_component")
        if row["model_id"] not in vehicles:
            raise PactExportError(f"{key[0]}: not in dim_vehicle_model")
        footprints.append(_footprint(row, vehicles[row["model_id"]], quality[key], sources[key], created, company))
    return footprints


def validate_footprints(footprints: list[dict]) -> None:
    """Raise ``PactSchemaError`` naming the first object that does not validate against
    pact_schema.json, and where (a JSON path)."""
    check = compiled_schema(SCHEMA_PATH)
    for index, footprint in enumerate(footprints):
        failure = check(footprint)
        if failure is not None:
            segments, message = failure
            name = footprint.get("id") if isinstance(footprint, dict) else None
            raise PactSchemaError(str(name or f"#{index}"), "$" + "".join(reversed(segments)), message)


def load_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def pact_json(footprints: list[dict]) -> bytes:
    """The file's bytes: a UTF-8 JSON array with one footprint per line (compact, so the C encoder
    writes it), keys in the order built, so equal inputs give equal bytes."""
    lines = (json.dumps(footprint, ensure_ascii=False, separators=(",", ":")) for footprint in footprints)
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8") if footprints else b"[]\n"


def write_pact_file(source: ProductSource, path: Path, market: str | None = None, year: int | None = None,
                    company: "CompanySettings | None" = None) -> int:
    """Validate and write the footprints to ``path`` (atomically: nothing is written on a failure);
    returns how many."""
    footprints = product_footprints(source, market, year, company)
    validate_footprints(footprints)
    write_bytes_atomically(Path(path), pact_json(footprints))
    return len(footprints)


def write_bytes_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, 0o644)  # a published file, readable like the others (mkstemp makes 0600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- queries: one per kind of information, for all footprints at once -------------------------

def _text(expression: str, places: int) -> str:
    """SQL for a PACT decimal string of ``places`` decimals (printf rounds like Python's format);
    "-0.0" becomes "0.0"; null stays null."""
    return f"regexp_replace(printf('%.{places}f', {expression}), '^-(0(\\.0*)?)$', '\\1')"


def _stage_list(expression: str) -> str:
    return f"list_filter(string_split(coalesce({expression}, ''), ';'), lambda part: part <> '')"


# Columns a footprint cannot be exported without (the DQ-STAGES rule fails on the same nulls).
REQUIRED_COLUMNS = (
    "f.methodology_version", "f.gwp_set", "f.core_boundary_stages", "f.lifetime_km", "f.lifetime_years",
    "f.raw_materials_kg_co2e", "f.production_kg_co2e", "f.battery_raw_materials_kg_co2e",
    "f.battery_production_kg_co2e", "f.fuel_production_kg_co2e", "f.fuel_use_kg_co2e", "f.maintenance_kg_co2e",
    "f.end_of_life_kg_co2e", "f.total_kg_co2e", "f.total_all_stages_kg_co2e", "f.total_g_co2e_per_km",
    "q.valid_until_year",
)
_SELECTED_ROWS = """
from fct_vehicle_footprint as f
left join dim_market as m using (market_code)
left join fct_footprint_data_quality as q using (model_id, market_code, registration_year)
where (?::varchar is null or f.market_code = ?::varchar)
  and (?::integer is null or f.registration_year = ?::integer)
"""

MISSING_SQL = f"""
select f.model_id, f.market_code, f.registration_year,
       list_filter([{", ".join(f"case when {column} is null then '{column}' end" for column in REQUIRED_COLUMNS)}],
                   lambda name: name is not null) as missing
{_SELECTED_ROWS}
  and ({" or ".join(f"{column} is null" for column in REQUIRED_COLUMNS)})
order by all
limit 1
"""

# One row per footprint (model x registration year x methodology version) over its markets: the
# cradle-to-gate values with how many distinct values the markets have (1 expected), and the
# extension's market entries built here, set-based, as one JSON array (sorted by market).
FOOTPRINT_SQL = f"""
select f.model_id, f.registration_year, f.methodology_version,
       min(f.market_code) as first_market, max(f.market_code) as last_market,
       any_value(f.raw_materials_kg_co2e) as raw_materials_kg_co2e,
       any_value(f.production_kg_co2e) as production_kg_co2e,
       count(distinct (f.raw_materials_kg_co2e, f.production_kg_co2e, f.battery_raw_materials_kg_co2e,
                       f.battery_production_kg_co2e)) as cradle_to_gate_variants,
       any_value(f.battery_raw_materials_kg_co2e) as battery_raw_materials_kg_co2e,
       any_value(f.battery_production_kg_co2e) as battery_production_kg_co2e,
       list_sort(list(distinct f.gwp_set)) as gwp_sets,
       string_agg(distinct f.factors_in_other_gwp_set, ';') as factors_in_other_gwp_set,
       list_sort(list(distinct f.core_boundary_stages)) as core_boundary_stages,
       list_sort(list(distinct q.valid_until_year)) as valid_until_years,
       to_json(list(struct_pack(
           marketCode := f.market_code,
           marketName := m.market_name,
           lifetimeKm := {_text('f.lifetime_km', 0)},
           lifetimeYears := {_text('f.lifetime_years', 0)},
           fuelProductionKgCO2e := {_text('f.fuel_production_kg_co2e', KG_PLACES)},
           fuelUseKgCO2e := {_text('f.fuel_use_kg_co2e', KG_PLACES)},
           maintenanceKgCO2e := {_text('f.maintenance_kg_co2e', KG_PLACES)},
           endOfLifeKgCO2e := {_text('f.end_of_life_kg_co2e', KG_PLACES)},
           coreBoundaryTotalKgCO2e := {_text('f.total_kg_co2e', KG_PLACES)},
           allStagesTotalKgCO2e := {_text('f.total_all_stages_kg_co2e', KG_PLACES)},
           coreBoundaryTotalGCO2ePerKm := {_text('f.total_g_co2e_per_km', PER_KM_PLACES)},
           dataQuality := struct_pack(
               dqr := {_text('q.dqr', DQR_PLACES)},
               qualityLevel := q.quality_level,
               coveragePercent := {_text('q.dqr_coverage_share * 100', PERCENT_PLACES)},
               primaryDataSharePercent := {_text('q.primary_data_share * 100', PERCENT_PLACES)},
               cutOffPercent := {_text('q.cut_off_share * 100', PERCENT_PLACES)},
               cutOffStages := {_stage_list('q.cut_off_stages')},
               marketGridGeographyStatus := q.market_grid_geography_status
           ),
           factorsInOtherGwpSet := list_sort({_stage_list('f.factors_in_other_gwp_set')})
       ) order by f.market_code))::varchar as markets_json
{_SELECTED_ROWS}
group by f.model_id, f.registration_year, f.methodology_version
order by f.model_id, f.registration_year, f.methodology_version
"""

VEHICLES_SQL = """
select model_id, make, model, variant, model_year, powertrain, fuel, segment, curb_mass_kg,
       battery_kwh, battery_chemistry, production_country, battery_production_country
from dim_vehicle_model
"""

# The cradle-to-gate inputs are the same in every market; `variants` > 1 says they are not.
CRADLE_TO_GATE_QUALITY_SQL = f"""
with inputs as (
    select model_id, registration_year, input_id,
           count(distinct (round(contribution_kg_co2e, 6), technological_representativeness,
                           geographical_representativeness, time_representativeness,
                           has_primary_activity_data)) as variants,
           any_value(contribution_kg_co2e) as contribution,
           any_value(technological_representativeness) as ter,
           any_value(geographical_representativeness) as ger,
           any_value(time_representativeness) as tir,
           any_value(has_primary_activity_data) as has_primary
    from fct_footprint_input_quality
    where stage in {CRADLE_TO_GATE_STAGES}
    group by model_id, registration_year, input_id
)
select model_id, registration_year, max(variants) as variants, sum(contribution) as contribution,
       sum(contribution * ter) / nullif(sum(contribution), 0) as technological_dqr,
       sum(contribution * ger) / nullif(sum(contribution), 0) as geographical_dqr,
       sum(contribution * tir) / nullif(sum(contribution), 0) as temporal_dqr,
       coalesce(sum(contribution) filter (where has_primary), 0) / nullif(sum(contribution), 0) as primary_share
from inputs
group by model_id, registration_year
"""

EMISSION_FACTOR_SOURCES_SQL = f"""
select distinct c.model_id, c.registration_year, c.factor_id, e.source, e.reference_year
from fct_footprint_component as c
left join dim_emission_factor as e using (factor_id)
where c.stage in {CRADLE_TO_GATE_STAGES} and c.kg_co2e <> 0
order by all
"""


def _footprint_rows(source: ProductSource, market: str | None, year: int | None) -> list[dict]:
    selection = [market, market, year, year]
    missing = source.one(MISSING_SQL, selection)
    if missing is not None:
        raise PactExportError(f"{missing['model_id']} {missing['market_code']} {missing['registration_year']}: "
                              f"{', '.join(missing['missing'])} missing in the marts")
    rows = source.rows(FOOTPRINT_SQL, selection)
    if rows:
        return rows
    markets = {row["market_code"] for row in source.rows("select distinct market_code from fct_vehicle_footprint")}
    if market is not None and market not in markets:
        raise PactSelectionError(f"unknown market {market}: the footprints cover {', '.join(sorted(markets))}")
    years = sorted(row["registration_year"] for row in source.rows(
        "select distinct registration_year from fct_vehicle_footprint where ?::varchar is null or market_code = ?::varchar", [market, market]))
    where = f" in {market}" if market else ""
    raise PactSelectionError(f"no footprint for registration year {year}{where}: the years are "
                             f"{', '.join(map(str, years)) or 'none'}")


def _emission_factor_sources(source: ProductSource) -> dict[tuple, dict]:
    """(model, year) -> {"factor_ids": set, "sources": sorted [{name, version}]}."""
    found: dict[tuple, dict] = defaultdict(lambda: {"factor_ids": set(), "sources": set()})
    for row in source.rows(EMISSION_FACTOR_SOURCES_SQL):
        where = f"{row['model_id']} {row['registration_year']}"
        if row["source"] is None or row["reference_year"] is None:
            raise PactExportError(f"{where}: cradle-to-gate factor {row['factor_id']!r} has no source in dim_emission_factor")
        entry = found[(row["model_id"], row["registration_year"])]
        entry["factor_ids"].add(row["factor_id"])
        entry["sources"].add((row["source"], str(row["reference_year"])))
    return {key: {"factor_ids": entry["factor_ids"],
                  "sources": [{"name": name, "version": version} for name, version in sorted(entry["sources"])]}
            for key, entry in found.items()}


def _created(source: ProductSource) -> str:
    published_at = source.publication.published_at
    if published_at:
        moment = datetime.fromisoformat(published_at.replace("Z", "+00:00"))
    elif os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():  # reproducible builds' convention
        moment = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc)
    else:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- one footprint ------------------------------------------------------------------------------

def _footprint(row: dict, vehicle: dict, quality: dict, factor_sources: dict, created: str,
               company: CompanySettings | None) -> dict:
    model_id, year, methodology_version = row["model_id"], int(row["registration_year"]), row["methodology_version"]
    where = f"{model_id} {year}"
    if row["cradle_to_gate_variants"] != 1:
        raise PactExportError(f"{where}: the cradle-to-gate stages differ between markets ({row['first_market']} .. "
                              f"{row['last_market']}): one PACT footprint cannot carry them")
    if quality["variants"] != 1:
        raise PactExportError(f"{where}: the cradle-to-gate inputs of fct_footprint_input_quality differ between markets")
    raw_materials, production = row["raw_materials_kg_co2e"], row["production_kg_co2e"]
    pcf_value = raw_materials + production
    if pcf_value < 0:
        raise PactExportError(f"{where}: negative cradle-to-gate footprint {pcf_value}")
    owner = company or CompanySettings.named(vehicle["make"])
    if len(row["valid_until_years"]) != 1 or len(row["core_boundary_stages"]) != 1:
        raise PactExportError(f"{where}: valid_until_year or core_boundary_stages differ between markets")
    validity_end_year = row["valid_until_years"][0] + 1
    if not year + 1 < validity_end_year <= year + 4:  # v3: after referencePeriodEnd, at most 3 years after it
        raise PactExportError(f"{where}: valid_until_year {validity_end_year - 1} is outside PACT's 3 years after the reference period")
    gwp_sets = row["gwp_sets"]
    other_gwp = sorted(factor_sources["factor_ids"] & _ids(row["factors_in_other_gwp_set"]))
    pcf_text = _decimal(pcf_value, KG_PLACES)
    pcf = {
        "declaredUnitOfMeasurement": "piece",
        "declaredUnitAmount": "1",
        "productMassPerDeclaredUnit": _decimal(_required(vehicle, "curb_mass_kg", where), KG_PLACES),
        "referencePeriodStart": f"{year:04d}-01-01T00:00:00Z",
        "referencePeriodEnd": f"{year + 1:04d}-01-01T00:00:00Z",
        "geographyCountry": _alpha2(vehicle["production_country"], where),
        "boundaryProcessesDescription": BOUNDARY_DESCRIPTION,
        "pcfExcludingBiogenicUptake": pcf_text,
        "pcfIncludingBiogenicUptake": pcf_text,  # no biogenic uptake is accounted (see the docstring)
        "fossilGhgEmissions": pcf_text,  # every cradle-to-gate factor of the method is fossil
        "fossilCarbonContent": "0",  # mandatory, not recorded by the method: a placeholder (comment)
        "landUseChangeGhgEmissions": "0",  # no land-use process in the cradle-to-gate inventory
        "biogenicNonCO2Emissions": "0",  # no biogenic process in the cradle-to-gate inventory
        "packagingEmissionsIncluded": False,
        "ccsTechnologicalCO2CaptureIncluded": False,
        "ipccCharacterizationFactors": gwp_sets,
        "crossSectoralStandards": ["ISO14067"],
        "productOrSectorSpecificRules": [{
            "operator": "Other",
            "otherOperatorName": "Greenbridge",
            "ruleNames": [f"{STANDARD_NAME}, methodology version {methodology_version}"],
        }],
        "exemptedEmissionsPercent": _decimal(0, PERCENT_PLACES),
        "exemptedEmissionsDescription": EXEMPTION_DESCRIPTION,
        "secondaryEmissionFactorSources": factor_sources["sources"],
        "primaryDataShare": _decimal(_required(quality, "primary_share", where) * 100, PERCENT_PLACES),
        "dqi": {
            "technologicalDQR": _decimal(_required(quality, "technological_dqr", where), DQR_PLACES),
            "geographicalDQR": _decimal(_required(quality, "geographical_dqr", where), DQR_PLACES),
            "temporalDQR": _decimal(_required(quality, "temporal_dqr", where), DQR_PLACES),
        },
    }
    footprint = {
        "id": footprint_id(model_id, year, methodology_version),
        "specVersion": SPEC_VERSION,
        "created": created,
        "status": "Active",
        "validityPeriodStart": pcf["referencePeriodEnd"],
        "validityPeriodEnd": f"{validity_end_year:04d}-01-01T00:00:00Z",
        "companyName": owner.name,
        "companyIds": list(owner.ids),
        "productDescription": _description(vehicle, year, methodology_version),
        "productIds": [f"urn:greenbridge:product:{model_id}"],
        "productClassifications": _classifications(vehicle),
        "productNameCompany": " ".join(str(vehicle[part]) for part in ("make", "model", "variant") if vehicle[part]),
        "comment": _comment(other_gwp),
        "pcf": pcf,
        "extensions": [{
            "specVersion": EXTENSION_SPEC_VERSION,
            "dataSchema": EXTENSION_SCHEMA,
            "data": _extension_data(row, where),
        }],
    }
    if not footprint["productClassifications"]:
        del footprint["productClassifications"]
    return footprint


BOUNDARY_DESCRIPTION = (
    "Cradle-to-gate of one vehicle. Raw material acquisition: vehicle materials (curb mass x material "
    "composition x material factors) and traction battery materials (kWh x chemistry factor). Production: "
    "assembly electricity at the production country's grid and process heat, plus battery cell and pack "
    "manufacturing energy at the battery production country's grid.")
EXEMPTION_DESCRIPTION = (
    "No emissions within raw material acquisition and production are exempted: every cradle-to-gate component "
    "with an activity is priced. The use phase (fuel production, fuel use), maintenance and end of life follow "
    "the factory gate, outside this footprint's boundary; they are in the Greenbridge extension per market, with "
    "the share of all-stage emissions the standard's core total leaves out (cutOffPercent).")


def _comment(other_gwp: list[str]) -> str:
    parts = [
        f"Cradle-to-gate footprint (raw material acquisition and production) of one passenger car under the "
        f"{STANDARD_NAME}; the use phase and end of life per market are in the extension {EXTENSION_SCHEMA}.",
        "The method models no biogenic carbon: biogenicCO2Uptake and biogenicCarbonContent are not reported "
        "(unknown), so pcfIncludingBiogenicUptake equals pcfExcludingBiogenicUptake, and land-use change and "
        "biogenic non-CO2 emissions are 0 (no such process in the inventory).",
        "fossilCarbonContent is not recorded by the method: its value 0 is a placeholder for a mandatory field, "
        "not a measurement.",
        "DQRs are emission-weighted PEF scores (1 best, 5 worst) of the cradle-to-gate inputs; primaryDataShare "
        "is the share of the footprint whose activity data are the vehicle's own values.",
    ]
    if other_gwp:
        parts.append(f"Factors in another GWP set than the one named: {', '.join(other_gwp)}.")
    return " ".join(parts)


def _description(vehicle: dict, year: int, methodology_version: str) -> str:
    text = (f"{vehicle['make']} {vehicle['model']} {vehicle['variant']}, model year {vehicle['model_year']}: "
            f"{vehicle['powertrain']} passenger car ({str(vehicle['segment']).replace('_', ' ')} segment), "
            f"curb mass {_number(vehicle['curb_mass_kg'])} kg")
    if vehicle["battery_kwh"]:
        chemistry = f" {vehicle['battery_chemistry']}" if vehicle["battery_chemistry"] else ""
        made_in = f" made in {vehicle['battery_production_country']}" if vehicle["battery_production_country"] else ""
        text += f", {_number(vehicle['battery_kwh'])} kWh{chemistry} traction battery{made_in}"
    return (f"{text}; assembled in {vehicle['production_country']}. Footprint of one vehicle first registered in "
            f"{year}, methodology version {methodology_version}.")


def _classifications(vehicle: dict) -> list[str]:
    return [f"urn:greenbridge:classification:{kind}:{slug(str(vehicle[field]))}"
            for kind, field in (("vehicle-segment", "segment"), ("powertrain", "powertrain")) if vehicle[field]]


def _extension_data(row: dict, where: str) -> dict:
    markets = json.loads(row["markets_json"])
    for entry in markets:  # optional values the marts leave null are left out, not written as null
        if entry["marketName"] is None:
            del entry["marketName"]
        entry["dataQuality"] = {key: value for key, value in entry["dataQuality"].items() if value is not None}
    return {
        "standard": STANDARD_NAME,
        "methodologyVersion": row["methodology_version"],
        "registrationYear": int(row["registration_year"]),
        "unit": "kg CO2e per vehicle",
        "cradleToGate": {
            "rawMaterialsKgCO2e": _decimal(row["raw_materials_kg_co2e"], KG_PLACES),
            "productionKgCO2e": _decimal(row["production_kg_co2e"], KG_PLACES),
            "batteryRawMaterialsKgCO2e": _decimal(row["battery_raw_materials_kg_co2e"], KG_PLACES),
            "batteryProductionKgCO2e": _decimal(row["battery_production_kg_co2e"], KG_PLACES),
        },
        "coreBoundaryStages": [stage for stage in row["core_boundary_stages"][0].split(";") if stage],
        "markets": markets,
    }


# --- values ------------------------------------------------------------------------------------

def _required(row: Mapping, column: str, where: str):
    value = row.get(column)
    if value is None or (isinstance(value, float) and value != value):
        raise PactExportError(f"{where}: {column} is missing in the marts")
    return value


def _decimal(value, places: int) -> str:
    """A PACT decimal string with ``places`` decimals (Python's correctly rounded formatting of the
    marts' double), never a float in the JSON."""
    text = f"{float(value):.{places}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # never "-0.0"


def _number(value) -> str:
    return f"{float(value):g}"


def _ids(semicolon_separated: str | None) -> set[str]:
    return {part for part in (semicolon_separated or "").split(";") if part}


def _alpha2(alpha3: str | None, where: str) -> str:
    try:
        return ALPHA3_TO_ALPHA2[alpha3]
    except KeyError:
        raise PactExportError(f"{where}: production country {alpha3!r} has no ISO 3166-1 alpha-2 code in "
                              f"products/pact.py ALPHA3_TO_ALPHA2: add it") from None
