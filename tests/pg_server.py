"""A throwaway PostgreSQL cluster for the tests: Debian's ``postgresql`` package, ``initdb`` into a temporary
folder, ``pg_ctl`` on 127.0.0.1 and a free port, password authentication, removed afterwards.

PostgreSQL refuses to run as root, so as root (CI) the cluster is made and run as the ``postgres`` user that
the Debian package creates (``runuser -u postgres``), in a folder that user owns.
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from live_server import free_port

USER, PASSWORD = "guihua", "test-only-password"


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps it off PATH), else None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresServer:
    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="guihua-pg-"))  # not under pytest's 0700 tmp: the postgres user reads it
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        self.port = free_port()
        self.data = self.root / "data"
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD)
        if self.as_user:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", USER, "--pwfile", str(pwfile), "-A", "scram-sha-256",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        pwfile.unlink()
        try:
            self.start()
        except RuntimeError:
            shutil.rmtree(self.root, ignore_errors=True)
            raise
        self.url = self.database_url("postgres")

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        r = subprocess.run([*self.as_user, str(self.bindir / tool), *args], capture_output=True, text=True,
                           timeout=120)
        if r.returncode != 0:
            raise RuntimeError(f"{tool} failed ({r.returncode}): {r.stderr.strip()}\n{self.server_log()}")
        return r

    def server_log(self) -> str:
        log = self.root / "server.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else ""

    def database_url(self, name: str) -> str:
        return f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.database_url("postgres"), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                        "stop"], capture_output=True, timeout=60)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root}", "start")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """A running throwaway cluster. Without PostgreSQL installed: a failure under CI (``.ci/run`` installs
    it), a skip elsewhere; any other failure to start is a failure everywhere."""
    import pytest

    bindir = pg_bin()
    if bindir is None:
        reason = "PostgreSQL is not installed (Debian: apt-get install postgresql; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    deadline = time.monotonic() + 5
    while True:  # a free port can be taken between free_port() and the server's bind: try another
        try:
            return PostgresServer(bindir)
        except RuntimeError as e:
            if "could not bind" not in str(e) or time.monotonic() > deadline:
                raise
