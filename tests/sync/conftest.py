"""Fixtures for the sync tests: one real back end per module, a fresh unit per test.

``--full`` and ``--seed`` live in tests/conftest.py (shared with other campaigns).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sync.harness import PASSWORD, Backend, make_desk

_units = itertools.count(10)


@dataclass
class Unit:
    code: str
    backend: Backend
    root: Path

    def desk(self, desk_no: int) -> tuple[Path, str]:
        """A desk data dir of this unit and its account (user name), ready to sync."""
        user = f"u{self.code.replace('.', '')}-d{desk_no}"
        self.backend.add_desk(user, desk_no, unit=self.code)
        data = self.root / f"desk{desk_no}"
        make_desk(data, desk_no, unit=self.code)
        return data, user


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory):
    b = Backend(tmp_path_factory.mktemp("backend") / "srv").start()
    yield b
    b.stop()


@pytest.fixture()
def unit(backend: Backend, tmp_path: Path) -> Unit:
    n = next(_units)
    return Unit(code=f"000.{n:02d}.32.H48", backend=backend, root=tmp_path)


@pytest.fixture()
def password() -> str:
    return PASSWORD


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A full torture campaign runs far longer than the suite's 300 s per-test timeout."""
    if config.getoption("--full"):
        for item in items:
            if item.module.__name__.endswith("test_torture"):
                item.add_marker(pytest.mark.timeout(3 * 3600))
