"""The domain stays pure: no Qt, no SQLite, no network, no store or service imports."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = ["errors", "ids", "text", "cccd", "dossier_code", "working_calendar", "state_machine",
           "fees", "catalog_data", "models"]
# (not "socket": the stdlib modules `holidays` needs import it without using the network)
FORBIDDEN = ("PySide6", "shiboken6", "qasync", "sqlite3", "sqlite_utils", "httpx", "requests",
             "offline_store", "desk_app.services", "desk_app.ui", "desk_app.sync")


def test_domain_imports_nothing_impure() -> None:
    code = (
        "import sys, importlib\n"
        f"for m in {MODULES!r}: importlib.import_module('desk_app.domain.' + m)\n"
        "from desk_app.domain.working_calendar import WorkingCalendar\n"
        "WorkingCalendar.default()\n"
        f"bad = sorted(n for n in sys.modules if n.startswith({FORBIDDEN!r}))\n"
        "print(' '.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, f"impure imports: {proc.stdout} {proc.stderr}"


def test_the_probe_can_fail() -> None:
    code = "import sys, sqlite3; sys.exit(0 if 'sqlite3' in sys.modules else 1)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
