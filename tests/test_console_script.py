"""The installed ``greenbridge`` console script, run as cron or a systemd unit would run it: by its
path in the venv, with a PATH that lacks the venv (no activated venv, so no ``dbt`` on PATH)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest


SCRIPT = Path(sys.executable).with_name("greenbridge")


@pytest.mark.skipif(not SCRIPT.is_file(), reason=f"no installed console script at {SCRIPT}")
def test_the_installed_script_runs_dbt_without_the_venv_on_path(tmp_path):
    bare_path = os.pathsep.join(part for part in os.environ.get("PATH", "").split(os.pathsep)
                                if part and Path(part).resolve() != SCRIPT.parent.resolve())
    assert shutil.which("dbt", path=bare_path) is None, "this test needs a PATH without dbt"
    environment = {**os.environ, "PATH": bare_path}
    environment.pop("VIRTUAL_ENV", None)
    data_dir = tmp_path / "data"

    def greenbridge(*arguments):
        return subprocess.run([str(SCRIPT), *arguments, "--data-dir", str(data_dir)], cwd=tmp_path, env=environment,
                              capture_output=True, text=True, timeout=600)

    landed = greenbridge("refresh", "--select", "raw/worldbank__indicators")
    assert landed.returncode == 0, landed.stdout[-3000:] + landed.stderr[-3000:]
    built = greenbridge("refresh", "--select", "staging/stg_worldbank__market_context")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "was not found on PATH" not in built.stdout + built.stderr
    with duckdb.connect(str(data_dir / "warehouse" / "greenbridge.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from staging.stg_worldbank__market_context").fetchall()[0][0] > 0
