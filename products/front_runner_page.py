"""The low-carbon front-runner pages: one self-contained HTML page per market of ``fct_front_runner``
(every registration year, latest first) and an index, under ``published/front_runners/``.

A page states the rule in words from the published rule parameters (dim_emission_factor rows of
group front_runner, with their sources and confidence tags), then per year the market's fleet
average, the ranking chart (ranking_chart.py), the front-runners per segment and the full ranked
list with every variant's eligibility and reasons. Everything shown is a row of the marts; the page
only arranges it (and subtracts the fleet average from a footprint to say how far below it is).
Links go only to the vehicle reports that exist (``reports``), relative, so the publication folder
can be moved or opened from disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from html import escape
from pathlib import Path

import jinja2
from markupsafe import Markup

from products import naming
from products.ranking_chart import POWERTRAIN_COLOURS, ranking_svg, segment_sort_key, vehicle_name
from products.source import ProductSource

TEMPLATES_DIR = Path(__file__).parent / "templates"
PAGE_TEMPLATE = "front_runner.html.j2"
INDEX_TEMPLATE = "front_runner_index.html.j2"
REPORT_LINK_PREFIX = f"../{naming.REPORTS_DIR}/"  # from published/front_runners/ to published/reports/

SEGMENT_SHARE = "front_runner_segment_share"
FLEET_AVERAGE_RATIO = "front_runner_fleet_average_ratio"
MAX_DQR = "front_runner_max_dqr"
MAX_YEARS_BEYOND_VALIDITY = "front_runner_max_years_beyond_validity"
GREEN_NCAP_THRESHOLD = "green_ncap_lca_award_threshold"

# Short words for the contract's reason codes (warehouse/contracts/front_runner.py), explained once
# under the ranked list; an unknown code shows as is.
REASON_WORDS = {
    "quality_below_good": "quality below good",
    "inputs_beyond_validity": "inputs beyond validity",
    "market_grid_not_own": "grid not own",
    "no_consumption_value": "no consumption value",
    "outside_best_share_of_segment": "outside best share",
    "not_below_fleet_average": "not below fleet average",
    "no_fleet_average": "no fleet average",
}
# warehouse/contracts/vocabularies.py CONFIDENCE_TAGS.
CONFIDENCE_WORDS = {"V": "read in the source", "V2": "second-hand (press, encyclopaedia)",
                    "D": "derived from sourced values", "R": "not confirmed (estimated)"}

VARIANTS_SQL = """
select
    front_runner.market_code, front_runner.registration_year, front_runner.segment, front_runner.model_id,
    front_runner.make, front_runner.model, front_runner.variant, front_runner.powertrain, front_runner.is_chinese_brand,
    front_runner.lifecycle_g_co2e_per_km, front_runner.all_stages_g_co2e_per_km, front_runner.rank_in_segment,
    front_runner.variants_in_segment, front_runner.segment_best_g_co2e_per_km, front_runner.best_share_cutoff_rank,
    front_runner.market_fleet_average_g_co2e_per_km, front_runner.fleet_average_sales_share, front_runner.dqr,
    front_runner.quality_level, front_runner.consumption_source, front_runner.is_eligible,
    front_runner.ineligible_reasons, front_runner.in_best_share, front_runner.not_front_runner_reason,
    front_runner.is_front_runner, front_runner.green_ncap_threshold_g_co2e_per_km,
    front_runner.meets_green_ncap_threshold, front_runner.methodology_version,
    market.market_name, coalesce(market.in_2024_pilot, false) as in_2024_pilot,
    vehicle.model_year  -- tells apart variants the catalogue lists for several model years under one name
from fct_front_runner as front_runner
left join dim_market as market using (market_code)
left join dim_vehicle_model as vehicle using (model_id)
order by market_code, registration_year desc, segment, rank_in_segment, lifecycle_g_co2e_per_km, model_id
"""
PARAMETERS_SQL = """
select factor_id, description, value, unit, geography, reference_year, source, source_url, confidence, notes
from dim_emission_factor
where factor_id in (select distinct unnest(string_split(rule_parameter_ids, ';')) from fct_front_runner)
order by factor_id
"""
RULE_PARAMETER_IDS_SQL = """
select distinct unnest(string_split(rule_parameter_ids, ';')) as parameter_id from fct_front_runner order by 1
"""


def write_front_runner_pages(source: ProductSource, folder: Path, reports: set[str] | None = None) -> list[Path]:
    """Write ``folder/front_runners/<market>.html`` for every market of fct_front_runner and its
    ``index.html``; returns the files written (the index last).

    ``reports`` are the stems (naming.report_stem) of the vehicle reports that exist, the only ones
    linked; None means what the report writer publishes: the front-runners of the pilot markets in
    each market's latest year."""
    variants = source.rows(VARIANTS_SQL)
    rule = _rule(source)
    if reports is None:
        reports = default_report_stems(variants)
    target = Path(folder) / naming.FRONT_RUNNERS_DIR
    target.mkdir(parents=True, exist_ok=True)
    publication = source.publication
    page = _template(PAGE_TEMPLATE)
    written, index_rows = [], []
    for market_code, market_rows in _grouped(variants, "market_code").items():
        years = [_year(year, rows, reports, rule) for year, rows in _grouped(market_rows, "registration_year").items()]
        market = {"code": market_code, "name": market_rows[0]["market_name"] or market_code,
                  "in_2024_pilot": market_rows[0]["in_2024_pilot"], "file": f"{market_code}.html"}
        path = target / market["file"]
        path.write_text(page.render(market=market, years=years, rule=rule, publication=publication,
                                    colours=POWERTRAIN_COLOURS), encoding="utf-8")
        written.append(path)
        index_rows.append({**market, "years": [
            {"year": year["year"], "front_runners": year["front_runner_count"], "variants": year["variant_count"],
             "fleet_average": year["fleet_average"]} for year in years]})
    index_path = target / naming.INDEX_FILE
    index_path.write_text(_template(INDEX_TEMPLATE).render(markets=index_rows, rule=rule, publication=publication),
                          encoding="utf-8")
    written.append(index_path)
    return written


def default_report_stems(variants: Iterable[Mapping]) -> set[str]:
    """The reports the report writer publishes: the front-runners of the pilot markets (dim_market
    in_2024_pilot) in each market's latest registration year of fct_front_runner."""
    variants = list(variants)
    latest: dict[str, int] = {}
    for row in variants:
        market, year = row["market_code"], row["registration_year"]
        latest[market] = max(latest.get(market, year), year)
    return {naming.report_stem(row["model_id"], row["market_code"], row["registration_year"]) for row in variants
            if row["in_2024_pilot"] and row["is_front_runner"] and row["registration_year"] == latest[row["market_code"]]}


def _rule(source: ProductSource) -> dict:
    """The rule's parameters as published (dim_emission_factor), and the ids fct_front_runner names
    that dim_emission_factor lacks (the page then says the value is not published)."""
    parameters = {row["factor_id"]: {**row, "confidence_words": CONFIDENCE_WORDS.get(row["confidence"] or "")}
                  for row in source.rows(PARAMETERS_SQL)}
    named = [row["parameter_id"] for row in source.rows(RULE_PARAMETER_IDS_SQL)]
    values = {parameter_id: row["value"] for parameter_id, row in parameters.items()}
    return {
        "parameters": [parameters[parameter_id] for parameter_id in named if parameter_id in parameters],
        "missing": [parameter_id for parameter_id in named if parameter_id not in parameters],
        "segment_share": values.get(SEGMENT_SHARE), "fleet_average_ratio": values.get(FLEET_AVERAGE_RATIO),
        "max_dqr": values.get(MAX_DQR), "max_years_beyond_validity": values.get(MAX_YEARS_BEYOND_VALIDITY),
        "green_ncap": parameters.get(GREEN_NCAP_THRESHOLD),
    }


def _year(year: int, rows: list[dict], reports: set[str], rule: dict) -> dict:
    """One registration year of a market: its figures, chart, front-runners per segment and full list."""
    fleet_average = rows[0]["market_fleet_average_g_co2e_per_km"]
    for row in rows:
        stem = naming.report_stem(row["model_id"], row["market_code"], row["registration_year"])
        row["report_href"] = REPORT_LINK_PREFIX + naming.report_file(
            row["model_id"], row["market_code"], row["registration_year"]) if stem in reports else None
        row["vehicle"] = vehicle_name(row)
        row["ineligible_words"] = _reason_words(row["ineligible_reasons"])
        row["not_front_runner_words"] = _reason_words(row["not_front_runner_reason"])
        row["vs_fleet_average_g"] = (row["lifecycle_g_co2e_per_km"] - fleet_average
                                     if fleet_average is not None else None)
        row["ranked_row_html"] = ranked_row_html(row)
    green_ncap = rows[0]["green_ncap_threshold_g_co2e_per_km"]
    segments = []
    for segment, segment_rows in sorted(_grouped(rows, "segment").items(), key=lambda item: segment_sort_key(item[0])):
        segment_rows.sort(key=lambda row: (row["rank_in_segment"], row["lifecycle_g_co2e_per_km"], row["model_id"]))
        segments.append({
            "segment": segment, "rows": segment_rows, "variants": segment_rows[0]["variants_in_segment"],
            "cutoff_rank": segment_rows[0]["best_share_cutoff_rank"],
            "best": segment_rows[0]["segment_best_g_co2e_per_km"],
            "front_runners": [row for row in segment_rows if row["is_front_runner"]],
            "eligible_in_best_share": sum(1 for row in segment_rows if row["is_eligible"] and row["in_best_share"]),
        })
    market = rows[0]
    caption = (f"{market['market_name'] or market['market_code']} {year}: {len(rows)} priced variants ranked by "
               f"life-cycle g CO2e/km within their segment")
    chart = ranking_svg(rows, fleet_average=fleet_average, green_ncap_threshold=green_ncap,
                        report_href=lambda row: row["report_href"], chart_id=f"chart-{year}", caption=caption)
    return {
        "year": year, "fleet_average": fleet_average, "sales_share": rows[0]["fleet_average_sales_share"],
        "green_ncap_threshold": green_ncap, "chart": Markup(chart), "segments": segments,
        "variant_count": len(rows), "eligible_count": sum(1 for row in rows if row["is_eligible"]),
        "front_runner_count": sum(1 for row in rows if row["is_front_runner"]),
        "green_ncap_count": sum(1 for row in rows if row["meets_green_ncap_threshold"]),
        "front_runner_green_ncap_count": sum(1 for row in rows if row["is_front_runner"]
                                             and row["meets_green_ncap_threshold"]),
        "methodology_versions": sorted({row["methodology_version"] for row in rows if row["methodology_version"]}),
    }


def ranked_row_html(row: Mapping) -> Markup:
    """One row of the full ranked list (the template's ``table.ranked``, whose header names the
    columns in this order). Written here rather than in the template because the pages hold some
    6,500 of them per publication: one escaped string per row instead of a dozen Jinja expressions
    takes the pages from about 0.7 s to 0.4 s."""
    status = "is-front-runner" if row["is_front_runner"] else "eligible" if row["is_eligible"] else "ineligible"
    name = escape(row["vehicle"])
    vehicle = f'<a href="{escape(row["report_href"])}">{name}</a>' if row["report_href"] else name
    eligible = "yes" if row["is_eligible"] else "no: " + escape("; ".join(row["ineligible_words"]))
    if row["is_front_runner"]:
        front_runner = "<strong>yes</strong>"
    else:
        front_runner = "no: " + escape("; ".join(row["not_front_runner_words"])) if row["not_front_runner_words"] else "no"
    return Markup(
        f'<tr class="{status}" data-model-id="{escape(row["model_id"])}">'
        f'<td class="num">{int(row["rank_in_segment"])}</td><td class="vehicle">{vehicle}</td>'
        f'<td>{escape(row["powertrain"])}</td><td class="num">{_g(row["lifecycle_g_co2e_per_km"])}</td>'
        f'<td class="num">{_g(row["all_stages_g_co2e_per_km"])}</td>'
        f'<td>{"yes" if row["meets_green_ncap_threshold"] else "no"}</td><td class="num">{_g(row["dqr"], 2)}</td>'
        f'<td>{escape(row["quality_level"] or "")}</td><td>{escape((row["consumption_source"] or "").replace("_", "-"))}</td>'
        f'<td class="reason">{eligible}</td><td class="reason">{front_runner}</td></tr>')


def _reason_words(codes: str | None) -> list[str]:
    return [REASON_WORDS.get(code, code) for code in (codes or "").split(";") if code]


def _grouped(rows: Iterable[dict], key: str) -> dict:
    """Rows by ``key``, in the order the keys first appear (the query's order)."""
    groups: dict = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def _g(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f} %"


def _plain_number(value: float | None) -> str:
    """A parameter's value as written in the seed (0.25, 1, 3, 100), without float noise."""
    return "—" if value is None else f"{value:.6g}"


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(g=_g, percent=_percent, plain=_plain_number, exact=repr)  # exact: unrounded, for tests
    return environment


@cache
def _template(name: str) -> jinja2.Template:
    # Compiled once per process: the pages are written in every refresh's publication step.
    return _environment().get_template(name)
