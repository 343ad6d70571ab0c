"""Sync in the GUI: the badge, "sync now" on the qasync loop, diagnostics export, server settings.

``SyncController`` is the Qt signal adapter over ``services.sync_control``: a QTimer asks for the
(cheap) summary, and "sync now" awaits ``sync_once_async`` as an ``@asyncSlot`` so the event loop
keeps painting and answering keys while bytes move.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from desk_app.domain.errors import DeskError, ValidationError
from desk_app.services import sync_control
from desk_app.services.context import DeskContext
from desk_app.ui import dialogs, i18n, labels
from desk_app.ui.qt import (
    QCoreApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QObject,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    asyncSlot,
)

log = logging.getLogger(__name__)
Connection = Callable[[], tuple[str, Any]]


def _service(name: str) -> Callable[..., Any]:
    """A sync_control function the GUI needs for server settings (see desk_app/ui/README.md)."""
    fn = getattr(sync_control, name, None)
    if fn is None:
        raise ValidationError("server_settings_unavailable",
                              "Phiên bản này chưa thiết lập được máy chủ trong giao diện; hãy báo bộ phận "
                              "kỹ thuật.",
                              "This build cannot set up the server from the window yet; call IT support.")
    return fn


def saved_connection(ctx: DeskContext) -> tuple[str, Any]:
    """(server URL, Credentials) as saved by the settings dialog or ``desk-app login``."""
    return _service("connection")(ctx)


def badge_text(summary, server_configured: bool = True) -> str:
    """"N hồ sơ chờ gửi · X MB · ~Y phút" (or "all sent"), plus how many need attention.

    Without a server there is no time to promise: "N hồ sơ chờ gửi · X MB · chưa thiết lập máy chủ".
    """
    pending = int(getattr(summary, "pending", 0) or 0)
    attention = int(getattr(summary, "needs_attention", 0) or 0)
    if pending and not server_configured:
        text = QCoreApplication.translate("Sync", "%1 dossiers waiting · %2 MB · no server set up") \
            .replace("%1", str(pending)).replace("%2", labels.megabytes(int(getattr(summary, "bytes", 0) or 0)))
    elif pending:
        eta = getattr(summary, "eta_minutes", None)
        eta_text = "?" if eta is None else str(max(1, round(eta))) if eta > 0 else "0"
        text = QCoreApplication.translate("Sync", "%1 dossiers waiting · %2 MB · ~%3 min") \
            .replace("%1", str(pending)).replace("%2", labels.megabytes(int(getattr(summary, "bytes", 0) or 0))) \
            .replace("%3", eta_text)
    else:
        text = QCoreApplication.translate("Sync", "Everything sent")
    if attention:
        text += " · " + QCoreApplication.translate("Sync", "%1 need attention").replace("%1", str(attention))
    return text


def last_sync_text(summary) -> str:
    last = getattr(summary, "last_sync", None)
    if not last:
        return QCoreApplication.translate("Sync", "Last successful sync: never")
    if isinstance(last, str):
        try:
            last = datetime.fromisoformat(last)
        except ValueError:
            return QCoreApplication.translate("Sync", "Last successful sync: %1").replace("%1", last)
    return QCoreApplication.translate("Sync", "Last successful sync: %1").replace("%1", labels.when(last))


class SessionCredentials:
    """The server password held in memory for this session only (no usable keyring); duck-types
    the sync API's ``Credentials`` (username, password) and keeps the password out of reprs."""

    __slots__ = ("username", "password")

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self.password = password

    def __repr__(self) -> str:
        return f"SessionCredentials(username={self.username!r}, password=***)"


class SyncController(QObject):
    """Owns the refresh timer and the running sync; widgets listen to its signals."""

    summary_changed = Signal(object)
    started = Signal()
    finished = Signal(object)  # the SyncReport
    failed = Signal(str)       # one Vietnamese (or English) line

    progress = Signal(object)  # engine events (uploaded, acked, offline, …) as they happen

    def __init__(self, ctx: DeskContext, interval_ms: int = 5000, parent: QObject | None = None,
                 connection: Connection | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.connection: Connection = connection or self._saved_connection
        self.session_credentials: tuple[str, Any] | None = None  # kept in memory when the keyring fails
        self.running = False
        self.last_summary = None
        self.last_report = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)

    def _saved_connection(self) -> tuple[str, Any]:
        try:
            return saved_connection(self.ctx)
        except DeskError as exc:
            if exc.code == "password_missing" and self.session_credentials is not None:
                return self.session_credentials
            raise

    def server_configured(self) -> bool:
        """A server address is set (the badge promises no time without one)."""
        if self.connection != self._saved_connection:   # given by the caller (tests, benches)
            return True
        return bool((self.ctx.settings.get("server_url") or "").strip())

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def refresh(self) -> None:
        """Ask the service for the summary (one cheap query) and tell the widgets."""
        try:
            summary = sync_control.summary(self.ctx)
        except DeskError as exc:
            log.warning("sync summary failed: %s", exc.code)
            return
        self.last_summary = summary
        self.summary_changed.emit(summary)

    @asyncSlot()
    async def sync_now(self) -> None:
        """One sync round on the qasync loop; a second press while running is ignored."""
        if self.running:
            return
        self.running = True
        self.started.emit()
        try:
            server, credentials = self.connection()
            report = await sync_control.sync_once_async(self.ctx, server, credentials,
                                                        on_event=self.progress.emit)
        except DeskError as exc:
            self.failed.emit(i18n.error_text(exc))
        except Exception as exc:  # noqa: BLE001 — a failed sync must never take the window down
            self.failed.emit(i18n.error_text(exc))
        else:
            self.last_report = report
            self.finished.emit(report)
        finally:
            self.running = False
            self.refresh()

    def export_diagnostics(self, parent: QWidget | None) -> str | None:
        """Save sync_control.diagnostics as JSON where the clerk chooses; returns the path."""
        target = dialogs.save_file(parent, QCoreApplication.translate("Sync", "Export diagnostics"),
                                   f"desk-diagnostics-{datetime.now():%Y%m%d-%H%M}.json", "JSON (*.json)")
        if target is None:
            return None
        data = sync_control.diagnostics(self.ctx)
        try:
            target.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        except OSError as exc:
            self.failed.emit(QCoreApplication.translate("Errors", "Could not write %1: %2").replace("%1", str(target))
                             .replace("%2", exc.strerror or ""))
            return None
        return str(target)


class ServerSettingsDialog(QDialog):
    """Server URL, user and password. The password goes straight to the service (keyring).

    Messages a clerk reads here never show a setting's key (``server_url``) or a CLI option: a bad
    address says what an address looks like; a keyring that cannot keep the password says so —
    the address and user are saved, the password is used for this session only and will be asked
    again next time (it is never called "saved").
    """

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None, *, session: Any = None,
                 controller: SyncController | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = session
        self.controller = controller
        self.setObjectName("serverSettings")
        self.setWindowTitle(self.tr("Set up the server"))
        current = _service("server_settings")(ctx)
        self.url = QLineEdit(getattr(current, "url", "") or "", self)
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://motcua.example.gov.vn")
        self.user = QLineEdit(getattr(current, "username", "") or "", self)
        self.user.setObjectName("serverUser")
        self.password = QLineEdit(self)
        self.password.setObjectName("serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("unchanged") if getattr(current, "has_password", False) else "")
        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.notice = ""          # what the window's status bar says after closing
        form = QFormLayout()
        form.addRow(self.tr("Server address:"), self.url)
        form.addRow(self.tr("User name:"), self.user)
        form.addRow(self.tr("Password:"), self.password)
        note = QLabel(self.tr("The password is kept in the system keyring, never in the desk's files."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _actor(self) -> str:
        return getattr(self.session, "actor", "") or self.ctx.clerk_name

    def save(self) -> None:
        url, username, password = self.url.text().strip(), self.user.text().strip(), self.password.text()
        try:
            _service("save_server_settings")(self.ctx, url=url, username=username,
                                             password=password or None, actor=self._actor())
        except DeskError as exc:
            if exc.code == "keyring_unavailable" and password:
                self._save_without_keyring(url, username, password)
                return
            self.error.setText(self._message(exc))
            return
        self.password.clear()
        self.accept()

    def _message(self, exc: DeskError) -> str:
        if exc.code == "setting_invalid" and exc.details.get("field") == "server_url":
            return self.tr("The server address is not valid: write it as https://… (for example "
                           "https://motcua.example.gov.vn).")
        if exc.code == "setting_invalid" and exc.details.get("field") == "server_user":
            return self.tr("The user name is not valid.")
        return i18n.error_text(exc)

    def _save_without_keyring(self, url: str, username: str, password: str) -> None:
        """No usable keyring: keep address and user, use the password for this session only."""
        from desk_app.services.admin import settings

        try:
            values = {"server_url": url.rstrip("/"), "server_user": username}
            if self.session is not None:
                settings.change(self.session, **values)      # the person's role is checked, audited
            else:
                settings.update(self.ctx, actor=self._actor(), **values)
        except DeskError as exc:
            self.error.setText(self._message(exc))
            return
        if self.controller is not None:
            self.controller.session_credentials = (url.rstrip("/"), SessionCredentials(username, password))
        self.password.clear()
        self.notice = self.tr("The password could not be kept on this computer (the system keyring is not "
                              "available). It is used until you close the program and will be asked "
                              "again next time.")
        self.error.setText(self.notice)
        self.accept()
