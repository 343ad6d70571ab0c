"""A whole intake driven by the keyboard only, as a clerk does it at the desk.

Keys go to whatever widget has the focus (QApplication.focusWidget), so the test also proves the
focus moves where the clerk expects after each step. The key presses are counted (KeyCounter)
and printed: that figure is the one quoted in docs/clerk-guide.md.
"""
from __future__ import annotations

import subprocess
from desk_app.domain.models import Applicant, ComponentForm, DossierComponent, DossierStatus
from desk_app.services import catalog, dossiers, intake, sync_control
from desk_app.ui import dialogs
from desk_app.ui.qt import QApplication, QPrinter, QSpinBox, Qt

# ID 001090012345: Hà Nội (001), male born in the 1900s (0), year 90. A wedge reader lost the diacritics.
QR_PAYLOAD = "001090012345|123456789|Nguyen Van An|15031990|Nam|So 12 Tran Phu, xa Tan Phong, tinh Lai Chau|20052021"
STORED_NAME = "Nguyễn Văn An"
BIRTH_PROCEDURE = "1.001193"


def focused():
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def seed_returning_applicant(ctx) -> None:
    """The applicant came before (typed with diacritics): an earlier real intake stored them."""
    proc = catalog.get_procedure(ctx, "2.000635")
    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in proc.components if c.required]
    intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number="001090012345", full_name=STORED_NAME, phone="0912345678",
                            address="Số 12 Trần Phú, xã Tân Phong, tỉnh Lai Châu"),
        components=comps))




def test_whole_intake_by_keyboard(qtbot, form, ctx, keys, scan_png, tmp_path, monkeypatch):
    """Ctrl+N from the list is the main window's (one key, counted); from the intake screen on,
    every key goes to the focused widget, through to the paper (a PDF printer here)."""
    from desk_app.ui import receipt_preview

    seed_returning_applicant(ctx)
    before = len(dossiers.list_recent(ctx, limit=1000))
    monkeypatch.setattr(dialogs, "open_files", lambda *a, **k: [scan_png])   # the file dialog only
    printed = tmp_path / "printed.pdf"
    real_printer = receipt_preview.make_printer

    def pdf_printer():
        p = real_printer()
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(printed))
        return p
    monkeypatch.setattr(receipt_preview, "make_printer", pdf_printer)

    keys.clerk += 1                      # Ctrl+N in the main window opens this screen
    keys.log.append("key Ctrl+N (main window)")
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.finder.edit)

    # 1. procedure: words of the name, no diacritics; Down until birth registration, Enter.
    keys.type(focused(), "khai sinh")
    codes = [form.finder.model.procedure(r).code for r in range(form.finder.model.rowCount())]
    assert codes[0] == BIRTH_PROCEDURE, codes
    keys.press(focused(), Qt.Key.Key_Return, note="Enter")
    assert form.procedure is not None and form.procedure.code == BIRTH_PROCEDURE
    assert "Đăng ký khai sinh" in form.procedure_info.text()

    # 2. applicant: the USB reader types the QR payload and Enter into the focused QR field.
    assert focused() is form.qr
    keys.scan(focused(), QR_PAYLOAD)
    assert form.id_number.text() == "001090012345"
    assert form.full_name.text() == STORED_NAME, "stored name with diacritics must win over the lossy QR"
    assert form.birth_date.text() == "15/03/1990" and form.sex.currentText() == "Nam"
    assert form.phone.text() == "0912345678"
    assert not form.id_error.isVisible()
    assert focused() is form.phone

    # 3. components of an ORDINARY birth: declaration (1), birth certificate (2) with its scan,
    # the applicant's ID (4). Row 3 (abandoned child's record) stays unticked.
    keys.press(focused(), Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier, "Alt+3")
    assert focused() is form.table
    keys.press(focused(), Qt.Key.Key_Space, note="Space")
    keys.press(focused(), Qt.Key.Key_Down, note="Down")
    keys.press(focused(), Qt.Key.Key_Space, note="Space")
    keys.press(focused(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier, "Ctrl+O")
    keys.dialog_picks += 1
    keys.press(focused(), Qt.Key.Key_Down, note="Down")
    keys.press(focused(), Qt.Key.Key_Down, note="Down")
    keys.press(focused(), Qt.Key.Key_Space, note="Space")
    ticked = [r.seq for r in form.components.rows() if r.received]
    assert ticked == [1, 2, 4], ticked
    assert form.components.row(1).files == [scan_png]

    # 4. save: Ctrl+S. "Đã lưu" only after intake.receive returned on the worker.
    keys.press(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier, "Ctrl+S")
    assert not form.save_button.isEnabled(), "no second save while the first runs"
    qtbot.waitUntil(lambda: form.dossier is not None, timeout=10_000)
    assert form.banner.text() == "Đã lưu."
    code = form.dossier.code
    assert code in form.result.text() and "Hẹn trả" in form.result.text()
    stored = dossiers.get(ctx, code)
    assert stored.status == DossierStatus.RECEIVED
    assert stored.applicant.full_name == STORED_NAME
    assert [c.seq for c in stored.components] == [1, 2, 4]
    scans = [a for a in stored.attachments if a.kind == "scan"]
    assert [a.filename for a in scans] == [scan_png.name] and scans[0].component_seq == 2
    assert len(dossiers.list_recent(ctx, limit=1000)) == before + 1
    assert any(r.code == code for r in sync_control.queue(ctx)), "a received dossier is queued for the province"

    # 5. print on paper: Ctrl+P (preview), Ctrl+P (print dialog, 2 copies), Enter (print).
    assert focused() is form.print_button
    keys.press(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier, "Ctrl+P")
    qtbot.waitUntil(lambda: form.preview_dialog is not None and form.preview_dialog.isVisible(), timeout=10_000)
    preview = form.preview_dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is preview.print_button)
    keys.press(focused(), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier, "Ctrl+P (preview)")
    qtbot.waitUntil(lambda: preview.chooser is not None and preview.chooser.isVisible())
    chooser = preview.chooser
    copies = [s for s in chooser.findChildren(QSpinBox) if s.objectName() == "copies"]
    assert copies and copies[0].value() == 2, "the slip is made in 2 copies"
    chooser.activateWindow()          # what the window manager does for a new modal dialog
    qtbot.waitUntil(lambda: chooser.isAncestorOf(QApplication.focusWidget() or form))
    keys.press(focused(), Qt.Key.Key_Return, note="Enter (print dialog)")
    qtbot.waitUntil(printed.exists, timeout=10_000)
    assert preview.last_printer.copyCount() == 2
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(printed)], capture_output=True, text=True, check=True).stdout
    assert "Pages:          1" in info or "Pages:           1" in info, info
    # the printed copy is kept with the dossier (a preview alone keeps nothing)
    qtbot.waitUntil(lambda: any(a.kind == "receipt" for a in dossiers.get(ctx, code).attachments), timeout=10_000)
    del text

    print(f"\nKEY PRESSES for a birth registration (3 components, 1 scan, printed): clerk={keys.clerk}, "
          f"QR reader={keys.scanner}, file-dialog picks={keys.dialog_picks}")
    print("\n".join(keys.log))
    assert keys.clerk == CLERK_KEYS, keys.log


# The figure quoted in docs/clerk-guide.md and desk_app/ui/README.md.
CLERK_KEYS = 23
