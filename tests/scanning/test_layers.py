"""desk_app/scanning follows its README rule, loads no Qt, and has no unguarded POSIX-only code
(the same checks as tests/test_architecture.py, applied to this package until it is listed there)."""
from __future__ import annotations

import ast
import subprocess
import sys

from tests.test_architecture import ROOT, _py_files, platform_uses, rule_for, violations

FOLDER = "desk_app/scanning"


def test_imports_follow_the_readme() -> None:
    rule = rule_for(FOLDER)
    assert "desk_app.devices" in rule.may and "desk_app.services" in rule.must_not
    problems = [v for f in _py_files(FOLDER) for v in violations(rule, f)]
    assert not problems, "\n".join(problems)


def test_no_qt_and_no_unguarded_platform_code() -> None:
    mods = [f"desk_app.scanning.{p.stem}" for p in _py_files(FOLDER) if p.stem != "__init__"]
    mods += ["desk_app.services.scanning", "desk_app.services.scanning.commands"]
    code = ("import importlib, sys\n"
            f"for m in {mods!r}: importlib.import_module(m)\n"
            "sys.exit(1 if any(n.startswith('PySide6') for n in sys.modules) else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    bad = [f"{p.name}:{ln}: {what}" for p in _py_files(FOLDER) + _py_files("desk_app/services/scanning")
           for ln, what, guarded in platform_uses(ast.parse(p.read_text(encoding="utf-8")))
           if not guarded]
    assert not bad, bad
