"""Attacks on the running pipeline with fake keys in the environment: a run config pointing keyed
calls (or dbt, or the data dir) elsewhere, a live refresh through an echoing gateway, and hostile
files in the registrations folder (a link to the process environment, a sparse giant, a FIFO, a
file holding a key). After each, the key is nowhere under the data dir, in Dagster's storage or in
what the command printed."""

import json
import os
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterInvalidConfigError, materialize, validate_run_config

from connectors import comtrade, credentials
from connectors.snapshot import Snapshot
from orchestration.assets.raw_registrations import raw_registrations__by_model_month
from orchestration.build import build_defs
from orchestration.cli import main as greenbridge_main
from orchestration.resources import SourcesResource, WarehouseResource
from orchestration.settings import Settings
from tests.local_http import scripted_server
from warehouse.paths import DEFAULT_SNAPSHOT_DIR

COMTRADE_KEY = "fake-comtrade-key-pipeline-77aa"
EMBER_KEY = "fake+ember/key=pipeline"
NODE = "raw__registrations__by_model_month"


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("COMTRADE_API_KEY", COMTRADE_KEY)
    monkeypatch.setenv("EMBER_API_KEY", EMBER_KEY)


def _files_holding_a_key(*folders: Path) -> list[str]:
    forms = [form.encode() for key in (COMTRADE_KEY, EMBER_KEY) for form in credentials.secret_forms(key)]
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink() and any(form in path.read_bytes() for form in forms):
                found.append(str(path))
    return found


def _text_holds_a_key(text: str) -> bool:
    return any(form in text for key in (COMTRADE_KEY, EMBER_KEY) for form in credentials.secret_forms(key))


@pytest.mark.parametrize("run_config", [
    {"resources": {"sources": {"config": {"endpoints": {"comtrade": "http://127.0.0.1:9/steal"}}}}},
    {"resources": {"sources": {"config": {"live": True}}}},
    {"resources": {"sources": {"config": {"registrations_dir": "/proc/self"}}}},
    {"resources": {"dbt": {"config": {"dbt_executable": "/bin/sh"}}}},
    {"resources": {"dbt": {"config": {"project_dir": "/tmp"}}}},
    {"resources": {"warehouse": {"config": {"data_dir": "/tmp/elsewhere"}}}},
], ids=["endpoint", "live", "registrations_dir", "dbt_executable", "dbt_project_dir", "data_dir"])
def test_a_run_config_cannot_redirect_keys_files_or_executables(tmp_path, run_config):
    defs = build_defs(Settings(data_dir=tmp_path / "data", snapshot_dir=DEFAULT_SNAPSHOT_DIR))
    # __ASSET_JOB is what the UI's Materialize button launches.
    for job_name in ("refresh_all", "trade_monthly", "__ASSET_JOB"):
        job = defs.resolve_job_def(job_name)
        with pytest.raises(DagsterInvalidConfigError, match="unexpected config entry"):
            validate_run_config(job, run_config)
    with pytest.raises(DagsterInvalidConfigError):
        defs.resolve_job_def("refresh_all").execute_in_process(run_config=run_config)
    assert not (tmp_path / "data" / "warehouse" / "greenbridge.duckdb").exists()


def _december_answer(echo: str = "") -> bytes:
    document = json.loads(comtrade.fetch_snapshot(Snapshot(DEFAULT_SNAPSHOT_DIR), "2024-12")[0].content)
    records = [record for record in document["data"] if record["period"] == "202412"]
    return json.dumps({"count": len(records), "data": records, "error": "", "elapsedTime": echo}).encode()


def test_a_live_refresh_through_an_echoing_gateway_leaves_the_key_nowhere(tmp_path, keys, monkeypatch, capsys):
    data_dir, dagster_home = tmp_path / "data", tmp_path / "dagster_home"
    dagster_home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    command = ["refresh", "--live", "--select", "raw/comtrade__china_car_exports", "--partition", "2024-12",
               "--data-dir", str(data_dir)]
    echoing = _december_answer(echo=f"served for key {COMTRADE_KEY}")
    with scripted_server([(200, {}, echoing)]) as (base_url, log):
        monkeypatch.setenv("GREENBRIDGE_ENDPOINT_COMTRADE", base_url)
        assert greenbridge_main(command) == 1
    assert log.headers[0]["Ocp-Apim-Subscription-Key"] == COMTRADE_KEY  # the key went out (to the allowed host)...
    printed = capsys.readouterr()
    assert "contains an active API key" in printed.out + printed.err
    assert not _text_holds_a_key(printed.out + printed.err)
    assert _files_holding_a_key(data_dir, dagster_home) == []  # ...and came back into nothing we wrote

    with scripted_server([(200, {}, _december_answer())]) as (base_url, log):
        monkeypatch.setenv("GREENBRIDGE_ENDPOINT_COMTRADE", base_url)
        assert greenbridge_main(command) == 0
    printed = capsys.readouterr()
    assert len(log) == 1 and not _text_holds_a_key(printed.out + printed.err)
    assert _files_holding_a_key(data_dir, dagster_home) == []


def _land(tmp_path, inbox: Path):
    (tmp_path / "dagster_home").mkdir(exist_ok=True)
    instance = DagsterInstance.local_temp(str(tmp_path / "dagster_home"))
    resources = {"sources": SourcesResource(snapshot_dir=str(DEFAULT_SNAPSHOT_DIR), registrations_dir=str(inbox)),
                 "warehouse": WarehouseResource(data_dir=str(tmp_path / "data"))}
    result = materialize([raw_registrations__by_model_month], resources=resources, instance=instance,
                         raise_on_error=False)
    failure = next((event for event in result.all_events if event.is_step_failure), None)
    message = "" if failure is None else str(failure.step_failure_data.error.to_string())
    return result, message


def _inbox(tmp_path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def test_a_link_to_the_process_environment_is_refused_and_the_keys_go_nowhere(tmp_path, keys):
    inbox = _inbox(tmp_path)
    os.symlink("/proc/self/environ", inbox / "env.csv")
    result, message = _land(tmp_path, inbox)
    assert not result.success
    assert "env.csv: a link to a file outside the registrations folder; refused, not read" in message
    assert not _text_holds_a_key(message)
    assert _files_holding_a_key(tmp_path / "data", tmp_path / "dagster_home") == []


def test_a_sparse_giant_is_refused_by_its_size_without_being_read(tmp_path):
    inbox = _inbox(tmp_path)
    with open(inbox / "huge.csv", "wb") as giant:
        giant.truncate(512 * 1024 * 1024)
    result, message = _land(tmp_path, inbox)
    assert not result.success
    assert "huge.csv holds 536,870,912 bytes: over the limit of 67,108,864 bytes" in message
    assert "GREENBRIDGE_LIMIT_FILE_BYTES" in message
    assert not list((tmp_path / "data" / "raw" / "sha256").rglob("*"))  # nothing stored


def test_a_fifo_is_refused_without_hanging_and_a_link_inside_the_folder_is_read(tmp_path):
    inbox = _inbox(tmp_path)
    os.mkfifo(inbox / "pipe.csv")
    result, message = _land(tmp_path, inbox)
    assert not result.success and "pipe.csv: not a regular file; refused, not read" in message
    os.remove(inbox / "pipe.csv")
    (inbox / "data").mkdir()
    (inbox / "data" / "idn.txt").write_text("model_id,market_code,month,registrations,publisher\n"
                                            "byd_seal,IDN,2024-12,87,GAIKINDO\n")
    os.symlink(inbox / "data" / "idn.txt", inbox / "idn.csv")
    result, _ = _land(tmp_path, inbox)
    assert result.success
    assert result.asset_materializations_for_node(NODE)[0].metadata["dagster/row_count"].value == 1


def test_a_dropped_file_holding_a_key_is_refused_and_not_stored(tmp_path, keys):
    inbox = _inbox(tmp_path)
    (inbox / "leak.csv").write_text("model_id,market_code,month,registrations,publisher\n"
                                    f"byd_seal,IDN,2024-12,87,{COMTRADE_KEY}\n")
    result, message = _land(tmp_path, inbox)
    assert not result.success and "the bytes hold an active API key; refused, nothing stored" in message
    assert _files_holding_a_key(tmp_path / "data", tmp_path / "dagster_home") == []
