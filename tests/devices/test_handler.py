"""The CLI and unattended device handlers: PIN from the environment (no prompt then), a hidden
prompt on a terminal, confirmations, and the PIN never in a log or a repr."""
from __future__ import annotations

import io
import logging

import pytest

from desk_app.devices import CliHandler, PinRequest, Unattended
from desk_app.devices.handler import ASSUME_YES_ENV, DeviceHandler

REQ = PinRequest("VNPT-CA 5A3F", "Nhập mã PIN của thiết bị ký số", "Enter the token PIN",
                 tries_left=3)
PIN = "918273"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def no_getpass(prompt: str) -> str:
    raise AssertionError("getpass must not be called when the PIN is in the environment")


def test_pin_from_the_environment_never_prompts(monkeypatch, caplog) -> None:
    monkeypatch.setenv("DESK_APP_TOKEN_PIN", PIN)
    err = io.StringIO()
    h = CliHandler(pin_env="DESK_APP_TOKEN_PIN", stdin=Tty(), stderr=err, getpass=no_getpass)
    with caplog.at_level(logging.DEBUG):
        assert h.ask_pin(REQ) == PIN
    assert PIN not in caplog.text and PIN not in err.getvalue()
    assert "DESK_APP_TOKEN_PIN" in caplog.text           # says where it came from, not what
    assert PIN not in repr(h) and PIN not in repr(REQ)
    assert PIN not in repr(vars(h))                      # not kept on the handler


def test_getpass_on_a_terminal_when_no_variable(monkeypatch) -> None:
    monkeypatch.delenv("DESK_APP_TOKEN_PIN", raising=False)
    prompts = []

    def fake_getpass(prompt: str) -> str:
        prompts.append(prompt)
        return PIN

    h = CliHandler(pin_env="DESK_APP_TOKEN_PIN", stdin=Tty(), stderr=io.StringIO(),
                   getpass=fake_getpass)
    assert h.ask_pin(REQ) == PIN
    assert prompts == ["Nhập mã PIN của thiết bị ký số — VNPT-CA 5A3F (còn 3 lần thử): "]
    monkeypatch.setenv("DESK_APP_TOKEN_PIN", "")          # empty counts as not set
    assert h.ask_pin(REQ) == PIN and len(prompts) == 2


def test_cancelled_prompt_or_no_terminal_gives_none(monkeypatch) -> None:
    monkeypatch.delenv("DESK_APP_TOKEN_PIN", raising=False)

    def ctrl_d(prompt: str) -> str:
        raise EOFError

    assert CliHandler(pin_env="DESK_APP_TOKEN_PIN", stdin=Tty(), stderr=io.StringIO(),
                      getpass=ctrl_d).ask_pin(REQ) is None
    assert CliHandler(stdin=Tty(), stderr=io.StringIO(), getpass=lambda p: "").ask_pin(REQ) is None
    err = io.StringIO()
    h = CliHandler(pin_env="DESK_APP_TOKEN_PIN", stdin=io.StringIO(), stderr=err,
                   getpass=no_getpass)
    assert h.ask_pin(REQ) is None
    assert "DESK_APP_TOKEN_PIN" in err.getvalue()


def test_confirm_by_environment_or_prompt(monkeypatch) -> None:
    monkeypatch.setenv(ASSUME_YES_ENV, "1")
    err = io.StringIO()
    h = CliHandler(stdin=io.StringIO(), stderr=err)
    assert h.confirm("Hãy cắm thiết bị ký số.", "Insert the token.")
    assert "Hãy cắm thiết bị ký số." in err.getvalue()
    monkeypatch.delenv(ASSUME_YES_ENV)
    assert not h.confirm("Hãy cắm thiết bị ký số.", "Insert the token.")   # nobody to ask
    answers = iter(["c", "", "yes", "k"])
    asked = []

    def fake_input(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    h = CliHandler(stdin=Tty(), stderr=io.StringIO(), input=fake_input, lang="vi")
    assert [h.confirm("Lật mặt giấy.", "Turn the pages over.") for _ in range(4)] == \
        [True, False, True, False]
    assert asked[0] == "Lật mặt giấy. Tiếp tục? [c/K] "


def test_pinpad_is_a_confirmation(monkeypatch) -> None:
    monkeypatch.setenv(ASSUME_YES_ENV, "1")
    pad = PinRequest("Reader", "Nhập PIN", "Enter PIN", pinpad=True)
    assert CliHandler(stderr=io.StringIO(), getpass=no_getpass).ask_pin(pad) == ""


def test_notify_in_the_chosen_language() -> None:
    err = io.StringIO()
    CliHandler(stderr=err, lang="en").notify("Khay giấy trống.", "The feeder is empty.", "warning")
    assert err.getvalue() == "Warning: The feeder is empty.\n"


def test_unattended_refuses_everything(caplog) -> None:
    h = Unattended()
    assert isinstance(h, DeviceHandler)
    with caplog.at_level(logging.INFO):
        assert h.ask_pin(REQ) is None
        assert h.confirm("Cắm thiết bị.", "Insert it.") is False
        h.notify("Khay giấy trống.", "The feeder is empty.")
    assert "The feeder is empty." in caplog.text


def test_handler_is_abstract() -> None:
    class Half(DeviceHandler):
        def ask_pin(self, req):
            return None

    with pytest.raises(TypeError):
        Half()  # type: ignore[abstract]
