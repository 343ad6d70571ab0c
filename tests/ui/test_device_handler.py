"""The Qt device handler: a device thread asks, the person answers in the real dialog (typed with
qtbot), the device thread gets the answer; cancel → None; asked on the GUI thread → no deadlock."""
from __future__ import annotations

import pytest

from desk_app.devices import PinRequest, WrongThread, device_thread, runs_on
from desk_app.ui import i18n
from desk_app.ui.device_handler import QtDeviceHandler
from desk_app.ui.qt import QInputDialog, QLineEdit, QMessageBox, Qt, QTimer

REQ = PinRequest("VNPT-CA 5A3F", "Nhập mã PIN của thiết bị ký số", "Enter the token PIN",
                 tries_left=3)
PIN = "918273"


@runs_on("token")
def token_login(handler: QtDeviceHandler) -> str | None:
    return handler.ask_pin(REQ)


@runs_on("token")
def ask_insert(handler: QtDeviceHandler) -> bool:
    return handler.confirm("Hãy cắm thiết bị ký số.", "Insert the token.")


@pytest.fixture
def handler(qtbot):
    i18n.install("vi")
    h = QtDeviceHandler()
    yield h
    h.cancel_all()


def _deleted(obj) -> bool:
    try:
        obj.objectName()
    except RuntimeError:          # the C++ dialog is gone
        return True
    return False


def _dialog(qtbot, handler: QtDeviceHandler):
    qtbot.waitUntil(lambda: handler.current_dialog is not None
                    and handler.current_dialog.isVisible(), timeout=5000)
    return handler.current_dialog


def test_pin_typed_into_the_dialog_reaches_the_device_thread(qtbot, handler) -> None:
    with pytest.raises(WrongThread):
        token_login(handler)                        # not on the token thread
    fut = device_thread("token").submit(token_login, handler)
    dlg = _dialog(qtbot, handler)
    assert isinstance(dlg, QInputDialog)
    assert "Nhập mã PIN của thiết bị ký số" in dlg.labelText() and "VNPT-CA 5A3F" in dlg.labelText()
    assert "3" in dlg.labelText()                   # tries left
    edit = dlg.findChild(QLineEdit)
    assert edit.echoMode() == QLineEdit.EchoMode.Password
    assert not fut.done()                           # the device thread is waiting for the person
    texts: list[str] = []
    edit.textChanged.connect(texts.append)
    qtbot.keyClicks(edit, PIN)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() == PIN
    assert texts[-2:] == [PIN, ""]                  # the PIN is cleared from the dialog…
    qtbot.waitUntil(lambda: _deleted(dlg), timeout=5000)   # …which is then destroyed
    assert handler.current_dialog is None and PIN not in repr(handler)


def test_cancelled_dialog_gives_none(qtbot, handler) -> None:
    fut = device_thread("token").submit(token_login, handler)
    dlg = _dialog(qtbot, handler)
    qtbot.keyClicks(dlg.findChild(QLineEdit), "12")
    qtbot.keyClick(dlg.findChild(QLineEdit), Qt.Key.Key_Escape)
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() is None


def test_confirm_from_the_device_thread(qtbot, handler) -> None:
    fut = device_thread("token").submit(ask_insert, handler)
    box = _dialog(qtbot, handler)
    assert isinstance(box, QMessageBox) and box.text() == "Hãy cắm thiết bị ký số."
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() is True
    fut = device_thread("token").submit(ask_insert, handler)
    box = _dialog(qtbot, handler)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() is False


def test_asked_on_the_gui_thread_answers_directly(qtbot, handler) -> None:
    def type_pin(dlg) -> None:
        edit = dlg.findChild(QLineEdit)
        qtbot.keyClicks(edit, PIN)
        qtbot.keyClick(edit, Qt.Key.Key_Enter)

    handler.dialog_shown.connect(lambda dlg: QTimer.singleShot(0, lambda: type_pin(dlg)))
    assert handler.ask_pin(REQ) == PIN              # modal exec() on this thread, no deadlock


def test_nobody_answers_in_time(qtbot, handler) -> None:
    handler.timeout = 0.3
    fut = device_thread("token").submit(token_login, handler)
    dlg = _dialog(qtbot, handler)
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() is None
    qtbot.waitUntil(lambda: _deleted(dlg) or not dlg.isVisible(), timeout=5000)  # stale dialog closed


def test_replaced_dialog_factory_and_notify(qtbot, handler) -> None:
    made = []

    def factory(req):
        dlg = handler.make_pin_dialog(req)
        dlg.setObjectName("custom_pin")
        made.append(req)
        return dlg

    handler.pin_dialog_factory = factory
    fut = device_thread("token").submit(token_login, handler)
    dlg = _dialog(qtbot, handler)
    assert dlg.objectName() == "custom_pin" and made == [REQ]
    dlg.findChild(QLineEdit).setText("1111")
    dlg.accept()
    qtbot.waitUntil(fut.done, timeout=5000)
    assert fut.result() == "1111"

    handler.show_notice_boxes = False
    with qtbot.waitSignal(handler.notified, timeout=5000) as sig:
        device_thread("scanner").submit(handler.notify, "Khay giấy trống.", "The feeder is empty.",
                                        "warning")
    assert sig.args == ["Khay giấy trống.", "warning"]
