"""The ways in: the “Ký số” menu by role, the dossier detail's buttons on a real dossier's result."""
from __future__ import annotations

import pytest

from desk_app.ui.qt import QDialog
from tests.ui.signing_helpers import (  # noqa: F401 — fixtures
    signing_qm_dir, signing_vi,
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


def test_detail_buttons_sign_and_check_a_result(qtbot, ctx, open_window):
    w = open_window("binh")
    code = ctx.store.conn.execute(
        "SELECT d.code FROM dossiers d JOIN attachments a ON a.dossier_id = d.id"
        " WHERE a.kind = 'result' AND a.mime = 'application/pdf' LIMIT 1").fetchone()[0]
    from desk_app.services.intake import receipt

    receipt.render(ctx, code, "01", store_as_attachment=True)      # a real PDF in the dossier
    detail = w.open_code(code)
    qtbot.waitUntil(lambda: detail is not None and detail.isVisible())
    buttons = detail.signing_buttons
    assert buttons.sign_button.isVisible() and buttons.verify_button.isVisible()
    assert buttons.sign_button.text() == "Ký số…"
    buttons.sign_button.click()
    qtbot.waitUntil(lambda: buttons.opened is not None, timeout=20_000)
    dlg = buttons.opened
    names = [r.path.name for r in dlg.docs.rows]
    results = [a.filename for a in detail.dossier.attachments if a.kind == "result"]
    assert names and set(names) <= set(results) | {a.filename for a in detail.dossier.attachments}
    assert all(r.path.read_bytes().startswith(b"%PDF") for r in dlg.docs.rows)
    assert dlg.out_edit.text().endswith(code)
    dlg.close()

    view = detail.tabs.widget(1)
    row = next(i for i, a in enumerate(detail.dossier.attachments) if a.kind == "receipt")
    view.selectRow(row)
    buttons.opened = None
    buttons.verify_button.click()
    qtbot.waitUntil(lambda: buttons.opened is not None, timeout=20_000)
    v = buttons.opened
    qtbot.waitUntil(lambda: v.report is not None or "KHÔNG" in v.verdict.text(), timeout=30_000)
    assert code in v.file_label.text()
    assert "KHÔNG CÓ CHỮ KÝ" in v.verdict.text()          # the receipt is not signed yet
    v.close()
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
