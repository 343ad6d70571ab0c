"""File dialogs behind plain functions.

Kept in one place so tests replace exactly these calls (the only thing a headless test cannot
drive) and everything around them runs for real.

Qt's own (non-native) dialog is used: the system's dialog speaks the language of the operating
system (often English on a commune PC) while Qt's speaks ours (``qtbase_vi``: "Tìm trong",
"Tên tệp", "Loại tệp" …) and behaves the same on every PC, keyboard included.
"""
from __future__ import annotations

from pathlib import Path

from desk_app.ui.qt import QFileDialog, QWidget

OPTIONS = QFileDialog.Option.DontUseNativeDialog


def open_files(parent: QWidget | None, title: str, name_filter: str) -> list[Path]:
    """Ask for one or more existing files; [] when cancelled."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, str(Path.home()), name_filter, "", OPTIONS)
    return [Path(n) for n in names]


def open_file(parent: QWidget | None, title: str, name_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, str(Path.home()), name_filter, "", OPTIONS)
    return Path(name) if name else None


def save_file(parent: QWidget | None, title: str, suggested: str, name_filter: str) -> Path | None:
    """Ask where to save; None when cancelled."""
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested), name_filter, "", OPTIONS)
    return Path(name) if name else None
