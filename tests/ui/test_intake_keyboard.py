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
from desk_app.ui.qt import QApplication, Qt

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




def test_whole_intake_by_keyboard(qtbot, window, ctx, keys, scan_png, tmp_path, monkeypatch):
    seed_returning_applicant(ctx)
    window.model.reload()
    before = len(dossiers.list_recent(ctx, limit=1000))
    monkeypatch.setattr(dialogs, "open_files", lambda *a, **k: [scan_png])   # the file dialog only
    pdf_target = tmp_path / "receipt.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: pdf_target)

    # Ctrl+N opens the intake screen with the cursor in the procedure finder.
    keys.press(focused(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, "Ctrl+N")
    qtbot.waitUntil(lambda: window.intake is not None and window.intake.isVisible())
    form = window.intake
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.finder.edit)

    # 1. procedure: words of the name, no diacritics; Down until birth registration, Enter.
    keys.type(focused(), "khai sinh")
    codes = [form.finder.model.procedure(r).code for r in range(form.finder.model.rowCount())]
    assert BIRTH_PROCEDURE in codes, codes
    for _ in range(codes.index(BIRTH_PROCEDURE)):
        keys.press(focused(), Qt.Key.Key_Down, note="Down")
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

    # 3. components: Alt+3, Space ticks, Down moves; three ticked; Ctrl+O attaches the scan to row 2.
    keys.press(focused(), Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier, "Alt+3")
    assert focused() is form.table
    for row in range(3):
        if row:
            keys.press(focused(), Qt.Key.Key_Down, note="Down")
        keys.press(focused(), Qt.Key.Key_Space, note="Space")
        if row == 1:
            keys.press(focused(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier, "Ctrl+O")
            keys.dialog_picks += 1
    ticked = [r for r in form.components.rows() if r.received]
    assert len(ticked) == 3, [(r.seq, r.received) for r in form.components.rows()]
    assert form.components.row(1).files == [scan_png]

    # 4. save: Ctrl+S. "Đã lưu" only after intake.receive returned.
    keys.press(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier, "Ctrl+S")
    assert form.dossier is not None, form.banner.text()
    assert form.banner.text() == "Đã lưu."
    code = form.dossier.code
    assert code in form.result.text() and "Hẹn trả" in form.result.text()
    stored = dossiers.get(ctx, code)
    assert stored.status == DossierStatus.RECEIVED
    assert stored.applicant.full_name == STORED_NAME
    assert len(stored.components) == 3
    scans = [a for a in stored.attachments if a.kind == "scan"]
    assert [a.filename for a in scans] == [scan_png.name] and scans[0].component_seq == form.components.row(1).seq
    assert len(dossiers.list_recent(ctx, limit=1000)) == before + 1
    assert any(r.code == code for r in sync_control.queue(ctx)), "a received dossier is queued for the province"

    # 5. receipt: Ctrl+Shift+S saves the PDF (the save dialog is the only patched call).
    keys.press(focused(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
               "Ctrl+Shift+S")
    keys.dialog_picks += 1
    pdf = pdf_target.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(pdf_target), "-"], capture_output=True, text=True, check=True).stdout
    assert code in text

    # The list in the main window shows the new dossier.
    qtbot.waitUntil(lambda: any(window.model.dossier(r).code == code for r in range(window.model.rowCount())))

    print(f"\nKEY PRESSES for a birth registration (3 components, 1 scan): clerk={keys.clerk}, "
          f"QR reader={keys.scanner}, file-dialog picks={keys.dialog_picks}")
    print("\n".join(keys.log))
    assert keys.clerk <= 30, "a typical intake must stay short"
