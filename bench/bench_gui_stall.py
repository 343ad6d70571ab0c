"""The GUI event loop's longest stall while 100 intakes are saved and another process holds the
store's write lock for 5 s (issue 12; target ≤ 50 ms).

A real demo store, the real main window (offscreen) logged in as the demo clerk, and real intake
requests (birth registration, its required components, one 64 KiB scan each — as bench_store.py).
A second process opens the store's SQLite file and holds ``BEGIN IMMEDIATE`` for 5 s; meanwhile a
5 ms QTimer records its ticks and the longest gap between two ticks is the stall.

* ``runner``     — each save goes through the window's JobRunner (``jobs.run``: the worker's own
                   connection waits on the lock, the GUI thread never does);
* ``gui-thread`` — the old way, the baseline: ``intake.receive`` called on the GUI thread.

Prints figures and the ratio, asserts nothing. Usage:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_gui_stall.py [--n 100] [--hold 5]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent  # noqa: E402
from desk_app.services import catalog, intake, open_desk, session  # noqa: E402
from desk_app.services.admin import demo, setup  # noqa: E402

LOCKER = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


def requests(ctx, n: int, scan_dir: Path) -> list:
    rng = random.Random(12)
    proc = catalog.get_procedure(ctx, "2.000635")
    out = []
    for i in range(n):
        scan = scan_dir / f"scan-{i}.png"
        scan.write_bytes(os.urandom(64 * 1024))
        p = demo.fake_person(rng, date.today())
        out.append(intake.IntakeRequest(
            proc.code, Applicant(p["id_number"], p["full_name"], phone=p["phone"]),
            [DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1) for c in proc.components if c.required],
            [(scan, None)]))
    return out


def measure(mode: str, data_dir: Path, n: int, hold: float) -> dict:
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QtCoreEventLoop, QTimer

    app = QApplication.instance() or QApplication(sys.argv[:1])
    ctx = open_desk(data_dir)
    reqs = requests(ctx, n, Path(tempfile.mkdtemp(prefix="stall-scans-")))
    window = MainWindow(ctx, session.login(ctx, "hoa", "demo-clerk", face="gui"))
    window.sync.timer.stop()
    window.show()
    app.processEvents()
    db = next(data_dir.glob("*.sqlite3"))
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(db), str(hold)], stdout=subprocess.PIPE, text=True)
    assert locker.stdout.readline().strip() == "locked"

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QtCoreEventLoop()
    saved: list[float] = []
    failed: list[BaseException] = []
    t0 = time.perf_counter()

    def finished() -> None:
        if len(saved) + len(failed) == n:
            QTimer.singleShot(20, loop.quit)

    if mode == "runner":
        for req in reqs:
            window.jobs.run(lambda wctx, _p, _c, r=req: intake.receive(wctx, r),
                            on_done=lambda _d: (saved.append(time.perf_counter()), finished()),
                            on_error=lambda e: (failed.append(e), finished()),
                            show_progress=True, cancellable=False, title_vi="Lưu hồ sơ", title_en="Saving")
    else:
        pending = list(reqs)

        def next_one() -> None:
            if not pending:
                return
            try:
                intake.receive(ctx, pending.pop(0))
                saved.append(time.perf_counter())
            except Exception as exc:  # noqa: BLE001 — counted, reported
                failed.append(exc)
            finished()
            QTimer.singleShot(0, next_one)
        QTimer.singleShot(0, next_one)
    timer.start()
    ticks.append(time.perf_counter())
    loop.exec()
    timer.stop()
    total = time.perf_counter() - t0
    locker.wait()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    window.shutdown()
    window.hide()
    window.deleteLater()
    app.processEvents()
    ctx.close()
    return {"mode": mode, "saved": len(saved), "failed": len(failed), "total_s": total,
            "max_gap_ms": max(gaps) * 1000, "p99_gap_ms": sorted(gaps)[int(len(gaps) * 0.99)] * 1000,
            "ticks": len(ticks)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--hold", type=float, default=5.0)
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-stall-"))
    results = []
    for mode in ("gui-thread", "runner"):
        data = base / mode
        setup.init_store(data, demo=True, n_dossiers=200)
        results.append(measure(mode, data, args.n, args.hold))
    if hasattr(os, "getloadavg"):
        print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"{args.n} intakes saved while another process holds the write lock for {args.hold:.0f} s; 5 ms QTimer")
    print(f"{'mode':12} {'saved':>6} {'failed':>6} {'total s':>8} {'longest stall ms':>17} {'p99 gap ms':>11}")
    for r in results:
        print(f"{r['mode']:12} {r['saved']:6d} {r['failed']:6d} {r['total_s']:8.2f} {r['max_gap_ms']:17.1f} "
              f"{r['p99_gap_ms']:11.1f}")
    old, new = results
    print(f"longest stall, runner / GUI thread: {new['max_gap_ms'] / old['max_gap_ms']:.3f}x "
          f"(target <= 50 ms: {new['max_gap_ms']:.1f} ms)")


if __name__ == "__main__":
    main()
