"""The open-ev-data connector: its live path (a GitHub tar.gz archive built here from the snapshot's
real files) replayed on 127.0.0.1, the dataset's layering (base.json -> year file -> variant), the
archive treated as untrusted input, and the offline landing of the embedded snapshot (fetch log,
content-addressed bytes, one row per trim)."""

import gzip
import hashlib
import io
import json
import tarfile

import duckdb
import pandas as pd
import pytest
from dagster import materialize

from connectors import open_ev_data
from connectors.errors import SchemaDriftError, SourceError
from connectors.http import HttpPolicy, build_session
from connectors.limits import LimitExceeded
from connectors.snapshot import Snapshot
from orchestration.assets.raw_open_ev_data import raw_open_ev_data__trims
from orchestration.resources import SourcesResource, WarehouseResource
from tests.local_http import scripted_server
from warehouse.contracts.raw_open_ev_data import RAW_OPEN_EV_DATA_TRIMS
from warehouse.paths import DEFAULT_SNAPSHOT_DIR
from warehouse.raw_store import sha256_hex

SNAPSHOT_FOLDER = DEFAULT_SNAPSHOT_DIR / "open_ev_data"
TOP = "open-ev-data-dataset-1.7.0"
FAST = HttpPolicy(connect_timeout_s=2, read_timeout_s=2, max_retries=1, backoff_factor_s=0.01, min_interval_s=0)
GZIP = {"Content-Type": "application/x-gzip"}
# A model with a year base and a variant of it, and a PHEV, EREV and a both-labelled model.
DOLPHIN = ("src/byd/dolphin/base.json", "src/byd/dolphin/2024/dolphin.json",
           "src/byd/dolphin/2024/dolphin_extended_range.json")
LABELLED = ("src/byd/king/base.json", "src/byd/king/2025/king.json",
            "src/chery/exeed_sterra_es/base.json", "src/chery/exeed_sterra_es/2025/exeed_sterra_es.json",
            "src/chery/fulwin_t11/base.json", "src/chery/fulwin_t11/2025/fulwin_t11.json")


def real(path: str) -> bytes:
    return (SNAPSHOT_FOLDER / path).read_bytes()


def archive(files: dict[str, bytes], top: str | None = TOP, links: dict[str, str] | None = None) -> bytes:
    """A tar.gz shaped like GitHub's archive of the dataset: every file under one top folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}" if top else name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return buffer.getvalue()


def real_archive(*paths: str) -> bytes:
    return archive({"schema.json": real("schema.json"), "LICENCE": real("LICENCE"), **{path: real(path) for path in paths}})


def rows_by_file(content: bytes) -> dict:
    frame = open_ev_data.parse(content)
    return {row["trim_file"]: row for row in frame.to_dict("records")}


def test_live_archive_is_fetched_and_parsed_one_row_per_trim():
    body = real_archive(*DOLPHIN, *LABELLED)
    with scripted_server([(200, GZIP, body)]) as (base_url, log):
        fetches = open_ev_data.fetch_live(build_session(FAST), f"{base_url}/archive/refs/tags/v1.7.0.tar.gz")
    assert log == ["/archive/refs/tags/v1.7.0.tar.gz"] and len(fetches) == 1
    assert fetches[0].mode == "live" and fetches[0].http_status == 200 and fetches[0].content == body
    frame = open_ev_data.parse(fetches[0].content)
    assert list(frame.columns) == [name for name in RAW_OPEN_EV_DATA_TRIMS.column_names if name != "source_sha256"]
    # base.json files are layers, not trims: 2 dolphins and 3 labelled models.
    # The variant names its own trim (comfort), so its id is not its year base's id plus the variant.
    assert sorted(frame["trim_id"]) == ["oed:byd:dolphin:2024:comfort:extended_range", "oed:byd:dolphin:2024:standard",
                                        "oed:byd:king:2025:gs", "oed:chery:exeed_sterra_es:2025:base",
                                        "oed:chery:fulwin_t11:2025:base"]
    validated = RAW_OPEN_EV_DATA_TRIMS.to_pandera().validate(frame.assign(source_sha256=sha256_hex(body)))
    assert len(validated) == 5


def test_layers_base_then_year_file_then_variant():
    base, year_file, variant = (json.loads(real(path)) for path in DOLPHIN)
    rows = rows_by_file(real_archive(*DOLPHIN))
    standard, extended = rows[DOLPHIN[1]], rows[DOLPHIN[2]]
    # make, model and dimensions come from base.json alone; the year and trim from the year file.
    assert (standard["make"], standard["model"], standard["wheelbase_mm"]) == (
        base["make"]["name"], base["model"]["name"], base["dimensions"]["wheelbase_mm"])
    assert standard["model_year"] == year_file["year"] == extended["model_year"]
    # The variant overrides the battery and keeps what it does not restate (the chemistry).
    assert extended["battery_gross_kwh"] == variant["battery"]["pack_capacity_kwh_gross"] != standard["battery_gross_kwh"]
    assert extended["battery_chemistry"] == year_file["battery"]["chemistry"] and "chemistry" not in variant["battery"]
    # Lists are replaced whole by the higher layer, never concatenated.
    assert extended["source_urls"].split(" ") == [source["url"] for source in variant["sources"]]
    assert extended["markets"] == ";".join(year_file["markets"]) and "markets" not in variant


def test_a_trim_overriding_a_base_field_wins_and_the_base_keeps_the_rest():
    base = json.loads(real(DOLPHIN[0]))
    trim = json.loads(real(DOLPHIN[1]))
    trim["dimensions"] = {"wheelbase_mm": base["dimensions"]["wheelbase_mm"] + 30}
    trim["vehicle_type"] = "suv"
    content = archive({DOLPHIN[0]: real(DOLPHIN[0]), DOLPHIN[1]: json.dumps(trim).encode()})
    row = rows_by_file(content)[DOLPHIN[1]]
    assert row["wheelbase_mm"] == base["dimensions"]["wheelbase_mm"] + 30
    assert row["vehicle_type"] == "suv" != base["vehicle_type"]
    assert row["make"] == base["make"]["name"]


def test_powertrain_follows_the_records_own_labels():
    rows = rows_by_file(real_archive(*DOLPHIN, *LABELLED))
    assert rows[DOLPHIN[1]]["powertrain"] == "BEV" and "no PHEV or EREV label" in rows[DOLPHIN[1]]["powertrain_basis"]
    assert rows["src/byd/king/2025/king.json"]["powertrain"] == "PHEV"
    exeed = rows["src/chery/exeed_sterra_es/2025/exeed_sterra_es.json"]
    assert exeed["powertrain"] == "EREV" and "range extender" in exeed["rated_range_notes"]
    fulwin = rows["src/chery/fulwin_t11/2025/fulwin_t11.json"]
    assert pd.isna(fulwin["powertrain"]) and fulwin["powertrain_basis"].startswith("labelled both EREV and PHEV")


def test_a_malformed_json_file_fails_naming_the_file():
    files = {path: real(path) for path in DOLPHIN}
    files[DOLPHIN[1]] = files[DOLPHIN[1]][:200]
    with pytest.raises(SourceError, match=r"\[open_ev_data\] src/byd/dolphin/2024/dolphin\.json is not valid JSON"):
        open_ev_data.parse(archive(files))


def test_a_wrongly_typed_field_fails_naming_the_file_and_the_field():
    trim = json.loads(real(DOLPHIN[1]))
    trim["battery"]["pack_capacity_kwh_net"] = "44 kWh"
    with pytest.raises(SchemaDriftError, match=r"field 'battery\.pack_capacity_kwh_net'.*src/byd/dolphin/2024/dolphin\.json"):
        open_ev_data.parse(archive({DOLPHIN[0]: real(DOLPHIN[0]), DOLPHIN[1]: json.dumps(trim).encode()}))


def test_a_variant_without_its_year_base_fails_naming_both():
    with pytest.raises(SchemaDriftError, match=r"dolphin_extended_range\.json is a variant of src/byd/dolphin/2024/dolphin\.json"):
        open_ev_data.parse(real_archive(DOLPHIN[0], DOLPHIN[2]))


@pytest.mark.parametrize("name, refusal", [
    ("../escaped.json", "climbs out of the archive"),
    (f"{TOP}/src/byd/../../../escaped.json", "climbs out of the archive"),
    ("/etc/escaped.json", "has an absolute path"),
])
def test_an_archive_member_escaping_the_root_is_refused(name, refusal):
    files = {f"{TOP}/{path}": real(path) for path in DOLPHIN}
    files[name] = b"{}"
    with pytest.raises(SourceError, match=refusal):
        open_ev_data.parse(archive(files, top=None))


def test_a_link_among_the_source_files_is_refused():
    content = archive({path: real(path) for path in DOLPHIN}, links={"src/byd/dolphin/2024/linked.json": "/etc/passwd"})
    with pytest.raises(SourceError, match=r"linked\.json is not a regular file \(a symbolic link to '/etc/passwd'\)"):
        open_ev_data.parse(content)


def test_an_archive_inflating_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setenv("GREENBRIDGE_LIMIT_ARCHIVE_BYTES", str(1024 * 1024))
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    with pytest.raises(LimitExceeded, match="GREENBRIDGE_LIMIT_ARCHIVE_BYTES"):
        open_ev_data.parse(bomb)


def test_a_truncated_archive_fails_as_unreadable():
    body = real_archive(*DOLPHIN)
    with pytest.raises(SourceError, match="truncated gzip stream"):
        open_ev_data.parse(body[: len(body) // 2])


def test_the_snapshot_bundle_is_the_same_bytes_every_time_and_holds_the_files_byte_for_byte():
    first, again = (open_ev_data.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR))[0] for _ in range(2))
    assert first.content == again.content and first.mode == "snapshot"
    with tarfile.open(fileobj=io.BytesIO(first.content)) as tar:
        names = tar.getnames()
        assert names == sorted(names) and len(names) == first.parameters["snapshot_files"]
        assert tar.extractfile(f"{open_ev_data.SNAPSHOT_ARCHIVE_FOLDER}/{DOLPHIN[2]}").read() == real(DOLPHIN[2])


def _land(tmp_path, live=False, endpoints=None):
    resources = {"sources": SourcesResource(live=live, snapshot_dir=str(DEFAULT_SNAPSHOT_DIR), endpoints=endpoints or {}),
                 "warehouse": WarehouseResource(data_dir=str(tmp_path / "data"))}
    result = materialize([raw_open_ev_data__trims], resources=resources)
    assert result.success
    with duckdb.connect(str(tmp_path / "data" / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        log = connection.sql("select mode, url, http_status, sha256, byte_count, row_count, raw_path, licence "
                             "from raw.raw_fetch_log").df()
        table = connection.sql("select * from raw.open_ev_data__trims").df()
    return result, log, table


def test_the_snapshot_landing_logs_its_fetch_and_keeps_its_bytes(tmp_path):
    result, log, table = _land(tmp_path)
    trim_files = [path for path in Snapshot(DEFAULT_SNAPSHOT_DIR).paths_for(open_ev_data.SOURCE)
                  if path.count("/") == 5]
    assert len(table) == len(trim_files) == table["trim_id"].nunique()
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["mode"], row["url"], row["licence"]) == ("snapshot", open_ev_data.SNAPSHOT_URL, "CDLA-Permissive-2.0")
    assert pd.isna(row["http_status"]) and row["row_count"] == len(table)
    stored = tmp_path / "data" / "raw" / "sha256" / row["sha256"][:2] / row["sha256"]
    assert str(stored) == row["raw_path"] and hashlib.sha256(stored.read_bytes()).hexdigest() == row["sha256"]
    assert (table["source_sha256"] == row["sha256"]).all()
    metadata = result.asset_materializations_for_node("raw__open_ev_data__trims")[0].metadata
    assert metadata["dagster/row_count"].value == len(table) and metadata["sha256"].value == row["sha256"]


def test_the_live_landing_goes_through_the_configured_endpoint(tmp_path):
    body = real_archive(*DOLPHIN, *LABELLED)
    with scripted_server([(200, GZIP, body)]) as (base_url, request_log):
        _, log, table = _land(tmp_path, live=True, endpoints={"open_ev_data": f"{base_url}/mirror/v1.7.0.tar.gz"})
    assert request_log == ["/mirror/v1.7.0.tar.gz"]
    assert log[["mode", "http_status"]].values.tolist() == [["live", 200]] and log["sha256"][0] == sha256_hex(body)
    assert len(table) == 5 and set(table["powertrain"].dropna()) == {"BEV", "PHEV", "EREV"}

