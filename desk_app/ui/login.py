"""Who sits at the desk: the login dialog, and on a store with no account yet, "create the administrator".

Both hand back a ``services.session.Session`` (face "gui"). The password check
(``users.authenticate``: argon2id, and it records the attempt — a write) runs on the window's
JobRunner when one is given, so neither a slow hash nor a store locked by another process freezes
the window; without a runner (tests of the dialog alone) it runs in place.

A wrong password says so (one message whatever was wrong — the service decides), keeps the typed
login, empties the password and puts the cursor back in it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import i18n
from desk_app.ui.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)


def has_accounts(ctx) -> bool:
    from desk_app.services.admin import users

    return bool(users.list_accounts(ctx))


def _run(runner, fn: Callable[[Any], Any], ctx, on_done: Callable[[Any], None],
         on_error: Callable[[BaseException], None]) -> None:
    """``fn(ctx)`` on the JobRunner's worker (its own DeskContext) or, without one, right here."""
    if runner is not None:
        runner.run(lambda wctx, _progress, _cancel: fn(wctx), on_done=on_done, on_error=on_error,
                   show_progress=False, cancellable=False)
        return
    try:
        result = fn(ctx)
    except Exception as exc:  # noqa: BLE001 — shown in the dialog
        on_error(exc)
        return
    on_done(result)


def _session(ctx, account):
    from desk_app.services.session import Session

    return Session(ctx, account, "gui")


class _Form(QDialog):
    def __init__(self, ctx, parent: QWidget | None, runner=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.session = None
        self.busy = False
        self.form = QFormLayout()
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("loginError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _field(self, name: str, password: bool = False) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        if password:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def submit(self) -> None:  # pragma: no cover — overridden
        raise NotImplementedError


class LoginDialog(_Form):
    """Login + password; Enter submits (the OK button is the default)."""

    def __init__(self, ctx, parent: QWidget | None = None, *, runner=None, login: str = "") -> None:
        super().__init__(ctx, parent, runner)
        self.setObjectName("loginDialog")
        self.login = self._field("loginName")
        self.login.setText(login)
        self.password = self._field("loginPassword", password=True)
        self.form.addRow(self.tr("Login:"), self.login)
        self.form.addRow(self.tr("Password:"), self.password)
        self.setWindowTitle(self.tr("Log in"))
        self.intro.setText(self.tr("Log in with your own account: what you do is recorded under your name."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))
        (self.password if login else self.login).setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        login, password = self.login.text().strip(), self.password.text()
        if not login:
            self.error.setText(self.tr("Enter your login."))
            self.login.setFocus()
            return
        from desk_app.services.admin import users

        self._set_busy(True)
        self.error.clear()
        _run(self.runner, lambda c: users.authenticate(c, login, password), self.ctx,
             self._accepted, self._failed)

    def _accepted(self, account) -> None:
        self._set_busy(False)
        self.password.clear()
        self.session = _session(self.ctx, account)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(i18n.error_text(exc))
        self.password.clear()
        self.password.setFocus()


class CreateAdminDialog(_Form):
    """First start on a store without accounts: the administrator's account, then logged in as it.

    The account is added by the data folder's owner (``session.os_owner_session``) — the same
    rule as ``desk-app user add`` run without ``--user``.
    """

    def __init__(self, ctx, parent: QWidget | None = None, *, runner=None) -> None:
        super().__init__(ctx, parent, runner)
        self.setObjectName("createAdminDialog")
        self.login = self._field("adminLogin")
        self.full_name = self._field("adminName")
        self.password = self._field("adminPassword", password=True)
        self.password2 = self._field("adminPassword2", password=True)
        self.form.addRow(self.tr("Login:"), self.login)
        self.form.addRow(self.tr("Full name:"), self.full_name)
        self.form.addRow(self.tr("Password:"), self.password)
        self.form.addRow(self.tr("Password again:"), self.password2)
        self.setWindowTitle(self.tr("Create the administrator"))
        self.intro.setText(self.tr("This desk has no accounts yet. Create the administrator's account first; "
                                   "the administrator then adds the staff's accounts."))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create and log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Quit"))
        self.login.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        if self.password.text() != self.password2.text():
            self.error.setText(self.tr("The two passwords differ."))
            self.password2.clear()
            self.password2.setFocus()
            return
        from desk_app.domain.models import Role
        from desk_app.services import session as session_svc
        from desk_app.services.admin import users

        login, name, password = self.login.text().strip(), self.full_name.text().strip(), self.password.text()

        def create(c):
            owner = session_svc.os_owner_session(c)
            users.add(owner, login=login, full_name=name, role=Role.ADMIN, password=password)
            return users.authenticate(c, login, password)
        self._set_busy(True)
        self.error.clear()
        _run(self.runner, create, self.ctx, self._accepted, self._failed)

    def _accepted(self, account) -> None:
        self._set_busy(False)
        self.password.clear()
        self.password2.clear()
        self.session = _session(self.ctx, account)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(i18n.error_text(exc))


def dialog_for(ctx, parent: QWidget | None = None, *, runner=None, login: str = "") -> _Form:
    """The dialog a start needs: create the administrator on an empty store, else log in."""
    try:
        empty = not has_accounts(ctx)
    except DeskError as exc:
        log.warning("cannot list accounts: %s", exc.code)
        empty = False
    if empty:
        return CreateAdminDialog(ctx, parent, runner=runner)
    return LoginDialog(ctx, parent, runner=runner, login=login)
