"""Report files on disk: the reports a publication carries (``write_report_files``: every
front-runner of the pilot markets in each market's latest registration year, HTML and JSON, and an
index) and one report on demand for ``greenbridge report`` (``write_report``: HTML, JSON and PDF,
the PDF being Chromium's print of the same HTML).

``write_report_files`` runs in every refresh's publication step, so it builds all documents with
one set of queries (report_data.py) and renders them with the precompiled templates.
"""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Sequence
from pathlib import Path

from products import naming
from products.report_data import build_report_documents
from products.report_html import render_report_html, render_report_index
from products.source import ProductSource

FORMATS = ("html", "json", "pdf")
WRITER_THREADS = 2

# The reports a publication carries: fct_front_runner's front-runners in the 2024 pilot markets, in
# each market's latest registration year of fct_front_runner.
PUBLISHED_REPORT_KEYS_SQL = """
with latest as (
    select market_code, max(registration_year) as registration_year from fct_front_runner group by market_code
)
select runner.model_id, runner.market_code, runner.registration_year
from fct_front_runner as runner
join latest using (market_code, registration_year)
join dim_market as market using (market_code)
where market.in_2024_pilot and runner.is_front_runner
order by runner.market_code, runner.registration_year, runner.model_id
"""


def published_report_keys(source: ProductSource) -> list[tuple[str, str, int]]:
    """``(model_id, market_code, registration_year)`` of the reports a publication carries."""
    return [(row["model_id"], row["market_code"], row["registration_year"])
            for row in source.rows(PUBLISHED_REPORT_KEYS_SQL)]


def report_json(document: dict) -> str:
    """A document as the JSON file holds it: compact (the C encoder; an indented dump takes several
    times longer), UTF-8 text, no NaN (JSON has none)."""
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"


def write_report_files(source: ProductSource, folder: Path) -> list[Path]:
    """Write ``folder/reports/<stem>.html`` and ``.json`` for every published report key and
    ``folder/reports/index.html``; return the paths written (each report's HTML then JSON, the index last).

    Two writer threads put the files on disk while the next report renders: a write releases the
    GIL, and creating ~600 files costs a busy file system as much as rendering them."""
    reports_dir = Path(folder) / naming.REPORTS_DIR
    reports_dir.mkdir(parents=True, exist_ok=True)
    documents = build_report_documents(source, published_report_keys(source))
    written: list[Path] = []
    with ThreadPoolExecutor(max_workers=WRITER_THREADS, thread_name_prefix="report-writer") as writers:
        pending = []
        for document in documents:
            stem = document["identification"]["report_stem"]
            html_file, json_file = reports_dir / f"{stem}.html", reports_dir / f"{stem}.json"
            pending.append(writers.submit(_write, html_file, render_report_html(document)))
            pending.append(writers.submit(_write, json_file, report_json(document)))
            written += [html_file, json_file]
        index = reports_dir / naming.INDEX_FILE
        pending.append(writers.submit(_write, index, render_report_index(documents)))
        written.append(index)
        for future in pending:
            future.result()  # the first failed write raises here, failing the publication
    return written


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The formats, lower case and without repeats, or ValueError naming the unknown one."""
    checked: list[str] = []
    for name in formats:
        name = name.strip().lower()
        if name not in FORMATS:
            raise ValueError(f"--format: {name!r} is not one of {', '.join(FORMATS)}")
        if name not in checked:
            checked.append(name)
    if not checked:
        raise ValueError(f"--format: give at least one of {', '.join(FORMATS)}")
    return tuple(checked)


def write_report(source: ProductSource, model_id: str, market: str, year: int, out_dir: Path,
                 formats: Sequence[str] = FORMATS, verification: dict | None = None) -> list[Path]:
    """One report as ``out_dir/<stem>.<format>`` for each format, in the order given.

    Raises report_data.ReportNotFound for an unknown key, ValueError for a bad format or
    verification, browser.ChromiumMissing for a PDF without Chromium (before writing anything)."""
    formats = check_formats(formats)
    if "pdf" in formats:
        from products.browser import find_chromium

        find_chromium()
    (document,) = build_report_documents(source, [(model_id, market, year)], verification)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = document["identification"]["report_stem"]
    html = render_report_html(document)
    written: dict[str, Path] = {}
    if "html" in formats:
        written["html"] = out_dir / f"{stem}.html"
        written["html"].write_text(html, encoding="utf-8")
    if "json" in formats:
        written["json"] = out_dir / f"{stem}.json"
        written["json"].write_text(report_json(document), encoding="utf-8")
    if "pdf" in formats:
        written["pdf"] = _print_pdf(html, written.get("html"), out_dir / f"{stem}.pdf")
    return [written[name] for name in formats]


def _print_pdf(html: str, html_file: Path | None, pdf_file: Path) -> Path:
    """Chromium's print of the report's HTML: the written file, or a temporary copy when no HTML
    was asked for."""
    from products.browser import print_to_pdf

    if html_file is not None:
        return print_to_pdf(html_file, pdf_file)
    with tempfile.TemporaryDirectory(prefix="greenbridge-report-") as scratch:
        source_file = Path(scratch) / f"{pdf_file.stem}.html"
        source_file.write_text(html, encoding="utf-8")
        return print_to_pdf(source_file, pdf_file)
