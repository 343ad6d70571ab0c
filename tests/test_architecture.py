"""Core packages must not load Qt: they run in the CLI, the sync subprocess and on servers."""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["offline_store", "desk_app.domain", "desk_app.services", "desk_app.sync", "desk_app.printing",
        "desk_app.cli", "reference_backend"]


def _modules(package: str) -> list[str]:
    path = ROOT / package.replace(".", "/")
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=package + "."):
        if ".tests" not in info.name and not info.name.endswith("__main__"):
            names.append(info.name)
    return names


def test_core_packages_load_no_qt() -> None:
    modules = [m for pkg in CORE for m in _modules(pkg)]
    assert len(modules) > len(CORE), "no core modules found"
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'qasync'))\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"Qt loaded by core packages:\n{proc.stdout}\n{proc.stderr}"


def test_the_check_sees_qt_when_it_is_loaded() -> None:
    """The probe itself must be able to fail: importing the UI package does load PySide6."""
    code = "import sys, desk_app.ui.qt; sys.exit(0 if 'PySide6.QtCore' in sys.modules else 1)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
