"""What the logged-in person may do from the window: the registry decides, the menus follow.

``ACTION_COMMANDS`` names, for each gated action of ``MainWindow``, the command of
``services.registry`` it runs; ``apply(window, session)`` shows an action only when
``registry.allowed(role, command)``, and hides a menu left empty. Actions not listed (find, open,
diagnostics, lock, log out, quit, language) are for anyone logged in.

The supervisor's and administrator's screens live here too, small on purpose: accounts (list and
add), desk settings (the idle-lock time), verify and catalog import. Each goes through
``registry.call(name, Session(worker ctx, same person, "gui"), …)`` on the window's JobRunner — the
one permission check, never on the GUI thread.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.ui import dialogs, i18n
from desk_app.ui.qt import (
    QComboBox,
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

log = logging.getLogger(__name__)

ACTION_COMMANDS: dict[str, str] = {
    "act_new": "dossier add",
    "act_print": "receipt",
    "act_sync": "sync",
    "act_server": "settings set",
    "act_accounts": "user list",
    "act_settings": "settings set",
    "act_verify": "verify",
    "act_catalog": "catalog import",
}


def allowed(session, command: str) -> bool:
    """``registry.allowed`` for this person; an unknown command is shown to nobody but admins."""
    from desk_app.domain.models import Role
    from desk_app.services import registry

    if session is None:
        return False
    try:
        return registry.allowed(session.user.role, command)
    except DeskError:
        log.warning("no command %r in the registry", command)
        return Role(session.user.role) == Role.ADMIN


def apply(window, session) -> None:
    for attr, command in ACTION_COMMANDS.items():
        action = getattr(window, attr, None)
        if action is None:
            continue
        ok = allowed(session, command)
        action.setVisible(ok)
        action.setEnabled(ok)
    for menu in (window.menu_dossier, window.menu_sync, window.menu_admin):
        menu.menuAction().setVisible(any(a.isVisible() and not a.isSeparator() for a in menu.actions()))


def worker_session(session, wctx):
    """The same person acting on the worker's own DeskContext."""
    from desk_app.services.session import Session

    return Session(wctx, session.user, "gui")


def call(window, name: str, *, on_done=None, on_error=None, title_vi: str = "", title_en: str = "",
         show_progress: bool = False, cancellable: bool = False, job: bool = False, **params: Any):
    """``registry.call(name, …)`` as the window's person, on its JobRunner."""
    from desk_app.services import registry

    session = window.session

    def fn(wctx, progress, cancel):
        extra = {"progress": progress, "cancel": cancel} if job else {}
        return registry.call(name, worker_session(session, wctx), **params, **extra)
    return window.jobs.run(fn, on_done=on_done, on_error=on_error, title_vi=title_vi, title_en=title_en,
                           show_progress=show_progress, cancellable=cancellable)


# --- verify, catalog import --------------------------------------------------------------------
def run_verify(window) -> None:
    def done(report) -> None:
        ok = bool(getattr(report, "ok", False))
        bad = [name for name, good, _d in getattr(report, "checks", []) if not good]
        if ok:
            text = QCoreApplication.translate("Admin", "The data checked out: no problem found.")
        else:
            text = QCoreApplication.translate("Admin", "Problems found in: %1. Call IT support.") \
                .replace("%1", ", ".join(bad))
        window.statusBar().showMessage(text, 30000)
        window.last_verify = report
    call(window, "verify", on_done=done, job=True, show_progress=True, cancellable=True,
         title_vi="Kiểm tra dữ liệu", title_en="Checking the data")


def import_catalog(window) -> None:
    path = dialogs.open_file(window, QCoreApplication.translate("Admin", "Import the procedure catalog"),
                             "JSON (*.json)")
    if path is None:
        return

    def done(report) -> None:
        window.statusBar().showMessage(QCoreApplication.translate(
            "Admin", "Catalog %1 imported: %2 procedures.").replace("%1", str(getattr(report, "version", "")))
            .replace("%2", str(getattr(report, "procedures", ""))), 30000)
    call(window, "catalog import", on_done=done, file=Path(path), show_progress=True,
         title_vi="Nhập danh mục thủ tục", title_en="Importing the catalog")


# --- accounts ----------------------------------------------------------------------------------
class AccountsDialog(QDialog):
    """The desk's accounts, and a new one (login, name, role, password)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        from desk_app.domain.roles import ACCOUNT_ROLES, role_label

        self.window_ = window
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("Accounts"))
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("accountsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Login"), self.tr("Full name"), self.tr("Role"),
                                              self.tr("Active")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.login = QLineEdit(self)
        self.login.setObjectName("newLogin")
        self.full_name = QLineEdit(self)
        self.full_name.setObjectName("newName")
        self.role = QComboBox(self)
        self.role.setObjectName("newRole")
        for r in ACCOUNT_ROLES:
            self.role.addItem(role_label(r, i18n.current_language()), r.value)
        self.password = QLineEdit(self)
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Login:"), self.login)
        form.addRow(self.tr("Full name:"), self.full_name)
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Password:"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.add_button = buttons.addButton(self.tr("Add the account"), QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.clicked.connect(self.add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("New account"), self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 460)
        self.reload()

    def reload(self) -> None:
        from desk_app.domain.roles import role_label
        from desk_app.services import registry

        try:
            accounts = registry.call("user list", self.window_.session)
        except DeskError as exc:
            self.error.setText(i18n.error_text(exc))
            return
        self.table.setRowCount(len(accounts))
        lang = i18n.current_language()
        for row, a in enumerate(accounts):
            for col, text in enumerate((a.login, a.full_name, role_label(a.role, lang),
                                        self.tr("yes") if a.active else self.tr("no"))):
                self.table.setItem(row, col, QTableWidgetItem(text))

    def add(self) -> None:
        def done(_account) -> None:
            self.password.clear()
            self.login.clear()
            self.full_name.clear()
            self.error.clear()
            self.reload()

        def failed(exc: BaseException) -> None:
            self.error.setText(i18n.error_text(exc))
        self.error.clear()
        call(self.window_, "user add", on_done=done, on_error=failed, login=self.login.text().strip(),
                      full_name=self.full_name.text().strip(), role=self.role.currentData(),
                      password=self.password.text())


def open_accounts(window) -> AccountsDialog:
    dialog = AccountsDialog(window)
    dialog.open()
    return dialog


# --- desk settings (idle lock) -------------------------------------------------------------------
class SettingsDialog(QDialog):
    """Desk settings a supervisor's PC needs from the window: the idle-lock time."""

    def __init__(self, window) -> None:
        super().__init__(window)
        from desk_app.ui.idle_lock import idle_minutes

        self.window_ = window
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Desk settings"))
        self.idle = QSpinBox(self)
        self.idle.setObjectName("idleMinutes")
        self.idle.setRange(1, 240)
        self.idle.setValue(max(1, idle_minutes(window.ctx)))
        self.idle.setSuffix(self.tr(" min"))
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Lock the screen after (no input):"), self.idle)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        window = self.window_

        def done(_rows) -> None:
            window.ctx.reload()            # the GUI thread's context reads the new value
            window._start_idle()           # noqa: SLF001 — the new time applies now
            self.accept()

        def failed(exc: BaseException) -> None:
            self.error.setText(i18n.error_text(exc))
        call(window, "settings set", on_done=done, on_error=failed, key="idle_lock_minutes",
             value=str(self.idle.value()))


def open_settings(window) -> SettingsDialog:
    dialog = SettingsDialog(window)
    dialog.open()
    return dialog

