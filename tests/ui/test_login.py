"""Login: the dialog on a real demo store (argon2id accounts), and the first start without accounts."""
from __future__ import annotations

from desk_app.domain.models import Role
from desk_app.services import open_desk
from desk_app.services.admin import setup, users
from desk_app.ui import i18n
from desk_app.ui.login import CreateAdminDialog, LoginDialog, dialog_for
from desk_app.ui.qt import Qt


def test_login_ok_with_enter(qtbot, ctx):
    i18n.install("vi")
    d = dialog_for(ctx)
    assert isinstance(d, LoginDialog)
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClicks(d.login, "hoa")
    qtbot.keyClick(d.login, Qt.Key.Key_Tab)
    qtbot.keyClicks(d.password, "demo-clerk")
    qtbot.keyClick(d.password, Qt.Key.Key_Return)          # Enter submits
    qtbot.waitUntil(lambda: d.session is not None)
    assert d.result() == LoginDialog.DialogCode.Accepted
    assert d.session.actor == "hoa" and d.session.face == "gui" and d.session.role == Role.CLERK
    assert d.password.text() == ""


def test_wrong_password_says_so_and_keeps_the_login(qtbot, ctx):
    i18n.install("vi")
    d = LoginDialog(ctx)
    qtbot.addWidget(d)
    d.show()
    d.login.setText("hoa")
    d.password.setText("not-her-password")
    qtbot.keyClick(d.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(d.error.text()))
    assert d.error.text() == "Sai tên đăng nhập hoặc mật khẩu."
    assert d.session is None and d.isVisible()
    assert d.login.text() == "hoa" and d.password.text() == ""
    assert d.password.hasFocus() or d.focusWidget() is d.password


def test_first_start_creates_the_administrator(qtbot, tmp_path):
    i18n.install("vi")
    setup.init_store(tmp_path / "desk", demo=False)
    c = open_desk(tmp_path / "desk")
    try:
        assert users.list_accounts(c) == []
        d = dialog_for(c)
        assert isinstance(d, CreateAdminDialog)
        qtbot.addWidget(d)
        d.show()
        d.login.setText("quantri")
        d.full_name.setText("Trần Văn Quản")
        d.password.setText("mat-khau-quan-tri-1")
        d.password2.setText("mat-khau-khac")
        d.submit()
        assert d.error.text() == "Hai mật khẩu không giống nhau." and d.session is None
        d.password2.setText("mat-khau-quan-tri-1")
        d.submit()
        qtbot.waitUntil(lambda: d.session is not None)
        assert d.session.actor == "quantri" and d.session.role == Role.ADMIN
        [account] = users.list_accounts(c)
        assert (account.login, account.full_name, account.role) == ("quantri", "Trần Văn Quản", Role.ADMIN)
        assert isinstance(dialog_for(c), LoginDialog)      # the next start asks for a login
    finally:
        c.close()


def test_window_asks_for_login_after_log_out(qtbot, window):
    window.log_out()
    assert window.session is None and not window.table.isVisible()
    d = window._login_dialog
    qtbot.waitUntil(d.isVisible)
    d.login.setText("lan")
    d.password.setText("demo-supervisor")
    d.submit()
    qtbot.waitUntil(lambda: window.session is not None)
    assert window.session.actor == "lan" and window.table.isVisible()
    assert "Giám sát" in window.user_label.text()
