"""The one door through which Qt enters desk_app (as Anki's ``aqt.qt``).

Every UI module does ``from desk_app.ui.qt import *`` (or names from here), so a Qt upgrade, a
binding switch or a work-around for a binding bug is made in one place. Nothing outside
``desk_app/ui`` may import this module or PySide6 (tests/test_architecture.py enforces it).
"""
from __future__ import annotations

# ruff: noqa: F401, F403
from PySide6.QtCore import *
from PySide6.QtGui import *
from PySide6.QtWidgets import *
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog, QPrinterInfo
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6 import __version__ as PYSIDE_VERSION
from qasync import QEventLoop, asyncClose, asyncSlot

QT_VERSION_STR = qVersion()
