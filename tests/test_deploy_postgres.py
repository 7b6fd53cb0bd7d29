"""deploy/dagster.yaml against a real PostgreSQL (Debian's, started here on 127.0.0.1): the instance
it describes loads (Postgres storage, the run queue, the warehouse pool limited to one step), a real
Greenbridge run recorded in it can be read back through Dagster and with plain SQL, and the pool
holds a step of one run while another run holds the warehouse; and ``dagster-daemon``, run as the
systemd unit runs it, takes a queued run from Postgres and runs it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from orchestration.resources import WAREHOUSE_POOL
from tests import local_postgres
from warehouse.paths import REPO_ROOT

DEPLOY_INSTANCE_YAML = REPO_ROOT / "deploy" / "dagster.yaml"
WORKSPACE_YAML = REPO_ROOT / "workspace.yaml"
# The venv's own executables, as the systemd units in deploy/systemd/ call them.
VENV_BIN = Path(sys.executable).parent
# A small source with one unpartitioned raw asset and its contract check: one run, a few seconds.
SOURCE = "raw/worldbank__indicators"
# How long a test waits for a run in another process to reach a state (a bound, not a measurement).
PATIENCE_S = 300

pytestmark = pytest.mark.skipif(local_postgres.unavailable() is not None,
                                reason=local_postgres.unavailable() or "")


@pytest.fixture(scope="module")
def postgres():
    with local_postgres.postgres_server() as server:
        yield server


@pytest.fixture
def deploy_home(postgres, tmp_path, monkeypatch) -> Path:
    """A DAGSTER_HOME holding a copy of deploy/dagster.yaml, its environment pointing at a fresh
    database of the test server (the variables deploy/greenbridge.env.example names)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_INSTANCE_YAML, home / "dagster.yaml")
    database = postgres.create_database(f"dagster_{uuid.uuid4().hex[:12]}")
    for name, value in {"DAGSTER_HOME": str(home), "DAGSTER_PG_HOST": postgres.host,
                        "DAGSTER_PG_PORT": str(postgres.port), "DAGSTER_PG_USERNAME": postgres.user,
                        "DAGSTER_PG_PASSWORD": postgres.password, "DAGSTER_PG_DB": database}.items():
        monkeypatch.setenv(name, value)
    return home


def deploy_instance():
    from dagster import DagsterInstance

    return DagsterInstance.get()  # DAGSTER_HOME's dagster.yaml, as dagster-webserver and dagster-daemon load it


def test_the_deploy_instance_loads_postgres_storage_the_run_queue_and_a_one_step_warehouse_pool(deploy_home):
    from dagster import QueuedRunCoordinator
    from dagster._core.instance.config import PoolGranularity
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    declared = yaml.safe_load(DEPLOY_INSTANCE_YAML.read_text())
    with deploy_instance() as instance:
        assert isinstance(instance.run_storage, PostgresRunStorage)
        assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
        assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
        assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
        concurrency = instance.get_concurrency_config()
        assert concurrency.pool_config.default_pool_limit == 1, "DuckDB allows one writer: one warehouse step at a time"
        assert concurrency.pool_config.pool_granularity == PoolGranularity.OP
        assert concurrency.run_queue_config.max_concurrent_runs == declared["concurrency"]["runs"]["max_concurrent_runs"]
        # The queue holds back a run whose steps would only wait for the warehouse.
        assert concurrency.run_queue_config.should_block_op_concurrency_limited_runs
        assert instance.run_monitoring_enabled
        # A run whose process died is failed in bounded time and its warehouse slot freed.
        assert instance.run_monitoring_max_runtime_seconds > 0
        assert instance.run_monitoring_settings["free_slots_after_run_end_seconds"] > 0
        assert not instance.telemetry_enabled
        # Before any run the pool has no row yet, and reports the instance's default.
        assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).limit == 1


def test_a_greenbridge_run_is_recorded_in_postgres_with_its_materialization_and_checks(deploy_home, postgres, tmp_path):
    from dagster import AssetKey, DagsterEventType, DagsterRunStatus

    from orchestration.cli import main as greenbridge_main

    assert greenbridge_main(["refresh", "--select", SOURCE, "--data-dir", str(tmp_path / "data")]) == 0
    # DAGSTER_HOME wins over the data dir's own instance (orchestration/instance.py).
    assert not (tmp_path / "data" / "dagster" / "dagster.yaml").exists()

    with deploy_instance() as instance:
        runs = instance.get_runs()
        assert [run.status for run in runs] == [DagsterRunStatus.SUCCESS]
        run_id = runs[0].run_id

        materializations = instance.fetch_materializations(AssetKey.from_user_string(SOURCE), limit=10).records
        assert [record.run_id for record in materializations] == [run_id]
        metadata = materializations[0].asset_materialization.metadata
        assert metadata["dagster/row_count"].value > 0
        assert metadata["sha256"].value

        evaluations = [record.event_log_entry.dagster_event.event_specific_data
                       for record in instance.get_records_for_run(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION).records]
        assert evaluations, "the raw asset's checks ran"
        assert {evaluation.asset_key for evaluation in evaluations} == {AssetKey.from_user_string(SOURCE)}
        assert all(evaluation.passed for evaluation in evaluations)
        check_names = {evaluation.check_name for evaluation in evaluations}

        # The warehouse step claimed the pool, which Postgres now holds with the yaml's default
        # limit, and released its slot when it finished.
        pool = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
        assert (pool.slot_count, pool.using_default_limit, pool.claimed_slots) == (1, True, [])

    # The same facts straight from the database dagster-postgres wrote, as any SQL client sees them.
    connection = postgres.connect(os.environ["DAGSTER_PG_DB"])
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT status FROM runs WHERE run_id = %s", (run_id,))
        assert cursor.fetchall() == [("SUCCESS",)]
        cursor.execute("SELECT check_name, execution_status FROM asset_check_executions WHERE run_id = %s", (run_id,))
        assert dict(cursor.fetchall()) == {name: "SUCCEEDED" for name in check_names}
        cursor.execute("SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'"
                       " AND asset_key = %s", (run_id, AssetKey.from_user_string(SOURCE).to_string()))
        assert cursor.fetchone() == (1,)
    connection.close()


def test_a_warehouse_step_waits_while_another_run_holds_the_pool(deploy_home, tmp_path):
    """Two runs in two processes, coordinated through Postgres only: while a slot of the pool is
    held (here by a stand-in run), the next warehouse step stays pending and nothing is written;
    once it is freed, that step runs and the run succeeds."""
    from dagster import AssetKey, DagsterRunStatus

    holder = "another-run-holding-the-warehouse"
    with deploy_instance() as instance:
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(WAREHOUSE_POOL)
        assert storage.claim_concurrency_slot(WAREHOUSE_POOL, holder, "raw__some_source").is_claimed

        data_dir = tmp_path / "data"
        log = tmp_path / "waiting-refresh.log"
        with open(log, "w") as output:
            process = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "refresh", "--select", SOURCE,
                                        "--data-dir", str(data_dir)],
                                       cwd=REPO_ROOT, env=dict(os.environ), stdout=output, stderr=subprocess.STDOUT)
        try:
            pending = _wait_for(lambda: storage.get_concurrency_info(WAREHOUSE_POOL).pending_run_ids - {holder},
                                process, log, "the refresh's warehouse step to wait for the pool")
            (waiting_run,) = pending
            assert instance.get_run_by_id(waiting_run).status == DagsterRunStatus.STARTED
            assert process.poll() is None, "the refresh must wait, not fail"
            assert not instance.fetch_materializations(AssetKey.from_user_string(SOURCE), limit=1).records
            assert not (data_dir / "warehouse" / "greenbridge.duckdb").exists(), "nothing opened the warehouse yet"

            storage.free_concurrency_slots_for_run(holder)
            assert process.wait(timeout=PATIENCE_S) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert instance.get_run_by_id(waiting_run).status == DagsterRunStatus.SUCCESS
        assert [record.run_id for record in
                instance.fetch_materializations(AssetKey.from_user_string(SOURCE), limit=10).records] == [waiting_run]
        assert storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots == []


def test_the_daemon_launches_a_run_waiting_in_the_postgres_queue(deploy_home, tmp_path):
    from dagster import AssetKey, DagsterRunStatus

    source = AssetKey.from_user_string(SOURCE)
    environment = dict(os.environ, GREENBRIDGE_DATA_DIR=str(tmp_path / "data"))
    launched = subprocess.run([str(VENV_BIN / "dagster"), "job", "launch", "-w", str(WORKSPACE_YAML), "-j", "refresh_all",
                               "-o", "__".join(source.path)], cwd=REPO_ROOT, env=environment, capture_output=True, text=True)
    assert launched.returncode == 0, launched.stderr[-4000:]

    with deploy_instance() as instance:
        (queued,) = instance.get_runs()
        assert queued.status == DagsterRunStatus.QUEUED, "the run coordinator queues; only the daemon launches"

        log = tmp_path / "daemon.log"
        with open(log, "w") as output:
            # Its own process group: the code server and run workers it starts are ended with it.
            daemon = subprocess.Popen([str(VENV_BIN / "dagster-daemon"), "run", "-w", str(WORKSPACE_YAML)], cwd=REPO_ROOT,
                                      env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_for(lambda: instance.get_run_by_id(queued.run_id).is_finished, daemon, log,
                      "the daemon to launch and finish the queued run")
            assert instance.get_run_by_id(queued.run_id).status == DagsterRunStatus.SUCCESS, log.read_text()
            assert [record.run_id for record in instance.fetch_materializations(source, limit=10).records] == [queued.run_id]
            # The schedules, sensors and the queue are worked by this daemon, whose heartbeats are in Postgres.
            assert {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR"} <= set(instance.get_daemon_heartbeats())
        finally:
            _stop_process_group(daemon)


def _wait_for(probe, process: subprocess.Popen, log: Path, what: str):
    """Poll ``probe`` until it returns something truthy; fail naming ``what`` if the process exits
    first or PATIENCE_S pass."""
    deadline = time.monotonic() + PATIENCE_S
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        if process.poll() is not None:
            pytest.fail(f"the process exited ({process.returncode}) before {what}:\n{log.read_text()}")
        time.sleep(0.5)
    pytest.fail(f"gave up after {PATIENCE_S} s waiting for {what}:\n{log.read_text()}")


def _stop_process_group(process: subprocess.Popen) -> None:
    """End a process started in its own session, then whatever it started that outlived it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
