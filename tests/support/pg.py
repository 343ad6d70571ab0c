"""A private PostgreSQL 15 cluster for tests, in a temp folder owned by ``postgres``.

Never touches the system cluster: its own data dir, its own port on 127.0.0.1, its own socket
folder. initdb refuses to run as root, so as root every server command goes through
``runuser -u postgres``. Missing binaries FAIL the fixture (CI installs postgresql-15): a
silently skipped database test would hide exactly the concurrency bugs it exists to find.

Use from a conftest::

    from tests.support.pg import pg_cluster, pg_database_url  # noqa: F401  (fixtures)

``pg_cluster`` is session-scoped; ``pg_database_url`` gives each test module a fresh database;
``cluster.create_database()`` makes more.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` points at the ``postgres`` database."""

    def __init__(self, base: Path | None = None) -> None:
        self.base = Path(base or tempfile.mkdtemp(prefix="pgtest-"))
        self.data = self.base / "data"
        self.port = 0
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = (["runuser", "-u", "postgres", "--"] if self._as_root else []) + list(args)
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> "PgCluster":
        initdb = PG_BIN / "initdb"
        if not initdb.exists():
            pytest.fail(f"PostgreSQL 15 binaries not found in {PG_BIN} (apt-get install postgresql-15); "
                        "the PostgreSQL tests must not be skipped", pytrace=False)
        if self._as_root:
            shutil.chown(self.base, "postgres", "postgres")
        self.base.chmod(0o700)
        self._run(str(initdb), "-D", str(self.data), "-A", "trust", "-U", "desk", "-E", "UTF8",
                  "--no-sync", "--locale=C.UTF-8")
        last_err = ""
        for _ in range(5):  # the port may be taken between choosing and binding it
            self.port = _free_port()
            opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} -c fsync=on "
                    "-c max_connections=200 -c shared_buffers=64MB")
            r = self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", opts,
                          "-l", str(self.base / "server.log"), "-w", "-t", "60", "start", check=False)
            if r.returncode == 0:
                return self
            last_err = r.stderr + r.stdout + self.log_tail()
        pytest.fail(f"could not start the private PostgreSQL cluster: {last_err}", pytrace=False)

    def log_tail(self, n: int = 2000) -> str:
        try:
            return (self.base / "server.log").read_text(errors="replace")[-n:]
        except OSError:
            return ""

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://desk@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str | None = None) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=desk dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url_for(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def pg_database_url(pg_cluster: PgCluster) -> str:
    return pg_cluster.create_database()
