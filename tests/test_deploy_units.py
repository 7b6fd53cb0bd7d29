"""The service files of deploy/ agree with each other and with this checkout: the systemd units
pass ``systemd-analyze verify`` once their install paths point here (so every ExecStart is an
executable of this venv, the ones tests/test_deploy_postgres.py runs), and the environment file
example sets every variable deploy/dagster.yaml reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from warehouse.paths import REPO_ROOT

DEPLOY_DIR = REPO_ROOT / "deploy"
UNITS = sorted((DEPLOY_DIR / "systemd").glob("*.service"))
ENV_EXAMPLE = DEPLOY_DIR / "greenbridge.env.example"
# Where the units expect the checkout and their environment file (deploy/README.md).
INSTALL_ROOT = "/opt/greenbridge"
ENV_FILE = "/etc/greenbridge/greenbridge.env"


def env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#"))
    return {name: value for name, value in pairs}


def variables_read(config) -> set[str]:
    """Every ``{env: NAME}`` in a Dagster config tree."""
    if isinstance(config, dict):
        if set(config) == {"env"}:
            return {config["env"]}
        return set().union(*(variables_read(value) for value in config.values()))
    if isinstance(config, list):
        return set().union(*(variables_read(value) for value in config))
    return set()


def test_the_environment_file_sets_every_variable_the_instance_reads():
    declared = env_example()
    read = variables_read(yaml.safe_load((DEPLOY_DIR / "dagster.yaml").read_text()))
    assert read, "deploy/dagster.yaml takes its connection from the environment"
    assert read <= set(declared), f"missing from {ENV_EXAMPLE.name}: {sorted(read - set(declared))}"
    assert {"DAGSTER_HOME", "GREENBRIDGE_DATA_DIR"} <= set(declared)


def test_every_unit_runs_a_venv_executable_with_the_environment_file():
    assert [unit.name for unit in UNITS] == ["greenbridge-dagster-daemon.service", "greenbridge-dagster-webserver.service"]
    for unit in UNITS:
        lines = unit.read_text().splitlines()
        (exec_start,) = [line.split("=", 1)[1] for line in lines if line.startswith("ExecStart=")]
        assert exec_start.startswith(f"{INSTALL_ROOT}/.venv/bin/"), unit.name
        assert f"EnvironmentFile={ENV_FILE}" in lines, unit.name


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_verify_against_this_checkout(tmp_path):
    if Path(sys.executable).parent != REPO_ROOT / ".venv" / "bin":
        pytest.skip(f"the units expect the project's .venv; these tests run from {sys.executable}")
    env_file = tmp_path / "greenbridge.env"
    shutil.copy(ENV_EXAMPLE, env_file)
    rendered = []
    for unit in UNITS:
        target = tmp_path / unit.name
        target.write_text(unit.read_text().replace(ENV_FILE, str(env_file)).replace(INSTALL_ROOT, str(REPO_ROOT)))
        rendered.append(str(target))
    verified = subprocess.run(["systemd-analyze", "verify", *rendered], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr
    assert not [line for line in verified.stderr.splitlines() if "greenbridge" in line], verified.stderr
