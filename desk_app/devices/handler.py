"""What a device needs from a person, behind one interface (Electrum's ``HardwareHandlerBase``).

A device driver (running on its device thread, see ``threads.py``) calls ``ask_pin``, ``confirm``
or ``notify`` on the handler it was given; the face decides how to ask: ``CliHandler`` (an
environment variable or a hidden prompt), ``Unattended`` (batch/CI: refuses), and the Qt one in
``desk_app/ui/device_handler.py`` (a dialog on the GUI thread while the device thread waits).

A PIN is never stored, logged or shown: no handler keeps it after returning it, and no repr has it.
"""
from __future__ import annotations

import getpass as _getpass
import logging
import os
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TextIO

__all__ = ["ASSUME_YES_ENV", "CliHandler", "DeviceHandler", "Level", "PinRequest", "Unattended"]

log = logging.getLogger(__name__)

ASSUME_YES_ENV = "DESK_APP_ASSUME_YES"
Level = Literal["info", "warning", "error"]


@dataclass(frozen=True)
class PinRequest:
    """What the device asks for (never the PIN itself)."""

    device: str                     # e.g. "VNPT-CA token 5A3F…", shown to the person
    label_vi: str                   # "Nhập mã PIN của thiết bị ký số"
    label_en: str                   # "Enter the PIN of the signing token"
    tries_left: int | None = None   # None = the device does not say
    pinpad: bool = False            # True: the PIN is typed on the reader's own keypad

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang.lower().startswith("en") else self.label_vi


class DeviceHandler(ABC):
    """The questions a device may put to a person. Every method may be called from a device
    thread; an implementation that needs another thread (a GUI) marshals and waits."""

    @abstractmethod
    def ask_pin(self, req: PinRequest) -> str | None:
        """The PIN, or None when the person cancelled (or nobody can be asked). With
        ``req.pinpad`` the person types it on the device: "" when they agreed to, else None."""

    @abstractmethod
    def confirm(self, vi: str, en: str) -> bool:
        """Ask the person to do something and say when done ("insert the token", "turn the pages
        over for duplex"); False = they declined or cancelled."""

    @abstractmethod
    def notify(self, vi: str, en: str, level: Level = "info") -> None:
        """Tell the person something that needs no answer ("the feeder is empty")."""


def _yes(answer: str) -> bool:
    return answer.strip().lower() in {"c", "có", "co", "y", "yes", "đồng ý", "dong y", "ok"}


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


class CliHandler(DeviceHandler):
    """The terminal's handler.

    PIN: from the environment variable named ``pin_env`` when it is set and not empty (for scripts:
    ``DESK_APP_TOKEN_PIN=… desk-app sign …``; the prompt is then never shown); else a hidden
    prompt (``getpass``) when stdin is a terminal; else None. Confirm: ``DESK_APP_ASSUME_YES=1``
    answers yes; else a prompt on a terminal; else no. Messages go to stderr in ``lang``.
    """

    def __init__(self, *, pin_env: str | None = None, lang: str = "vi",
                 stdin: TextIO | None = None, stderr: TextIO | None = None,
                 getpass: Callable[[str], str] | None = None,
                 input: Callable[[str], str] | None = None) -> None:
        self.pin_env = pin_env
        self.lang = lang
        self._stdin = stdin
        self._stderr = stderr
        self._getpass = getpass or _getpass.getpass
        self._input = input

    def __repr__(self) -> str:
        return f"CliHandler(pin_env={self.pin_env!r}, lang={self.lang!r})"

    @property
    def stdin(self) -> TextIO:
        return self._stdin or sys.stdin

    @property
    def stderr(self) -> TextIO:
        return self._stderr or sys.stderr

    def _t(self, vi: str, en: str) -> str:
        return en if self.lang == "en" else vi

    def _say(self, text: str) -> None:
        print(text, file=self.stderr, flush=True)

    def ask_pin(self, req: PinRequest) -> str | None:
        if req.pinpad:
            ok = self.confirm(f"{req.label_vi} — nhập mã PIN trên bàn phím của thiết bị {req.device}.",
                              f"{req.label_en} — type the PIN on the keypad of {req.device}.")
            return "" if ok else None
        if self.pin_env:
            value = os.environ.get(self.pin_env)
            if value:
                log.info("PIN for %s taken from the environment variable %s", req.device, self.pin_env)
                return value
        if not _isatty(self.stdin):
            self._say(self._t(
                f"Không hỏi được mã PIN cho {req.device}: không có bàn phím (đặt biến môi trường "
                f"{self.pin_env or 'chứa mã PIN'}).",
                f"Cannot ask the PIN for {req.device}: no terminal (set the environment variable "
                f"{self.pin_env or 'holding the PIN'})."))
            return None
        tries = ""
        if req.tries_left is not None:
            tries = self._t(f" (còn {req.tries_left} lần thử)", f" ({req.tries_left} tries left)")
        prompt = f"{req.label(self.lang)} — {req.device}{tries}: "
        try:
            value = self._getpass(prompt)
        except (EOFError, KeyboardInterrupt):
            self._say("")
            return None
        return value or None

    def confirm(self, vi: str, en: str) -> bool:
        if os.environ.get(ASSUME_YES_ENV) == "1":
            self._say(self._t(vi, en) + self._t(" — đồng ý (DESK_APP_ASSUME_YES=1)",
                                                 " — yes (DESK_APP_ASSUME_YES=1)"))
            return True
        if not _isatty(self.stdin):
            self._say(self._t(vi, en) + self._t(" — không có ai trả lời: bỏ qua.",
                                                 " — nobody to answer: declined."))
            return False
        ask = self._input or input
        try:
            answer = ask(self._t(vi, en) + self._t(" Tiếp tục? [c/K] ", " Continue? [y/N] "))
        except (EOFError, KeyboardInterrupt):
            self._say("")
            return False
        return _yes(answer)

    def notify(self, vi: str, en: str, level: Level = "info") -> None:
        prefix = {"warning": self._t("Chú ý: ", "Warning: "),
                  "error": self._t("Lỗi: ", "Error: ")}.get(level, "")
        self._say(prefix + self._t(vi, en))


class Unattended(DeviceHandler):
    """Nobody is there (batch jobs, CI, the sync subprocess): every question is refused and
    messages go to the log."""

    def __repr__(self) -> str:
        return "Unattended()"

    def ask_pin(self, req: PinRequest) -> str | None:
        log.warning("PIN asked for %s with nobody to answer: refused", req.device)
        return None

    def confirm(self, vi: str, en: str) -> bool:
        log.warning("confirmation refused (unattended): %s", en)
        return False

    def notify(self, vi: str, en: str, level: Level = "info") -> None:
        log.log({"warning": logging.WARNING, "error": logging.ERROR}.get(level, logging.INFO),
                "device: %s", en)
