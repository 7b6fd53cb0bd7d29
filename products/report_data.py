"""The content of a vehicle's carbon footprint report, as one JSON-able document per (model, market,
registration year): what ISO 14067 asks a CFP report to state (declared unit, boundary, results per
stage, data and data quality, assumptions and limitations, GWP set, verification) and the EU Battery
Regulation's carbon-footprint declaration of the traction battery, read from the published marts.

``build_report_documents`` is set-based: the keys are registered once as a table and each section
is one query over all of them, so ~300 reports cost the same handful of queries as one. Nothing here
computes a footprint: every number is a mart's value; the few derived figures are quotients of mart
values (g/km over lifetime km, kg/kWh over battery_kwh, battery share of the total) and each says so.
Where the marts hold nothing for a section the document says "not priced" or "not recorded".
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import pyarrow as pa

from products import naming
from products.source import ProductSource

SCHEMA = "greenbridge.vehicle_carbon_footprint_report/1"
DOCUMENT_VERSION = 1  # bumps when a published report is corrected within the same publication

# The method's six stages, in the order reports show them; core_boundary_stages says which are inside.
STAGES = ("raw_materials", "production", "fuel_production", "fuel_use", "maintenance", "end_of_life")
STAGE_LABELS = {
    "raw_materials": "Raw material acquisition",
    "production": "Vehicle production",
    "fuel_production": "Fuel production",
    "fuel_use": "Fuel use",
    "maintenance": "Maintenance",
    "end_of_life": "End of life",
}
# Tables a report reads: their sha256 goes into the lineage section.
TABLES_USED = ("fct_vehicle_footprint", "dim_vehicle_model", "dim_market", "fct_footprint_component",
               "fct_footprint_data_quality", "fct_footprint_input_quality", "dim_emission_factor",
               "fct_front_runner", "fct_market_rule_outcome")
RAW_BYTES_SHA256 = re.compile(r"raw bytes sha256 ([0-9a-f]{64})")
VERIFICATION_REQUIRED = ("verifier", "date", "statement")
VERIFICATION_OPTIONAL = ("organisation", "accreditation", "standard", "scope", "reference")
REPRODUCE_COMMAND = "greenbridge footprint --spec {spec_file} --market {market} --year {year}"

# What the method leaves out, whatever the vehicle: each is a fact of the method's stage and
# component list (fct_vehicle_footprint, fct_footprint_component), not a judgement.
METHOD_EXCLUSIONS = (
    "Distribution of the vehicle from the plant to the market (shipping, road transport) is not a stage of the method and is not priced.",
    "Charging and road infrastructure are not among the method's components and are not priced.",
    "End of life counts the process emissions of dismantling, shredding, disposal and battery recycling, with no credit for recovered material.",
    "Maintenance and end of life are reported beside the core boundary, not inside its total, as the standard's core boundary sets.",
    "The footprint is modelled from catalogue values and secondary datasets, not measured on the vehicle; the primary data share says how much rests on the vehicle's own declared values.",
    "Per-km values spread the whole life cycle over the market's lifetime distance; a different lifetime changes them.",
)
HELD_YEARS_STATEMENT = ("Held years repeat the last observed (or projected) grid value: the method does not "
                        "invent a trend where no observation or declared projection exists.")


class ReportNotFound(ValueError):
    """A requested report has no footprint row (model, market or year unknown to the publication)."""


def build_report_documents(source: ProductSource, keys: list[tuple[str, str, int]],
                           verification: dict | None = None) -> list[dict]:
    """One report document per ``(model_id, market_code, registration_year)``, in the order given.

    ``verification`` (``verifier``, ``date``, ``statement``; see ``check_verification``) marks every
    document as verified; without it they say "not verified". Raises ReportNotFound naming the first
    keys without a row in fct_vehicle_footprint, ValueError for a bad verification."""
    checked_verification = check_verification(verification) if verification is not None else None
    keys = [_normalised_key(key) for key in keys]
    if not keys:
        return []
    with _registered_keys(source, keys) as keys_table:
        vehicles = _grouped(source.rows(VEHICLES_SQL.format(keys=keys_table)))
        missing = [keys[ordinal] for ordinal in range(len(keys)) if ordinal not in vehicles]
        if missing:
            raise ReportNotFound(_not_found_message(source, missing))
        quality = _grouped(source.rows(DATA_QUALITY_SQL.format(keys=keys_table)))
        inputs = _grouped(source.rows(INPUTS_SQL.format(keys=keys_table)))
        battery_end_of_life = _grouped(source.rows(BATTERY_END_OF_LIFE_SQL.format(keys=keys_table)))
        comparison = _grouped(source.rows(COMPARISON_SQL.format(keys=keys_table)))
        front_runner = _grouped(source.rows(FRONT_RUNNER_SQL.format(keys=keys_table)))
        rules = _grouped(source.rows(RULES_SQL.format(keys=keys_table)))
    factors = _factors(source, vehicles.values(), itertools.chain.from_iterable(inputs.values()))
    context = _PublicationContext.of(source)
    return [
        _document(context, vehicles[ordinal][0], quality.get(ordinal, [None])[0], inputs.get(ordinal, []),
                  battery_end_of_life.get(ordinal, []), comparison.get(ordinal, []),
                  front_runner.get(ordinal, [None])[0], rules.get(ordinal, []),
                  factors, checked_verification)
        for ordinal in range(len(keys))
    ]


def check_verification(verification: Mapping) -> dict:
    """A third-party verification as the report shows it, or ValueError naming the field that is
    missing or wrong: ``verifier``, ``date`` (ISO 8601, YYYY-MM-DD) and ``statement`` are required
    non-empty texts; ``VERIFICATION_OPTIONAL`` fields may be given; no other field is accepted (a
    misspelt field would otherwise vanish from the report)."""
    if not isinstance(verification, Mapping):
        raise ValueError("verification: expected a JSON object with verifier, date and statement")
    if verification.get("status", "verified") != "verified":  # accepts its own output again
        raise ValueError(f"verification field 'status': expected 'verified' or no status, got {verification['status']!r}")
    unknown = sorted(set(verification) - {"status"} - set(VERIFICATION_REQUIRED) - set(VERIFICATION_OPTIONAL))
    if unknown:
        raise ValueError(f"verification field '{unknown[0]}' is not known; expected "
                         f"{', '.join(VERIFICATION_REQUIRED + VERIFICATION_OPTIONAL)}")
    checked = {}
    for field in VERIFICATION_REQUIRED + VERIFICATION_OPTIONAL:
        value = verification.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if field in VERIFICATION_REQUIRED:
                raise ValueError(f"verification field '{field}' is missing")
            continue
        if not isinstance(value, str):
            raise ValueError(f"verification field '{field}': expected a text, got {type(value).__name__}")
        checked[field] = value.strip()
    try:
        checked["date"] = dt.date.fromisoformat(checked["date"]).isoformat()
    except ValueError:
        raise ValueError(f"verification field 'date': expected an ISO date YYYY-MM-DD, got {checked['date']!r}") from None
    return {"status": "verified", **dict.fromkeys(VERIFICATION_OPTIONAL), **checked}


NOT_VERIFIED = {
    "status": "not verified",
    "statement": "This report has not been verified by a third party. It states the published, "
                 "modelled footprint of the vehicle; a verifier's statement would be shown here.",
}

# --- queries: one per section, over every key at once -------------------------------------------

VEHICLES_SQL = """
select keys.ordinal, footprint.*,
       vehicle.variant, vehicle.segment, vehicle.model_year, vehicle.curb_mass_kg, vehicle.battery_kwh,
       vehicle.battery_chemistry, vehicle.electric_range_km, vehicle.fuel_l_per_100km,
       vehicle.electricity_kwh_per_100km, vehicle.tailpipe_co2_g_per_km, vehicle.production_country,
       vehicle.battery_production_country, vehicle.consumption_basis as catalogue_consumption_basis,
       vehicle.source_type, vehicle.source_citation, vehicle.source_url as vehicle_source_url,
       vehicle.estimated_fields, vehicle.estimation_basis, vehicle.field_sources, vehicle.catalogue_source,
       vehicle.catalogue_sources, vehicle.source_record_id,
       market.market_name, market.iso3, market.lifetime_km_factor_id, market.lifetime_years_factor_id
from {keys} as keys
join fct_vehicle_footprint as footprint using (model_id, market_code, registration_year)
left join dim_vehicle_model as vehicle using (model_id)
left join dim_market as market using (market_code)
"""
DATA_QUALITY_SQL = """
select keys.ordinal, quality.*
from {keys} as keys
join fct_footprint_data_quality as quality using (model_id, market_code, registration_year)
"""
INPUTS_SQL = """
select keys.ordinal, inputs.* exclude (model_id, market_code, registration_year)
from {keys} as keys
join fct_footprint_input_quality as inputs using (model_id, market_code, registration_year)
order by keys.ordinal, inputs.in_core_boundary desc, inputs.contribution_kg_co2e desc nulls last, inputs.input_id
"""
# The Battery Regulation's end-of-life stage: the ledger's battery components of stage end_of_life.
BATTERY_END_OF_LIFE_SQL = """
select keys.ordinal, component.component, component.activity_amount, component.activity_unit,
       component.factor_id, component.factor_value, component.factor_unit, component.kg_co2e,
       component.in_core_boundary
from {keys} as keys
join fct_footprint_component as component using (model_id, market_code, registration_year)
where component.stage = 'end_of_life' and component.component like '%battery%'
order by keys.ordinal, component.component
"""
# The same model and year in every market, with each market's fleet average and segment best.
COMPARISON_SQL = """
select keys.ordinal, footprint.market_code, market.market_name, coalesce(market.in_2024_pilot, false) as in_2024_pilot,
       footprint.market_code = keys.market_code as is_report_market,
       footprint.total_g_co2e_per_km, footprint.total_all_stages_g_co2e_per_km,
       runner.market_fleet_average_g_co2e_per_km, runner.segment_best_g_co2e_per_km,
       runner.rank_in_segment, runner.variants_in_segment, runner.is_front_runner
from {keys} as keys
join fct_vehicle_footprint as footprint
  on footprint.model_id = keys.model_id and footprint.registration_year = keys.registration_year
left join fct_front_runner as runner
  on runner.model_id = footprint.model_id and runner.market_code = footprint.market_code
 and runner.registration_year = footprint.registration_year
left join dim_market as market on market.market_code = footprint.market_code
order by keys.ordinal, footprint.total_g_co2e_per_km nulls last, footprint.market_code
"""
# The report market's ranking: fct_front_runner's row of the key.
FRONT_RUNNER_SQL = """
select keys.ordinal, runner.segment, runner.rank_in_segment, runner.variants_in_segment,
       runner.segment_best_g_co2e_per_km, runner.best_share_cutoff_rank, runner.market_fleet_average_g_co2e_per_km,
       runner.fleet_average_sales_share, runner.dqr, runner.quality_level, runner.consumption_source,
       runner.is_eligible, runner.ineligible_reasons, runner.findings, runner.in_best_share,
       runner.below_fleet_average, runner.is_front_runner, runner.not_front_runner_reason,
       runner.green_ncap_threshold_g_co2e_per_km, runner.all_stages_g_co2e_per_km,
       runner.meets_green_ncap_threshold, runner.rule_parameter_ids
from {keys} as keys
join fct_front_runner as runner using (model_id, market_code, registration_year)
"""
RULES_SQL = """
select keys.ordinal, outcome.* exclude (model_id, market_code, registration_year)
from {keys} as keys
join fct_market_rule_outcome as outcome using (model_id, market_code, registration_year)
order by keys.ordinal, outcome.rule_kind, outcome.rule_id
"""
FACTOR_FIELDS = ("factor_id", "factor_group", "description", "value", "unit", "geography", "reference_year", "source",
                 "source_url", "confidence", "notes", "source_bytes_sha256")
FACTORS_SQL = """
select factor_id, factor_group, description, value, unit, geography, reference_year, source, source_url,
       confidence, notes
from dim_emission_factor
where factor_id in (select unnest(?::varchar[]))
"""


class _registered_keys:
    """The keys as a DuckDB table on the source's connection for the duration of the queries."""

    _counter = itertools.count()

    def __init__(self, source: ProductSource, keys: Sequence[tuple[str, str, int]]):
        self.connection = source.connection
        self.name = f"report_keys_{next(self._counter)}"
        self.table = pa.table({
            "ordinal": pa.array(range(len(keys)), pa.int64()),
            "model_id": pa.array([key[0] for key in keys], pa.string()),
            "market_code": pa.array([key[1] for key in keys], pa.string()),
            "registration_year": pa.array([key[2] for key in keys], pa.int64()),
        })

    def __enter__(self) -> str:
        self.connection.register(self.name, self.table)
        return self.name

    def __exit__(self, *exc) -> None:
        self.connection.unregister(self.name)


def _normalised_key(key: Sequence) -> tuple[str, str, int]:
    try:
        model_id, market_code, year = key
        return str(model_id).strip(), str(market_code).strip().upper(), int(year)
    except (TypeError, ValueError):
        raise ValueError(f"report key {key!r}: expected (model_id, market_code, registration_year)") from None


def _grouped(rows: Iterable[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row.pop("ordinal")].append(row)
    return grouped


def _not_found_message(source: ProductSource, missing: list[tuple[str, str, int]]) -> str:
    model_id, market, year = missing[0]
    head = f"no footprint for model {model_id!r} in market {market} in {year}"
    if len(missing) > 1:
        head += f" (and {len(missing) - 1} more requested report{'s' if len(missing) > 2 else ''})"
    model_ids = [row["model_id"] for row in source.rows("select model_id from dim_vehicle_model order by model_id")]
    if model_id not in model_ids:
        near = difflib.get_close_matches(model_id, model_ids, n=5, cutoff=0.6) or \
            [known for known in model_ids if known.startswith(model_id.split("_")[0])][:5]
        hint = f"near model ids: {', '.join(near)}" if near else "no model id is near it (see dim_vehicle_model)"
        return f"{head}: the model id is unknown; {hint}"
    markets = [row["market_code"] for row in source.rows(
        "select distinct market_code from fct_vehicle_footprint where model_id = ? order by 1", [model_id])]
    if market not in markets:
        return f"{head}: the model has footprints in the markets {', '.join(markets) or 'none'}"
    years = [str(row["registration_year"]) for row in source.rows(
        "select distinct registration_year from fct_vehicle_footprint where model_id = ? and market_code = ? order by 1",
        [model_id, market])]
    return f"{head}: the model has footprints in {market} for the registration years {', '.join(years) or 'none'}"


def _ids(text: str | None) -> list[str]:
    """The parts of a semicolon-separated list (a new list: documents share no mutable part)."""
    return list(_split_ids(text or ""))


@functools.lru_cache(maxsize=4096)
def _split_ids(text: str) -> tuple[str, ...]:
    # The same few dozen factor_ids strings recur in every report of a publication.
    return tuple(part.strip() for part in text.split(";") if part.strip())


def _factors(source: ProductSource, vehicles: Iterable[list[dict]], inputs: Iterable[dict]) -> dict[str, dict]:
    """Every factor a report cites, resolved in dim_emission_factor, in one query."""
    wanted: set[str] = set()
    for (vehicle,) in vehicles:
        wanted.update(_ids(vehicle["factor_ids"]))
        wanted.update(_ids(vehicle["factors_in_other_gwp_set"]))
        wanted.update(filter(None, (vehicle["lifetime_km_factor_id"], vehicle["lifetime_years_factor_id"])))
    for row in inputs:
        wanted.update(_ids(row["factor_ids"]))
    found = source.rows(FACTORS_SQL, [sorted(wanted)])
    factors = {row["factor_id"]: row for row in found}
    for factor in factors.values():
        match = RAW_BYTES_SHA256.search(factor["source"] or "")
        factor["source_bytes_sha256"] = match.group(1) if match else None
    return factors


def _factor(factors: Mapping[str, dict], factor_id: str) -> dict:
    """A cited factor as a report shows it; one the dimension lacks says so instead of vanishing."""
    found = factors.get(factor_id)
    if found is not None:
        return dict(found)  # a copy: documents share no mutable part
    return {**dict.fromkeys(FACTOR_FIELDS), "factor_id": factor_id, "description": "not recorded in dim_emission_factor"}


class _PublicationContext:
    """The publication-wide part of every document, computed once."""

    def __init__(self, run_id: str, version: str | None, published_at: str | None, table_sha256: Mapping[str, str]):
        self.run_id = run_id
        self.version = version
        self.published_at = published_at
        self.date_generated = (published_at or dt.datetime.now(dt.timezone.utc).isoformat())[:10]
        self.tables = [{"table": name, "sha256": table_sha256.get(name)} for name in TABLES_USED]

    @classmethod
    def of(cls, source: ProductSource) -> "_PublicationContext":
        publication = source.publication
        return cls(publication.run_id, publication.version, publication.published_at, publication.table_sha256 or {})


# --- the document ------------------------------------------------------------------------------

def _document(context: _PublicationContext, vehicle: dict, quality: dict | None, inputs: list[dict],
              battery_end_of_life: list[dict], comparison: list[dict], front_runner: dict | None, rules: list[dict],
              factors: Mapping[str, dict], verification: dict | None) -> dict:
    stem = naming.report_stem(vehicle["model_id"], vehicle["market_code"], vehicle["registration_year"])
    core_stages = _ids(vehicle["core_boundary_stages"])
    return {
        "schema": SCHEMA,
        "identification": _identification(context, vehicle, stem),
        "boundary": _boundary(vehicle, quality, core_stages),
        "results": _results(vehicle, core_stages, battery_end_of_life),
        "comparison": _comparison(vehicle, comparison, front_runner),
        "market_rules": _market_rules(rules),
        "data_quality": _data_quality(vehicle, quality, inputs),
        "assumptions": _assumptions(vehicle, quality, factors),
        "lineage": _lineage(context, vehicle, factors, stem),
        "verification": verification or dict(NOT_VERIFIED),
        "factors": _cited_factors(vehicle, inputs, factors),
    }


def _cited_factors(vehicle: dict, inputs: list[dict], factors: Mapping[str, dict]) -> list[dict]:
    """Every factor the document names, once, in id order; the sections cite them by id."""
    ids = set(_ids(vehicle["factor_ids"])) | set(_ids(vehicle["factors_in_other_gwp_set"]))
    ids.update(filter(None, (vehicle["lifetime_km_factor_id"], vehicle["lifetime_years_factor_id"])))
    for row in inputs:
        ids.update(_ids(row["factor_ids"]))
    return [_factor(factors, factor_id) for factor_id in sorted(ids)]


def _identification(context: _PublicationContext, vehicle: dict, stem: str) -> dict:
    return {
        "report_id": f"GB-{stem}",
        "report_stem": stem,
        "report_version": f"{context.run_id}.{DOCUMENT_VERSION}",
        "document_version": DOCUMENT_VERSION,
        "run_id": context.run_id,
        "methodology_version": vehicle["methodology_version"],
        "date_generated": context.date_generated,
        "published_at": context.published_at,
        "model_id": vehicle["model_id"],
        "make": vehicle["make"],
        "model": vehicle["model"],
        "variant": vehicle["variant"],
        "model_year": vehicle["model_year"],
        "powertrain": vehicle["powertrain"],
        "fuel": vehicle["fuel"],
        "segment": vehicle["segment"],
        "production_country": vehicle["production_country"],
        "market": {"code": vehicle["market_code"], "name": vehicle["market_name"]},
        "registration_year": vehicle["registration_year"],
        "declared_unit": {
            "per_vehicle": "one vehicle (kg CO2e per vehicle over its life cycle)",
            "per_km": "g CO2e per km, the life cycle spread over the market's lifetime distance",
            "lifetime_km": vehicle["lifetime_km"],
            "lifetime_years": vehicle["lifetime_years"],
        },
    }


def _boundary(vehicle: dict, quality: dict | None, core_stages: list[str]) -> dict:
    return {
        "stages": [{"stage": stage, "label": STAGE_LABELS[stage], "description": _stage_description(stage),
                    "in_core_boundary": stage in core_stages} for stage in STAGES],
        "core_boundary_stages": core_stages,
        "reported_beside_core_boundary": [stage for stage in STAGES if stage not in core_stages],
        "cut_off_share": quality["cut_off_share"] if quality else None,
        "cut_off_stages": _ids(quality["cut_off_stages"]) if quality else [],
        "cut_off_statement": (
            "The cut-off is the share of all-stage emissions left out of the reported core total: the "
            "stages reported beside the core boundary. They are priced and shown, not dropped."),
    }


@functools.cache
def _stage_description(stage: str) -> str:
    """The contract's words for what a stage covers (without its note on nulls)."""
    from warehouse.contracts.marts import FCT_VEHICLE_FOOTPRINT

    text = FCT_VEHICLE_FOOTPRINT.column(f"{stage}_kg_co2e").description
    return text.split(" (null when")[0]


def _share(part: float | None, whole: float | None) -> float | None:
    return part / whole if part is not None and whole else None


def _results(vehicle: dict, core_stages: list[str], battery_end_of_life: list[dict]) -> dict:
    all_stages = vehicle["total_all_stages_kg_co2e"]
    stages = [{
        "stage": stage, "label": STAGE_LABELS[stage], "in_core_boundary": stage in core_stages,
        "kg_co2e": vehicle[f"{stage}_kg_co2e"], "g_co2e_per_km": vehicle[f"{stage}_g_co2e_per_km"],
        "share_of_all_stages": _share(vehicle[f"{stage}_kg_co2e"], all_stages),
    } for stage in STAGES]
    battery_kg = _sum(vehicle["battery_raw_materials_kg_co2e"], vehicle["battery_production_kg_co2e"])
    return {
        "stages": stages,
        "not_computed_stages": [stage["stage"] for stage in stages if stage["kg_co2e"] is None],
        "core_total": {"kg_co2e": vehicle["total_kg_co2e"], "g_co2e_per_km": vehicle["total_g_co2e_per_km"]},
        "all_stages_total": {"kg_co2e": all_stages, "g_co2e_per_km": vehicle["total_all_stages_g_co2e_per_km"]},
        "battery_kg_co2e": battery_kg,
        "battery_share_of_core_total": _share(battery_kg, vehicle["total_kg_co2e"]),
        "battery_share_note": ("Traction battery materials and cell and pack manufacturing "
                               "(battery_raw_materials + battery_production) over the core total."),
        "traction_battery": _traction_battery(vehicle, battery_end_of_life),
    }


def _sum(*values: float | None) -> float | None:
    return None if any(value is None for value in values) else sum(values)


def _traction_battery(vehicle: dict, end_of_life: list[dict]) -> dict:
    kwh = vehicle["battery_kwh"]
    if not kwh:
        return {"present": False,
                "statement": f"This {vehicle['powertrain']} has no traction battery (battery_kwh is 0): "
                             "no battery carbon-footprint declaration applies."}

    def stage(stage_id: str, label: str, kg: float | None, basis: str, in_core: bool) -> dict:
        return {"stage": stage_id, "label": label, "priced": kg is not None, "kg_co2e": kg,
                "kg_co2e_per_kwh": kg / kwh if kg is not None else None, "basis": basis,
                "in_core_boundary": in_core}

    end_of_life_kg = sum(row["kg_co2e"] for row in end_of_life) if end_of_life else None
    stages = [
        stage("raw_material_acquisition", "Raw material acquisition and pre-processing",
              vehicle["battery_raw_materials_kg_co2e"], "battery_raw_materials_kg_co2e (part of raw materials)", True),
        stage("main_production", "Main product production", vehicle["battery_production_kg_co2e"],
              "battery_production_kg_co2e: cell and pack manufacturing (part of production)", True),
        stage("distribution", "Distribution", None, "not priced by the method", False),
        stage("end_of_life", "End of life and recycling", end_of_life_kg,
              ("fct_footprint_component " + ", ".join(row["component"] for row in end_of_life)
               + " (process emissions, no credits; reported beside the core boundary)") if end_of_life
              else "not priced: the ledger has no battery end-of-life component", False),
    ]
    priced = [item["kg_co2e"] for item in stages if item["priced"]]
    return {
        "present": True,
        "capacity_kwh": kwh,
        "chemistry": vehicle["battery_chemistry"],
        "production_country": vehicle["battery_production_country"],
        "declared_unit": "kg CO2e per kWh of the traction battery's gross energy capacity (dim_vehicle_model.battery_kwh)",
        "declared_unit_note": ("The EU Battery Regulation (EU) 2023/1542 declares kg CO2e per kWh of total energy "
                               "delivered over the service life (E_total); the method does not compute E_total "
                               "(no warranty life or cycle count is recorded), so the values here are per kWh "
                               "of capacity."),
        "stages": stages,
        "not_priced_stages": [item["stage"] for item in stages if not item["priced"]],
        "priced_total_kg_co2e": sum(priced),
        "priced_total_kg_co2e_per_kwh": sum(priced) / kwh,
        "end_of_life_components": end_of_life,
        "replacements": vehicle["traction_battery_replacements"],
        "replacements_kg_co2e": vehicle["maintenance_traction_battery_kg_co2e"],
    }


def _comparison(vehicle: dict, rows: list[dict], front_runner: dict | None) -> dict:
    return {
        "registration_year": vehicle["registration_year"],
        "metric": "g CO2e/km over the core boundary (total_g_co2e_per_km), each market at its own lifetime and grid",
        "markets": rows,
        "front_runner": front_runner,
        "front_runner_note": None if front_runner else "not recorded: fct_front_runner has no row for this footprint",
        "green_ncap_note": ("Green NCAP's LCA Award threshold counts all stages (with maintenance and end of "
                            "life); meets_green_ncap_threshold compares the all-stages g/km with it."),
    }


RULE_FIELDS = ("rule_id", "rule_name", "rule_kind", "boundary", "test_cycle", "metric", "metric_unit",
               "regulated_value", "tailpipe_basis", "value_cycle", "cycle_differs", "per_vehicle_limit", "outcome",
               "band_id", "consequence_kind", "consequence_rate", "consequence_rate_unit", "consequence_local",
               "currency", "consequence_usd", "exchange_rate_year", "consequence_missing_reason",
               "lifecycle_g_co2e_per_km", "lifecycle_gap_g_co2e_per_km", "lifecycle_share_seen", "rule_confidence",
               "band_confidence", "source", "source_url")


def _market_rules(rules: list[dict]) -> list[dict]:
    return [{field: rule.get(field) for field in RULE_FIELDS} for rule in rules]


INPUT_FIELDS = ("input_id", "stage", "in_core_boundary", "contribution_kg_co2e", "share_of_total",
                "share_of_all_stages", "factor_ids", "is_grid", "represented_area", "dataset_geography",
                "is_declared_proxy", "dataset_reference_year", "time_validity_years", "years_beyond_validity",
                "technological_representativeness", "geographical_representativeness", "time_representativeness",
                "precision", "dqr", "has_primary_activity_data", "estimated_activity_field")
QUALITY_FIELDS = ("inputs_rated", "dqr_coverage_share", "dqr", "quality_level", "technological_representativeness",
                  "geographical_representativeness", "time_representativeness", "precision",
                  "least_reliable_input", "primary_data_share", "max_years_beyond_validity", "least_current_input",
                  "least_current_reference_year", "market_area", "market_grid_geography", "market_grid_factor_id",
                  "market_grid_geography_status", "valid_until_year")


def _data_quality(vehicle: dict, quality: dict | None, inputs: list[dict]) -> dict:
    rows = []
    for row in inputs:
        entry = {field: row.get(field) for field in INPUT_FIELDS}
        entry["factor_ids"] = _ids(row["factor_ids"])
        rows.append(entry)
    return {
        "overall": {field: quality.get(field) for field in QUALITY_FIELDS} if quality else None,
        "overall_note": None if quality else "not recorded: fct_footprint_data_quality has no row for this footprint",
        "scale": "PEF DQR = (TeR + GeR + TiR + P) / 4, each 1 (best) to 5; emission-weighted over the rated inputs",
        "inputs": rows,
        "declared_proxies": [row["input_id"] for row in rows if row["is_declared_proxy"]],
        "other_geography_inputs": [
            {"input_id": row["input_id"], "represented_area": row["represented_area"],
             "dataset_geography": row["dataset_geography"]}
            for row in rows if row["dataset_geography"] and row["represented_area"]
            and row["dataset_geography"] != row["represented_area"]],
        "estimated_fields": _ids(vehicle["estimated_fields"]),
        "estimation_basis": vehicle["estimation_basis"],
        "field_sources": [part.strip() for part in (vehicle["field_sources"] or "").split(";") if part.strip()],
        "vehicle_source": {"source_type": vehicle["source_type"], "citation": vehicle["source_citation"],
                           "url": vehicle["vehicle_source_url"], "catalogue_source": vehicle["catalogue_source"],
                           "catalogue_sources": _ids(vehicle["catalogue_sources"]),
                           "source_record_id": vehicle["source_record_id"]},
        "grid": {
            "service_life_g_per_kwh": vehicle["market_grid_service_life_g_per_kwh"],
            "years_observed": vehicle["market_grid_years_observed"],
            "years_projected": vehicle["market_grid_years_projected"],
            "years_held": vehicle["market_grid_years_held"],
            "last_source_year": vehicle["market_grid_last_source_year"],
            "held_years_statement": HELD_YEARS_STATEMENT,
            "production_grid_g_per_kwh": vehicle["production_grid_intensity_g_per_kwh"],
            "production_grid_year": vehicle["production_grid_year"],
            "battery_grid_g_per_kwh": vehicle["battery_grid_intensity_g_per_kwh"],
        },
    }


def _assumptions(vehicle: dict, quality: dict | None, factors: Mapping[str, dict]) -> dict:
    cited = _ids(vehicle["factor_ids"])

    def of_group(group: str) -> list[str]:
        return [factor_id for factor_id in cited if factors.get(factor_id, {}).get("factor_group") == group]

    return {
        "lifetime": {
            "lifetime_km": vehicle["lifetime_km"], "lifetime_years": vehicle["lifetime_years"],
            "factor_ids": [factor_id for factor_id in (vehicle["lifetime_km_factor_id"],
                                                       vehicle["lifetime_years_factor_id"]) if factor_id],
        },
        "consumption": {
            "basis": vehicle["consumption_basis"],
            "declared_fuel_l_per_100km": vehicle["fuel_l_per_100km"],
            "declared_electricity_kwh_per_100km": vehicle["electricity_kwh_per_100km"],
            "real_world_fuel_l_per_100km": vehicle["real_world_fuel_l_per_100km"],
            "real_world_electricity_kwh_per_100km": vehicle["real_world_electricity_kwh_per_100km"],
            "uplift_factor_ids": of_group("consumption_uplift"),
        },
        "phev_utility": {
            "real_world_utility_factor": vehicle["real_world_utility_factor"],
            "factor_ids": of_group("phev_utility_factor"),
        } if vehicle["powertrain"] == "PHEV" else None,
        "cut_off": {"share": quality["cut_off_share"] if quality else None,
                    "stages": _ids(quality["cut_off_stages"]) if quality else []},
        "method_exclusions": list(METHOD_EXCLUSIONS),
        "gwp": {"gwp_set": vehicle["gwp_set"],
                "factors_in_other_gwp_set": _ids(vehicle["factors_in_other_gwp_set"])},
    }


def _lineage(context: _PublicationContext, vehicle: dict, factors: Mapping[str, dict], stem: str) -> dict:
    cited = [factors[factor_id] for factor_id in _ids(vehicle["factor_ids"]) if factor_id in factors]
    spec_file = f"{stem}.spec.json"
    return {
        "model_id": vehicle["model_id"],
        "market_code": vehicle["market_code"],
        "registration_year": vehicle["registration_year"],
        "run_id": context.run_id,
        "publication_version": context.version,
        "published_at": context.published_at,
        "tables": context.tables,
        "tables_note": None if any(table["sha256"] for table in context.tables) else
        "table sha256 not known: the report was built while its publication was being written (see the publication manifest)",
        "source_bytes": [{"factor_id": factor["factor_id"], "source": factor["source"],
                          "sha256": factor["source_bytes_sha256"]}
                         for factor in cited if factor.get("source_bytes_sha256")],
        "reproduce": {
            "command": REPRODUCE_COMMAND.format(spec_file=spec_file, market=vehicle["market_code"],
                                                year=vehicle["registration_year"]),
            "spec_file": spec_file,
            "spec": vehicle_spec(vehicle),
            "note": "Save the spec as the file named in the command; the calculator uses the market's default lifetime.",
        },
    }


def vehicle_spec(vehicle: Mapping) -> dict:
    """The ``greenbridge footprint --spec`` document of a catalogue vehicle (orchestration/calculator/
    spec.py): the fields the calculator reads, plus the labels it echoes (model_id, make,
    estimated_fields); optional fields the catalogue leaves empty are left out."""
    spec = {
        "model_id": vehicle["model_id"],
        "make": vehicle["make"],
        "model": " ".join(part for part in (vehicle["model"], vehicle["variant"]) if part),
        "powertrain": vehicle["powertrain"],
        "fuel": vehicle["fuel"],
        "segment": vehicle["segment"],
        "curb_mass_kg": vehicle["curb_mass_kg"],
        "battery_kwh": vehicle["battery_kwh"],
        "battery_chemistry": vehicle["battery_chemistry"],
        "battery_production_country": vehicle["battery_production_country"],
        "production_country": vehicle["production_country"],
        "electric_range_km": vehicle["electric_range_km"],
        "consumption": {
            "basis": vehicle["catalogue_consumption_basis"],
            "fuel_l_per_100km": vehicle["fuel_l_per_100km"] or 0.0,
            "electricity_kwh_per_100km": vehicle["electricity_kwh_per_100km"] or 0.0,
        },
        "estimated_fields": vehicle["estimated_fields"],
    }
    return {key: value for key, value in spec.items() if value not in (None, "")}
