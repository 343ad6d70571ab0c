"""Start-up of `desk-app --selftest` against a bare PySide6 window script, same machine, same run.

Both run offscreen and print "window shown" on stdout once their main window is exposed (painted);
the bare script then quits, desk-app opens the store, logs in the self-test session (the built-in
administrator), fills the list, prints "selftest ok" and quits. Two figures, medians and p90 over
N alternating runs, each with its ratio to the bare window measured in the same run:

* window on screen — spawn → "window shown" (what the person waits for; target ≤ 1.5× bare);
* process exit     — spawn → exit (desk-app: store open, list painted, torn down).

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
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView, QLineEdit, QVBoxLayout, QWidget
app = QApplication(sys.argv)
w = QMainWindow(); c = QWidget(); l = QVBoxLayout(c); l.addWidget(QLineEdit()); l.addWidget(QTableView())
w.setCentralWidget(c); w.resize(1200, 700); w.show()
class Watch(QObject):
    done = False
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Expose and obj.isExposed() and not self.done:
            self.done = True
            QTimer.singleShot(0, lambda: (print("window shown", flush=True), app.quit()))
        return False
watch = Watch(); w.windowHandle().installEventFilter(watch)
if w.windowHandle().isExposed():
    watch.done = True
    QTimer.singleShot(0, lambda: (print("window shown", flush=True), app.quit()))
sys.exit(app.exec())
"""


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(ms to the "window shown" line, ms to the process exit)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    shown = None
    for line in proc.stdout:
        if line.strip() == "window shown" and shown is None:
            shown = time.perf_counter() - t0
    proc.wait()
    dt = time.perf_counter() - t0
    err = proc.stderr.read()
    if proc.returncode != 0 or shown is None:
        raise SystemExit(f"{cmd} failed ({proc.returncode}, shown={shown}): {err[-2000:]}")
    return shown * 1000, dt * 1000


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
    app = desk + ["--selftest", "--data-dir", str(data)]
    timed(bare, env), timed(app, env)  # warm the page cache for both
    b, a = [], []
    for _ in range(args.runs):
        b.append(timed(bare, env))
        a.append(timed(app, env))
    q = lambda xs: statistics.quantiles(xs, n=10)[-1]  # noqa: E731
    print(f"load average at start: {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")
    print(f"{'start-up (ms)':34} {'median':>8} {'p90':>8}")
    for i, what in enumerate(("window on screen", "process exit")):
        bs, as_ = [x[i] for x in b], [x[i] for x in a]
        mb, ma = statistics.median(bs), statistics.median(as_)
        print(f"{what + ': bare PySide6':34} {mb:8.0f} {q(bs):8.0f}")
        print(f"{what + ': desk-app --selftest':34} {ma:8.0f} {q(as_):8.0f}")
        target = " (target <= 1.5x)" if i == 0 else ""
        print(f"  ratio desk-app / bare: {ma / mb:.2f}x{target}")
    print(f"runs={args.runs}, store={data}")


if __name__ == "__main__":
    main()
