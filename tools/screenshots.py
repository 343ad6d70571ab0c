"""Screenshots of the GUI on a demo desk, for docs/clerk-guide.md.

Runs the real windows under Xvfb (QT_QPA_PLATFORM=xcb), drives one birth-registration intake by
keyboard exactly as tests/ui/test_intake_keyboard.py does, and saves a PNG after each step:

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

Without a DISPLAY it re-runs itself under ``xvfb-run -a -s "-screen 0 1366x768x24"``.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QR_PAYLOAD = "001090012345|123456789|Nguyen Van An|15031990|Nam|So 12 Tran Phu, xa Tan Phong, tinh Lai Chau|20052021"


def relaunch_under_xvfb(argv: list[str]) -> int:
    if not shutil.which("xvfb-run"):
        print("xvfb-run not found (apt-get install xvfb)", file=sys.stderr)
        return 2
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, __file__, "--inner", *argv]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    return subprocess.call(cmd, env=env, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.inner and not os.environ.get("DISPLAY"):
        return relaunch_under_xvfb([a for a in (argv or sys.argv[1:]) if a != "--inner"])
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="desk-shots-") as tmp:
        return shoot(Path(tmp), args.out.resolve())


def shoot(tmp: Path, out: Path) -> int:
    from PIL import Image, ImageDraw
    from PySide6.QtTest import QTest

    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake, open_desk
    from desk_app.services.admin import setup
    from desk_app.ui import dialogs, i18n
    from desk_app.ui.app import register_fonts
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWidget

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    register_fonts(app)
    i18n.install("vi")
    setup.init_store(tmp / "desk", demo=True, n_dossiers=300)
    ctx = open_desk(tmp / "desk")
    proc = catalog.get_procedure(ctx, "2.000635")
    intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number="001090012345", full_name="Nguyễn Văn An", phone="0912345678",
                            address="Số 12 Trần Phú, xã Tân Phong, tỉnh Lai Châu"),
        components=[DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1) for c in proc.components if c.required]))
    scan = tmp / "giay-chung-sinh.png"
    img = Image.new("L", (620, 877), 255)
    ImageDraw.Draw(img).text((40, 40), "GIAY CHUNG SINH (ban scan)", fill=0)
    img.save(scan)
    dialogs.open_files = lambda *a, **k: [scan]

    def settle(ms: int = 150) -> None:
        QTest.qWait(ms)  # let the window manager-less X server map and paint

    def save(widget: QWidget, name: str) -> None:
        settle()
        path = out / name
        widget.grab().save(str(path), "PNG")
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def activate(w: QWidget) -> None:
        """No window manager under Xvfb: ask X for the focus so window shortcuts (Ctrl+S…) work."""
        w.raise_()
        w.activateWindow()
        w.windowHandle().requestActivate()
        for _ in range(50):
            if QApplication.activeWindow() is w:
                return
            QTest.qWait(20)
        print("warning: could not activate", w.objectName(), file=sys.stderr)

    def key(widget: QWidget, k, mod=Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(widget, k, mod)

    def type_text(widget: QWidget, text: str) -> None:
        for ch in text:
            if ch.isascii():
                QTest.keyClicks(widget, ch)
            else:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))

    window = MainWindow(ctx)
    window.resize(1366, 740)
    window.show()
    settle(400)
    activate(window)
    save(window, "main-window.png")

    type_text(window.search, "nguyen van")
    QTest.qWait(400)
    save(window, "main-window-search.png")
    window.search.clear()
    QTest.qWait(300)

    form = window.new_intake()
    form.resize(1366, 740)
    settle(300)
    activate(form)
    type_text(form.finder.edit, "khai sinh")
    codes = [form.finder.model.procedure(r).code for r in range(form.finder.model.rowCount())]
    for _ in range(codes.index("1.001193")):
        key(form.finder.edit, Qt.Key.Key_Down)
    save(form, "intake-0-procedure-search.png")
    key(form.finder.edit, Qt.Key.Key_Return)
    save(form, "intake-1-procedure.png")

    type_text(form.qr, QR_PAYLOAD)
    key(form.qr, Qt.Key.Key_Return)
    save(form, "intake-2-applicant-from-qr.png")

    form.table.setFocus()
    for row in range(3):
        form.table.setCurrentIndex(form.components.index(row, 0))
        key(form.table, Qt.Key.Key_Space)
        if row == 1:
            key(form.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    save(form, "intake-3-components.png")

    key(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    if form.dossier is None:
        print("save failed:", form.banner.text(), file=sys.stderr)
        return 1
    save(form, "intake-4-saved.png")

    form.print_receipt()
    preview = form.preview_dialog
    preview.resize(1000, 740)
    settle(800)
    save(preview, "intake-5-print-preview.png")
    preview.close()

    code = form.dossier.code
    form.close()
    window.search.setText(code)
    window.run_search()
    window.table.selectRow(0)
    detail = window.open_detail()
    settle(300)
    save(detail, "dossier-detail.png")
    detail.close()
    window.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
