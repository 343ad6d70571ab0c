"""The GUI event loop's longest stall while the scan session saves a PDF with the Vietnamese OCR
text layer (issue 14; target ≤ 50 ms).

The real scan session dialog (offscreen) on a real demo desk, with generated A4 300 dpi "scanned"
pages (paper noise, lines of Vietnamese text) imported through the services; "Text recognition
(OCR)" ticked, then Save: ocrmypdf + tesseract ``vie`` (``OMP_THREAD_LIMIT=1``) run on the
session's JobRunner. A 5 ms QTimer records its ticks; the longest gap between two ticks is the stall.

* ``idle``        — the same dialog with the same pages, doing nothing, for the same time (baseline);
* ``ocr-runner``  — Save with OCR through the session's JobRunner (the way the app does it);
* ``ocr-gui``     — for scale only: the same save called on the GUI thread (what must not happen).

Prints figures and ratios, asserts nothing. Usage:
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_scan_gui_stall.py [--pages 1] [--skip-gui]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from desk_app.services.admin import setup  # noqa: E402


def make_pages(folder: Path, n: int) -> list[Path]:
    """A4 at 300 dpi, grey paper noise, a title and lines of Vietnamese text (PNG)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  str(ROOT / "resources" / "fonts" / "DejaVuSans.ttf"))
                      if Path(p).exists()), None)
    font = ImageFont.truetype(font_path, 38) if font_path else ImageFont.load_default()
    rng = np.random.default_rng(14)
    out = []
    text = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: Ủy ban nhân dân xã Tân Phong",
            "Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An",
            "Nơi cư trú: Số 12 Trần Phú, xã Tân Phong, tỉnh Lai Châu",
            "Giấy tờ tùy thân: Căn cước số 001090012345",
            "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:"]
    for i in range(n):
        noise = rng.normal(245, 6, (3508, 2480)).clip(0, 255).astype("uint8")
        img = Image.fromarray(noise, "L").convert("RGB")
        d = ImageDraw.Draw(img)
        y = 250
        for k in range(24):
            d.text((220, y), text[k % len(text)], fill=(20, 20, 30), font=font)
            y += 120
        p = folder / f"trang-{i + 1}.png"
        img.save(p, dpi=(300, 300))
        out.append(p)
    return out


def measure(mode: str, data_dir: Path, files: list[Path], idle_s: float | None) -> dict:
    from desk_app.services.scanning import session as scan_session
    from desk_app.ui import i18n
    from desk_app.ui.qt import QApplication, QtCoreEventLoop, QTimer
    from desk_app.ui.scan_session import ScanSessionDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    i18n.install("vi")
    dlg = ScanSessionDialog(data_dir, "Tờ khai đăng ký khai sinh", default_profile="form")
    dlg.show()
    loop = QtCoreEventLoop()

    def wait(cond, limit: float = 120.0) -> None:
        t0 = time.perf_counter()
        while not cond() and time.perf_counter() - t0 < limit:
            app.processEvents()
            time.sleep(0.005)

    wait(lambda: getattr(dlg, "devices_loaded", False) and not dlg.busy)
    dlg.import_paths(files)
    wait(lambda: dlg.model.rowCount() == len(files) and not dlg.busy)
    wait(lambda: dlg.last_size is not None)
    dlg.preset.setCurrentIndex(dlg.preset.findData("gray_jpeg"))
    dlg.ocr.setChecked(True)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    done: list[object] = []
    t0 = time.perf_counter()
    if mode == "idle":
        QTimer.singleShot(int(idle_s * 1000), loop.quit)
    elif mode == "ocr-runner":
        dlg.saved.connect(lambda p: (done.append(p), QTimer.singleShot(20, loop.quit)))
        QTimer.singleShot(0, dlg.save)
    else:
        def on_gui_thread() -> None:
            path = scan_session.draft_path(data_dir, "gui-thread")
            done.append(scan_session.save_pdf(dlg.model.pages(), "gray_jpeg", path, ocr=True)[0])
            QTimer.singleShot(20, loop.quit)
        QTimer.singleShot(0, on_gui_thread)
    timer.start()
    ticks.append(time.perf_counter())
    loop.exec()
    timer.stop()
    total = time.perf_counter() - t0
    pairs = [(b - a, a - ticks[0]) for a, b in zip(ticks, ticks[1:])]
    worst_at = max(pairs)[1] if pairs else 0.0
    gaps = sorted(g for g, _ in pairs)
    over = sum(1 for g in gaps if g > 0.050)
    size = Path(done[0]).stat().st_size if done else 0
    dlg.model.clear()
    if dlg.isVisible():
        dlg.done(0)
    dlg.deleteLater()
    app.processEvents()
    return {"mode": mode, "total_s": total, "max_gap_ms": gaps[-1] * 1000,
            "p99_gap_ms": gaps[int(len(gaps) * 0.99)] * 1000, "ticks": len(ticks), "bytes": size,
            "worst_at_s": worst_at, "over_50": over}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=1)
    ap.add_argument("--skip-gui", action="store_true", help="do not run the GUI-thread scale run")
    args = ap.parse_args()
    if not shutil.which("ocrmypdf"):
        print("ocrmypdf is not installed (apt-get install ocrmypdf tesseract-ocr-vie)")
        return
    base = Path(tempfile.mkdtemp(prefix="bench-scan-stall-"))
    files = make_pages(base, args.pages)
    data = base / "desk"
    setup.init_store(data, demo=True, n_dossiers=20)
    ocr = measure("ocr-runner", data, files, None)
    idle = measure("idle", data, files, ocr["total_s"])
    results = [idle, ocr]
    if not args.skip_gui:
        results.append(measure("ocr-gui", data, files, None))
    if hasattr(os, "getloadavg"):
        print(f"load average: {os.getloadavg()[0]:.2f}")
    print(f"scan session: {args.pages} A4 300 dpi page(s) saved as grey JPEG with the Vietnamese"
          f" OCR text layer (ocrmypdf, tesseract vie, OMP_THREAD_LIMIT=1); 5 ms QTimer")
    print(f"{'mode':11} {'total s':>8} {'longest stall ms':>17} {'at s':>6} {'gaps>50ms':>9}"
          f" {'p99 gap ms':>11} {'ticks':>7} {'PDF KiB':>8}")
    for r in results:
        print(f"{r['mode']:11} {r['total_s']:8.2f} {r['max_gap_ms']:17.1f} {r['worst_at_s']:6.2f}"
              f" {r['over_50']:9d} {r['p99_gap_ms']:11.1f} {r['ticks']:7d} {r['bytes'] / 1024:8.0f}")
    print(f"longest stall while OCR runs / idle: {ocr['max_gap_ms'] / idle['max_gap_ms']:.2f}x"
          f" (target <= 50 ms: {ocr['max_gap_ms']:.1f} ms)")
    if not args.skip_gui:
        print(f"OCR on the GUI thread, for scale: {results[2]['max_gap_ms']:.0f} ms stall")


if __name__ == "__main__":
    main()
