"""The per-vehicle carbon footprint report (products/report_*.py): its numbers against the marts,
the ``greenbridge report`` command, the files a publication carries, and the HTML as headless
Chromium renders it from disk with the network blocked (DOM, console, PDF, screenshot).

Every expected number is read from the session's refreshed warehouse (``marts`` schema), not from
the product's own source, so a wrong join or column in the report shows as a mismatch."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from products import naming
from products.report_command import add_report_parser, report_command
from products.report_data import (STAGES, ReportNotFound, build_report_documents, check_verification)
from products.report_files import published_report_keys, write_report_files
from products.report_html import render_report_html
from products.source import ProductSource

REPO_ROOT = Path(__file__).resolve().parents[1]
README_SCREENSHOT = REPO_ROOT / "docs" / "images" / "report_first_screen.png"
SCREENSHOT_MAX_BYTES = 300 * 1024
GOOD_VERIFICATION = {"verifier": "Dr. Ada Example", "date": "2026-11-30",
                     "statement": "Checked the footprint against ISO 14067:2018 with limited assurance.",
                     "organisation": "Example Verification GmbH"}


@pytest.fixture(scope="module")
def source(refreshed_data_dir):
    with ProductSource.from_publication(refreshed_data_dir) as opened:
        yield opened


def _rows(connection, sql: str, parameters: list | None = None) -> list[dict]:
    relation = connection.execute(sql, parameters or [])
    names = [column[0] for column in relation.description]
    return [dict(zip(names, values)) for values in relation.fetchall()]


@pytest.fixture(scope="module")
def keys(warehouse) -> dict[str, tuple[str, str, int]]:
    """A front-runner BEV of a pilot market (the showcase), a PHEV and an ICEV, each in its
    market's latest year."""
    chosen = {}
    for powertrain, extra in (("BEV", "and runner.is_front_runner"), ("PHEV", ""), ("ICEV", "")):
        row = _rows(warehouse, f"""
            select runner.model_id, runner.market_code, runner.registration_year
            from marts.fct_front_runner as runner join marts.dim_market as market using (market_code)
            where market.in_2024_pilot and runner.powertrain = ? {extra}
              and runner.registration_year = (select max(registration_year) from marts.fct_front_runner)
            order by runner.market_code = 'THA' desc, runner.lifecycle_g_co2e_per_km, runner.model_id limit 1""",
                    [powertrain])
        assert row, f"the embedded snapshot has no {powertrain} in a pilot market"
        chosen[powertrain] = tuple(row[0].values())
    return chosen


@pytest.fixture(scope="module")
def documents(source, keys) -> dict[str, dict]:
    built = build_report_documents(source, list(keys.values()))
    return dict(zip(keys, built))


def _footprint(warehouse, key) -> dict:
    (row,) = _rows(warehouse, """
        select footprint.*, vehicle.battery_kwh from marts.fct_vehicle_footprint as footprint
        join marts.dim_vehicle_model as vehicle using (model_id)
        where model_id = ? and market_code = ? and registration_year = ?""", list(key))
    return row


# --- (a) the document against the marts ------------------------------------------------------------

@pytest.mark.parametrize("powertrain", ["BEV", "PHEV"])
def test_stage_numbers_equal_the_footprint_mart(documents, keys, warehouse, powertrain):
    document, mart = documents[powertrain], _footprint(warehouse, keys[powertrain])
    stages = {stage["stage"]: stage for stage in document["results"]["stages"]}
    assert list(stages) == list(STAGES)
    for stage in STAGES:
        assert stages[stage]["kg_co2e"] == mart[f"{stage}_kg_co2e"], stage
        assert stages[stage]["g_co2e_per_km"] == mart[f"{stage}_g_co2e_per_km"], stage
    assert document["results"]["core_total"] == {"kg_co2e": mart["total_kg_co2e"],
                                                 "g_co2e_per_km": mart["total_g_co2e_per_km"]}
    assert document["results"]["all_stages_total"]["kg_co2e"] == mart["total_all_stages_kg_co2e"]
    core = mart["core_boundary_stages"].split(";")
    assert document["boundary"]["core_boundary_stages"] == core
    assert [stage for stage in STAGES if stages[stage]["in_core_boundary"]] == core
    identification = document["identification"]
    assert (identification["model_id"], identification["market"]["code"], identification["registration_year"]) == keys[powertrain]
    assert identification["declared_unit"]["lifetime_km"] == mart["lifetime_km"]
    assert identification["report_id"] == "GB-" + naming.report_stem(*keys[powertrain])


@pytest.mark.parametrize("powertrain", ["BEV", "PHEV"])
def test_traction_battery_per_kwh_is_the_battery_kg_over_its_capacity(documents, keys, warehouse, powertrain):
    document, mart = documents[powertrain], _footprint(warehouse, keys[powertrain])
    battery = document["results"]["traction_battery"]
    assert battery["present"] and battery["capacity_kwh"] == mart["battery_kwh"] > 0
    stages = {stage["stage"]: stage for stage in battery["stages"]}
    assert stages["raw_material_acquisition"]["kg_co2e"] == mart["battery_raw_materials_kg_co2e"]
    assert stages["raw_material_acquisition"]["kg_co2e_per_kwh"] == pytest.approx(
        mart["battery_raw_materials_kg_co2e"] / mart["battery_kwh"], rel=1e-12)
    assert stages["main_production"]["kg_co2e_per_kwh"] == pytest.approx(
        mart["battery_production_kg_co2e"] / mart["battery_kwh"], rel=1e-12)
    # Distribution is not priced by the method: said, not filled in.
    assert stages["distribution"]["priced"] is False and stages["distribution"]["kg_co2e"] is None
    assert "distribution" in battery["not_priced_stages"]
    (end_of_life,) = _rows(warehouse, """
        select sum(kg_co2e) as kg, count(*) as components from marts.fct_footprint_component
        where model_id = ? and market_code = ? and registration_year = ? and stage = 'end_of_life'
          and component like '%battery%'""", list(keys[powertrain]))
    if end_of_life["components"]:
        assert stages["end_of_life"]["kg_co2e"] == pytest.approx(end_of_life["kg"], rel=1e-12)
    else:
        assert stages["end_of_life"]["priced"] is False
    battery_kg = mart["battery_raw_materials_kg_co2e"] + mart["battery_production_kg_co2e"]
    assert document["results"]["battery_share_of_core_total"] == pytest.approx(battery_kg / mart["total_kg_co2e"], rel=1e-12)


def test_a_car_without_traction_battery_says_so(documents, keys, warehouse):
    document = documents["ICEV"]
    assert document["results"]["traction_battery"]["present"] is False
    assert "no traction battery" in document["results"]["traction_battery"]["statement"]
    html = render_report_html(document)
    assert 'id="no-battery"' in html and 'id="battery-stages"' not in html


def test_sections_come_from_their_marts(documents, keys, warehouse, refreshed_data_dir):
    document, key = documents["PHEV"], keys["PHEV"]
    inputs = _rows(warehouse, """select input_id, contribution_kg_co2e, dqr, factor_ids from marts.fct_footprint_input_quality
                                 where model_id = ? and market_code = ? and registration_year = ?""", list(key))
    shown = {row["input_id"]: row for row in document["data_quality"]["inputs"]}
    assert set(shown) == {row["input_id"] for row in inputs}
    for row in inputs:
        assert shown[row["input_id"]]["contribution_kg_co2e"] == row["contribution_kg_co2e"]
        assert shown[row["input_id"]]["dqr"] == row["dqr"]
    cited = {factor["factor_id"]: factor for factor in document["factors"]}
    for row in inputs:  # every input's datasets resolved in dim_emission_factor
        for factor_id in row["factor_ids"].split(";"):
            assert cited[factor_id]["source"], factor_id
    (quality,) = _rows(warehouse, """select dqr, cut_off_share from marts.fct_footprint_data_quality
                                     where model_id = ? and market_code = ? and registration_year = ?""", list(key))
    assert document["data_quality"]["overall"]["dqr"] == quality["dqr"]
    assert document["boundary"]["cut_off_share"] == quality["cut_off_share"]
    rules = _rows(warehouse, """select rule_id, outcome, consequence_local from marts.fct_market_rule_outcome
                                where model_id = ? and market_code = ? and registration_year = ?""", list(key))
    assert sorted((rule["rule_id"], rule["outcome"]) for rule in document["market_rules"]) == \
        sorted((rule["rule_id"], rule["outcome"]) for rule in rules)
    (runner,) = _rows(warehouse, """select * from marts.fct_front_runner
                                    where model_id = ? and market_code = ? and registration_year = ?""", list(key))
    front_runner = document["comparison"]["front_runner"]
    for column in ("rank_in_segment", "market_fleet_average_g_co2e_per_km", "segment_best_g_co2e_per_km",
                   "is_front_runner", "ineligible_reasons", "meets_green_ncap_threshold"):
        assert front_runner[column] == runner[column], column
    markets = _rows(warehouse, """select market_code, total_g_co2e_per_km from marts.fct_vehicle_footprint
                                  where model_id = ? and registration_year = ?""", [key[0], key[2]])
    assert {row["market_code"]: row["total_g_co2e_per_km"] for row in document["comparison"]["markets"]} == \
        {row["market_code"]: row["total_g_co2e_per_km"] for row in markets}
    assert document["assumptions"]["phev_utility"]["real_world_utility_factor"] == _footprint(warehouse, key)["real_world_utility_factor"]
    manifest = json.loads((refreshed_data_dir / "published" / "current" / "_manifest.json").read_text())
    lineage = document["lineage"]
    assert lineage["run_id"] == manifest["run_id"] == document["identification"]["run_id"]
    assert {table["table"]: table["sha256"] for table in lineage["tables"]} == \
        {table["table"]: manifest["tables"][table["table"]]["sha256"] for table in lineage["tables"]}
    assert lineage["source_bytes"], "the grid factors state their raw bytes' sha256"
    for row in lineage["source_bytes"]:
        assert re.fullmatch(r"[0-9a-f]{64}", row["sha256"]) and row["sha256"] in row["source"]
    assert document["verification"]["status"] == "not verified"


def test_the_reproduce_spec_recomputes_the_same_footprint(documents, refreshed_data_dir):
    """The lineage's spec, run through the calculator of ``greenbridge footprint``, gives the mart's total."""
    from orchestration.calculator.compute import FootprintRequest, compute_footprint
    from orchestration.calculator.spec import parse_spec
    from warehouse.paths import DataPaths

    for powertrain in ("BEV", "PHEV"):
        document = documents[powertrain]
        reproduce = document["lineage"]["reproduce"]
        market, year = document["identification"]["market"]["code"], document["identification"]["registration_year"]
        assert reproduce["command"] == f"greenbridge footprint --spec {reproduce['spec_file']} --market {market} --year {year}"
        result = compute_footprint(FootprintRequest(parse_spec(reproduce["spec"]), market, year),
                                   DataPaths.at(refreshed_data_dir))
        assert result["total_kg"] == pytest.approx(document["results"]["core_total"]["kg_co2e"], rel=1e-9)


def test_documents_are_built_with_the_same_queries_for_one_or_many(source, keys, monkeypatch):
    """Set-based: the number of queries does not grow with the number of reports."""
    all_keys = published_report_keys(source)
    assert len(all_keys) > 50
    calls = []
    original = source.rows
    monkeypatch.setattr(source, "rows", lambda sql, parameters=None: calls.append(sql) or original(sql, parameters))
    build_report_documents(source, [keys["BEV"]])
    one = len(calls)
    calls.clear()
    build_report_documents(source, all_keys)
    assert len(calls) == one <= 10


def test_an_unknown_key_is_refused_with_a_hint(source, keys):
    model_id, market, year = keys["BEV"]
    with pytest.raises(ReportNotFound, match=rf"model '{model_id[:-2]}'.*near model ids: .*{model_id}"):
        build_report_documents(source, [(model_id[:-2], market, year)])
    with pytest.raises(ReportNotFound, match=r"in market XXX .*markets .*THA"):
        build_report_documents(source, [(model_id, "XXX", year)])
    with pytest.raises(ReportNotFound, match=rf"in 1999: .*registration years .*{year}"):
        build_report_documents(source, [(model_id, market, 1999)])


@pytest.mark.parametrize("verification, field", [
    ({"date": "2026-11-30", "statement": "ok"}, "verifier"),
    ({"verifier": "A", "statement": "ok"}, "date"),
    ({"verifier": "A", "date": "2026-11-30", "statement": "  "}, "statement"),
    ({"verifier": "A", "date": "30/11/2026", "statement": "ok"}, "date"),
    ({"verifier": "A", "date": "2026-11-30", "statement": "ok", "verfier": "typo"}, "verfier"),
])
def test_a_bad_verification_is_refused_naming_the_field(verification, field):
    with pytest.raises(ValueError, match=rf"verification field '{field}'"):
        check_verification(verification)


# --- (b) the command --------------------------------------------------------------------------------

def _namespace(refreshed_data_dir, out, model, market, year, formats="html,json,pdf", verification=None):
    parser = argparse.ArgumentParser(prog="greenbridge")
    add_report_parser(parser.add_subparsers(dest="command"))
    argv = ["report", "--model", model, "--market", market, "--year", str(year), "--out", str(out),
            "--format", formats, "--data-dir", str(refreshed_data_dir)]
    if verification is not None:
        argv += ["--verification", str(verification)]
    return parser.parse_args(argv)


def test_the_command_writes_html_json_and_pdf(refreshed_data_dir, keys, tmp_path, capsys):
    _need_chromium()
    model_id, market, year = keys["BEV"]
    code = report_command(_namespace(refreshed_data_dir, tmp_path, model_id, market.lower(), year))
    assert code == 0, capsys.readouterr().err
    stem = naming.report_stem(model_id, market, year)
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / f"{stem}.{extension}") for extension in ("html", "json", "pdf")]
    assert json.loads((tmp_path / f"{stem}.json").read_text())["identification"]["report_id"] == f"GB-{stem}"
    assert (tmp_path / f"{stem}.pdf").read_bytes()[:5] == b"%PDF-"
    assert 'id="stage-results"' in (tmp_path / f"{stem}.html").read_text()


def test_the_command_refuses_a_missing_model_naming_it(refreshed_data_dir, keys, tmp_path, capsys):
    _, market, year = keys["BEV"]
    code = report_command(_namespace(refreshed_data_dir, tmp_path, "no_such_car_2099", market, year, "html"))
    error = capsys.readouterr().err
    assert code == 2 and "no_such_car_2099" in error and len(error.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
    code = report_command(_namespace(refreshed_data_dir, tmp_path, "x", market, year, "html,docx"))
    assert code == 2 and "'docx'" in capsys.readouterr().err


def test_the_command_checks_the_verification_file(refreshed_data_dir, keys, tmp_path, capsys):
    model_id, market, year = keys["PHEV"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"verifier": "Dr. Ada Example", "statement": "ok"}))
    out = tmp_path / "out"
    code = report_command(_namespace(refreshed_data_dir, out, model_id, market, year, "html,json", bad))
    error = capsys.readouterr().err
    assert code == 2 and "'date'" in error and "--verification" in error
    assert not out.exists()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD_VERIFICATION))
    code = report_command(_namespace(refreshed_data_dir, out, model_id, market, year, "html,json", good))
    assert code == 0, capsys.readouterr().err
    stem = naming.report_stem(model_id, market, year)
    page = (out / f"{stem}.html").read_text()
    assert '<strong id="verifier">Dr. Ada Example</strong>' in page
    assert '<strong id="verification-date">2026-11-30</strong>' in page and "not verified" not in page
    assert json.loads((out / f"{stem}.json").read_text())["verification"]["status"] == "verified"


def test_the_command_without_chromium_or_publication_fails_with_the_hint(refreshed_data_dir, keys, tmp_path,
                                                                        capsys, monkeypatch):
    import products.browser as browser

    def no_chromium():
        raise browser.ChromiumMissing(f"no Chromium on PATH: {browser.INSTALL_HINT}")

    monkeypatch.setattr(browser, "find_chromium", no_chromium)
    model_id, market, year = keys["BEV"]
    out = tmp_path / "out"
    assert report_command(_namespace(refreshed_data_dir, out, model_id, market, year, "html,pdf")) == 1
    assert browser.INSTALL_HINT in capsys.readouterr().err and not out.exists()
    assert report_command(_namespace(tmp_path / "empty", out, model_id, market, year, "html")) == 1
    assert "greenbridge refresh" in capsys.readouterr().err


# --- the files of a publication ---------------------------------------------------------------------

def test_write_report_files_writes_every_pilot_front_runner_fast(source, warehouse, tmp_path, refreshed_data_dir):
    expected = _rows(warehouse, """
        select runner.model_id, runner.market_code, runner.registration_year
        from marts.fct_front_runner as runner join marts.dim_market as market using (market_code)
        where market.in_2024_pilot and runner.is_front_runner
          and runner.registration_year = (select max(registration_year) from marts.fct_front_runner as latest
                                          where latest.market_code = runner.market_code)""")
    started = time.perf_counter()
    written = write_report_files(source, tmp_path)
    elapsed = time.perf_counter() - started
    artefacts = refreshed_data_dir / "artefacts"
    artefacts.mkdir(exist_ok=True)
    (artefacts / "report_files_timing.txt").write_text(f"{len(expected)} reports in {elapsed:.3f} s\n")
    print(f"write_report_files: {len(expected)} reports (HTML + JSON) and the index in {elapsed:.3f} s")
    reports_dir = tmp_path / naming.REPORTS_DIR
    stems = {naming.report_stem(*row.values()) for row in expected}
    assert {path.name for path in written} == {f"{stem}.{ext}" for stem in stems for ext in ("html", "json")} | {"index.html"}
    assert all(path.parent == reports_dir and path.is_file() for path in written)
    index = (reports_dir / naming.INDEX_FILE).read_text()
    assert all(f'href="{stem}.html"' in index for stem in stems)
    assert elapsed < 10, f"write_report_files took {elapsed:.1f} s for {len(expected)} reports (budget: well under 2 s)"


# --- (c) the page in a real browser -----------------------------------------------------------------

class _PageParser(HTMLParser):
    """What the tests read from a page: the stage table's cells, the stage bar's rects, every URL
    the page points to."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.stage_cells: dict[tuple[str, str], str] = {}
        self.stage_rects: list[dict] = []
        self._table: str | None = None
        self._row: str | None = None
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "href", "xlink:href", "srcset", "action", "poster", "data"):
            if attributes.get(name):
                self.urls.append(attributes[name])
        if attributes.get("style"):
            self.styles.append(attributes["style"])
        self._in_style = tag == "style"
        if tag == "table":
            self._table = attributes.get("id")
        elif tag == "tr" and self._table == "stage-results":
            self._row = attributes.get("data-stage") or attributes.get("data-total")
        elif tag == "td" and self._table == "stage-results" and self._row and "data-field" in attributes:
            self.stage_cells[(self._row, attributes["data-field"])] = attributes["data-value"]
        elif tag == "rect" and "data-stage" in attributes:
            self.stage_rects.append(attributes)

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _need_chromium() -> None:
    from products.browser import ChromiumMissing, find_chromium

    try:
        find_chromium()
    except ChromiumMissing as missing:
        pytest.skip(f"headless Chromium is not installed: {missing}")


def _parsed(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    return parser


def _external(urls: list[str]) -> list[str]:
    return [url for url in urls if re.match(r"\s*([a-z][a-z0-9+.-]*:|//)", url, re.I) and not url.startswith("#")]


def test_the_report_in_headless_chromium(keys, documents, warehouse, tmp_path, refreshed_data_dir):
    _need_chromium()
    from products.browser import print_to_pdf, run_chromium, screenshot

    key = keys["BEV"]
    mart = _footprint(warehouse, key)
    page = tmp_path / naming.report_file(*key)
    page.write_text(render_report_html(documents["BEV"]), encoding="utf-8")

    # The file as written points to no other host (scripts, styles, images, fonts, links).
    written = _parsed(page.read_text())
    assert _external(written.urls) == [], "the report links or loads something outside the file"
    assert not any(re.search(r"url\(\s*['\"]?(?!#)", style) for style in written.styles), "CSS url() outside the file"
    assert "<script" not in page.read_text()

    # The DOM Chromium built, with the network blocked and the console on stderr.
    rendered = run_chromium(page.resolve().as_uri(), "--enable-logging=stderr", "--v=0", "--dump-dom")
    console = [line for line in rendered.stderr.splitlines()
               if ":CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line]
    assert console == [], console
    dom = _parsed(rendered.stdout)
    for stage in STAGES:
        assert float(dom.stage_cells[(stage, "kg_co2e")]) == mart[f"{stage}_kg_co2e"], stage
        assert float(dom.stage_cells[(stage, "g_co2e_per_km")]) == mart[f"{stage}_g_co2e_per_km"], stage
    assert float(dom.stage_cells[("core", "kg_co2e")]) == mart["total_kg_co2e"]
    assert float(dom.stage_cells[("all_stages", "g_co2e_per_km")]) == mart["total_all_stages_g_co2e_per_km"]
    drawn = [stage for stage in STAGES if mart[f"{stage}_kg_co2e"] is not None]
    assert drawn == list(STAGES)
    assert [rect["data-stage"] for rect in dom.stage_rects] == drawn, "one rect per stage"
    assert [float(rect["data-kg-co2e"]) for rect in dom.stage_rects] == [mart[f"{stage}_kg_co2e"] for stage in drawn]
    assert _external(dom.urls) == []

    # Printed: a PDF with pages.
    pdf = print_to_pdf(page, tmp_path / "report.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-"
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages >= 2, f"expected a multi-page A4 report, got {pages} page(s)"

    # The first screen, for the test's artefacts and the README.
    artefacts = refreshed_data_dir / "artefacts"
    shot = screenshot(page.resolve().as_uri(), artefacts / "report_first_screen.png", window="1200,900")
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) < SCREENSHOT_MAX_BYTES, len(png)
    # The README's copy is refreshed on request only: a test run leaves the checkout as it found it.
    if os.environ.get("GREENBRIDGE_UPDATE_README_SCREENSHOT") == "1":
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, README_SCREENSHOT)
