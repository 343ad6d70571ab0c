"""Idle lock: a commune PC is shared, so the window locks itself after the administrator's idle time.

* ``IdleWatcher`` — one application-wide event filter that looks only at the event *type* (input
  events: keys, mouse buttons and moves, wheel, touch) and writes one float; a single-shot timer
  fires when the idle time may have run out and re-arms itself for the rest. No timer restart per
  mouse move, so the filter costs a type comparison per event.
* ``LockScreen`` — the page that replaces the window's content while locked: who is logged in, a
  login (pre-filled with that person's) and a password. The same person, or a supervisor or an
  administrator, unlocks; the session stays the original person's either way, and the unlock is
  recorded in the audit log ("session.unlock", with who unlocked) through a service.

The idle time is the setting ``idle_lock_minutes`` (default 10; 0 = never lock); tests pass
``idle_ms`` to ``MainWindow`` instead.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from desk_app.ui.qt import (
    QApplication,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QObject,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)
DEFAULT_IDLE_MINUTES = 10


def _input_types() -> frozenset[int]:
    T = QEvent.Type
    return frozenset(int(t.value) for t in (
        T.KeyPress, T.KeyRelease, T.MouseButtonPress, T.MouseButtonRelease, T.MouseButtonDblClick,
        T.MouseMove, T.Wheel, T.TouchBegin, T.TouchUpdate, T.TabletPress, T.ShortcutOverride))


def idle_minutes(ctx) -> int:
    """The administrator's ``idle_lock_minutes`` (settings registry when present, else the raw
    settings table), default 10; a value that is not a whole number of minutes falls back too."""
    value = None
    try:
        from desk_app.services.admin import settings as settings_svc

        getter = getattr(settings_svc, "get", None) or getattr(settings_svc, "value", None)
        if getter is not None:
            value = getter(ctx, "idle_lock_minutes")
    except Exception:  # noqa: BLE001 — an unknown key in an older registry: use the raw table
        value = None
    if value in (None, ""):
        value = (getattr(ctx, "settings", None) or {}).get("idle_lock_minutes")
    try:
        minutes = int(str(value).strip()) if value not in (None, "") else DEFAULT_IDLE_MINUTES
    except ValueError:
        log.warning("idle_lock_minutes=%r is not a number; using %d", value, DEFAULT_IDLE_MINUTES)
        minutes = DEFAULT_IDLE_MINUTES
    return max(0, minutes)


class IdleWatcher(QObject):
    """Emits ``idle`` once no input reached the application for ``timeout_ms`` (0 = never)."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._types = _input_types()
        self._timeout_ms = max(0, int(timeout_ms))
        self._last = time.monotonic()
        self._active = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._check)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        return self._timeout_ms

    def set_timeout(self, timeout_ms: int) -> None:
        self._timeout_ms = max(0, int(timeout_ms))
        if self._active:
            self.start()

    def start(self) -> None:
        """(Re)start counting from now."""
        self._active = True
        self._last = time.monotonic()
        if self._timeout_ms:
            self.timer.start(self._timeout_ms)
        else:
            self.timer.stop()

    def stop(self) -> None:
        self._active = False
        self.timer.stop()

    def poke(self) -> None:
        self._last = time.monotonic()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 — Qt API
        if int(event.type().value) in self._types:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if not self._active or not self._timeout_ms:
            return
        left_ms = self._timeout_ms - (time.monotonic() - self._last) * 1000
        if left_ms > 1:
            self.timer.start(int(left_ms) + 1)
            return
        self._active = False
        self.idle.emit()

    def close(self) -> None:
        self.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)


class LockScreen(QWidget):
    """The locked window: no dossier data, only who is logged in and the unlock fields.

    ``verify(login, password) -> str | None`` is the window's check: it returns an error line to
    show, or None when the desk may be unlocked.
    """

    unlock_requested = Signal(str, str)   # login, password
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(self)
        self.title.setObjectName("lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.title.setFont(font)
        self.who = QLabel(self)
        self.who.setObjectName("lockWho")
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who.setWordWrap(True)
        self.login = QLineEdit(self)
        self.login.setObjectName("unlockLogin")
        self.password = QLineEdit(self)
        self.password.setObjectName("unlockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setObjectName("unlockError")
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.unlock_button = QPushButton(self)
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton(self)
        self.logout_button.setObjectName("lockLogout")
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.login_label = QLabel(self)
        self.password_label = QLabel(self)
        self.form = QFormLayout()
        self.form.addRow(self.login_label, self.login)
        self.form.addRow(self.password_label, self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.logout_button)
        buttons.addWidget(self.unlock_button)
        box = QWidget(self)
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addSpacing(12)
        inner.addLayout(self.form)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        inner.addWidget(self.hint)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.login.returnPressed.connect(self.password.setFocus)
        self.logout_button.clicked.connect(self.logout_requested.emit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("This desk is locked"))
        self.login_label.setText(self.tr("Login:"))
        self.password_label.setText(self.tr("Password:"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.logout_button.setText(self.tr("Log out"))
        self.hint.setText(self.tr("The same person, or a supervisor or an administrator, can unlock. "
                                  "The session stays the person's who logged in."))

    def show_for(self, full_name: str, role_text: str, login: str) -> None:
        self.who.setText(self.tr("Logged in: %1 · %2").replace("%1", full_name).replace("%2", role_text))
        self.login.setText(login)
        self.password.clear()
        self.error.clear()
        self.password.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.password.clear()
        self.password.setFocus()

    def _submit(self) -> None:
        self.unlock_requested.emit(self.login.text().strip(), self.password.text())


def may_unlock(session_login: str, account, supervisor_rule: Callable[[object], bool]) -> bool:
    """The unlock rule: the same person, or someone at least a supervisor."""
    return account.login == session_login or supervisor_rule(account.role)
