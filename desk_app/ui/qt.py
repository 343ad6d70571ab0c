"""The one door through which Qt enters desk_app (as Anki's ``aqt.qt``).

UI modules import names from here (``from desk_app.ui.qt import QWidget, Qt``), so a Qt upgrade, a
binding switch or a work-around for a binding bug is made in one place. Nothing outside
``desk_app/ui`` may import this module or PySide6 (tests/test_architecture.py enforces it).

Names resolve lazily (PEP 562): ``from PySide6.QtCore import *`` materialises every class of the
module and cost ~110 ms of start-up; printing and PDF modules load only when a print dialog opens.
"""
from __future__ import annotations

import importlib
from typing import Any

import PySide6.QtCore
from PySide6 import __version__ as PYSIDE_VERSION  # noqa: F401

QT_VERSION_STR = PySide6.QtCore.qVersion()

# searched in this order; the last two are loaded only for a name not found earlier
_MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtPrintSupport",
            "PySide6.QtPdf")
_QASYNC = {"QEventLoop", "asyncClose", "asyncSlot"}
# Qt names shadowed above, under another name: QtCore's own QEventLoop (a local loop, e.g. waiting
# for the first expose before asyncio/qasync are even imported)
_ALIASES = {"QtCoreEventLoop": ("PySide6.QtCore", "QEventLoop")}


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _ALIASES:
        mod, real = _ALIASES[name]
        value = getattr(importlib.import_module(mod), real)
    elif name in _QASYNC:
        import qasync

        value = getattr(qasync, name)
    else:
        for mod in _MODULES:
            module = importlib.import_module(mod)
            if hasattr(module, name):
                value = getattr(module, name)
                break
        else:
            raise AttributeError(f"desk_app.ui.qt has no Qt name {name!r}")
    globals()[name] = value  # next lookups are plain attribute reads
    return value
