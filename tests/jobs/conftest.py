"""A real production desk (``init_store(demo=False)``: shipped catalog, no dossiers), built once
per session and copied per test."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.services.deskutil import copy_desk


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from desk_app.services.admin import setup

    d = tmp_path_factory.mktemp("jobs-tpl") / "desk"
    setup.init_store(d, demo=False)
    return d


@pytest.fixture
def desk_dir(empty_template: Path, tmp_path: Path) -> Path:
    return copy_desk(empty_template, tmp_path / "desk")


@pytest.fixture
def ctx(desk_dir: Path):
    from desk_app.services import open_desk

    c = open_desk(desk_dir, create=False)
    yield c
    c.close()
