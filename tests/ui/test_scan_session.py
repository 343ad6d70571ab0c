"""The scan session on the real SANE ``test`` backend (a private SANE_CONFIG_DIR, see
tests/scanning/conftest.py) and the real import path: thumbnails as pages arrive, keyboard edits
that change the saved PDF, cancel / jam / empty feeder keeping the pages, a blank page flagged,
and Save attaching the PDF to the intake's component."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

import tests.scanning.conftest as sane_conf  # noqa: F401 — sets SANE_CONFIG_DIR before sane.init
from desk_app.ui.qt import QApplication, QEvent, QMessageBox, Qt

DEV = "sane:test:0"
# small, fast pages: the administrator's profile file of this desk (the real override mechanism)
PROFILES = """
[form]
dpi = 75
width_mm = 50
height_mm = 60

[certificate]
dpi = 75
width_mm = 50
height_mm = 60
"""


@pytest.fixture
def scan_desk(desk_dir: Path) -> Path:
    (desk_dir / "scan_profiles.toml").write_text(PROFILES, encoding="utf-8")
    (desk_dir / "scanners.json").write_text(
        '{"sane_extra": {"sane:test:0": {"read_return_value": "Default",'
        ' "test_picture": "Color pattern"}}}', encoding="utf-8")
    return desk_dir


@pytest.fixture
def session(qtbot, scan_desk):
    from desk_app.ui import i18n
    from desk_app.ui.scan_session import ScanSessionDialog

    i18n.install("vi")
    dlg = ScanSessionDialog(scan_desk, "Tờ khai đăng ký khai sinh", default_profile="form")
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.devices_loaded and not dlg.busy, timeout=20_000)
    dlg.device.setCurrentIndex(dlg.device.findData(DEV))
    yield dlg
    if dlg.isVisible():
        dlg.model.clear()
        dlg.done(0)
    dlg.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _scan(qtbot, dlg, pages: int, source: str = "feeder") -> None:
    dlg.source.setCurrentIndex(dlg.source.findData(source))
    dlg.pages_limit.setValue(pages)
    _activate(qtbot, dlg)
    qtbot.keyClick(dlg.pages_view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dlg.last_result is not None and not dlg.busy, timeout=60_000)


def _activate(qtbot, dlg) -> None:
    """Shortcuts work in the active window (after a device question it must be ours again)."""
    dlg.activateWindow()
    dlg.pages_view.setFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg)


def _save(qtbot, dlg) -> Path:
    got = []
    _activate(qtbot, dlg)
    dlg.saved.connect(got.append)
    qtbot.keyClick(dlg.pages_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(got), timeout=60_000)
    return got[0]


def _pdfinfo_pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in out.splitlines() if line.startswith("Pages:")))


def _set_hook(dlg, hook) -> None:
    dlg.scan_device().scanner.before_page = hook


def test_feeder_scan_shows_three_thumbnails_and_saves_three_pages(qtbot, session) -> None:
    seen = []
    session.model.rowsInserted.connect(lambda *_: seen.append(session.model.rowCount()))
    _scan(qtbot, session, 3)
    assert session.model.rowCount() == 3
    assert 1 in seen                                  # a thumbnail came as the first page arrived
    assert session.message.text() == "3 pages scanned." or "3" in session.message.text()
    assert not session.model.data(session.model.index(0, 0),
                                  Qt.ItemDataRole.DecorationRole).isNull()
    qtbot.waitUntil(lambda: session.last_size is not None, timeout=20_000)
    assert session.last_size > 0
    path = _save(qtbot, session)
    assert _pdfinfo_pages(path) == 3
    assert path.parent == session.data_dir / "scan-drafts"


def test_keyboard_reorder_rotate_delete_change_the_pdf(qtbot, session, tmp_path) -> None:
    from PIL import Image

    # three distinguishable imported pages: widths 200, 300, 400 (portrait)
    files = []
    for i, w in enumerate((200, 300, 400)):
        p = tmp_path / f"trang-{i}.png"
        Image.new("RGB", (w, 600), (255, 255, 255)).save(p, dpi=(150, 150))
        files.append(p)
    session.import_paths(files)
    qtbot.waitUntil(lambda: session.model.rowCount() == 3 and not session.busy, timeout=20_000)
    view = session.pages_view
    view.setFocus()
    session.select(0)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)   # 200 → 2nd
    assert session.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_R)                                           # turn it
    session.select(2)
    qtbot.keyClick(view, Qt.Key.Key_Delete)                                      # drop the 400
    assert session.model.rowCount() == 2
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)      # undo
    assert session.model.rowCount() == 3
    session.select(2)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    path = _save(qtbot, session)
    with pikepdf.open(path) as pdf:
        boxes = [tuple(round(float(v)) for v in p.mediabox) for p in pdf.pages]
    # page 1 was the 300 px one; page 2 the 200×600 one turned: now wider than tall
    assert len(boxes) == 2
    w1, h1 = boxes[0][2], boxes[0][3]
    w2, h2 = boxes[1][2], boxes[1][3]
    assert (w1, h1) == (144, 288)            # 300×600 px at 150 dpi
    assert (w2, h2) == (288, 96)             # 200×600 turned → 600×200 px


def test_cancel_keeps_the_pages_already_scanned(qtbot, session) -> None:
    """The clerk presses the session's Hủy while the third sheet is in the scanner."""
    import threading

    reached, clicked = threading.Event(), threading.Event()

    def hook(dev, index):
        if index == 2:
            reached.set()
            clicked.wait(20)          # the scanner thread holds the sheet until the click
    _set_hook(session, hook)
    session.source.setCurrentIndex(session.source.findData("feeder"))
    session.pages_limit.setValue(6)
    session.start_scan()
    qtbot.waitUntil(reached.is_set, timeout=30_000)
    cancel = session.progress.cancel_button
    qtbot.waitUntil(lambda: cancel.isVisible() and cancel.isEnabled(), timeout=10_000)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    clicked.set()
    qtbot.waitUntil(lambda: session.last_result is not None and not session.busy, timeout=30_000)
    assert session.last_result.cancelled
    assert 2 <= session.model.rowCount() <= 3
    assert "kept" in session.message.text() or "giữ lại" in session.message.text()
    assert session.isVisible()                        # Cancel stops the scan, not the session


def test_blank_page_flagged_and_must_be_confirmed(qtbot, session) -> None:
    def hook(dev, index):
        dev.test_picture = "Solid white" if index == 1 else "Color pattern"
    _set_hook(session, hook)
    _scan(qtbot, session, 3)
    assert session.model.rowCount() == 3
    assert session.model.unconfirmed_blanks() == [1]
    assert session.current_row() == 1                   # the cursor is on the flagged page
    label = session.model.page_label(1)          # "Page 2 — blank?" / "Trang 2 — trắng?"
    assert "?" in label and " 2" in label
    qtbot.keyClick(session.pages_view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert session.saved_path is None and session.isVisible()     # Save waits for the clerk
    qtbot.keyClick(session.pages_view, Qt.Key.Key_Space)          # keep it
    assert session.model.unconfirmed_blanks() == []
    path = _save(qtbot, session)
    assert _pdfinfo_pages(path) == 3                               # never dropped silently


def _answer_dialogs(session, answers: list[bool], asked: list[str]) -> None:
    """The clerk answers the device's questions (the real dialogs) in turn."""
    from desk_app.ui.qt import QTimer

    def on_dialog(dlg) -> None:
        asked.append(dlg.text() if isinstance(dlg, QMessageBox) else "")
        ok = answers.pop(0) if answers else False
        (dlg.accept if ok else dlg.reject)()
    session.handler.dialog_shown.connect(lambda d: QTimer.singleShot(0, lambda: on_dialog(d)))


def test_jam_shows_the_message_and_keeps_the_pages(qtbot, session) -> None:
    def hook(dev, index):
        dev.read_return_value = "SANE_STATUS_JAMMED" if index >= 2 else "Default"
    _set_hook(session, hook)
    asked: list[str] = []
    _answer_dialogs(session, [False], asked)                  # the clerk does not go on
    _scan(qtbot, session, 5)
    assert session.model.rowCount() == 2
    assert "Kẹt giấy" in asked[0]
    text = session.message.text()
    assert "Kẹt giấy" in text and "2" in text
    # clear the jam and go on: the pages are appended
    _set_hook(session, None)
    session.last_result = None
    _scan(qtbot, session, 2)
    assert session.model.rowCount() == 4


def test_empty_feeder_message(qtbot, session) -> None:
    _set_hook(session, lambda dev, i: setattr(dev, "read_return_value", "SANE_STATUS_NO_DOCS"))
    asked: list[str] = []
    _answer_dialogs(session, [False], asked)
    _scan(qtbot, session, 2)
    assert session.model.rowCount() == 0
    assert "Khay nạp giấy trống" in session.message.text()
    assert session.scan_button.isEnabled()


def test_scanner_gone_mid_batch_keeps_pages(qtbot, session) -> None:
    _set_hook(session, lambda dev, i: setattr(
        dev, "read_return_value", "SANE_STATUS_IO_ERROR" if i >= 1 else "Default"))
    _scan(qtbot, session, 4)
    assert session.model.rowCount() == 1
    assert "Mất kết nối với máy quét" in session.message.text()
    # plugged back in: Scan goes on in the same session, the first page still there
    _set_hook(session, None)
    session.last_result = None
    _scan(qtbot, session, 1)
    assert session.model.rowCount() == 2 and session.last_result.ok


def test_test_scanner_button(qtbot, session) -> None:
    qtbot.mouseClick(session.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not session.busy and session.message.isVisible(), timeout=30_000)
    assert "answers" in session.message.text() or "hoạt động" in session.message.text()
    assert session.message.styleSheet() != "color: #b3261e;"
    assert session.model.rowCount() == 0            # a test page is not a page of the session


def test_manual_duplex_interleaves(qtbot, session) -> None:
    asked: list[str] = []
    _answer_dialogs(session, [True], asked)
    _scan(qtbot, session, 2, source="manual_duplex")
    assert "lật cả xấp giấy" in asked[0]
    sides = [session.model.page(i).side for i in range(session.model.rowCount())]
    assert sides == ["front", "back", "front", "back"]


def test_import_refusal_is_shown_and_good_files_are_kept(qtbot, session, tmp_path, scan_png) -> None:
    empty = tmp_path / "rong.pdf"
    empty.write_bytes(b"")
    session.import_paths([scan_png, empty])
    qtbot.waitUntil(lambda: not session.busy and session.message.isVisible(), timeout=20_000)
    assert session.model.rowCount() == 1
    assert "rong.pdf" in session.message.text() and "0 byte" in session.message.text()


def test_locked_profile_is_shown_locked(qtbot, scan_desk) -> None:
    from desk_app.ui.scan_session import ScanSessionDialog

    (scan_desk / "scan_profiles.toml").write_text(PROFILES + "locked = true\n", encoding="utf-8")
    dlg = ScanSessionDialog(scan_desk, "CCCD", default_profile="certificate")
    try:
        dlg.show()
        qtbot.waitUntil(lambda: not dlg.busy, timeout=20_000)
        assert dlg.lock_label.isVisible() and not dlg.source.isEnabled()
        assert "khóa" in dlg.profile.currentText() or "locked" in dlg.profile.currentText()
    finally:
        dlg.done(0)


def test_remembers_the_last_device(qtbot, session, scan_desk) -> None:
    from desk_app.services.scanning import session as svc

    _scan(qtbot, session, 1)
    assert svc.last_device(scan_desk) == DEV


def test_imported_pdf_pages_turned_and_cropped_without_rasterising(qtbot, session, tmp_path) -> None:
    from PIL import Image

    src = tmp_path / "hai-trang.pdf"
    imgs = [Image.new("RGB", (300, 420), c) for c in ((250, 250, 250), (240, 240, 200))]
    imgs[0].save(src, "PDF", resolution=100, save_all=True, append_images=imgs[1:])
    session.import_paths([src])
    qtbot.waitUntil(lambda: session.model.rowCount() == 2 and not session.busy, timeout=20_000)
    assert session.model.page(0).is_pdf
    thumb = session.model.data(session.model.index(0, 0), Qt.ItemDataRole.DecorationRole)
    assert not thumb.isNull() and thumb.height() > thumb.width()      # drawn from the PDF page
    view = session.pages_view
    view.setFocus()
    session.select(0)
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)    # anticlockwise
    session.select(1)
    qtbot.keyClick(view, Qt.Key.Key_C)
    crop = session.crop_dialog
    qtbot.waitUntil(crop.isVisible)
    crop.spins[0].setValue(10)                                               # 10 % off the left
    crop.spins[3].setValue(20)                                               # 20 % off the bottom
    crop.accept()
    assert session.model.page(1).cropped
    path = _save(qtbot, session)
    with pikepdf.open(path) as pdf:
        assert int(pdf.pages[0].obj.get("/Rotate", 0)) % 360 == 270
        box = [float(v) for v in pdf.pages[1].obj.CropBox]
        media = [float(v) for v in pdf.pages[1].mediabox]
        assert round(box[0] - media[0]) == round(0.1 * (media[2] - media[0]))
        assert round(box[1] - media[1]) == round(0.2 * (media[3] - media[1]))
        assert len(pdf.pages) == 2


def test_ocr_checkbox_adds_the_text_layer_off_the_gui_thread(qtbot, session, tmp_path) -> None:
    if __import__("shutil").which("ocrmypdf") is None:
        pytest.fail("ocrmypdf missing: run installer/setup.sh (ocrmypdf, tesseract-ocr-vie)")
    from PIL import Image, ImageDraw, ImageFont

    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    img = Image.new("L", (1240, 600), 255)
    d = ImageDraw.Draw(img)
    d.text((60, 200), "ĐĂNG KÝ KHAI SINH", fill=0,
           font=ImageFont.truetype(font, 64) if Path(font).exists() else None)
    page = tmp_path / "chu.png"
    img.save(page, dpi=(150, 150))
    session.import_paths([page])
    qtbot.waitUntil(lambda: session.model.rowCount() == 1 and not session.busy, timeout=20_000)
    session.preset.setCurrentIndex(session.preset.findData("gray_jpeg"))
    session.ocr.setChecked(True)
    ticks = []
    from desk_app.ui.qt import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    path = _save(qtbot, session)
    timer.stop()
    assert len(ticks) > 5                             # the event loop ran while OCR worked
    assert session.ocr_text is not None and "KHAI SINH" in session.ocr_text.upper()
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "KHAI" in out.upper()


def test_size_shown_for_every_compression_before_saving(qtbot, session, scan_png) -> None:
    session.import_paths([scan_png, scan_png])
    qtbot.waitUntil(lambda: session.model.rowCount() == 2 and not session.busy, timeout=20_000)
    sig = session._signature()
    qtbot.waitUntil(lambda: len(session.preset_sizes.get(sig, {})) == 5, timeout=30_000)
    sizes = session.preset_sizes[sig]
    assert sizes["bw_g4"] < sizes["color_jpeg"]
    texts = [session.preset.itemText(i) for i in range(session.preset.count())]
    assert all(" — " in t and ("KB" in t or "MB" in t) for t in texts), texts
    # choosing another compression shows its size at once (no new computation needed)
    session.preset.setCurrentIndex(session.preset.findData("color_jpeg"))
    qtbot.waitUntil(lambda: session.last_size == sizes["color_jpeg"], timeout=5_000)
    path = _save(qtbot, session)
    assert path.stat().st_size == sizes["color_jpeg"]


def test_sources_the_device_lacks_are_greyed_out(qtbot, session) -> None:
    qtbot.waitUntil(lambda: session.device_sources != () and not session.busy, timeout=20_000)
    assert set(session.device_sources) == {"flatbed", "feeder", "manual_duplex"}
    model = session.source.model()
    enabled = {session.source.itemData(i): model.item(i).isEnabled()
               for i in range(session.source.count())}
    assert enabled == {"flatbed": True, "feeder": True, "duplex": False, "manual_duplex": True}
