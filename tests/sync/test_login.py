"""``sync_control.login_and_store``: the account is checked against the real back end, then kept
in the OS keyring — and "saved" is claimed only when the keyring gives the password back."""
from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors
import pytest

from desk_app.domain.errors import DeskError, ValidationError
from desk_app.services import sync_control
from desk_app.sync import credentials
from tests.support.memory_keyring import MemoryKeyring


class BrokenKeyring(keyring.backend.KeyringBackend):
    """A keyring that refuses to store (a locked or missing secret service)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("no secret service")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError(username)


class ForgetfulKeyring(BrokenKeyring):
    """Accepts the password and keeps nothing (some headless back ends do)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        return None


@pytest.fixture()
def use_keyring():
    before = keyring.get_keyring()

    def use(backend: keyring.backend.KeyringBackend) -> None:
        keyring.set_keyring(backend)
    yield use
    keyring.set_keyring(before)


def test_a_good_account_is_checked_and_saved(unit, password, use_keyring) -> None:
    use_keyring(MemoryKeyring())
    _, user = unit.desk(1)
    info = sync_control.login_and_store(unit.backend.url + "/", user, password)
    assert info == {"server": unit.backend.url, "user": user, "unit_code": unit.code, "desk": 1, "saved": True,
                    "kept_in": credentials.backend_name()}
    saved = credentials.load(unit.backend.url)
    assert saved is not None and saved.username == user and saved.password == password


def test_a_refused_account_is_bad_input_and_nothing_is_saved(unit, password, use_keyring) -> None:
    use_keyring(MemoryKeyring())
    _, user = unit.desk(1)
    with pytest.raises(ValidationError) as info:
        sync_control.login_and_store(unit.backend.url, user, "sai-mat-khau")
    assert info.value.exit_code == 2 and info.value.code == "auth" and "mật khẩu" in info.value.vi
    assert credentials.load(unit.backend.url) is None


def test_an_unreachable_server_fails_without_saving(use_keyring) -> None:
    use_keyring(MemoryKeyring())
    with pytest.raises(DeskError) as info:
        sync_control.login_and_store("http://127.0.0.1:9", "u", "p")
    assert info.value.exit_code == 1 and info.value.code == "network"
    assert credentials.load("http://127.0.0.1:9") is None


@pytest.mark.parametrize("kind", [BrokenKeyring, ForgetfulKeyring])
def test_a_keyring_that_cannot_keep_it_is_never_called_saved(unit, password, use_keyring, kind) -> None:
    use_keyring(kind())
    _, user = unit.desk(1)
    info = sync_control.login_and_store(unit.backend.url, user, password)
    assert info["saved"] is False and info["unit_code"] == unit.code
    assert "kho khóa" in info["keyring_note_vi"] and "keyring" in info["keyring_note_en"]
    assert password not in repr(info)


def test_missing_fields_are_bad_input() -> None:
    with pytest.raises(ValidationError):
        sync_control.login_and_store("", "u", "p")
    with pytest.raises(ValidationError):
        sync_control.login_and_store("http://127.0.0.1:9", "u", "")
