"""Bad input and failing storage: a clear Vietnamese message, nothing saved, nothing typed lost."""
from __future__ import annotations

import subprocess

import pytest

from desk_app.domain.models import DossierStatus
from desk_app.services import dossiers, sync_control
from desk_app.ui import dialogs
from desk_app.ui.intake_form import IntakeForm
from desk_app.ui.qt import Qt
from tests.ui.intake_helpers import wait_idle
from tests.ui.keyboard import type_text

VALID_ID = "001090012345"


def pick_birth_registration(qtbot, form: IntakeForm) -> None:
    qtbot.keyClicks(form.finder.edit, "1.001193")
    qtbot.keyClick(form.finder.edit, Qt.Key.Key_Return)
    assert form.procedure is not None and form.procedure.code == "1.001193"


def type_applicant(qtbot, form: IntakeForm, id_number: str = VALID_ID) -> None:
    type_text(qtbot, form.id_number, id_number)
    type_text(qtbot, form.full_name, "Trần Thị Bích")
    type_text(qtbot, form.phone, "0987654321")
    type_text(qtbot, form.address, "Thôn Nà Khum, xã Tân Phong")


def snapshot(form: IntakeForm) -> dict:
    return {"id": form.id_number.text(), "name": form.full_name.text(), "phone": form.phone.text(),
            "address": form.address.text(), "procedure": form.procedure.code if form.procedure else None,
            "ticked": [r.received for r in form.components.rows()],
            "files": [list(r.files) for r in form.components.rows()]}


def test_bad_id_number_shows_live_message_and_blocks_save(qtbot, form, ctx):
    before = len(dossiers.list_recent(ctx, limit=1000))
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form, id_number="12345")
    assert form.id_error.isVisible()
    assert "12" in form.id_error.text() and "số" in form.id_error.text()   # Vietnamese, says what is wrong
    kept = snapshot(form)
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is None
    assert "Vui lòng sửa" in form.banner.text()
    assert snapshot(form) == kept
    assert len(dossiers.list_recent(ctx, limit=1000)) == before
    # Fixing the one field is enough: the rest is still there.
    form.id_number.clear()
    qtbot.keyClicks(form.id_number, VALID_ID)
    assert not form.id_error.isVisible()


@pytest.mark.parametrize("payload, words", [
    ("https://dichvucong.gov.vn/p/home", "đường dẫn web"),
    ("00020101021238570010A000000727", "ngân hàng"),
    ("079123456|Nguyen Van B", "CMND"),
    ("hello", "Căn cước"),
])
def test_qr_from_another_card_is_refused_clearly(qtbot, form, payload, words):
    qtbot.keyClicks(form.phone, "0912000111")
    qtbot.keyClicks(form.qr, payload)
    qtbot.keyClick(form.qr, Qt.Key.Key_Return)
    assert form.qr_error.isVisible() and words in form.qr_error.text(), form.qr_error.text()
    assert form.id_number.text() == "" and form.phone.text() == "0912000111"


def test_unknown_procedure_cannot_be_saved(qtbot, form):
    qtbot.keyClicks(form.finder.edit, "9.999999")
    assert form.finder.model.rowCount() == 0
    qtbot.keyClick(form.finder.edit, Qt.Key.Key_Return)
    assert form.procedure is None
    type_applicant(qtbot, form)
    qtbot.keyClick(form.full_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is None
    assert form.procedure_error.isVisible() and "chọn thủ tục" in form.procedure_error.text()
    assert form.full_name.text() == "Trần Thị Bích"


def test_disk_refusing_the_write_keeps_the_form(qtbot, form, ctx, desk_dir, scan_png, monkeypatch):
    """A real failure: the blob folder is replaced by a file, so storing the scan fails."""
    monkeypatch.setattr(dialogs, "open_files", lambda *a, **k: [scan_png])
    before = len(dossiers.list_recent(ctx, limit=1000))
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.table.setFocus()
    for row in range(2):
        form.table.setCurrentIndex(form.components.index(row, 0))
        qtbot.keyClick(form.table, Qt.Key.Key_Space)
    qtbot.keyClick(form.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    kept = snapshot(form)
    blobs = ctx.store.blobs.root if hasattr(ctx.store.blobs, "root") else desk_dir / "blobs"
    moved = blobs.with_name("blobs.away")
    blobs.rename(moved)
    blobs.write_bytes(b"not a directory")
    try:
        qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, form)
        assert form.dossier is None
        assert form.banner.isVisible() and form.banner.text(), "the clerk must be told"
        assert "Đã lưu" not in form.banner.text()
        assert snapshot(form) == kept
        assert len(dossiers.list_recent(ctx, limit=1000)) == before
    finally:
        blobs.unlink()
        moved.rename(blobs)
    # The disk is back: the same form saves, exactly once.
    assert form.save_button.isEnabled(), "a failure gives the Save button back"
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is not None, form.banner.text()
    assert form.banner.text() == "Đã lưu."
    assert len(dossiers.list_recent(ctx, limit=1000)) == before + 1


def test_refusal_records_form_03_and_queues_nothing(qtbot, form, ctx, tmp_path, monkeypatch):
    pdf_target = tmp_path / "mau03.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: pdf_target)
    queued_before = {r.code for r in sync_control.queue(ctx)}
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.ask_refuse()
    dialog = form.refuse_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.kind == "supplement", "the common choice is the default"
    dialog.refuse.setChecked(True)
    dialog._accept()   # empty reason: refused with a message
    assert dialog.isVisible() and "lý do" in dialog.error.text()
    type_text(qtbot, dialog.reason, "Không có Giấy chứng sinh và không có văn bản của người làm chứng")
    dialog._accept()
    qtbot.waitUntil(lambda: form.dossier is not None)
    code = form.dossier.code
    stored = dossiers.get(ctx, code)
    assert stored.status == DossierStatus.REFUSED
    assert "Giấy chứng sinh" in stored.note
    assert form.receipt_kind() == "03"
    assert "Đã ghi nhận từ chối" in form.banner.text()
    assert {r.code for r in sync_control.queue(ctx)} == queued_before, "a refusal is not sent as received"
    form.save_pdf()
    qtbot.waitUntil(pdf_target.exists)
    text = subprocess.run(["pdftotext", str(pdf_target), "-"], capture_output=True, text=True, check=True).stdout
    assert code in text and "TỪ CHỐI" in text.upper()


def test_qr_from_a_card_photo(qtbot, form, tmp_path, monkeypatch):
    """The "QR from image…" button: a PNG holding the card's QR (UTF-8, with diacritics) fills the applicant."""
    import segno

    payload = "001090012345|123456789|Nguyễn Văn An|15031990|Nam|Số 12 Trần Phú, xã Tân Phong|20052021"
    image = tmp_path / "cccd.png"
    segno.make(payload, error="m", encoding="utf-8").save(str(image), scale=6, border=4)
    monkeypatch.setattr(dialogs, "open_file", lambda *a, **k: image)
    qtbot.mouseClick(form.qr_image, Qt.MouseButton.LeftButton)
    assert form.id_number.text() == "001090012345", form.qr_error.text()
    assert form.full_name.text() == "Nguyễn Văn An"
    # A photo without a QR: a clear message, nothing filled.
    blank = tmp_path / "blank.png"
    from PIL import Image
    Image.new("L", (300, 200), 255).save(blank)
    form.id_number.clear()
    monkeypatch.setattr(dialogs, "open_file", lambda *a, **k: blank)
    qtbot.mouseClick(form.qr_image, Qt.MouseButton.LeftButton)
    assert "Không tìm thấy mã QR" in form.qr_error.text()
    assert form.id_number.text() == ""


def test_supplement_request_prints_form_02(qtbot, form, ctx):
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.ask_refuse()
    dialog = form.refuse_dialog
    assert dialog.supplement.isChecked()
    type_text(qtbot, dialog.reason, "Bổ sung Giấy chứng sinh bản chính")
    dialog._accept()
    qtbot.waitUntil(lambda: form.dossier is not None)
    assert dossiers.get(ctx, form.dossier.code).status == DossierStatus.WAITING_SUPPLEMENT
    assert form.receipt_kind() == "02"
    assert form.banner.text() == "Đã ghi nhận yêu cầu bổ sung."
    assert form.receipt_pdf().startswith(b"%PDF")


def test_escape_on_a_half_typed_form_asks_first(qtbot, form, monkeypatch):
    from desk_app.ui.qt import QMessageBox
    type_applicant(qtbot, form)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[1]) or answers.pop(0))
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert form.isVisible() and form.full_name.text() == "Trần Thị Bích", "No keeps the form"
    qtbot.keyClick(form.full_name, Qt.Key.Key_Escape)
    assert not form.isVisible()
    assert asked == ["Bỏ hồ sơ đang nhập?"] * 2


def test_returning_applicant_found_by_typed_id_number(qtbot, form, ctx):
    from desk_app.domain.models import Applicant, ComponentForm, DossierComponent
    from desk_app.services import catalog, intake
    proc = catalog.get_procedure(ctx, "2.000635")
    intake.receive(ctx, intake.IntakeRequest(
        procedure_code=proc.code,
        applicant=Applicant(id_number="001090012345", full_name="Đặng Thị Thu", phone="0977000111",
                            address="Bản Mường, xã Tân Phong"),
        components=[DossierComponent(c.seq, c.name, ComponentForm.ORIGINAL, 1) for c in proc.components if c.required]))
    form.id_number.setFocus()
    type_text(qtbot, form.id_number, VALID_ID)
    qtbot.keyClick(form.id_number, Qt.Key.Key_Return)      # Enter: next field, and the look-up
    assert form.full_name.text() == "Đặng Thị Thu"
    assert form.phone.text() == "0977000111" and form.address.text() == "Bản Mường, xã Tân Phong"
    assert "đã từng nộp" in form.applicant_note.text()


def test_certified_copy_fee_follows_the_pages_typed(qtbot, form):
    """Per-page fee with a cap: the pages field appears only for such procedures and drives the fee."""
    pick_birth_registration(qtbot, form)
    assert not form.pages.isEnabled()
    form.finder.edit.clear()
    qtbot.keyClicks(form.finder.edit, "2.000815")
    qtbot.keyClick(form.finder.edit, Qt.Key.Key_Return)
    assert form.procedure is not None and form.procedure.code == "2.000815"
    assert form.pages.isEnabled()
    form.pages.setValue(3)  # 2 × 2.000 đ + 1 × 1.000 đ
    qtbot.waitUntil(lambda: "5.000" in form.fee.text() or "5,000" in form.fee.text())
    form.pages.setValue(500)  # capped at 200.000 đ per copy
    qtbot.waitUntil(lambda: "200.000" in form.fee.text() or "200,000" in form.fee.text())


def test_a_person_without_the_clerk_role_is_refused_by_the_services(qtbot, form, ctx):
    """The GUI hides what a person may not do; the services still refuse it, audited, and the
    form keeps everything typed. thang is a processing officer (docs/it-guide.md)."""
    from tests.ui.conftest import gui_session

    form.session = gui_session(ctx, "thang")
    before = len(dossiers.list_recent(ctx, limit=1000))
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.table.setFocus()
    for row in range(2):
        form.table.setCurrentIndex(form.components.index(row, 0))
        qtbot.keyClick(form.table, Qt.Key.Key_Space)
    kept = snapshot(form)
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is None
    assert "không được phép" in form.banner.text()
    assert snapshot(form) == kept
    assert len(dossiers.list_recent(ctx, limit=1000)) == before
    denied = ctx.store.conn.execute("SELECT actor, entity_id FROM audit_log WHERE action ="
                                    " 'permission.denied'").fetchall()
    assert [tuple(r) for r in denied] == [("thang", "dossier add")]
    # the clerk on the same form saves it
    form.session = gui_session(ctx, "hoa")
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is not None, form.banner.text()
    row = ctx.store.conn.execute("SELECT actor FROM audit_log WHERE action = 'dossier.receive'"
                                 " ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == "hoa"
