"""Keyboard helpers for GUI tests: Vietnamese typing and a key-press counter."""
from __future__ import annotations


def type_text(qtbot, widget, text: str) -> None:
    """Type like a keyboard with a Vietnamese input method: one key event per character.

    ``qtbot.keyClicks`` maps characters to Qt key codes and asserts on non-ASCII ("ầ"); an IME
    (Unikey, the Windows Vietnamese keyboard) delivers such letters as key events carrying text.
    """
    from desk_app.ui.qt import QApplication, QEvent, QKeyEvent, Qt

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


class KeyCounter:
    """Sends keys through qtbot and counts them, so the clerk-guide figure is measured, not guessed.

    ``clerk`` counts what a person presses; ``scanner`` counts what the USB QR reader types.
    """

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.clerk = 0
        self.scanner = 0
        self.dialog_picks = 0
        self.log: list[str] = []

    def type(self, widget, text: str) -> None:
        type_text(self.qtbot, widget, text)
        self.clerk += len(text)
        self.log.append(f"type {text!r} ({len(text)})")

    def press(self, widget, key, modifier=None, note: str = "") -> None:
        from desk_app.ui.qt import Qt
        mod = modifier if modifier is not None else Qt.KeyboardModifier.NoModifier
        self.qtbot.keyClick(widget, key, mod)
        self.clerk += 1
        self.log.append(f"key {note or key}")

    def scan(self, widget, payload: str) -> None:
        """The wedge reader: the whole payload as fast keystrokes, then Enter."""
        from desk_app.ui.qt import Qt
        self.qtbot.keyClicks(widget, payload)
        self.qtbot.keyClick(widget, Qt.Key.Key_Return)
        self.scanner += len(payload) + 1
        self.log.append(f"scan ({len(payload) + 1} reader keystrokes)")
