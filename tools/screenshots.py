"""Screenshots of the GUI on a demo desk, for docs/clerk-guide.md — as a clerk really sees it.

For each screen size (1024×600 and 1366×768 by default) it starts Xvfb of THAT size with a window
manager (openbox: title bars, a work area, real window placement), opens the real windows at the
size the app really opens them (``app.place`` for the main window, the intake's and the detail's
own fitting), drives one birth-registration intake by keyboard as tests/ui/test_intake_keyboard.py
does, and saves a picture of the whole screen after each step:

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--sizes 1024x600,1366x768]

Needs ``xvfb-run`` (Debian: xvfb) and ``openbox`` (Debian: openbox). The pictures are named
``<size>-<step>.png``, e.g. ``1024x600-intake-2-applicant-from-qr.png``. It also checks, and
reports on stderr, that every window fits the screen and that the Save / Print buttons are on it.
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
SIZES = ("1024x600", "1366x768")


def relaunch_under_xvfb(size: str, out: Path) -> int:
    if not shutil.which("xvfb-run"):
        print("xvfb-run not found (apt-get install xvfb)", file=sys.stderr)
        return 2
    if not shutil.which("openbox"):
        print("openbox not found (apt-get install openbox): screenshots need a window manager", file=sys.stderr)
        return 2
    cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {size}x24", sys.executable, __file__, "--inner",
           "--size", size, "--out", str(out)]
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    return subprocess.call(cmd, env=env, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.inner:
        worst = 0
        for size in args.sizes.split(","):
            worst = max(worst, relaunch_under_xvfb(size.strip(), args.out.resolve()))
        return worst
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.path.insert(0, str(ROOT))
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with tempfile.TemporaryDirectory(prefix="desk-shots-") as tmp:
            return shoot(Path(tmp), args.out.resolve(), args.size)
    finally:
        wm.terminate()
        wm.wait(timeout=10)


def shoot(tmp: Path, out: Path, size: str) -> int:
    from PIL import Image, ImageDraw
    from PySide6.QtTest import QTest

    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake, open_desk
    from desk_app.services.admin import setup
    from desk_app.ui import app as app_mod
    from desk_app.ui import dialogs, i18n
    from desk_app.ui.app import register_fonts
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QEvent, QKeyEvent, QRect, Qt, QWidget

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    register_fonts(app)
    i18n.install("vi")
    QTest.qWait(800)      # let openbox take the screen (it sets the work area)
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
    problems: list[str] = []
    screen = app.primaryScreen()

    def settle(ms: int = 300) -> None:
        QTest.qWait(ms)

    def save(name: str) -> None:
        settle()
        path = out / f"{size}-{name}.png"
        screen.grabWindow(0).save(str(path), "PNG")    # the whole screen, window frames included
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def check_fits(w: QWidget, *buttons: QWidget) -> None:
        avail = screen.availableGeometry()
        frame = w.frameGeometry()
        if not QRect(0, 0, screen.geometry().width(), screen.geometry().height()).contains(frame):
            problems.append(f"{size}: {w.objectName()} {frame} is larger than the screen {screen.geometry()}")
        for b in buttons:
            top_left = b.mapToGlobal(b.rect().topLeft())
            if not avail.contains(QRect(top_left, b.size())):
                problems.append(f"{size}: button {b.objectName()} at {top_left} is off the screen {avail}")

    def activate(w: QWidget) -> None:
        w.raise_()
        w.activateWindow()
        for _ in range(100):
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

    def wait_for(cond, ms: int = 10_000) -> bool:
        for _ in range(ms // 20):
            if cond():
                return True
            QTest.qWait(20)
        return False

    session = _session(ctx)
    window = MainWindow(ctx, session) if session is not None else MainWindow(ctx)
    app_mod.place(window)
    window.show()
    settle(800)
    activate(window)
    save("main-window")

    type_text(window.search, "nguyen van")
    QTest.qWait(500)
    save("main-window-search")
    window.search.clear()
    QTest.qWait(300)

    form = window.new_intake()
    settle(500)
    activate(form)
    check_fits(form, form.save_button, form.print_button, form.new_button)
    type_text(form.finder.edit, "khai sinh")
    save("intake-0-procedure-search")
    key(form.finder.edit, Qt.Key.Key_Return)
    save("intake-1-procedure")

    type_text(form.qr, QR_PAYLOAD)
    key(form.qr, Qt.Key.Key_Return)
    save("intake-2-applicant-from-qr")

    form.table.setFocus()
    for row in (0, 1, 3):        # an ordinary birth: declaration, birth certificate, the ID
        form.table.setCurrentIndex(form.components.index(row, 0))
        key(form.table, Qt.Key.Key_Space)
        if row == 1:
            key(form.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    form.scroll.ensureWidgetVisible(form.table)
    save("intake-3-components")

    key(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    if not wait_for(lambda: form.dossier is not None or not form.saving):
        print("save did not finish", file=sys.stderr)
    if form.dossier is None:
        print("save failed:", form.banner.text(), file=sys.stderr)
        return 1
    save("intake-4-saved")

    form.print_receipt()
    wait_for(lambda: form.preview_dialog is not None and form.preview_dialog.isVisible())
    preview = form.preview_dialog
    settle(1000)
    check_fits(preview, preview.print_button)
    save("intake-5-print-preview")
    preview.print_now()
    wait_for(lambda: preview.chooser is not None and preview.chooser.isVisible())
    settle(600)
    check_fits(preview.chooser)
    save("intake-6-print-dialog")
    preview.chooser.reject()
    preview.close()

    code = form.dossier.code
    form.close()
    window.search.setText(code)
    window.run_search()
    QTest.qWait(400)
    window.table.selectRow(0)
    detail = window.open_detail()
    settle(600)
    if detail is not None:
        activate(detail)
        check_fits(detail)
        save("dossier-detail")
        detail.close()
    # --- issue 16: the work queues, the online inbox, the dossier's steps, the rating view ---
    window.show_queues()
    settle(600)
    activate(window)
    save("queues")
    online = getattr(window, "online", None)
    if online is not None:
        window.tabs.setCurrentWidget(online)
        settle(500)
        save("online-inbox")
    window.tabs.setCurrentIndex(0)
    row = ctx.store.conn.execute("SELECT code FROM dossiers WHERE status IN ('in_process',"
                                 " 'received', 'result_ready') ORDER BY status = 'in_process'"
                                 " DESC, id DESC LIMIT 1").fetchone()
    if row is not None:
        detail = window.open_code(row[0])
        settle(600)
        if detail is not None:
            activate(detail)
            check_fits(detail)
            save("dossier-detail-steps")
            detail.close()
    returned = ctx.store.conn.execute("SELECT code FROM dossiers WHERE status = 'returned'"
                                      " ORDER BY id DESC LIMIT 1").fetchone()
    if returned is not None:
        window.search.setText(returned[0])
        window.run_search()
        QTest.qWait(400)
        window.table.selectRow(0)
        rating = window.open_rating("intake")
        settle(800)
        if rating is not None:
            check_fits(rating)
            save("rating-view")
            rating.close()
    window.close()

    # --- the supervisor: the dashboard (by state, on-time rate against 90 %, per procedure) ---
    from desk_app.services import session as session_svc

    try:
        boss = session_svc.login(ctx, "lan", "demo-supervisor", face="gui")
    except Exception:  # noqa: BLE001
        boss = None
    if boss is not None:
        window = MainWindow(ctx, boss)
        app_mod.place(window)
        window.show()
        settle(600)
        dash = window.open_dashboard()
        if dash is not None:
            settle(600)
            done: list = []
            dash.loaded.connect(done.append)
            dash.preset.setCurrentIndex(dash.PRESETS.index("last_12_months"))   # a full picture
            if not wait_for(lambda: bool(done), 60_000):
                problems.append(f"{size}: the dashboard did not finish computing")
            settle(800)
            activate(dash)
            check_fits(dash)
            save("dashboard")
            dash.close()
        cash = window.open_cash()
        if cash is not None:
            settle(600)
            activate(cash)
            check_fits(cash)
            save("cash-summary")
            cash.close()
        window.close()
    # --- issue 14: the scan session (S2) ---
    problems += shoot_scan_session(ctx, tmp, out, size, settle=settle, activate=activate,
                                   wait_for=wait_for, check_fits=check_fits)
    ctx.close()
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


def _session(ctx):
    """The demo clerk (hoa) when the store has accounts, else the data folder's owner."""
    try:
        from desk_app.services import session as session_svc
    except ImportError:
        return None
    try:
        s = session_svc.login(ctx, "hoa", "demo-clerk", face="gui")
    except Exception:  # noqa: BLE001 — a store without demo accounts
        s = session_svc.os_owner_session(ctx)
        s.face = "gui"
    return s


# --------------------------------------------------------------------------- issue 15: signing
# (G2) The signing screens on a real SoftHSM2 token and the test PKI of tests/signing:
#     .venv/bin/python tools/screenshots.py --signing [--out docs/screenshots] [--sizes …]
# writes sign-<size>-<step>.png: the batch dialog (certificates, PIN, report), the validation
# view (a valid file, a tampered one), the certified-copy dialog and the book view.

def signing_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="screenshots of the signing screens")
    parser.add_argument("--signing", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--size", help=argparse.SUPPRESS)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.inner:
        worst = 0
        for size in args.sizes.split(","):
            cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {size.strip()}x24", sys.executable, __file__,
                   "--signing", "--inner", "--size", size.strip(), "--out", str(args.out.resolve())]
            if not shutil.which("xvfb-run") or not shutil.which("openbox"):
                print("xvfb-run and openbox are needed (apt-get install xvfb openbox)", file=sys.stderr)
                return 2
            worst = max(worst, subprocess.call(cmd, env={**os.environ, "QT_QPA_PLATFORM": "xcb"},
                                               cwd=ROOT))
        return worst
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.path.insert(0, str(ROOT))
    wm = subprocess.Popen(["openbox"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with tempfile.TemporaryDirectory(prefix="desk-sign-shots-") as tmp:
            return shoot_signing(Path(tmp), args.out.resolve(), args.size)
    finally:
        wm.terminate()
        wm.wait(timeout=10)


def shoot_signing(tmp: Path, out: Path, size: str) -> int:
    from PySide6.QtTest import QTest

    from desk_app.services import open_desk
    from desk_app.services import session as session_svc
    from desk_app.services.admin import setup
    from desk_app.signing.token import load_module, on_token
    from desk_app.ui import i18n
    from desk_app.ui.app import register_fonts
    from desk_app.ui.certbook_view import CertBookView
    from desk_app.ui.certify_dialog import CertifyDialog
    from desk_app.ui.jobs import JobRunner
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QLineEdit, QRect, Qt, QWidget
    from desk_app.ui.signing_dialog import SignDialog
    from desk_app.ui.validation_view import ValidationView
    from tests.signing import pki as P
    from tests.ui.signing_helpers import install_signing_translations, signed_samples

    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([sys.argv[0]])
    register_fonts(app)
    i18n.install("vi")
    install_signing_translations(tmp / "qm")
    QTest.qWait(800)
    problems: list[str] = []
    screen = app.primaryScreen()

    pki = P.start_pki(tmp / "pki")
    hsm = P.init_softhsm(tmp / "softhsm")
    P.init_token(hsm, P.OFFICER_TOKEN)
    P.init_token(hsm, P.ORG_TOKEN)
    lib = on_token(load_module, hsm.lib)
    for token, label, key_id in ((P.OFFICER_TOKEN, "officer", b"\x01"),
                                 (P.OFFICER_TOKEN, "expired", b"\x02"),
                                 (P.ORG_TOKEN, "org", b"\x11")):
        on_token(P.import_identity, lib, token, pki, label, key_id,
                 with_chain=label in ("officer", "org"))
    data = tmp / "desk"
    setup.init_store(data, demo=True, n_dossiers=60)
    for name, src in (("trust", pki.trust_dir), ("revocation", pki.revocation_dir)):
        shutil.copytree(src, data / name, dirs_exist_ok=True)
    ctx = open_desk(data)
    officer = session_svc.login(ctx, "binh", "demo-officer", face="gui")
    window = MainWindow(ctx, officer)
    from desk_app.ui import app as app_mod

    app_mod.place(window)
    window.show()
    jobs = window.jobs

    def wait_for(cond, ms: int = 30_000) -> bool:
        for _ in range(ms // 20):
            if cond():
                return True
            QTest.qWait(20)
        return False

    def save(name: str) -> None:
        QTest.qWait(400)
        path = out / f"sign-{size}-{name}.png"
        screen.grabWindow(0).save(str(path), "PNG")
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def check_fits(w: QWidget, *buttons: QWidget) -> None:
        avail = screen.availableGeometry()
        if not QRect(0, 0, screen.geometry().width(), screen.geometry().height()).contains(w.frameGeometry()):
            problems.append(f"{size}: {w.objectName()} {w.frameGeometry()} is larger than the screen")
        for b in buttons:
            tl = b.mapToGlobal(b.rect().topLeft())
            if not avail.contains(QRect(tl, b.size())):
                problems.append(f"{size}: button {b.objectName()} at {tl} is off the screen {avail}")

    def type_pin(handler) -> None:
        if not wait_for(lambda: handler.current_dialog is not None and handler.current_dialog.isVisible()):
            problems.append(f"{size}: no PIN dialog")
            return
        edit = handler.current_dialog.findChild(QLineEdit, "pin_edit")
        QTest.keyClicks(edit, P.USER_PIN)
        QTest.keyClick(edit, Qt.Key.Key_Return)

    # 1. the batch signing dialog: certificates (one expired), three documents, the PIN, the report
    docs = tmp / "ket-qua"
    docs.mkdir()
    files = [P.make_form_pdf(docs / f"ket-qua-{i}-giay-xac-nhan.pdf") for i in (1, 2, 3)]
    dlg = SignDialog(ctx, officer, jobs, window, files=files, lib=hsm.lib, out_dir=tmp / "da-ky")
    dlg.handler.show_notice_boxes = False
    dlg.show()
    wait_for(lambda: dlg.certs.rowCount() > 0)
    check_fits(dlg, dlg.sign_button, dlg.stop_button, dlg.close_button)
    save("dialog")
    dlg.start()
    wait_for(lambda: dlg.handler.current_dialog is not None and dlg.handler.current_dialog.isVisible())
    save("pin")
    done: list = []
    dlg.batch_finished.connect(done.append)
    type_pin(dlg.handler)
    if not wait_for(lambda: bool(done), 60_000):
        problems.append(f"{size}: the batch did not finish")
    save("report")
    dlg.close()

    # 2. the validation view: a valid file, a tampered one
    samples = signed_samples(tmp / "samples", hsm.lib, data)
    for name in ("valid", "tampered"):
        v = ValidationView(ctx, officer, jobs, window)
        shown: list = []
        v.checked.connect(shown.append)
        v.show()
        v.check(samples[name])
        wait_for(lambda: bool(shown))
        check_fits(v, v.open_button)
        save(f"validation-{name}")
        v.close()

    # 3. the certified-copy dialog, then two copies certified for the book
    scan = P.make_form_pdf(tmp / "scan" / "giay-khai-sinh.pdf", pages=3, title="GIẤY KHAI SINH") \
        if (tmp / "scan").mkdir() is None else None
    c = CertifyDialog(ctx, officer, jobs, window, scan=scan, lib=hsm.lib, out_dir=tmp / "ban-sao",
                      applicant="Trần Thị Mai", document="Giấy khai sinh bản chính số 45/2020")
    c.handler.show_notice_boxes = False
    c.show()
    wait_for(lambda: c.officer_certs.rowCount() > 0 and c.next_number is not None)
    check_fits(c, c.sign_button)
    save("certify")
    for applicant in ("Trần Thị Mai", "Phạm Quốc Việt"):
        c.applicant.setText(applicant)
        got: list = []
        c.certified.connect(got.append)
        c.start()
        type_pin(c.handler)
        wait_for(lambda: c.handler.current_dialog is None or not c.handler.current_dialog.isVisible())
        if c.org_combo.currentData() is not None:
            type_pin(c.handler)
        if not wait_for(lambda: bool(got), 60_000) or not isinstance(got[0], dict):
            problems.append(f"{size}: certify failed: {c.status.text()}")
        c.certified.disconnect()
    save("certify-done")
    c.close()

    # 4. the dossier detail's signing buttons (the officer sees Sign / Check / Certified copy)
    code = ctx.store.conn.execute("SELECT code FROM dossiers ORDER BY id DESC LIMIT 1").fetchone()[0]
    detail = window.open_code(code)
    if detail is not None:
        QTest.qWait(600)
        b = getattr(detail, "signing_buttons", None)
        if b is None:
            problems.append(f"{size}: no signing buttons on the dossier detail")
        else:
            check_fits(detail, b.sign_button, b.verify_button, b.certify_button)
        save("dossier-detail")
        detail.close()

    # 5. the book view
    book = CertBookView(ctx, officer, jobs, window)
    loaded: list = []
    book.loaded.connect(loaded.append)
    book.show()
    wait_for(lambda: bool(loaded))
    check_fits(book, book.print_button)
    save("certbook")
    book.close()
    window.close()
    jobs.shutdown()
    ctx.close()
    pki.close()
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


class TsvTranslator:
    """Vietnamese for strings not yet in desk_vi.qm, from ``resources/i18n/new_vi_*.tsv``
    (context<TAB>source<TAB>vi): the pictures show what the clerk will see once the integrator
    has merged them."""

    @staticmethod
    def install(app):
        from PySide6.QtCore import QTranslator

        pairs = {}
        for tsv in sorted((ROOT / "resources" / "i18n").glob("new_vi_*.tsv")):
            for line in tsv.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) == 3 and parts[2].strip():
                    pairs[(parts[0], parts[1].replace("\\n", "\n"))] = parts[2].replace("\\n", "\n")

        class _Tr(QTranslator):
            def translate(self, context, source, disambiguation=None, n=-1):
                return pairs.get((context, source))      # None: not ours, ask the next translator

            def isEmpty(self):
                return not pairs

        tr = _Tr(app)
        app.installTranslator(tr)
        return tr


def _document_page(path: Path, title: str, lines: list[str]) -> Path:
    """An A4 page at 100 dpi that looks like a filled-in form (for the session's thumbnails)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (827, 1169), (250, 249, 244))
    d = ImageDraw.Draw(img)
    font_file = next((f for f in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",) if Path(f).exists()), None)
    big = ImageFont.truetype(font_file, 30) if font_file else ImageFont.load_default()
    small = ImageFont.truetype(font_file, 18) if font_file else ImageFont.load_default()
    d.text((120, 80), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fill=(10, 10, 10), font=small)
    d.text((200, 180), title, fill=(10, 10, 10), font=big)
    y = 280
    for k in range(22):
        d.text((80, y), lines[k % len(lines)], fill=(30, 30, 50), font=small)
        y += 36
    d.ellipse((560, 960, 720, 1120), outline=(200, 30, 30), width=6)
    img.save(path, dpi=(100, 100))
    return path


def shoot_scan_session(ctx, tmp: Path, out: Path, size: str, *, settle, activate, wait_for,
                       check_fits) -> list[str]:
    """The scan session (issue 14) on the real SANE test backend (a private SANE_CONFIG_DIR):
    two imported form pages, a feeder batch with a page flagged as likely blank, then a jam
    reported in the session with the pages kept. Saves ``scan-<size>-*.png``."""
    from PySide6.QtTest import QTest

    from desk_app.ui.qt import QApplication, QTimer
    from desk_app.ui.scan_session import ScanSessionDialog

    problems: list[str] = []
    sane_dir = tmp / "sane"
    sane_dir.mkdir(exist_ok=True)
    (sane_dir / "dll.conf").write_text("test\n", encoding="utf-8")
    (sane_dir / "test.conf").write_text(
        "number_of_devices 1\nmode Color\ndepth 8\nresolution 75.0\n"
        'test-picture "Color pattern"\ngeometry_max 200.0\nbr_x 200.0\nbr_y 200.0\n', encoding="utf-8")
    os.environ["SANE_CONFIG_DIR"] = str(sane_dir)
    os.environ.setdefault("DESK_SCAN_PAGE_TIMEOUT", "20")
    data = Path(ctx.data_dir)
    (data / "scan_profiles.toml").write_text("[form]\ndpi = 75\nwidth_mm = 150\nheight_mm = 200\n"
                                            "[certificate]\ndpi = 75\nlocked = true\n", encoding="utf-8")
    (data / "scanners.json").write_text('{"sane_extra": {"sane:test:0": {"read_return_value": "Default"}}}',
                                        encoding="utf-8")
    keep = TsvTranslator.install(QApplication.instance())
    pages = [_document_page(tmp / "to-khai-1.png", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
                            ["Họ, chữ đệm, tên người yêu cầu: Nguyễn Văn An",
                             "Nơi cư trú: Số 12 Trần Phú, xã Tân Phong, tỉnh Lai Châu",
                             "Giấy tờ tùy thân: Căn cước số 001090012345"]),
             _document_page(tmp / "giay-chung-sinh.png", "GIẤY CHỨNG SINH",
                            ["Họ tên mẹ: Trần Thị Bích", "Sinh lúc 08 giờ 30, ngày 15/03/2025",
                             "Nơi sinh: Trạm y tế xã Tân Phong"])]
    dlg = ScanSessionDialog(data, "Giấy chứng sinh do cơ sở y tế cấp", default_profile="form")
    dlg.show()
    settle(500)
    activate(dlg)
    if not wait_for(lambda: getattr(dlg, "devices_loaded", False) and not dlg.busy, 20_000):
        problems.append(f"{size}: the scan session did not list its devices")
    dlg.import_paths(pages)
    wait_for(lambda: dlg.model.rowCount() == 2 and not dlg.busy)
    device = dlg.scan_device() if dlg.device.count() else None
    if device is None:
        problems.append(f"{size}: no SANE test device for the scan session")
    else:
        device.scanner.before_page = lambda dev, i: setattr(
            dev, "test_picture", "Solid white" if i == 1 else "Color pattern")
        dlg.source.setCurrentIndex(dlg.source.findData("feeder"))
        dlg.pages_limit.setValue(3)
        dlg.start_scan()
        wait_for(lambda: dlg.last_result is not None and not dlg.busy, 60_000)
    wait_for(lambda: dlg.last_size is not None, 20_000)
    settle(600)
    check_fits(dlg, dlg.save_button, dlg.close_button, dlg.scan_button)

    def grab(name: str) -> None:
        settle(300)
        path = out / f"scan-{size}-{name}.png"
        QApplication.primaryScreen().grabWindow(0).save(str(path), "PNG")
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    grab("session")
    wait_for(lambda: len(dlg.preset_sizes.get(dlg._signature(), {})) == 5, 30_000)
    dlg.preset.showPopup()
    settle(400)
    grab("compression-sizes")
    dlg.preset.hidePopup()
    if device is not None:          # a jam after one page: the question, then the message
        device.scanner.before_page = lambda dev, i: setattr(
            dev, "read_return_value", "SANE_STATUS_JAMMED" if i >= 1 else "Default")
        shown: list = []
        dlg.handler.dialog_shown.connect(shown.append)
        dlg.last_result = None
        dlg.start_scan()
        if wait_for(lambda: bool(shown), 30_000):
            settle(500)
            grab("jam-question")
            box = shown[0]
            QTimer.singleShot(0, box.reject)
        wait_for(lambda: dlg.last_result is not None and not dlg.busy, 60_000)
        wait_for(lambda: dlg.last_size is not None and "…" not in dlg.size_label.text(), 20_000)
        settle(400)
        grab("jam-kept")
        device.scanner.before_page = None
    dlg.profile.setCurrentIndex(dlg.profile.findData("certificate"))
    settle(300)
    if not dlg.lock_label.isVisible():
        problems.append(f"{size}: the locked profile is not shown locked")
    dlg.model.clear()
    dlg.done(0)
    QTest.qWait(100)
    QApplication.instance().removeTranslator(keep)
    return problems


if __name__ == "__main__":
    if "--signing" in sys.argv[1:]:
        raise SystemExit(signing_main(sys.argv[1:]))
    raise SystemExit(main())
