"""Native file dialogs behind plain functions.

Kept in one place so tests replace exactly these calls (the only thing a headless test cannot
drive) and everything around them runs for real.
"""
from __future__ import annotations

from pathlib import Path

from desk_app.ui.qt import QFileDialog, QWidget


def open_files(parent: QWidget | None, title: str, name_filter: str) -> list[Path]:
    """Ask for one or more existing files; [] when cancelled."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, str(Path.home()), name_filter)
    return [Path(n) for n in names]


def open_file(parent: QWidget | None, title: str, name_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), name_filter)
    return Path(name) if name else None


def save_file(parent: QWidget | None, title: str, suggested: str, name_filter: str) -> Path | None:
    """Ask where to save; None when cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), name_filter)
    return Path(name) if name else None
