"""The vehicle report as one self-contained HTML file (``render_report_html``) and the index of the
reports of a publication (``render_report_index``), from the documents of report_data.py.

The templates (templates/report.html.j2, report_index.html.j2) are compiled once per process and
autoescaped; CSS and the SVG charts (charts.py) are inline, so a report opens from disk, prints on
A4 and needs no other host: source URLs are shown as text, never as links or resources. The stage
table carries the unrounded numbers (``data-value``, Python's round-trip repr) beside the rounded
text, so a test or a reader's script can check the page against the marts.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import jinja2
from markupsafe import Markup

from products import charts, naming

TEMPLATES_DIR = Path(__file__).parent / "templates"
REPORT_TEMPLATE = "report.html.j2"
INDEX_TEMPLATE = "report_index.html.j2"

# Short words for the marts' codes; a code not listed shows as it is.
CONFIDENCE_WORDS = {"V": "read in the source", "V2": "second-hand", "D": "derived from sourced values",
                    "R": "not confirmed, an estimate"}
REASON_WORDS = {
    "quality_below_good": "data quality below good",
    "inputs_beyond_validity": "inputs beyond their validity",
    "market_grid_not_own": "market grid not its own",
    "no_consumption_value": "no consumption value",
    "outside_best_share_of_segment": "outside the best share of its segment",
    "not_below_fleet_average": "not below the fleet average",
    "no_fleet_average": "the market has no fleet average",
}


def render_report_html(document: Mapping) -> str:
    """The report page of one document (report_data.build_report_documents)."""
    results = document["results"]
    battery_parts = None
    if results["traction_battery"]["present"]:
        by_stage = {stage["stage"]: stage["kg_co2e"] for stage in results["traction_battery"]["stages"]}
        battery_parts = {"raw_materials": by_stage.get("raw_material_acquisition"),
                         "production": by_stage.get("main_production")}
    stage_chart = charts.stacked_stage_bar(results["stages"], battery_kg_co2e=battery_parts,
                                           battery_share=results["battery_share_of_core_total"])
    market = document["identification"]["market"]["code"]
    comparison_chart, market_rows = _comparison(tuple(tuple(row[field] for field in MARKET_FIELDS)
                                                      for row in document["comparison"]["markets"]))
    factors = {factor["factor_id"]: factor for factor in document["factors"]}
    return _template(REPORT_TEMPLATE).render(
        doc=document, stage_chart=stage_chart, comparison_chart=comparison_chart, market_rows=market_rows,
        highlight_style=Markup(charts.highlight_style(market) + _row_highlight_style(market)), factors=factors,
        factor_rows=Markup("\n").join(_factor_row(*(factor.get(field) for field in FACTOR_ROW_FIELDS))
                                       for factor in document["factors"]),
        boundary_rows=_boundary_rows(tuple((stage["stage"], stage["label"], stage["description"], stage["in_core_boundary"])
                                           for stage in document["boundary"]["stages"])),
        lineage_table_rows=_lineage_table_rows(tuple((table["table"], table["sha256"])
                                                     for table in document["lineage"]["tables"])),
        input_rows=Markup("\n".join(map(_input_row, document["data_quality"]["inputs"]))),
        spec_json=json.dumps(document["lineage"]["reproduce"]["spec"], indent=2, ensure_ascii=False))


FACTOR_ROW_FIELDS = ("factor_id", "description", "notes", "value", "unit", "geography", "reference_year", "source",
                     "source_url", "confidence")


@functools.lru_cache(maxsize=8192)
def _factor_row(factor_id, description, notes, value, unit, geography, reference_year, source, source_url,
                confidence) -> Markup:
    """One row of the cited-factors table. Reports of a publication cite the same few dozen factors,
    so the row is rendered once per distinct content (the cache key is every value shown), not once
    per report: the table is otherwise the largest part of a report's render time."""
    notes_html = Markup('<br><span class="small muted">{}</span>').format(notes) if notes else ""
    url_html = Markup('<br><span class="url">{}</span>').format(source_url) if source_url else ""
    shown_value = "–" if value is None else (f"{value:,.6g}" if isinstance(value, float) else f"{value:,}")
    return Markup(
        '<tr id="factor-{id}" data-factor="{id}"><td><code>{breakable}</code></td><td>{description}{notes}</td>'
        '<td class="n wrap">{value} {unit}</td><td>{geography}, {year}</td><td>{source}{url}</td><td>{confidence}</td></tr>'
    ).format(id=factor_id, breakable=Markup(_breakable(factor_id)), description=description or "", notes=notes_html, value=shown_value, unit=unit or "",
             geography=geography or "–", year=reference_year or "–", source=source or "not recorded", url=url_html,
             confidence=_confidence(confidence))


@functools.lru_cache(maxsize=64)
def _boundary_rows(stages: tuple[tuple[str, str, str, bool], ...]) -> Markup:
    """The boundary table's rows: the same for every report with the same core boundary."""
    return Markup("\n".join(
        f'<tr data-stage="{_e(stage)}"><td>{_e(label)}</td><td>{_e(description)}</td>'
        f'<td>{"core boundary" if in_core else "reported beside it"}</td></tr>'
        for stage, label, description, in_core in stages))


@functools.lru_cache(maxsize=64)
def _lineage_table_rows(tables: tuple[tuple[str, str | None], ...]) -> Markup:
    """The published tables and their sha256: the same for every report of a publication."""
    return Markup("".join(f'<tr><td><code>{_e(name)}</code></td><td class="url">{_e(sha256 or "not known")}</td></tr>'
                          for name, sha256 in tables))


# The two tables with a row per market and per input are written here rather than in the template:
# they are most of a report's interpolations, and f-strings with html.escape on the texts (numbers
# are formatted here, so they hold nothing to escape) take a fraction of Jinja's time per value.

MARKET_FIELDS = ("market_code", "market_name", "in_2024_pilot", "total_g_co2e_per_km",
                 "total_all_stages_g_co2e_per_km", "market_fleet_average_g_co2e_per_km", "segment_best_g_co2e_per_km",
                 "rank_in_segment", "variants_in_segment", "is_front_runner")


@functools.lru_cache(maxsize=1024)
def _comparison(markets: tuple[tuple, ...]) -> tuple[Markup, Markup]:
    """The comparison chart and table of one model and year: the same in the report of each market
    the model is published in (each page highlights its own market with CSS), so drawn once."""
    rows = [dict(zip(MARKET_FIELDS, values)) for values in markets]
    chart = charts.market_comparison_bars(
        [{"key": row["market_code"], "label": row["market_name"] or row["market_code"],
          "value": row["total_g_co2e_per_km"], "fleet_average": row["market_fleet_average_g_co2e_per_km"],
          "segment_best": row["segment_best_g_co2e_per_km"]} for row in rows])
    return chart, Markup("\n".join(map(_market_row, rows)))


def _row_highlight_style(market: str) -> str:
    if not charts.highlight_style(market):  # not a plain code: no rule built from it
        return ""
    return f'#market-comparison tr[data-market="{market}"] td{{font-weight:700;border-top:2px solid var(--ink)}}'


def _market_row(row: Mapping) -> str:
    rank = (f"{row['rank_in_segment']} / {row['variants_in_segment']}" if row["rank_in_segment"] is not None
            else "not ranked")
    pilot = ' <span class="muted">pilot</span>' if row["in_2024_pilot"] else ""
    return (
        f'<tr data-market="{_e(row["market_code"])}">'
        f'<td>{_e(row["market_name"] or "")} ({_e(row["market_code"])}){pilot}</td>'
        f'<td class="n" data-value="{_raw(row["total_g_co2e_per_km"])}">{_number(row["total_g_co2e_per_km"], 1)}</td>'
        f'<td class="n">{_number(row["total_all_stages_g_co2e_per_km"], 1)}</td>'
        f'<td class="n">{_number(row["market_fleet_average_g_co2e_per_km"], 1, "not recorded")}</td>'
        f'<td class="n">{_number(row["segment_best_g_co2e_per_km"], 1, "not recorded")}</td>'
        f'<td class="n">{rank}</td><td>{_yes_no(row["is_front_runner"])}</td></tr>')


def _input_row(row: Mapping) -> str:
    notes = ""
    if row["estimated_activity_field"]:
        notes += f'<br><span class="small muted">activity estimated: {_e(row["estimated_activity_field"])}</span>'
    if row["is_declared_proxy"]:
        notes += '<br><span class="small muted">declared proxy</span>'
    share = (_percent(row["share_of_total"]) if row["share_of_total"] is not None
             else f'{_percent(row["share_of_all_stages"])} <span class="muted">of all</span>')
    datasets = "<br>".join(f'<a href="#factor-{_e(factor_id)}"><code>{_breakable(factor_id)}</code></a>'
                           for factor_id in row["factor_ids"])
    scores = " ".join(_number(row[field], 0, "–") for field in (
        "technological_representativeness", "geographical_representativeness", "time_representativeness", "precision"))
    beside = "" if row["in_core_boundary"] else ' class="beside"'
    return (
        f'<tr data-input="{_e(row["input_id"])}"{beside}>'
        f'<td>{_e(_words(row["input_id"]))}{notes}</td><td>{_e(_words(row["stage"]))}</td>'
        f'<td class="n" data-value="{_raw(row["contribution_kg_co2e"])}">{_number(row["contribution_kg_co2e"], 0)}</td>'
        f'<td class="n wrap">{share}</td><td class="small">{datasets}</td>'
        f'<td>{_e(row["represented_area"] or "–")} / {_e(row["dataset_geography"] or "–")}</td>'
        f'<td class="n">{_e(row["dataset_reference_year"] or "–")}</td><td class="n wrap">{scores}</td>'
        f'<td class="n" data-value="{_raw(row["dqr"])}">{_number(row["dqr"], 2)}</td></tr>')


def render_report_index(documents: Sequence[Mapping]) -> str:
    """An index of reports: model, market, year, core g CO2e/km and a relative link to each."""
    rows = sorted(({
        "make": doc["identification"]["make"], "model": doc["identification"]["model"],
        "variant": doc["identification"]["variant"], "powertrain": doc["identification"]["powertrain"],
        "market_code": doc["identification"]["market"]["code"], "market_name": doc["identification"]["market"]["name"],
        "registration_year": doc["identification"]["registration_year"],
        "g_co2e_per_km": doc["results"]["core_total"]["g_co2e_per_km"],
        "is_front_runner": (doc["comparison"]["front_runner"] or {}).get("is_front_runner"),
        "href": naming.report_file(doc["identification"]["model_id"], doc["identification"]["market"]["code"],
                                   doc["identification"]["registration_year"]),
    } for doc in documents), key=lambda row: (row["market_code"], -row["registration_year"],
                                              row["g_co2e_per_km"] if row["g_co2e_per_km"] is not None else float("inf"),
                                              row["href"]))
    first = documents[0]["identification"] if documents else {}
    return _template(INDEX_TEMPLATE).render(
        rows=rows, run_id=first.get("run_id"), date_generated=first.get("date_generated"),
        methodology_version=first.get("methodology_version"))


class _DocumentEnvironment(jinja2.Environment):
    """Jinja with ``a.b`` looked up as a key first: the documents are dicts, and Jinja's default
    (attribute first, then key) costs a failed getattr per lookup, most of a report's render time."""

    def getattr(self, obj, attribute):
        try:
            return obj[attribute]
        except (TypeError, LookupError):
            return super().getattr(obj, attribute)


@functools.cache
def _environment() -> jinja2.Environment:
    environment = _DocumentEnvironment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined)
    environment.filters.update(
        kg=lambda value: _number(value, 0), gkm=lambda value: _number(value, 1), num=_number, pct=_percent,
        raw=_raw, yesno=_yes_no, words=_words, confidence=_confidence, ids=_id_list)
    return environment


@functools.cache
def _template(name: str) -> jinja2.Template:
    return _environment().get_template(name)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _breakable(identifier: str) -> str:
    """An id that may wrap after its underscores (a narrow column otherwise breaks it anywhere)."""
    return _e(identifier).replace("_", "_<wbr>")


def _number(value: float | int | None, digits: int = 2, missing: str = "not computed") -> str:
    if value is None:
        return missing
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def _percent(value: float | None, digits: int = 1) -> str:
    return "not computed" if value is None else f"{value * 100:.{digits}f}%"


def _raw(value: object) -> str:
    """The full-precision value for a data attribute: repr of a float round-trips exactly."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def _words(code: str | None) -> str:
    """A code as words: known reason codes from REASON_WORDS, otherwise underscores as spaces."""
    if not code:
        return ""
    return "; ".join(REASON_WORDS.get(part, part.replace("_", " ")) for part in str(code).split(";") if part)


def _confidence(tag: str | None) -> str:
    return f"{tag}: {CONFIDENCE_WORDS[tag]}" if tag in CONFIDENCE_WORDS else (tag or "not recorded")


def _id_list(values: Sequence[str] | None) -> str:
    return ", ".join(values) if values else "none"
