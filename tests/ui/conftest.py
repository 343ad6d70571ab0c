"""Fixtures for the GUI tests: a small demo desk per test, a key-press counter, a fake-free file dialog.

Everything is real (SQLite store, services, Qt offscreen); only the native file dialogs are
replaced, because a headless test cannot click in them.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desk_app.services import open_desk
from desk_app.services.admin import setup
from tests.ui.intake_helpers import form, jobs  # noqa: F401 — the intake's fixtures (a real JobRunner)
from tests.ui.keyboard import KeyCounter

N_DEMO = 40


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo store built once; tests get a copy (0.2 s to build, ~10 ms to copy)."""
    path = tmp_path_factory.mktemp("demo-template") / "desk"
    setup.init_store(path, demo=True, n_dossiers=N_DEMO)
    return path


@pytest.fixture
def desk_dir(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "desk"
    shutil.copytree(demo_template, target)
    return target


@pytest.fixture
def ctx(desk_dir: Path):
    c = open_desk(desk_dir)
    yield c
    c.close()


@pytest.fixture
def keys(qtbot) -> KeyCounter:
    return KeyCounter(qtbot)


@pytest.fixture
def scan_png(tmp_path: Path) -> Path:
    """A small 'scanned page' PNG made with Pillow."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (200, 280), 255)
    ImageDraw.Draw(img).text((20, 20), "GIAY CHUNG SINH", fill=0)
    path = tmp_path / "giay-chung-sinh.png"
    img.save(path)
    return path


DEMO_PASSWORDS = {"hoa": "demo-clerk", "thang": "demo-processor", "binh": "demo-officer",
                  "lan": "demo-supervisor", "quantri": "demo-admin"}


def gui_session(ctx, login: str):
    """A GUI session of one of the demo accounts (docs/it-guide.md), logged in for real."""
    from desk_app.services import session

    return session.login(ctx, login, DEMO_PASSWORDS[login], face="gui")


@pytest.fixture
def window(qtbot, ctx, qloop):
    """The main window on the demo desk, in Vietnamese; destroyed before the store closes."""
    from desk_app.ui import i18n
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QEvent

    i18n.install("vi")
    w = MainWindow(ctx, gui_session(ctx, "quantri"))
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    yield w
    w.shutdown()
    for child in (w.intake, w.detail):
        if child is not None:
            child.hide()
    w.hide()
    w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
