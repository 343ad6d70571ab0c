"""Fixtures: the real reference back end (subprocess, 127.0.0.1) over SQLite and PostgreSQL."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.backend.refserver import Server
from tests.support.pg import PgCluster, pg_cluster  # noqa: F401  (fixture)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def backend_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def make_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                backend_kind: str) -> Iterator:
    """Factory: a new server (own data dir, own database) of the current kind; stopped at the end."""
    started: list[Server] = []
    cluster: PgCluster | None = request.getfixturevalue("pg_cluster") if backend_kind == "postgres" else None

    def make(extra: list[str] | None = None, env: dict | None = None) -> Server:
        data = tmp_path_factory.mktemp(f"refback-{backend_kind}")
        url = cluster.create_database() if cluster else None
        s = Server(data, url, extra, env).start()
        started.append(s)
        return s
    yield make
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def server(make_server) -> Server:
    """One shared server per database kind; tests isolate themselves by using fresh units."""
    return make_server()
