"""The Dagster instance runs are recorded in (orchestration/instance.py), with real runs: each data dir
has its own (``<data>/dagster/``), ``DAGSTER_HOME`` set by the user overrides it and is used as it
is, telemetry is the user's choice, and ``make dagster`` first ends a run whose greenbridge process
was killed while it held the warehouse pool's slot (orchestration/run_recovery.py), so the UI's runs
do not wait for that slot forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
import yaml
from dagster import AssetKey, DagsterInstance, DagsterRunStatus

from orchestration.cli import main as greenbridge_main
from orchestration.instance import TELEMETRY_VARIABLE, dagster_home, prepare
from orchestration.resources import WAREHOUSE_POOL
from tests.test_deploy_postgres import SOURCE, _stop_process_group, _wait_for
from warehouse.paths import REPO_ROOT, DataPaths

# A process that runs a one-step job holding the warehouse pool's slot in a data dir's instance,
# tagged as the CLI tags its runs, says so in a file, and waits to be killed.
POOL_HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dagster import job, op
    from orchestration.instance import dagster_instance
    from orchestration.resources import WAREHOUSE_POOL
    from orchestration.run_recovery import process_tags

    @op(pool=WAREHOUSE_POOL)
    def hold_the_warehouse():
        Path(sys.argv[2]).write_text("holding")
        time.sleep(3600)

    @job
    def holds_the_warehouse_pool():
        hold_the_warehouse()

    holds_the_warehouse_pool.execute_in_process(instance=dagster_instance(Path(sys.argv[1])), tags=process_tags())
""")


@pytest.fixture
def own_instances(monkeypatch):
    """No DAGSTER_HOME: every data dir uses its own instance."""
    monkeypatch.delenv("DAGSTER_HOME", raising=False)


def _refresh_one_source(data_dir) -> int:
    return greenbridge_main(["refresh", "--select", SOURCE, "--data-dir", str(data_dir)])


def _runs(home) -> list:
    return list(DagsterInstance.from_config(str(home)).get_runs())


def test_each_data_dir_records_its_runs_in_its_own_instance(own_instances, tmp_path):
    first, second = tmp_path / "first" / "data", tmp_path / "second" / "data"
    assert dagster_home(first) == DataPaths.at(first).dagster_home
    assert dagster_home(second) == DataPaths.at(second).dagster_home != dagster_home(first)

    assert _refresh_one_source(first) == 0
    assert _refresh_one_source(second) == 0

    runs = {}
    for data_dir in (first, second):
        home = DataPaths.at(data_dir).dagster_home
        config = yaml.safe_load((home / "dagster.yaml").read_text())
        assert config["storage"]["custom"]["config"]["base_dir"] == str((home / "storage").resolve())
        [runs[data_dir]] = _runs(home)
        assert runs[data_dir].status == DagsterRunStatus.SUCCESS
        latest = DagsterInstance.from_config(str(home)).get_latest_materialization_event(AssetKey.from_user_string(SOURCE))
        assert latest.run_id == runs[data_dir].run_id
    assert runs[first].run_id != runs[second].run_id


def test_dagster_home_set_by_the_user_is_used_as_it_is(tmp_path, monkeypatch):
    home = tmp_path / "user_dagster_home"
    home.mkdir()
    users_config = "# the user's own instance\ntelemetry:\n  enabled: false\n"
    (home / "dagster.yaml").write_text(users_config)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    data_dir = tmp_path / "data"

    assert dagster_home(data_dir) == home
    assert _refresh_one_source(data_dir) == 0

    assert [run.status for run in _runs(home)] == [DagsterRunStatus.SUCCESS]
    assert (home / "dagster.yaml").read_text() == users_config
    assert not DataPaths.at(data_dir).dagster_home.exists()
    # make dagster opens the same instance: the module prints DAGSTER_HOME when it is set.
    printed = subprocess.run([sys.executable, "-m", "orchestration.instance", str(data_dir)], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
    assert printed == str(home)


@pytest.mark.parametrize(("choice", "enabled"), [(None, False), ("1", True), ("0", False)])
def test_telemetry_is_the_users_choice(tmp_path, monkeypatch, choice, enabled):
    if choice is None:
        monkeypatch.delenv(TELEMETRY_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(TELEMETRY_VARIABLE, choice)

    config = yaml.safe_load(prepare(tmp_path / "dagster").read_text())

    assert config["telemetry"] == {"enabled": enabled}
    assert DagsterInstance.from_config(str(tmp_path / "dagster")).telemetry_enabled is enabled


def test_make_dagster_ends_a_killed_greenbridge_run_that_held_the_warehouse_pool(own_instances, tmp_path):
    data_dir = tmp_path / "data"
    home = dagster_home(data_dir)
    holding = tmp_path / "holding"
    log = tmp_path / "holder.log"
    with open(log, "w") as output:
        holder = subprocess.Popen([sys.executable, "-c", POOL_HOLDER, str(data_dir), str(holding)], cwd=REPO_ROOT,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for(holding.exists, holder, log, "the holder to take the warehouse pool's slot")
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
    finally:
        _stop_process_group(holder)
    storage = DagsterInstance.from_config(str(home)).event_log_storage
    [slot] = storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots

    # What make dagster runs before dagster dev.
    prepared = subprocess.run([sys.executable, "-m", "orchestration.instance", str(data_dir)], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True)

    assert prepared.stdout.strip() == str(home)
    assert slot.run_id in prepared.stderr
    info = storage.get_concurrency_info(WAREHOUSE_POOL)
    assert (info.claimed_slots, info.pending_steps) == ([], [])
    assert DagsterInstance.from_config(str(home)).get_run_by_id(slot.run_id).status == DagsterRunStatus.FAILURE


def test_the_instance_sqlite_files_use_a_write_ahead_log(refreshed_data_dir):
    """orchestration/instance_sqlite.py: every SQLite file the refresh wrote is in WAL mode."""
    import sqlite3

    files = sorted((refreshed_data_dir / "dagster" / "storage").rglob("*.db"))
    assert files
    for path in files:
        with sqlite3.connect(path) as connection:
            assert connection.execute("pragma journal_mode").fetchall() == [("wal",)], path


def _one_step_job():
    from dagster import job, op

    @op
    def step():
        return 1

    @job
    def one_step():
        step()

    return one_step


def test_the_event_log_keeps_a_bounded_number_of_files_open_and_loses_no_event(tmp_path, monkeypatch):
    """orchestration/instance_sqlite.py: each run's events are all stored (read back by a second
    instance, as the UI would) while at most OPEN_SHARDS files stay open in the writing process."""
    from orchestration.instance import dagster_instance
    from orchestration.instance_sqlite import OPEN_SHARDS, OpenShardEventLogStorage

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    writer = dagster_instance(tmp_path / "data")
    assert isinstance(writer.event_log_storage, OpenShardEventLogStorage)
    results = [_one_step_job().execute_in_process(instance=writer) for _ in range(OPEN_SHARDS + 2)]

    assert len(writer.event_log_storage._engines) <= OPEN_SHARDS
    reader = DagsterInstance.from_config(str(dagster_home(tmp_path / "data")))
    for result in results:
        stored = [entry.dagster_event.event_type_value for entry in reader.all_logs(result.run_id) if entry.is_dagster_event]
        written = [event.event_type_value for event in result.all_events]
        assert stored == written and stored[-1] == "PIPELINE_SUCCESS"
    writer.dispose()
    assert writer.event_log_storage._engines == {}


def test_a_watching_process_sees_a_run_end_while_the_writer_keeps_its_file_open(tmp_path, monkeypatch):
    """The UI streams a run's events by watching its SQLite file for modification: the writer folds
    its write-ahead log into the file at the run's status events, so the watcher hears the end."""
    import threading

    from dagster._core.utils import make_new_run_id

    from orchestration.instance import dagster_instance

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    writer = dagster_instance(tmp_path / "data")
    watcher = DagsterInstance.from_config(str(dagster_home(tmp_path / "data")))
    run_id = make_new_run_id()
    heard, ended = [], threading.Event()

    def on_event(entry, _cursor):
        heard.append(entry.dagster_event.event_type_value if entry.is_dagster_event else None)
        if heard[-1] == "PIPELINE_SUCCESS":
            ended.set()

    watcher.event_log_storage.watch(run_id, None, on_event)
    try:
        assert _one_step_job().execute_in_process(instance=writer, run_id=run_id).success
        assert ended.wait(20), f"the watcher heard only {heard}"
    finally:
        watcher.event_log_storage.end_watch(run_id, on_event)
        watcher.dispose()
        writer.dispose()
