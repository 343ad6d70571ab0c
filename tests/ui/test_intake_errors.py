"""Bad input and failing storage: a clear Vietnamese message, nothing saved, nothing typed lost."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from desk_app.domain.models import DossierStatus
from desk_app.services import dossiers, sync_control
from desk_app.ui import dialogs
from desk_app.ui.intake_form import IntakeForm
from desk_app.ui.qt import Qt
from tests.ui.conftest import type_text

VALID_ID = "001090012345"


@pytest.fixture
def form(qtbot, ctx, window):
    f = window.new_intake()
    qtbot.waitExposed(f)
    return f


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
        assert form.dossier is None
        assert form.banner.isVisible() and form.banner.text(), "the clerk must be told"
        assert "Đã lưu" not in form.banner.text()
        assert snapshot(form) == kept
        assert len(dossiers.list_recent(ctx, limit=1000)) == before
    finally:
        blobs.unlink()
        moved.rename(blobs)
    # The disk is back: the same form saves, exactly once.
    qtbot.keyClick(form.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
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
    text = subprocess.run(["pdftotext", str(pdf_target), "-"], capture_output=True, text=True, check=True).stdout
    assert code in text and "TỪ CHỐI" in text.upper()
