"""Regression test for the PySide6 6.12 abort on CPython 3.11 (refcount of None underflows).

Every call to a void Qt method returns a new reference to None; the broken binding forgot the
INCREF, so after enough calls CPython 3.11 (where None is not immortal) aborts. 20,000 calls in a
subprocess: a crash shows as a non-zero exit instead of killing the test run.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CALLS = 20_000

CODE = f"""
import sys
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
w = QWidget()
o = QObject()
before = sys.getrefcount(None)
for i in range({CALLS} // 4):
    assert w.setVisible(False) is None
    assert w.setEnabled(i % 2 == 0) is None
    assert w.update() is None
    assert o.setObjectName("x") is None
import PySide6
print(PySide6.__version__, before, sys.getrefcount(None))
"""


def test_void_qt_calls_do_not_abort_the_interpreter() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-2000:]}"
    version, before, after = proc.stdout.split()
    assert version.startswith("6.11."), f"PySide6 {version}: 6.12 aborts on CPython 3.11"
    if sys.version_info < (3, 12):  # None is immortal from 3.12 on; before that its count must not drop
        assert int(after) >= int(before) - 100, (before, after)
