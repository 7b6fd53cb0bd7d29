"""What BI tools get with each publication, on real offline refreshes (no mocks): byte-identical
Parquet for identical inputs, the DuckDB catalogue opened by a separate process from another
folder and from a copy of the publication, the data dictionary generated from the contracts, and
the dbt docs page, loading nothing from the network (a real headless Chromium when installed)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from orchestration.cli import main as greenbridge_main
from orchestration.dbt_docs import DOCS_FILE, dbt_docs_page
from orchestration.dbt_project import DBT_PROJECT, dbt_cli
from warehouse.bi_catalogue import CATALOGUE_FILE, STORAGE_VERSION
from warehouse.contracts.registry import PUBLISHED_TABLES, contract_for
from warehouse.data_dictionary import DICTIONARY_CONTRACT, MARKDOWN_FILE, PARQUET_FILE
from warehouse.duckdb_store import Warehouse
from warehouse.paths import DBT_PROJECT_DIR, DataPaths
from warehouse.publish import MANIFEST_FILE, PART_FILE

BI_FILES = (CATALOGUE_FILE, PARQUET_FILE, MARKDOWN_FILE, DOCS_FILE)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
# Hosts Chromium's own services call whatever the page (component updates, sign-in, clock, autofill).
CHROMIUM_SERVICE_HOSTS = frozenset({"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                                    "content-autofill.googleapis.com", "optimizationguide-pa.googleapis.com"})
BROWSER_TIMEOUT_S = 180


@pytest.fixture(scope="module")
def second_refresh(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("second_refresh") / "data"
    assert greenbridge_main(["refresh", "--data-dir", str(data_dir)]) == 0
    return data_dir


def _manifest(data_dir: Path) -> dict:
    return json.loads((data_dir / "published" / MANIFEST_FILE).read_text())


def _current(data_dir: Path) -> Path:
    return (data_dir / "published" / "current").resolve()


# --- byte-identical Parquet -------------------------------------------------------------------------


def test_two_refreshes_of_the_same_inputs_publish_byte_identical_parquet(refreshed_data_dir, second_refresh):
    first, second = _manifest(refreshed_data_dir), _manifest(second_refresh)
    assert set(first["tables"]) == set(second["tables"]) == set(PUBLISHED_TABLES)
    differing = [table for table in PUBLISHED_TABLES
                 if first["tables"][table]["sha256"] != second["tables"][table]["sha256"]]
    assert differing == [], f"Parquet bytes differ between two refreshes of the same snapshot: {differing}"
    for table in PUBLISHED_TABLES:  # the manifest describes the bytes it names
        path = _current(second_refresh) / first["tables"][table]["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == first["tables"][table]["sha256"]
    # The catalogue, the dictionary and the docs page come from the same contracts and project: the same bytes too.
    for name in BI_FILES:
        assert first["files"][name]["sha256"] == second["files"][name]["sha256"], name


def test_every_published_model_orders_its_rows_by_the_contract_key():
    for table in PUBLISHED_TABLES:
        sql = (DBT_PROJECT_DIR / "models" / "marts" / f"{table}.sql").read_text()
        final = re.search(r"\border\s+by\s+([\w\s,]+?)\s*$", sql, flags=re.IGNORECASE)
        assert final, f"models/marts/{table}.sql does not end with an ORDER BY"
        assert [name.strip() for name in final.group(1).split(",")] == list(contract_for(table).primary_key), table


def test_published_rows_are_in_key_order(refreshed_data_dir):
    for table in PUBLISHED_TABLES:
        key = list(contract_for(table).primary_key)
        rows = pq.read_table(_current(refreshed_data_dir) / table / PART_FILE, columns=key).to_pylist()
        keys = [tuple(row[name] for name in key) for row in rows]
        assert keys == sorted(keys), f"{table} is not in the order of its key {key}"


# --- the catalogue --------------------------------------------------------------------------------

_OPEN_CATALOGUE = textwrap.dedent("""
    import json, sys, duckdb
    catalogue, search_path = sys.argv[1], sys.argv[2]
    connection = duckdb.connect(catalogue, read_only=True)
    if search_path:
        connection.execute("set file_search_path = ?", [search_path])
    views = [name for (name,) in connection.sql("select view_name from duckdb_views() where not internal order by 1").fetchall()]
    print(json.dumps({view: connection.execute(f'select count(*) from "{view}"').fetchall()[0][0] for view in views}))
""")


def _count_rows(catalogue: Path, cwd: Path, search_path: Path | None) -> dict[str, int]:
    """Row counts of every view, from a separate process started in ``cwd``."""
    completed = subprocess.run([sys.executable, "-c", _OPEN_CATALOGUE, str(catalogue), str(search_path or "")],
                               cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def _expected_counts(data_dir: Path) -> dict[str, int]:
    manifest = _manifest(data_dir)
    counts = {table: entry["rows"] for table, entry in manifest["tables"].items()}
    counts[DICTIONARY_CONTRACT.name] = pq.read_metadata(_current(data_dir) / PARQUET_FILE).num_rows
    return counts


def test_the_catalogue_opens_from_another_folder_and_from_a_copy_of_the_publication(refreshed_data_dir, tmp_path):
    published = refreshed_data_dir / "published"
    expected = _expected_counts(refreshed_data_dir)
    assert expected["fct_vehicle_footprint"] == pq.read_metadata(published / "fct_vehicle_footprint" / PART_FILE).num_rows
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    # Opened through the current version from another folder, naming the version's folder once.
    assert _count_rows(published / "current" / CATALOGUE_FILE, elsewhere, published / "current") == expected
    # Started in the folder holding it, nothing to set.
    assert _count_rows(published / "current" / CATALOGUE_FILE, published / "current", None) == expected
    # The stable path: published/greenbridge.duckdb (like every BI file, a link through current),
    # started in published/, whose stable table links the views' relative paths find.
    for name in BI_FILES:
        assert os.readlink(published / name) == f"current/{name}"
    assert _count_rows(published / CATALOGUE_FILE, published, None) == expected

    # A copy of the version elsewhere reads its own Parquet: the catalogue names no absolute path.
    copy = shutil.copytree(published / "current", tmp_path / "copied" / "greenbridge")
    catalogue_bytes = (copy / CATALOGUE_FILE).read_bytes()
    assert str(refreshed_data_dir).encode() not in catalogue_bytes and b"/published/" not in catalogue_bytes
    assert _count_rows(copy / CATALOGUE_FILE, elsewhere, copy) == expected
    assert _count_rows(copy / CATALOGUE_FILE, copy, None) == expected


def test_the_catalogue_describes_every_view_from_the_contracts_in_a_format_duckdb_1_reads(refreshed_data_dir):
    current = _current(refreshed_data_dir)
    manifest = _manifest(refreshed_data_dir)
    entry = manifest["files"][CATALOGUE_FILE]
    assert hashlib.sha256((current / CATALOGUE_FILE).read_bytes()).hexdigest() == entry["sha256"]
    connection = duckdb.connect(str(current / CATALOGUE_FILE), read_only=True)
    try:
        connection.execute("set file_search_path = ?", [str(current)])
        storage = connection.execute("select tags['storage_version'] from duckdb_databases() "
                                     "where database_name = current_database()").fetchall()[0][0]
        assert storage == f"{STORAGE_VERSION}+"
        views = {name: (comment, sql) for name, comment, sql in connection.sql(
            "select view_name, comment, sql from duckdb_views() where database_name = current_database() and not internal").fetchall()}
        contracts = [contract_for(table) for table in PUBLISHED_TABLES] + [DICTIONARY_CONTRACT]
        assert {name: comment for name, (comment, _) in views.items()} == {c.name: c.description for c in contracts}
        for contract in contracts:
            columns = connection.execute("select column_name, comment from duckdb_columns() where database_name = "
                                         "current_database() and table_name = ? order by column_index", [contract.name]).fetchall()
            assert columns == [(column.name, column.documentation) for column in contract.columns], contract.name
            sql = views[contract.name][1]
            path = PARQUET_FILE if contract is DICTIONARY_CONTRACT else f"{contract.name}/{PART_FILE}"
            assert f"read_parquet('{path}')" in sql, sql
    finally:
        connection.close()


# --- the data dictionary ----------------------------------------------------------------------------


def test_the_dictionary_covers_every_column_of_every_published_table(refreshed_data_dir):
    current = _current(refreshed_data_dir)
    rows = pq.read_table(current / PARQUET_FILE).to_pylist()
    by_column = {(row["table_name"], row["column_name"]): row for row in rows}
    expected = [(table, column.name) for table in PUBLISHED_TABLES for column in contract_for(table).columns]
    assert [(row["table_name"], row["column_name"]) for row in rows] == expected
    for table in PUBLISHED_TABLES:
        contract = contract_for(table)
        parquet_schema = pq.read_schema(current / table / PART_FILE)
        for position, column in enumerate(contract.columns, start=1):
            row = by_column[(table, column.name)]
            assert row["position"] == position
            assert row["description"] == column.description and row["unit"] == column.unit
            assert row["nullable"] == column.nullable and row["in_primary_key"] == (column.name in contract.primary_key)
            assert row["allowed_values"] == (None if column.allowed_values is None
                                             else "; ".join(str(value) for value in column.allowed_values))
            assert parquet_schema.field(column.name).nullable == column.nullable
    # The types are those the catalogue's views show.
    connection = duckdb.connect(str(current / CATALOGUE_FILE), read_only=True)
    try:
        connection.execute("set file_search_path = ?", [str(current)])
        shown = {(table, column): data_type for table, column, data_type in connection.sql(
            "select table_name, column_name, data_type from duckdb_columns() "
            "where database_name = current_database() and table_name <> 'data_dictionary'").fetchall()}
    finally:
        connection.close()
    assert shown == {key: row["data_type"] for key, row in by_column.items()}

    markdown = (current / MARKDOWN_FILE).read_text(encoding="utf-8")
    for table in PUBLISHED_TABLES:
        section = markdown.split(f"\n## {table}\n", 1)[1].split("\n## ", 1)[0]
        for column in contract_for(table).columns:
            assert re.search(rf"^\| \d+ \| `{column.name}`", section, flags=re.MULTILINE), (table, column.name)


# --- the dbt docs -----------------------------------------------------------------------------------


def test_the_dbt_docs_page_is_published_and_loads_nothing_from_the_network(refreshed_data_dir):
    current = _current(refreshed_data_dir)
    page = current / DOCS_FILE
    entry = _manifest(refreshed_data_dir)["files"][DOCS_FILE]
    text = page.read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == entry["sha256"]
    tags = re.findall(r"<(?:script|link)\b[^>]*>", text)
    assert [tag for tag in tags if re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", tag)] == []
    # dbt's page injects the Snowplow tracker (a script from CloudFront) when the inlined manifest asks for it.
    assert re.findall(r'"send_anonymous_usage_stats":\s*(\w+)', text) == ["false"]
    assert "model.greenbridge.fct_vehicle_footprint" in text and contract_for("fct_vehicle_footprint").description in text


def test_the_docs_page_is_reused_while_the_manifest_is_unchanged_and_regenerated_when_it_changes(refreshed_data_dir, tmp_path):
    paths = DataPaths.at(refreshed_data_dir)
    dbt, store = dbt_cli(paths), Warehouse(paths.warehouse_file)
    reused = dbt_docs_page(paths, dbt, store)
    assert not reused.generated
    assert reused.path.read_bytes() == (_current(refreshed_data_dir) / DOCS_FILE).read_bytes()

    changed = tmp_path / "target" / "manifest.json"  # another manifest: its own cache beside it
    changed.parent.mkdir()
    changed.write_bytes(DBT_PROJECT.manifest_path.read_bytes() + b"\n")
    generated = dbt_docs_page(paths, dbt, store, manifest_path=changed)
    assert generated.generated and generated.path.parent == changed.parent / "dbt_docs"
    assert generated.manifest_sha256 == hashlib.sha256(changed.read_bytes()).hexdigest() != reused.manifest_sha256
    assert re.findall(r'"send_anonymous_usage_stats":\s*(\w+)', generated.path.read_text(encoding="utf-8")) == ["false"]
    assert not dbt_docs_page(paths, dbt, store, manifest_path=changed).generated


class _RecordingProxy(socketserver.BaseRequestHandler):
    """Records the request line and Referer of whatever a browser sends its proxy, and answers nothing."""

    requests: list[tuple[str, str]] = []

    def handle(self):
        head = self.request.recv(65536).decode("latin-1")
        lines = head.split("\r\n")
        referer = next((line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("referer:")), "")
        self.requests.append((lines[0], referer))


def _chromium() -> str:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    pytest.skip("no headless Chromium on PATH (apt-get install chromium)")


def test_chromium_renders_the_docs_page_served_over_http_without_a_request_off_the_machine(refreshed_data_dir, tmp_path):
    chromium = _chromium()
    site = tmp_path / "site"
    site.mkdir()
    shutil.copyfile(_current(refreshed_data_dir) / DOCS_FILE, site / "index.html")
    # Served over http (as a team would host it): a protocol-relative script would then go to the network.
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RecordingProxy)
    _RecordingProxy.requests = []
    for server in (web, proxy):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{web.server_address[1]}/index.html#!/model/model.greenbridge.fct_vehicle_footprint"
        with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
            completed = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-dev-shm-usage",
                 "--disable-features=AutofillServerCommunication,OptimizationHints,Translate,MediaRouter",
                 # Every request for another host goes to the recording proxy (loopback goes direct).
                 f"--proxy-server=http://127.0.0.1:{proxy.server_address[1]}", f"--user-data-dir={profile}",
                 "--virtual-time-budget=10000", "--dump-dom", url],
                capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, check=False)
    finally:
        for server in (web, proxy):
            server.shutdown()
            server.server_close()
    assert completed.returncode == 0, completed.stderr[-2000:]
    rendered = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", completed.stdout, flags=re.DOTALL)
    # The model's page, drawn by the page's own scripts: its column rows and its description.
    assert re.search(r'class="text-dark ng-binding">total_kg_co2e<', rendered), "the model page was not rendered"
    assert contract_for("fct_vehicle_footprint").description in rendered
    from_page = [line for line, referer in _RecordingProxy.requests if referer.startswith(url.split("/index.html")[0])]
    other_hosts = {_host(line) for line, _ in _RecordingProxy.requests} - CHROMIUM_SERVICE_HOSTS
    assert from_page == [] and other_hosts == set(), _RecordingProxy.requests


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _host(request_line: str) -> str:
    """The host a proxy request line names: ``CONNECT host:443 ...`` or ``GET http://host/... ...``."""
    target = request_line.split(" ")[1] if " " in request_line else request_line
    return re.sub(r"^[a-z]+://", "", target).split("/")[0].split(":")[0]
