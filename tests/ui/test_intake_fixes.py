"""Issue 12 part 7: where a clerk stumbled on the intake screen — each fix under a real widget."""
from __future__ import annotations

from desk_app.domain.models import DossierStatus
from desk_app.services import dossiers
from desk_app.ui.qt import QAbstractItemView, QApplication, QComboBox, QRect, Qt
from tests.ui.intake_helpers import overlaps, wait_idle
from tests.ui.keyboard import type_text
from tests.ui.test_intake_errors import VALID_ID, pick_birth_registration, type_applicant

QR_OK = "001090012345|123456789|Nguyen Van An|15031990|Nam|So 12 Tran Phu|20052021"


def test_opens_at_a_size_that_fits_a_1024x600_screen(form):
    avail = QRect(0, 0, 1024, 570)          # 1024×600 minus a task bar
    geo = form.fit_to_screen(avail)
    assert geo.width() <= 1024 - 16 and geo.height() <= 570 - 40
    assert avail.contains(geo)
    big = form.fit_to_screen(QRect(0, 0, 1920, 1040))
    assert (big.width(), big.height()) == (1360, 860), "scales up on a big screen, centred"
    assert big.center().x() in range(950, 970)


def test_at_1024x600_save_is_reachable_four_rows_show_nothing_overlaps(qtbot, form):
    pick_birth_registration(qtbot, form)
    form.apply_qr = form.applicant_part.apply_qr_payload(QR_OK)
    form.applicant_part.set_error("phone", "Số điện thoại “12” không hợp lệ (10–11 chữ số, bắt đầu bằng 0 hoặc +84).")
    form.applicant_part.note.setText("Đầu đọc làm mất dấu tiếng Việt; hãy sửa họ tên đúng như trên thẻ. " * 2)
    form.resize(1008, 530)
    qtbot.waitUntil(lambda: form.width() == 1008 and form.height() == 530)
    QApplication.processEvents()
    inside = form.rect()
    for button in (form.save_button, form.refuse_button, form.print_button, form.new_button):
        r = QRect(button.mapTo(form, button.rect().topLeft()), button.size())
        assert inside.contains(r), f"{button.objectName()} is off the window: {r} not in {inside}"
    table = form.table
    shown = sum(1 for row in range(form.components.rowCount())
                if table.rowViewportPosition(row) >= 0
                and table.rowViewportPosition(row) + table.rowHeight(row) <= table.viewport().height() + 1)
    assert shown >= 4, f"only {shown} component rows visible"
    assert overlaps(form.body) == []


def test_all_errors_at_once_and_each_clears_when_corrected(qtbot, form):
    pick_birth_registration(qtbot, form)
    type_text(qtbot, form.id_number, VALID_ID)
    type_text(qtbot, form.birth_date, "31/02/1995")
    type_text(qtbot, form.phone, "12")
    type_text(qtbot, form.email, "12345")
    qtbot.keyClick(form.email, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, form)
    assert form.dossier is None
    for label in (form.name_error, form.birth_error, form.phone_error, form.email_error, form.components_error):
        assert label.isVisible() and label.text(), label.objectName()
    assert "không có thật" in form.birth_error.text() and "dạng" not in form.birth_error.text()
    assert "dạng địa chỉ thư" in form.email_error.text()
    banner = form.banner.text()
    assert banner.startswith("Vui lòng sửa") and banner.count("•") >= 5, banner
    # correcting a field clears its error at once (no new Save needed)
    form.birth_date.clear()
    type_text(qtbot, form.birth_date, "28/02/1995")
    assert not form.birth_error.isVisible()
    form.email.clear()
    type_text(qtbot, form.email, "an@example.vn")
    assert not form.email_error.isVisible()
    form.phone.clear()
    type_text(qtbot, form.phone, "0912345678")
    assert not form.phone_error.isVisible()
    type_text(qtbot, form.full_name, "Nguyễn Văn An")
    assert not form.name_error.isVisible()
    form.table.setFocus()
    for row in (0, 1):
        form.table.setCurrentIndex(form.components.index(row, 0))
        qtbot.keyClick(form.table, Qt.Key.Key_Space)
    assert not form.components_error.isVisible()


def test_save_disables_the_button_and_says_saved_only_after_the_commit(qtbot, form, ctx):
    before = len(dossiers.list_recent(ctx, limit=1000))
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.table.setFocus()
    for row in (0, 1):
        form.table.setCurrentIndex(form.components.index(row, 0))
        qtbot.keyClick(form.table, Qt.Key.Key_Space)
    form.save()
    assert form.saving and not form.save_button.isEnabled()
    assert "Đã lưu" not in form.banner.text()
    form.save()                                        # a second Ctrl+S while saving: ignored
    qtbot.waitUntil(lambda: form.dossier is not None, timeout=10_000)
    assert form.banner.text() == "Đã lưu."
    assert len(dossiers.list_recent(ctx, limit=1000)) == before + 1


def test_rejected_qr_is_cleared_and_the_next_scan_is_not_appended(qtbot, form):
    qtbot.keyClicks(form.qr, "https://example.vn/x")
    qtbot.keyClick(form.qr, Qt.Key.Key_Return)
    assert form.qr_error.isVisible() and "đường dẫn web" in form.qr_error.text()
    assert form.qr.text() == "", "a refused scan must not stay in the field"
    qtbot.keyClicks(form.qr, QR_OK)
    assert not form.qr_error.isVisible(), "the next scan starts clean"
    qtbot.keyClick(form.qr, Qt.Key.Key_Return)
    assert form.id_number.text() == VALID_ID


def test_scan_before_a_procedure_is_applied_not_searched(qtbot, form):
    assert QApplication.focusWidget() is form.finder.edit or form.finder.edit.setFocus() is None
    qtbot.keyClicks(form.finder.edit, QR_OK)
    qtbot.keyClick(form.finder.edit, Qt.Key.Key_Return)
    assert form.id_number.text() == VALID_ID and form.full_name.text() == "Nguyen Van An"
    assert form.finder.edit.text() == "" and form.procedure is None
    assert form.banner.isVisible() and "Căn cước" in form.banner.text()
    # a payload that is not a card: refused with its message, not typed into the search
    form.id_number.clear()
    qtbot.keyClicks(form.finder.edit, "079123456|Nguyen Van B")
    qtbot.keyClick(form.finder.edit, Qt.Key.Key_Return)
    assert form.finder.edit.text() == "" and form.id_number.text() == ""
    assert form.qr_error.isVisible() and "CMND" in form.qr_error.text()
    assert form.banner.isVisible()


def test_next_dossier_clears_an_old_qr_error(qtbot, form):
    pick_birth_registration(qtbot, form)
    qtbot.keyClicks(form.qr, "hello")
    qtbot.keyClick(form.qr, Qt.Key.Key_Return)
    assert form.qr_error.isVisible()
    form.ask_refuse()
    form.refuse_dialog.reason.setPlainText("Thiếu Giấy chứng sinh")
    type_applicant(qtbot, form)
    form.refuse_dialog._accept()
    qtbot.waitUntil(lambda: form.dossier is not None, timeout=10_000)
    form.activateWindow()
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.keyClick(form.print_button, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert form.dossier is None
    assert not form.qr_error.isVisible() and form.qr_error.text() == ""
    assert form.id_number.text() == "" and form.finder.edit.text() == ""


def test_refusal_with_an_error_keeps_the_dialog_and_the_reason(qtbot, form, ctx):
    before = len(dossiers.list_recent(ctx, limit=1000))
    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form, id_number="12345")       # a wrong ID number
    form.ask_refuse()
    dialog = form.refuse_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.supplement.isChecked() and not dialog.refuse.isChecked()
    type_text(qtbot, dialog.reason, "Bổ sung Giấy chứng sinh bản chính")
    dialog._accept()
    wait_idle(qtbot, form)
    assert dialog.isVisible(), "the dialog stays open"
    assert dialog.reason.toPlainText() == "Bổ sung Giấy chứng sinh bản chính", "the reason is kept"
    assert "12" in dialog.error.text() and "số" in dialog.error.text(), dialog.error.text()
    assert form.id_error.isVisible()
    assert len(dossiers.list_recent(ctx, limit=1000)) == before
    form.id_number.clear()
    type_text(qtbot, form.id_number, VALID_ID)
    dialog._accept()
    qtbot.waitUntil(lambda: form.dossier is not None, timeout=10_000)
    assert not dialog.isVisible()
    assert dossiers.get(ctx, form.dossier.code).status == DossierStatus.WAITING_SUPPLEMENT


def test_f2_opens_the_form_editor_at_once_with_the_full_text(qtbot, form):
    pick_birth_registration(qtbot, form)
    form.table.setFocus()
    form.table.setCurrentIndex(form.components.index(0, 0))      # the "received" column
    qtbot.keyClick(form.table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: form.table.state() == QAbstractItemView.State.EditingState)
    [editor] = [c for c in form.table.viewport().findChildren(QComboBox) if c.isVisible()]
    for i in range(editor.count()):
        needed = editor.fontMetrics().horizontalAdvance(editor.itemText(i))
        assert editor.width() >= needed + 20, (editor.itemText(i), editor.width(), needed)
    assert editor.currentText() == "Bản chính"
    qtbot.keyClick(editor, Qt.Key.Key_Down)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.table.state() != QAbstractItemView.State.EditingState)
    assert form.components.row(0).form.value == "copy"
    qtbot.waitUntil(lambda: form.table.currentIndex().column() == 0)
    qtbot.keyClick(form.table, Qt.Key.Key_Space)
    assert form.components.row(0).received, "Space ticks again after editing"


def _detail(qtbot, ctx, jobs, code):
    from desk_app.ui.dossier_detail import DossierDetail

    d = DossierDetail(ctx, dossiers.get(ctx, code), jobs=jobs)
    d.show()
    qtbot.waitExposed(d)
    return d


def test_detail_offers_only_the_form_the_status_calls_for_and_preview_stores_nothing(
        qtbot, form, ctx, jobs, tmp_path, monkeypatch):
    from desk_app.ui import dialogs

    pick_birth_registration(qtbot, form)
    type_applicant(qtbot, form)
    form.ask_refuse()
    form.refuse_dialog.refuse.setChecked(True)
    form.refuse_dialog.reason.setPlainText("Không thuộc thẩm quyền của xã")
    form.refuse_dialog._accept()
    qtbot.waitUntil(lambda: form.dossier is not None, timeout=10_000)
    refused = form.dossier.code
    received = next(d.code for d in dossiers.list_recent(ctx, limit=100) if d.status == DossierStatus.RECEIVED)

    detail = _detail(qtbot, ctx, jobs, received)
    assert set(detail.reprint_buttons) == {"01"}, "no Mẫu 03 for an accepted dossier"
    detail.close()
    detail = _detail(qtbot, ctx, jobs, refused)
    assert set(detail.reprint_buttons) == {"03"}
    n_files = len(dossiers.get(ctx, refused).attachments)
    detail.reprint_buttons["03"].click()
    qtbot.waitUntil(lambda: detail.preview_dialog is not None and detail.preview_dialog.isVisible(), timeout=10_000)
    detail.preview_dialog.close()
    assert len(dossiers.get(ctx, refused).attachments) == n_files, "a preview stores nothing"
    target = tmp_path / "mau03.pdf"
    monkeypatch.setattr(dialogs, "save_file", lambda *a, **k: target)
    detail.pdf_button.click()
    qtbot.waitUntil(lambda: len(dossiers.get(ctx, refused).attachments) == n_files + 1, timeout=10_000)
    assert target.read_bytes().startswith(b"%PDF")
    detail.close()
    detail = _detail(qtbot, ctx, jobs, refused)
    kinds = [detail.attachments_model.data(detail.attachments_model.index(r, 1))
             for r in range(detail.attachments_model.rowCount())]
    assert kinds == ["Phiếu từ chối (Mẫu 03)"], kinds
    detail.close()


def test_files_tab_says_what_each_file_is(qapp):
    from desk_app.ui import i18n, labels

    i18n.install("vi")
    assert labels.attachment_kind_label("scan") == "Bản quét giấy tờ"
    assert labels.attachment_kind_label("receipt") == "Giấy tiếp nhận (Mẫu 01)"
    assert labels.attachment_kind_label("form", "mau02-X.pdf") == "Phiếu yêu cầu bổ sung (Mẫu 02)"
    assert "scan" not in labels.attachment_kind_label("scan")


def test_preview_prints_by_keyboard_tab_reaches_print(qtbot, ctx):
    from desk_app.services.intake import receipt
    from desk_app.ui import receipt_preview

    code = dossiers.list_recent(ctx, limit=1)[0].code
    pdf = receipt.render(ctx, code, "01", store_as_attachment=False)
    dialog = receipt_preview.preview(None, pdf, "t")
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.print_button)
    order = []
    for _ in range(5):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget().objectName())
    assert order[-1] == "previewPrint" and "previewClose" in order, order
    qtbot.keyClick(dialog.print_button, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: dialog.chooser is not None and dialog.chooser.isVisible())
    assert dialog.chooser.printer().copyCount() == 2
    dialog.chooser.reject()
    dialog.close()
