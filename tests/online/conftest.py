"""Fixtures for the online-dossier tests: the real reference back end (subprocess, 127.0.0.1),
a fresh unit per test, desks made by the services (``tests/sync/harness.py``)."""
from __future__ import annotations

import itertools
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pg import pg_cluster  # noqa: F401  (fixture)
from tests.sync.harness import PASSWORD, ROOT, Backend, env, make_desk

_units = itertools.count(60)
CATALOG = ROOT / "resources" / "catalog" / "demo_catalog.json"


@dataclass
class Unit:
    code: str
    backend: Backend
    root: Path

    def desk(self, desk_no: int) -> tuple[Path, str]:
        user = f"u{self.code.replace('.', '')}-d{desk_no}"
        self.backend.add_desk(user, desk_no, unit=self.code)
        data = self.root / f"desk{desk_no}"
        make_desk(data, desk_no, unit=self.code)
        return data, user

    def portal(self, *args: str, ok: int = 0) -> subprocess.CompletedProcess:
        """``python -m reference_backend <args> --data-dir <the back end's>``."""
        p = subprocess.run(self.backend._args(*args), env=env(), cwd=ROOT, capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
        return p

    def file_online(self, *, procedure: str = "1.004873", applicant_id: str = "001090012345",
                    applicant_name: str = "Đặng Thị Hương", filed_at: str = "2026-11-27T16:10",
                    files: list[Path] = ()) -> str:
        args = ["file-online", "--unit", self.code, "--procedure", procedure, "--applicant-id",
                applicant_id, "--applicant-name", applicant_name, "--filed-at", filed_at,
                "--catalog", str(CATALOG)]
        for f in files:
            args += ["--file", str(f)]
        return self.portal(*args).stdout.strip()

    def online_status(self, portal_id: str) -> dict:
        return json.loads(self.portal("online-status", portal_id).stdout)


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The back end over SQLite, or over the private PostgreSQL when a module parametrizes
    ``backend`` indirectly with "postgres" (the portal's tables must work on both)."""
    kind = getattr(request, "param", "sqlite")
    url = request.getfixturevalue("pg_cluster").create_database() if kind == "postgres" else None
    b = Backend(tmp_path_factory.mktemp(f"backend-{kind}") / "srv", database_url=url).start()
    yield b
    b.stop()


@pytest.fixture()
def unit(backend: Backend, tmp_path: Path) -> Unit:
    n = next(_units)
    return Unit(code=f"000.{n:02d}.33.H48", backend=backend, root=tmp_path)


@pytest.fixture()
def password() -> str:
    return PASSWORD


def pdf(path: Path, text: str = "to khai") -> Path:
    path.write_bytes(b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n")
    return path
