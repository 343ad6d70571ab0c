"""Start-up of `desk-app gui --selftest` against a bare PySide6 window script, same machine, same run.

Both run offscreen, show one main window, let the event loop run until it is exposed, and quit.
Prints medians and p90 of wall time over N alternating runs and the ratio (target ≤ 1.5× bare).
Usage: .venv/bin/python bench/bench_startup.py [--runs 15] [--data-dir DIR]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QLineEdit, QVBoxLayout, QWidget
app = QApplication(sys.argv)
w = QMainWindow(); c = QWidget(); l = QVBoxLayout(c); l.addWidget(QLineEdit()); l.addWidget(QTableView())
w.setCentralWidget(c); w.resize(1200, 700); w.show()
QTimer.singleShot(0, app.quit)
sys.exit(app.exec())
"""


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return dt * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--data-dir", type=Path)
    args = ap.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    bindir = Path(sys.executable).parent
    desk = [str(bindir / "desk-app")]
    data = args.data_dir
    if data is None:
        data = Path(tempfile.mkdtemp(prefix="bench-startup-")) / "store"
        subprocess.run(desk + ["init", "--data-dir", str(data), "--demo"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    bare = [sys.executable, "-c", BARE]
    app = desk + ["gui", "--data-dir", str(data), "--selftest"]
    timed(bare, env), timed(app, env)  # warm the page cache for both
    b, a = [], []
    for _ in range(args.runs):
        b.append(timed(bare, env))
        a.append(timed(app, env))
    mb, ma = statistics.median(b), statistics.median(a)
    q = lambda xs: statistics.quantiles(xs, n=10)[-1]  # noqa: E731
    print(f"{'start-up (ms)':28} {'median':>8} {'p90':>8}")
    print(f"{'bare PySide6 window':28} {mb:8.0f} {q(b):8.0f}")
    print(f"{'desk-app gui --selftest':28} {ma:8.0f} {q(a):8.0f}")
    print(f"ratio desk-app / bare: {ma / mb:.2f}x (target <= 1.5x), runs={args.runs}, store={data}")


if __name__ == "__main__":
    main()
