"""Where the desk account's password comes from: the OS keyring, or an environment variable.

The password never goes into the database, a config file or a log line. ``desk-app login``
(``services.sync_control.login_and_store``) checks it against the server and stores it in the
keyring (service ``mot-cua-desk``, one entry per server URL + user, and a pointer to the last user
of that server). Headless runs (services, tests) pass ``--server-user U --server-password-env VAR``
instead.
"""
from __future__ import annotations

import os

import keyring
import keyring.errors

from desk_app.domain.errors import ValidationError
from desk_app.sync.api import Credentials

SERVICE = "mot-cua-desk"


def _server_key(server: str) -> str:
    return server.rstrip("/").lower()


def store(server: str, creds: Credentials) -> None:
    """Save to the keyring (raises ValidationError with a readable reason if there is none)."""
    try:
        keyring.set_password(SERVICE, f"{_server_key(server)}|{creds.username}", creds.password)
        keyring.set_password(SERVICE, f"{_server_key(server)}|@user", creds.username)
    except keyring.errors.KeyringError as exc:
        raise ValidationError("keyring_unavailable",
                              "Không lưu được mật khẩu vào kho khóa của hệ điều hành; hãy báo quản trị hệ thống.",
                              "Could not save the password in the OS keyring; tell the administrator.",
                              detail=str(exc)) from None


_BACKEND_NAMES = {"WinVaultKeyring": "Windows Credential Manager",
                  "Keyring": None,          # several backends share the class name: use module
                  "SecretService": "Secret Service (GNOME Keyring / KWallet)"}


def backend_name() -> str:
    """Where ``store`` puts the password, in words an IT person recognises."""
    try:
        kr = keyring.get_keyring()
    except Exception:  # noqa: BLE001 — a broken keyring set-up
        return "?"
    cls, mod = type(kr).__name__, type(kr).__module__
    if mod.endswith("macOS") or "macOS" in mod:
        return "macOS Keychain"
    if mod.endswith("SecretService"):
        return _BACKEND_NAMES["SecretService"]
    if mod.endswith("kwallet"):
        return "KWallet"
    return _BACKEND_NAMES.get(cls) or f"{mod}.{cls}"


def load(server: str, user: str | None = None) -> Credentials | None:
    """Credentials saved by ``desk-app login`` for ``server`` (the last user if none given)."""
    try:
        user = user or keyring.get_password(SERVICE, f"{_server_key(server)}|@user")
        if not user:
            return None
        password = keyring.get_password(SERVICE, f"{_server_key(server)}|{user}")
    except keyring.errors.KeyringError:
        return None
    return Credentials(user, password) if password else None


def forget(server: str, user: str) -> None:
    for key in (f"{_server_key(server)}|{user}", f"{_server_key(server)}|@user"):
        try:
            keyring.delete_password(SERVICE, key)
        except keyring.errors.KeyringError:
            pass


def from_env(user: str, variable: str) -> Credentials:
    """``--server-user U --server-password-env VAR``: the password comes from the environment,
    never from argv."""
    password = os.environ.get(variable or "")
    if not user:
        raise ValidationError("user_required", "Thiếu tên đăng nhập máy chủ tỉnh (--server-user).",
                              "Missing the provincial server's user name (--server-user).")
    if not password:
        raise ValidationError("password_env_empty",
                              f"Biến môi trường {variable} chưa có mật khẩu.",
                              f"Environment variable {variable} holds no password.", variable=variable)
    return Credentials(user, password)


def resolve(server: str, user: str | None = None, password_env: str | None = None) -> Credentials:
    """Environment first when asked for, else the keyring; a clear error when neither has it."""
    if password_env:
        return from_env(user or "", password_env)
    creds = load(server, user)
    if creds is None:
        raise ValidationError("no_credentials",
                              "Chưa có thông tin đăng nhập máy chủ tỉnh; hãy chạy “desk-app login”.",
                              "No credentials for the provincial server; run “desk-app login”.",
                              server=server)
    return creds
