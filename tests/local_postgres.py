"""A throwaway PostgreSQL server on 127.0.0.1 for tests: Debian's binaries (``apt-get install
postgresql``, /usr/lib/postgresql/<version>/bin), a cluster in a temporary folder, a free port,
password (SCRAM) authentication, stopped and removed afterwards.

``initdb`` and ``postgres`` refuse to run as root, so as root the cluster is owned by and run as an
unprivileged system user (``postgres``, else ``nobody``) through ``runuser``. ``unavailable()``
says why no server can be started here, for a test to skip with that reason.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEBIAN_BINARIES = Path("/usr/lib/postgresql")
UNPRIVILEGED_USERS = ("postgres", "nobody")
SUPERUSER = "greenbridge"


def binaries_dir() -> Path | None:
    """The newest installed version's bin folder holding ``initdb`` and ``pg_ctl``, if any."""
    candidates = [path / "bin" for path in DEBIAN_BINARIES.glob("*") if (path / "bin" / "initdb").exists()
                  and (path / "bin" / "pg_ctl").exists()]
    candidates.sort(key=lambda path: [int(part) if part.isdigit() else part for part in path.parent.name.split(".")])
    return candidates[-1] if candidates else None


def run_as_user() -> str | None:
    """Who runs the server: None for the current user; a system user when we are root."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    return None


def unavailable() -> str | None:
    """Why no server can be started here (None: it can)."""
    if binaries_dir() is None:
        return (f"PostgreSQL is not installed (no initdb/pg_ctl under {DEBIAN_BINARIES}/*/bin; "
                "`apt-get install postgresql`, as .ci/run does)")
    if os.geteuid() == 0 and run_as_user() is None:
        return f"running as root and none of the users {UNPRIVILEGED_USERS} exists to run PostgreSQL as"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without `runuser` to start PostgreSQL as an unprivileged user"
    return None


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    password: str

    def connect(self, dbname: str = "postgres"):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=self.user, password=self.password,
                                dbname=dbname, connect_timeout=10)

    def create_database(self, name: str) -> str:
        connection = self.connect()
        try:
            connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()
        return name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_server():
    """Start a fresh cluster; yield its ``PostgresServer``; stop it and delete its folder."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    binaries = binaries_dir()
    user = run_as_user()
    # Not pytest's tmp_path: as root that lies under a 0700 folder the server's user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="greenbridge-pg-"))
    data, password_file, log = root / "data", root / "password", root / "server.log"
    password = secrets.token_hex(16)
    password_file.write_text(password + "\n")
    if user:
        account = pwd.getpwnam(user)
        for path in (root, password_file):
            os.chown(path, account.pw_uid, account.pw_gid)

    def command(*args: str) -> list[str]:
        return ["runuser", "-u", user, "--", *args] if user else list(args)

    def run(*args: str) -> None:
        finished = subprocess.run(command(*args), capture_output=True, text=True, cwd=root)
        if finished.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed ({finished.returncode}): {finished.stderr or finished.stdout}"
                               + (f"\nserver log:\n{log.read_text()}" if log.exists() else ""))

    port = _free_port()
    try:
        run(str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "-E", "UTF8", "--no-instructions", "--no-sync")
        # Listen on loopback only; the Unix socket goes into the cluster's own folder, not /var/run.
        # A throwaway cluster: no fsync (nothing must survive a crash, and shutdown stays quick).
        run(str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
            "-o", f"-h 127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off", "start")
        try:
            yield PostgresServer(host="127.0.0.1", port=port, user=SUPERUSER, password=password)
        finally:
            run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)
