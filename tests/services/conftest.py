"""Prepared desks, built once per session and copied per test (init costs ~1 s; a copy, ms)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.deskutil import MINI_CATALOG, UNIT, copy_desk


@pytest.fixture(scope="session")
def mini_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Desk 1 of 000.23.32.H48 with the 4-procedure test catalog and no dossiers."""
    from desk_app.services.admin import setup

    d = tmp_path_factory.mktemp("tpl") / "mini"
    setup.init_store(d, demo=False, desk_no=1, unit_code=UNIT, catalog_path=MINI_CATALOG)
    return d


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Desk 1 with the shipped demo catalog and 2,000 demo dossiers."""
    from desk_app.services.admin import setup

    d = tmp_path_factory.mktemp("tpl") / "demo"
    setup.init_store(d, demo=True, desk_no=1)
    return d


@pytest.fixture
def desk_dir(mini_template: Path, tmp_path: Path) -> Path:
    return copy_desk(mini_template, tmp_path / "desk")


@pytest.fixture
def ctx(desk_dir: Path):
    from desk_app.services import open_desk

    c = open_desk(desk_dir)
    yield c
    c.close()


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    return copy_desk(demo_template, tmp_path / "demo")
