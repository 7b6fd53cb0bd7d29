"""warehouse.quality.gx_docs with real Great Expectations and real files (no mocks): each suite
through its GX Checkpoint with an UpdateDataDocsAction, and Data Docs that load nothing from the
network (the shipped assets in warehouse/quality/data_docs_assets/), checked on a real refresh and
rendered by a real headless Chromium when one is installed."""

import base64
import hashlib
import html
import json
import logging
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from warehouse.quality.gx_docs import validate_frames
from warehouse.quality.offline_docs import ASSETS_DIR, CDN_ASSETS, CHECKSUMS_FILE, SITE_ASSETS_DIR, STAMP_FILE, localize

gxe = pytest.importorskip("great_expectations.expectations")

GX_TEMPLATES = Path(__import__("great_expectations").__file__).parent / "render" / "view" / "templates"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
BROWSER_TIMEOUT_S = 120


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "vehicle_id": range(300),
        "market_code": ["CN", "KZ", "PK"] * 100,
        "kg_co2e": [float(i % 50) for i in range(300)],
    })


def _passing():
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1),
        gxe.ExpectColumnValuesToBeUnique(column="vehicle_id"),
        gxe.ExpectColumnValuesToNotBeNull(column="kg_co2e"),
        gxe.ExpectColumnDistinctValuesToEqualSet(column="market_code", value_set=["CN", "KZ", "PK"]),
    ]


def _failing():
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="vehicle_id"),
        gxe.ExpectColumnValuesToBeBetween(column="kg_co2e", min_value=0, max_value=40),
        gxe.ExpectColumnMaxToBeBetween(column="kg_co2e", max_value=10),
    ]


def _batches():
    return {"footprint_ok": (_frame(), _passing()), "footprint_bad": (_frame(), _failing())}


def _stored_results(project_dir: Path) -> list[Path]:
    return sorted((project_dir / "uncommitted" / "validations").rglob("*.json"))


def _site_pages(docs_dir: Path) -> list[Path]:
    return sorted((docs_dir / "validations").rglob("*.html"))


class _LoadedResources(HTMLParser):
    """The URLs a page loads: <script src>, <link href> and <img src>."""

    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for element, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
            if tag == element and attributes.get(attribute):
                self.urls.append((f"<{tag} {attribute}>", attributes[attribute]))


def _loaded_resources(page: Path) -> list[tuple[str, str]]:
    parser = _LoadedResources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def _broken_references(site: Path) -> list[str]:
    """Every script, stylesheet and image a page of ``site`` loads, and every url() of the
    stylesheets they load, that is remote or not a file inside the site."""
    site = site.resolve()
    broken, stylesheets = [], set()
    for page in sorted(site.rglob("*.html")):
        for what, url in _loaded_resources(page):
            if urlsplit(url).scheme or url.startswith("//"):
                broken.append(f"{page.relative_to(site)}: {what} {url} is remote")
                continue
            target = (page.parent / unquote(urlsplit(url).path)).resolve()
            if site not in target.parents or not target.is_file():
                broken.append(f"{page.relative_to(site)}: {what} {url} does not resolve to a file of the site")
            elif target.suffix == ".css":
                stylesheets.add(target)
    for stylesheet in sorted(stylesheets):
        for url in re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", stylesheet.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            target = (stylesheet.parent / unquote(urlsplit(url).path)).resolve()
            if urlsplit(url).scheme or not target.is_file():
                broken.append(f"{stylesheet.relative_to(site)}: url({url}) does not resolve to a file of the site")
    return broken


# --- validation through checkpoints ------------------------------------------------------------


def test_suite_success_and_failed_expectations(tmp_path):
    run = validate_frames(_batches(), tmp_path / "gx", tmp_path / "docs", run_name="run-1")

    assert run.suites["footprint_ok"].success is True
    assert run.suites["footprint_ok"].failed_expectations() == []
    bad = run.suites["footprint_bad"]
    assert bad.success is False
    failed = {entry["expectation"]: entry for entry in bad.failed_expectations()}
    assert set(failed) == {"expect_column_values_to_be_between", "expect_column_max_to_be_between"}
    between = failed["expect_column_values_to_be_between"]
    assert between["column"] == "kg_co2e"
    assert between["kwargs"]["max_value"] == 40 and "batch_id" not in between["kwargs"]
    assert between["observed"]["unexpected_count"] == 9 * 6  # values 41..49, six times each
    assert all(value > 40 for value in between["observed"]["partial_unexpected_list"])
    assert failed["expect_column_max_to_be_between"]["observed"]["observed_value"] == 49
    json.dumps(bad.failed_expectations())  # fit for Dagster JSON metadata (no numpy scalars)


def test_each_suite_runs_through_its_checkpoint_with_update_data_docs(tmp_path):
    project_dir = tmp_path / "gx"
    frame = _frame().assign(row_label=lambda f: "vehicle " + f["vehicle_id"].astype(str))
    run = validate_frames({"footprint_bad": (frame, _failing())}, project_dir, tmp_path / "docs", run_name="r1",
                          row_label_column="row_label")

    checkpoint = json.loads((project_dir / "checkpoints" / "footprint_bad.json").read_text())
    assert [definition["name"] for definition in checkpoint["validation_definitions"]] == ["footprint_bad"]
    assert checkpoint["actions"] == [{"type": "update_data_docs", "name": "update_data_docs", "site_names": ["published"]}]
    assert checkpoint["result_format"] == {"result_format": "COMPLETE", "unexpected_index_column_names": ["row_label"]}
    result = run.suites["footprint_bad"].result
    assert result.meta["checkpoint_id"] == checkpoint["id"]
    [stored] = _stored_results(project_dir)
    assert json.loads(stored.read_text())["meta"]["checkpoint_id"] == checkpoint["id"]
    # COMPLETE with the row labels: every failing row is named, not only the first 20.
    between = next(item for item in result.results if item.expectation_config.type == "expect_column_values_to_be_between")
    labels = {index["row_label"] for index in between.result["unexpected_index_list"]}
    assert len(labels) == 54 and "vehicle 49" in labels


def test_only_the_last_checkpoint_of_a_call_rebuilds_the_index_and_every_suite_gets_its_pages(tmp_path):
    project_dir, docs_dir = tmp_path / "gx", tmp_path / "docs"
    run = validate_frames(_batches(), project_dir, docs_dir, run_name="r1")

    names = list(_batches())
    actions = {name: json.loads((project_dir / "checkpoints" / f"{name}.json").read_text())["actions"]
               for name in names}
    assert [action["type"] for name in names for action in actions[name]] == ["update_data_docs_pages", "update_data_docs"]
    index = run.docs_index.read_text()
    for name in names:
        assert name in index
        assert list((docs_dir / "validations" / name).rglob("*.html")), f"no validation page for {name}"
        assert (docs_dir / "expectations" / f"{name}.html").is_file()


def test_second_run_rewrites_no_project_config(tmp_path):
    project_dir = tmp_path / "gx"
    validate_frames(_batches(), project_dir, tmp_path / "docs", run_name="r1")
    config_files = [project_dir / "great_expectations.yml", *sorted((project_dir / "checkpoints").glob("*.json")),
                    *sorted((project_dir / "validation_definitions").glob("*.json")),
                    *sorted((project_dir / "expectations").glob("*.json"))]
    before = {path: path.stat().st_mtime_ns for path in config_files}

    validate_frames(_batches(), project_dir, tmp_path / "docs", run_name="r2")

    assert {path: path.stat().st_mtime_ns for path in config_files} == before


def test_docs_index_lists_both_suites_and_keeps_earlier_runs(tmp_path):
    project_dir, docs_dir = tmp_path / "quality" / "gx", tmp_path / "published" / "data_docs"
    first = validate_frames(_batches(), project_dir, docs_dir, run_name="dagster-run-aaa")

    assert first.docs_index == docs_dir / "index.html"
    index = first.docs_index.read_text()
    assert "footprint_ok" in index and "footprint_bad" in index
    assert "dagster-run-aaa" in index
    assert len(_site_pages(docs_dir)) == 2

    second = validate_frames(_batches(), project_dir, docs_dir, run_name="dagster-run-bbb")

    assert second.docs_index == docs_dir / "index.html" and second.docs_index.is_file()
    index = second.docs_index.read_text()
    assert "dagster-run-aaa" in index and "dagster-run-bbb" in index
    pages = _site_pages(docs_dir)
    assert len(pages) == 4
    assert {page.relative_to(docs_dir / "validations").parts[1] for page in pages} == {"dagster-run-aaa", "dagster-run-bbb"}
    assert sorted(path.name for path in docs_dir.parent.iterdir()) == ["data_docs"], "nothing written beside the site"
    assert not list(docs_dir.rglob("*.tmp")), "a temporary file of the atomic writes was left behind"


def test_keep_runs_prunes_store_and_site(tmp_path):
    project_dir, docs_dir = tmp_path / "gx", tmp_path / "docs"
    for run_name in ("old-1", "old-2", "newest"):
        validate_frames(_batches(), project_dir, docs_dir, run_name=run_name, keep_runs=1)

    results = _stored_results(project_dir)
    assert len(results) == 2
    assert {path.relative_to(project_dir / "uncommitted" / "validations").parts[1] for path in results} == {"newest"}
    assert not (project_dir / "uncommitted" / "validations" / "footprint_ok" / "old-1").exists()
    index = (docs_dir / "index.html").read_text()
    assert "newest" in index and "old-1" not in index and "old-2" not in index
    assert len(_site_pages(docs_dir)) == 2
    assert not (docs_dir / "validations" / "footprint_ok" / "old-1").exists(), "GX left the pruned run's folder"


def test_changed_expectations_replace_the_suite(tmp_path):
    project_dir = tmp_path / "gx"
    validate_frames({"s": (_frame(), _failing())}, project_dir, tmp_path / "docs", run_name="r1")
    run = validate_frames({"s": (_frame(), _passing())}, project_dir, tmp_path / "docs", run_name="r2")

    assert run.suites["s"].success is True
    stored = json.loads((project_dir / "expectations" / "s.json").read_text())
    assert [e["type"] for e in stored["expectations"]] == [e.expectation_type for e in _passing()]


def test_docs_failure_keeps_validation_results(tmp_path, caplog):
    blocker = tmp_path / "not_a_directory"
    blocker.write_text("a file where the docs folder's parent should be")

    with caplog.at_level(logging.WARNING, logger="warehouse.quality.gx_docs"):
        run = validate_frames(_batches(), tmp_path / "gx", blocker / "data_docs", run_name="r1")

    assert run.docs_index is None
    assert run.suites["footprint_bad"].success is False
    assert run.suites["footprint_ok"].success is True
    assert len(_stored_results(tmp_path / "gx")) == 2
    assert any("Data Docs not built" in record.getMessage() for record in caplog.records)


# --- offline Data Docs -------------------------------------------------------------------------


def test_site_loads_only_its_own_files(tmp_path):
    docs_dir = tmp_path / "docs"
    validate_frames(_batches(), tmp_path / "gx", docs_dir, run_name="r1")

    assert _broken_references(docs_dir) == []
    assert (docs_dir / SITE_ASSETS_DIR / STAMP_FILE).is_file()
    assert (docs_dir / SITE_ASSETS_DIR / "README.md").is_file(), "the licences travel with the site"


def test_site_built_before_the_shipped_assets_is_rebuilt_offline(tmp_path):
    project_dir, docs_dir = tmp_path / "gx", tmp_path / "docs"
    validate_frames(_batches(), project_dir, docs_dir, run_name="old")
    # As an earlier version left it: its pages load GX's CDNs and there is no static/vendor/.
    shutil.rmtree(docs_dir / SITE_ASSETS_DIR)
    [old_page] = (docs_dir / "validations" / "footprint_ok" / "old").rglob("*.html")
    cdn = "https://cdn.jsdelivr.net/npm/vega@5"
    old_page.write_text(old_page.read_text().replace("</head>", f'<script src="{cdn}"></script></head>'))

    validate_frames(_batches(), project_dir, docs_dir, run_name="new")

    assert cdn not in old_page.read_text()
    assert _broken_references(docs_dir) == []
    assert len(_site_pages(docs_dir)) == 4


def test_localize_points_cdn_tags_at_the_site_copy():
    page = (
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>\n'
        '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" '
        'integrity="sha384-JjSmVgyd0p3pXB1rRibZUAYoIIy6OrQ6VrjIEaFf/nJGzIxFDsf4x0xIM+B07jRM" crossorigin="anonymous"></script>\n'
        '<link rel="shortcut icon" href="../../../static/images/favicon.ico" type="image/x-icon"/>\n'
        '<img class="NO-CACHE" src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png'
        '?d=20260101T000000.000000Z&dataContextId=1234" alt="Great Expectations"/>\n'
        '<script src="https://example.org/new.js"></script>\n'
        '<a href="https://greatexpectations.io">Great Expectations</a>\n'
    )

    text, remote = localize(page, depth=4)

    assert 'href="../../../../static/vendor/bootstrap-4.3.1/dist/css/bootstrap.min.css"' in text
    assert '<script src="../../../../static/vendor/bootstrap-4.3.1/dist/js/bootstrap.min.js"></script>' in text
    assert 'href="../../../../static/images/favicon.ico"' in text  # GX's template climbs 3 of the 4 folders
    assert 'src="../../../../static/images/logo-long.png"' in text and "dataContextId" not in text
    assert remote == ["https://example.org/new.js"]
    assert '<a href="https://greatexpectations.io">' in text  # a link the reader may follow, not a load
    assert localize(page, depth=0)[0].count('"static/vendor/') == 2


def test_every_cdn_url_of_the_gx_templates_is_shipped():
    loaded = set()
    for template in GX_TEMPLATES.glob("*.j2"):
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", template.read_text()):
            loaded.update(re.findall(r"""(?:src|href)=["'](https?://[^"']+)["']""", tag))

    assert loaded, f"no CDN URL found in {GX_TEMPLATES}"
    assert sorted(loaded - set(CDN_ASSETS)) == [], "GX loads a CDN URL that data_docs_assets/ does not ship"


def test_shipped_assets_match_checksums_licences_and_gx_integrity_hashes():
    sums = dict(reversed(line.split(maxsplit=1)) for line in (ASSETS_DIR / CHECKSUMS_FILE).read_text().splitlines())
    sums = {path.strip(): digest for path, digest in sums.items()}
    shipped = {str(path.relative_to(ASSETS_DIR)) for path in ASSETS_DIR.rglob("*") if path.is_file()}

    assert shipped - set(sums) == {CHECKSUMS_FILE, "README.md"}
    for path, digest in sums.items():
        assert hashlib.sha256((ASSETS_DIR / path).read_bytes()).hexdigest() == digest, path
    assert set(CDN_ASSETS.values()) <= set(sums)
    readme = (ASSETS_DIR / "README.md").read_text()
    for package in sorted({path.split("/")[0] for path in sums}):
        assert any(name.startswith("LICENSE") for name in (p.name for p in (ASSETS_DIR / package).iterdir())), package
        assert f"`{package}`" in readme, f"{package} is not listed in data_docs_assets/README.md"
    # The CDN tags' subresource-integrity hashes: the shipped bytes are those GX's CDN serves.
    imports = (GX_TEMPLATES / "js_script_imports.j2").read_text()
    pinned = re.findall(r'src="(https://[^"]+)" integrity="sha384-([^"]+)"', imports)
    assert pinned
    for url, digest in pinned:
        assert base64.b64encode(hashlib.sha384((ASSETS_DIR / CDN_ASSETS[url]).read_bytes()).digest()).decode() == digest, url


# --- a real refresh, and a real browser --------------------------------------------------------


def test_published_data_docs_load_nothing_from_the_network(refreshed_data_dir):
    docs_dir = refreshed_data_dir / "published" / "data_docs"
    pages = sorted(docs_dir.rglob("*.html"))

    assert docs_dir / "index.html" in pages and len(_site_pages(docs_dir)) == 7  # one page per rule
    assert _broken_references(docs_dir) == []
    for page in pages:
        tags = re.findall(r"<(?:script|link)\b[^>]*>", page.read_text(encoding="utf-8"))
        assert not [tag for tag in tags if re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", tag)], page


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    pytest.skip("no headless Chromium on PATH (apt-get install chromium; .ci/run installs it when run as root)")


def _browser(chromium: str, url: str, *mode: str) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        completed = subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
             # Any http(s) request goes to a closed port: the page gets nothing from the network.
             "--proxy-server=http://127.0.0.1:9", f"--user-data-dir={profile}", "--window-size=1200,900",
             "--virtual-time-budget=5000", *mode, url],
            capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


PROBE = """<script>
window.addEventListener("load", function () {
  document.fonts.ready.then(function () {
    var faces = [];
    document.fonts.forEach(function (face) { faces.push([face.family.replace(/["']/g, ""), String(face.weight), face.status]); });
    var navbar = document.querySelector("nav.navbar");
    document.body.setAttribute("data-probe", JSON.stringify({
      jquery: typeof window.jQuery === "function",
      bootstrapTable: !!(window.jQuery && window.jQuery.fn.bootstrapTable),
      bootstrap: !!(window.jQuery && window.jQuery.fn.modal),
      vegaEmbed: typeof window.vegaEmbed === "function",
      navbarPosition: navbar ? getComputedStyle(navbar).position : null,
      bodyFont: getComputedStyle(document.body).fontFamily,
      faces: faces
    }));
  });
});
</script>
"""


def test_chromium_renders_the_published_index_styled_offline(refreshed_data_dir, tmp_path):
    chromium = _chromium()
    site = tmp_path / "data_docs"
    shutil.copytree(refreshed_data_dir / "published" / "data_docs", site)
    index = site / "index.html"

    dom = _browser(chromium, index.as_uri(), "--dump-dom")
    # bootstrap-table's script wraps the validation results table and writes its pagination line.
    assert 'class="bootstrap-table bootstrap4"' in dom
    assert re.search(r"Showing 1 to 7 of 7 rows", dom), "the validation results table was not rendered by its script"
    assert "DQ-STAGES" in dom

    # The same page with a probe beside it: the styles applied and the icon font loaded, from disk.
    probe_page = site / "probe.html"
    probe_page.write_text(index.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    match = re.search(r'data-probe="([^"]*)"', _browser(chromium, probe_page.as_uri(), "--dump-dom"))
    assert match, "the probe did not run"
    probe = json.loads(html.unescape(match.group(1)))
    assert probe["jquery"] and probe["bootstrap"] and probe["bootstrapTable"] and probe["vegaEmbed"], probe
    assert probe["navbarPosition"] == "sticky", probe  # Bootstrap's .sticky-top
    assert probe["bodyFont"].startswith("-apple-system"), probe  # Bootstrap's font stack, not the browser default
    assert ["Font Awesome 6 Free", "900", "loaded"] in probe["faces"], probe

    screenshot = tmp_path / "index.png"
    _browser(chromium, index.as_uri(), f"--screenshot={screenshot}")
    assert screenshot.is_file()  # kept in pytest's basetemp for a look
