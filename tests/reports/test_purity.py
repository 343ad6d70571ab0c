"""desk_app.reports and the reports services load no Qt (they run in the CLI and the worker)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_reports_load_no_qt() -> None:
    code = ("import sys\n"
            "import desk_app.reports.figures, desk_app.reports.indicators, desk_app.reports.xlsx\n"
            "import desk_app.services.reports.commands, desk_app.services.reports.queues\n"
            "import desk_app.services.reports.fees, desk_app.services.reports.rating\n"
            "import desk_app.services.reports.report, desk_app.printing.report_pdf\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
            "sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_reports_import_only_what_their_readme_allows() -> None:
    import ast

    allowed = ("desk_app.domain", "desk_app.reports", "openpyxl")
    for path in (ROOT / "desk_app/reports").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for n in names:
                top = n.split(".")[0]
                assert top in sys.stdlib_module_names or n.startswith(allowed), (path.name, n)
