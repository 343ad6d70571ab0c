"""The Qt face of ``desk_app.devices.handler.DeviceHandler`` (Electrum's ``hw_wallet/qt.py``).

A device driver calls the handler on its device thread; the handler emits a signal, the GUI thread
shows the dialog (non-blocking ``open()``), and the device thread waits on a ``threading.Event``
until the person answers (or ``timeout`` passes: None / False). Called on the GUI thread itself
the handler asks directly (a modal ``exec()``), so it never waits on itself.

The dialogs come from ``pin_dialog_factory(req)`` and ``confirm_dialog_factory(vi, en)``
(replaceable; the defaults are a ``QInputDialog`` in password mode and a ``QMessageBox``), and
``dialog_shown`` says which dialog is up, so a test can type into the real dialog. The PIN is
read from the dialog once, handed to the device thread and cleared from the dialog; it is never
logged, stored on the handler or shown in a repr.
"""
from __future__ import annotations

import logging
import threading
from abc import ABCMeta
from typing import Any

from desk_app.devices.handler import DeviceHandler, Level, PinRequest
from desk_app.ui import i18n
from desk_app.ui.qt import (
    QCoreApplication,
    QDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QObject,
    Qt,
    QThread,
    QWidget,
    Signal,
)

log = logging.getLogger(__name__)

__all__ = ["QtDeviceHandler"]


class _QtABCMeta(type(QObject), ABCMeta):  # type: ignore[misc]
    """QObject's metaclass and ABCMeta together (a QObject that is also a DeviceHandler)."""


class _Ask:
    """One question on its way from a device thread to the person."""

    __slots__ = ("answer", "dialog", "event", "kind", "payload", "withdrawn")

    def __init__(self, kind: str, payload: Any) -> None:
        self.kind = kind                 # "pin" | "confirm"
        self.payload = payload
        self.event = threading.Event()
        self.answer: Any = None
        self.dialog: QDialog | None = None
        self.withdrawn = False

    def __repr__(self) -> str:           # never the answer (a PIN)
        return f"_Ask({self.kind!r}, answered={self.event.is_set()})"


class QtDeviceHandler(QObject, DeviceHandler, metaclass=_QtABCMeta):
    """Device prompts as Qt dialogs on the GUI thread (see the module docstring)."""

    dialog_shown = Signal(object)        # the dialog just opened
    notified = Signal(str, str)          # text in the current language, level

    _asked = Signal(object)              # device thread → GUI thread (queued)
    _withdrawn = Signal(object)

    def __init__(self, parent: QObject | None = None, *, timeout: float | None = None) -> None:
        super().__init__(parent)
        self.timeout = timeout
        self.pin_dialog_factory = self.make_pin_dialog
        self.confirm_dialog_factory = self.make_confirm_dialog
        self.current_dialog: QDialog | None = None
        self._open: list[_Ask] = []
        queued = Qt.ConnectionType.QueuedConnection
        self._asked.connect(self._on_asked, queued)
        self._withdrawn.connect(self._on_withdrawn, queued)
        self.notified.connect(self._on_notified, queued)
        self.show_notice_boxes = True        # False: only the ``notified`` signal (tests, kiosk)

    def __repr__(self) -> str:
        return f"QtDeviceHandler(open={len(self._open)})"

    @property
    def parent_widget(self) -> QWidget | None:
        p = self.parent()
        return p if isinstance(p, QWidget) else None

    def _on_gui_thread(self) -> bool:
        app = QCoreApplication.instance()
        return app is not None and QThread.currentThread() == app.thread()

    # -- DeviceHandler -------------------------------------------------------------------------
    def ask_pin(self, req: PinRequest) -> str | None:
        if self._on_gui_thread():
            dlg = self._dialog_for("pin", req)
            return self._read_answer("pin", req, dlg, _accepted(dlg, dlg.exec()))
        return self._ask_and_wait(_Ask("pin", req))

    def confirm(self, vi: str, en: str) -> bool:
        if self._on_gui_thread():
            dlg = self._dialog_for("confirm", (vi, en))
            return bool(self._read_answer("confirm", (vi, en), dlg, _accepted(dlg, dlg.exec())))
        return bool(self._ask_and_wait(_Ask("confirm", (vi, en))))

    def notify(self, vi: str, en: str, level: Level = "info") -> None:
        """Never waits: the text goes to ``notified`` (the status bar); a warning or an error also
        opens a message box."""
        text = en if i18n.current_language() == "en" else vi
        self.notified.emit(text, level)       # queued to GUI-thread receivers by Qt

    # -- the dialogs (replaceable factories) ---------------------------------------------------
    def make_pin_dialog(self, req: PinRequest) -> QDialog:
        lang = i18n.current_language()
        if req.pinpad:
            return self.make_confirm_dialog(
                f"{req.label_vi}\n{req.device}\nHãy nhập mã PIN trên bàn phím của thiết bị.",
                f"{req.label_en}\n{req.device}\nType the PIN on the device's keypad.")
        dlg = QInputDialog(self.parent_widget)
        dlg.setWindowTitle(self.tr("PIN of the signing token"))
        lines = [req.label(lang), req.device]
        if req.tries_left is not None:
            lines.append(self.tr("%1 tries left").replace("%1", str(req.tries_left)))
        dlg.setLabelText("\n".join(x for x in lines if x))
        dlg.setInputMode(QInputDialog.InputMode.TextInput)
        dlg.setTextEchoMode(QLineEdit.EchoMode.Password)
        dlg.setOkButtonText(self.tr("OK"))
        dlg.setCancelButtonText(self.tr("Cancel"))
        dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
        edit = dlg.findChild(QLineEdit)
        if edit is not None:
            edit.setObjectName("pin_edit")
            edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText
                                     | Qt.InputMethodHint.ImhNoPredictiveText
                                     | Qt.InputMethodHint.ImhSensitiveData)
        return dlg

    def make_confirm_dialog(self, vi: str, en: str) -> QDialog:
        text = en if i18n.current_language() == "en" else vi
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Device"), text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
                          self.parent_widget)
        box.setDefaultButton(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.ApplicationModal)
        return box

    # -- plumbing ------------------------------------------------------------------------------
    def _dialog_for(self, kind: str, payload: Any) -> QDialog:
        if kind == "pin":
            dlg = self.pin_dialog_factory(payload)
        else:
            dlg = self.confirm_dialog_factory(*payload)
        self.current_dialog = dlg
        self.dialog_shown.emit(dlg)
        return dlg

    def _read_answer(self, kind: str, payload: Any, dlg: QDialog, accepted: bool) -> Any:
        """The answer from a closed dialog; the PIN is cleared from the dialog."""
        if self.current_dialog is dlg:
            self.current_dialog = None
        if kind == "pin":
            req: PinRequest = payload
            if req.pinpad or not isinstance(dlg, QInputDialog):
                answer = "" if accepted else None
            else:
                answer = (dlg.textValue() or None) if accepted else None
                dlg.setTextValue("")
        else:
            answer = accepted
        dlg.deleteLater()
        return answer

    def _ask_and_wait(self, ask: _Ask) -> Any:
        self._asked.emit(ask)
        if not ask.event.wait(self.timeout):
            self._withdrawn.emit(ask)             # nobody answered in time: close the dialog
            return None if ask.kind == "pin" else False
        answer, ask.answer = ask.answer, None
        return answer

    def _on_asked(self, ask: _Ask) -> None:
        if ask.withdrawn:
            return
        try:
            dlg = self._dialog_for(ask.kind, ask.payload)
        except Exception:                         # a broken factory must not hang the device
            log.exception("cannot show the device dialog")
            ask.answer = None if ask.kind == "pin" else False
            ask.event.set()
            return
        ask.dialog = dlg
        self._open.append(ask)
        dlg.finished.connect(lambda result, a=ask, d=dlg: self._on_dialog_finished(a, d, result))
        dlg.open()

    def _on_dialog_finished(self, ask: _Ask, dlg: QDialog, result: int) -> None:
        if ask in self._open:
            self._open.remove(ask)
        ask.dialog = None
        answer = self._read_answer(ask.kind, ask.payload, dlg,
                                   not ask.withdrawn and _accepted(dlg, result))
        if not ask.event.is_set():
            ask.answer = answer
            ask.event.set()

    def _on_notified(self, text: str, level: str) -> None:
        if level in ("warning", "error") and self.show_notice_boxes:
            icon = QMessageBox.Icon.Critical if level == "error" else QMessageBox.Icon.Warning
            box = QMessageBox(icon, self.tr("Device"), text, QMessageBox.StandardButton.Ok,
                              self.parent_widget)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    def _on_withdrawn(self, ask: _Ask) -> None:
        ask.withdrawn = True
        if ask.dialog is not None:
            ask.dialog.reject()

    def cancel_all(self) -> None:
        """Answer every open question with "cancelled" (the window is closing)."""
        for ask in list(self._open):
            ask.withdrawn = True
            if ask.dialog is not None:
                ask.dialog.reject()
            if not ask.event.is_set():
                ask.answer = None if ask.kind == "pin" else False
                ask.event.set()
        self._open.clear()


def _accepted(dlg: QDialog, result: int) -> bool:
    """QDialog.Accepted, or a QMessageBox's Ok / Yes button."""
    if isinstance(dlg, QMessageBox):
        return result in (QMessageBox.StandardButton.Ok.value, QMessageBox.StandardButton.Yes.value,
                          QDialog.DialogCode.Accepted.value) or \
            dlg.clickedButton() is dlg.button(QMessageBox.StandardButton.Ok)
    return result == QDialog.DialogCode.Accepted.value
