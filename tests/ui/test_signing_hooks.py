"""The ways in: the “Ký số” menu by role, the dossier detail's buttons on a real dossier's result."""
from __future__ import annotations

import pytest

from desk_app.ui.qt import QDialog
from tests.ui.signing_helpers import (  # noqa: F401 — fixtures
    hsm, pki, signing_desk, signing_qm_dir, signing_vi, type_pin,
)


@pytest.fixture
def open_window(qtbot, ctx, qloop):
    """The main window as ``login`` (like conftest's ``window``), destroyed before the store closes."""
    from desk_app.ui.main_window import MainWindow
    from desk_app.ui.qt import QApplication, QEvent
    from tests.ui.conftest import gui_session

    made = []

    def _open(login):
        w = MainWindow(ctx, gui_session(ctx, login))
        w.show()
        qtbot.waitExposed(w)
        made.append(w)
        return w
    yield _open
    for w in made:
        w.shutdown()
        for child in w.findChildren(QDialog):
            child.hide()
        w.hide()
        w.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


@pytest.mark.parametrize("login, visible", [
    ("binh", {"sign", "verify", "certify", "certbook"}),     # the signing officer
    ("hoa", {"verify"}),                                     # a clerk may only check
])
def test_signing_menu_follows_the_role(open_window, login, visible):
    w = open_window(login)
    menu = w.signing_menu
    assert {k for k, a in menu.actions.items() if a.isVisible()} == visible
    assert menu.menu.menuAction().isVisible()
    assert menu.menu.title() == "&Ký số"
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("&Ký số") == titles.index(w.menu_lang.title()) - 1   # before Language


def test_detail_signs_a_receipt_into_a_new_version_and_checks_it(qtbot, ctx, open_window,
                                                                  monkeypatch, hsm, signing_desk):
    from desk_app.services.intake import receipt

    monkeypatch.setenv("DESK_PKCS11_LIB", hsm.lib)
    w = open_window("binh")
    code = ctx.store.conn.execute("SELECT code FROM dossiers ORDER BY id LIMIT 1").fetchone()[0]
    receipt.render(ctx, code, "01", store_as_attachment=True)      # a real PDF in the dossier
    detail = w.open_code(code)
    qtbot.waitUntil(lambda: detail is not None and detail.isVisible())
    buttons = detail.signing_buttons
    assert buttons.sign_button.isVisible() and buttons.verify_button.isVisible()
    assert buttons.sign_button.text() == "Ký số…"
    n_before = len(detail.dossier.attachments)
    view = detail.tabs.widget(1)
    row = next(i for i, a in enumerate(detail.dossier.attachments) if a.kind == "receipt")
    view.selectRow(row)

    buttons.sign_button.click()
    qtbot.waitUntil(lambda: buttons.opened is not None, timeout=20_000)
    dlg = buttons.opened
    assert dlg.docs.dossier_mode and len(dlg.docs.rows) == 1
    assert dlg.docs.index(0, 0).data().startswith(code)
    assert not dlg.out_edit.isVisible() and dlg.dossier_note.isVisible()
    qtbot.waitUntil(lambda: dlg.selected_cert() is not None, timeout=20_000)
    with qtbot.waitSignal(dlg.batch_finished, timeout=60_000) as done:
        dlg.sign_button.click()
        type_pin(qtbot, dlg.handler)
    report = done.args[0]
    assert report is not None and len(report.signed) == 1, dlg.status.text()
    assert dlg.docs.rows[0].state == "signed" and "phiên bản" in dlg.docs.rows[0].note
    qtbot.waitUntil(lambda: len(detail.dossier.attachments) == n_before + 1)   # old version kept
    dlg.close()

    signed = next(i for i, a in enumerate(detail.dossier.attachments)
                  if a.sha256 == report.signed[0].sha256)
    view.selectRow(signed)
    buttons.opened = None
    buttons.verify_button.click()
    qtbot.waitUntil(lambda: buttons.opened is not None, timeout=20_000)
    v = buttons.opened
    qtbot.waitUntil(lambda: v.report is not None, timeout=30_000)
    assert code in v.file_label.text()
    assert v.verdict_ok is True and "HỢP LỆ" in v.verdict.text()
    exported = v.path
    assert exported.exists()
    v.close()
    assert not exported.exists()                           # the exported copy is removed
    detail.close()


def test_detail_without_a_chosen_pdf_says_so(qtbot, ctx, open_window):
    w = open_window("binh")
    code = ctx.store.conn.execute("SELECT code FROM dossiers LIMIT 1").fetchone()[0]
    detail = w.open_code(code)
    qtbot.waitUntil(lambda: detail is not None and detail.isVisible())
    detail.tabs.widget(1).clearSelection()
    detail.signing_buttons.verify_button.click()
    assert "Hãy chọn một tệp PDF" in detail.message.text()
    detail.close()


def test_detail_certified_copy_of_a_scan(qtbot, ctx, open_window, monkeypatch, hsm, signing_desk):
    """The selected scan opens the certified-copy dialog for this dossier (applicant filled in,
    pages and fee shown); a scan that is not a readable PDF is refused in words."""
    monkeypatch.setenv("DESK_PKCS11_LIB", hsm.lib)
    w = open_window("binh")
    code = ctx.store.conn.execute(
        "SELECT d.code FROM dossiers d JOIN attachments a ON a.dossier_id = d.id"
        " WHERE a.kind = 'scan' AND a.mime = 'application/pdf' LIMIT 1").fetchone()[0]
    detail = w.open_code(code)
    qtbot.waitUntil(lambda: detail is not None and detail.isVisible())
    row = next(i for i, a in enumerate(detail.dossier.attachments) if a.kind == "scan")
    detail.tabs.widget(1).selectRow(row)
    detail.signing_buttons.certify_button.click()
    qtbot.waitUntil(lambda: detail.signing_buttons.opened is not None, timeout=20_000)
    c = detail.signing_buttons.opened
    assert c.dossier == code and c.applicant.text() == detail.dossier.applicant.full_name
    assert c.scan is not None and c.scan.exists()
    qtbot.waitUntil(lambda: c.officer_certs.rowCount() > 0 and c.next_number is not None,
                    timeout=20_000)
    c.document.setText("Giấy khai sinh")
    assert c.pages >= 1 and c.fee_label.text().endswith("đ")
    assert c.sign_button.isEnabled()
    junk = c.scan.with_name("not-a-pdf.pdf")
    junk.write_bytes(b"not a pdf")
    c.set_scan(junk)                        # an unreadable scan: refused in words
    assert "Không đọc được tệp này" in c.status.text() and not c.sign_button.isEnabled()
    c.close()
    detail.close()
