"""The people who log in at this desk: local accounts and the ones the province pushes.

Passwords are hashed with argon2id (argon2-cffi ``PasswordHasher``, PHC strings in
``accounts.password_hash``); a password is never stored, logged or put in an audit row.
Every change is audited with the acting person (``session.actor``). At least one active
administrator always remains (the OS account owning the data folder is one more, see
``services/session.py``).

These functions do not check roles: callers go through ``services.registry.call`` (the one
permission check) with a ``Session``.
"""
from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Role
from desk_app.domain.roles import ACCOUNT_ROLES, parse_role
from desk_app.services.context import DeskContext
from offline_store import audit, repo

if TYPE_CHECKING:
    from desk_app.services.session import Session

log = logging.getLogger(__name__)

LOGIN_RE = re.compile(r"^[a-z0-9._-]{1,64}$")
NAME_MAX = 100
PASSWORD_MIN, PASSWORD_MAX = 8, 256

# Desktop parameters (OWASP's argon2id minimum, RFC 9106 type): 19 MiB, 2 passes, 1 lane —
# about 40 ms on a commune PC, small enough for a 4 GB laptop, far too slow for guessing.
_HASHER: Any = None


def hasher():
    global _HASHER
    if _HASHER is None:
        from argon2 import PasswordHasher, Type

        _HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1,
                                 hash_len=32, salt_len=16, type=Type.ID)
    return _HASHER


class AuthError(ValidationError):
    """Wrong login, wrong password or a disabled account: one message for all three, so a
    guesser learns nothing. CLI exit code 3 (not permitted)."""

    exit_code = 3

    def __init__(self, **details: Any) -> None:
        super().__init__("auth_failed", "Sai tên đăng nhập hoặc mật khẩu.",
                         "Wrong user name or password.", **details)


@dataclass(frozen=True)
class Account:
    login: str
    full_name: str
    role: Role
    active: bool
    source: str                 # "local" | "province"
    created_at: str
    updated_at: str


def _account(row: sqlite3.Row) -> Account:
    return Account(row["login"], row["full_name"], Role(row["role"]), bool(row["active"]),
                   row["source"], row["created_at"], row["updated_at"])


# --------------------------------------------------------------------------- validation


def check_login(login: str) -> str:
    value = (login or "").strip()
    if not LOGIN_RE.match(value):
        raise ValidationError("login_invalid",
                              f"Tên đăng nhập “{login}” không hợp lệ: 1–64 ký tự a-z, 0-9, dấu"
                              " chấm, gạch dưới hoặc gạch ngang.",
                              f"Login “{login}” is invalid: 1–64 characters a-z, 0-9, dot,"
                              " underscore or hyphen.", field="login", value=login)
    return value


def check_name(name: str) -> str:
    from desk_app.domain.text import nfc

    value = " ".join(nfc(name or "").split())
    if not value or len(value) > NAME_MAX or any(ord(ch) < 32 for ch in value):
        raise ValidationError("account_name_invalid",
                              f"Họ tên phải có từ 1 đến {NAME_MAX} ký tự.",
                              f"The full name must have 1 to {NAME_MAX} characters.",
                              field="name")
    return value


def check_password(password: str) -> str:
    if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationError("password_invalid",
                              f"Mật khẩu phải có từ {PASSWORD_MIN} đến {PASSWORD_MAX} ký tự.",
                              f"The password must have {PASSWORD_MIN} to {PASSWORD_MAX}"
                              " characters.", field="password")
    return password


def _role(role: Role | str) -> Role:
    if isinstance(role, Role) and role in ACCOUNT_ROLES:
        return role
    return parse_role(str(getattr(role, "value", role)))


def _get(conn: sqlite3.Connection, login: str) -> sqlite3.Row:
    row = repo.get_account(conn, login)
    if row is None:
        raise NotFoundError("account_not_found", f"Không có tài khoản “{login}”.",
                            f"No account “{login}”.", login=login)
    return row


def _last_admin_guard(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    if row["role"] == Role.ADMIN.value and row["active"] and repo.count_active_admins(conn) <= 1:
        raise ValidationError("last_admin",
                              f"Không thể vô hiệu hóa hoặc hạ quyền “{row['login']}”: đây là tài"
                              " khoản quản trị cuối cùng còn hoạt động.",
                              f"Cannot disable or demote “{row['login']}”: it is the last active"
                              " administrator account.", login=row["login"])


# --------------------------------------------------------------------------- reading


def list_accounts(ctx: DeskContext) -> list[Account]:
    return [_account(r) for r in repo.list_accounts(ctx.store.conn)]


def get(ctx: DeskContext, login: str) -> Account:
    return _account(_get(ctx.store.conn, login))


# --------------------------------------------------------------------------- changes


def add(session: "Session", *, login: str, full_name: str, role: Role | str,
        password: str) -> Account:
    """A new local account (argon2id hash), audited with the acting person."""
    ctx = session.ctx
    login, full_name, role = check_login(login), check_name(full_name), _role(role)
    digest = hasher().hash(check_password(password))
    with ctx.store.transaction() as conn:
        if repo.get_account(conn, login) is not None:
            raise ValidationError("account_exists", f"Đã có tài khoản “{login}”.",
                                  f"An account “{login}” already exists.", login=login)
        repo.insert_account(conn, {"login": login, "full_name": full_name, "role": role.value,
                                   "password_hash": digest, "source": "local"})
        audit.append(conn, actor=session.actor, action="account.add", entity="account",
                     entity_id=login, detail={"full_name": full_name, "role": role.value})
        return _account(_get(conn, login))


def disable(session: "Session", login: str) -> Account:
    """The account can no longer log in (it stays, so the audit log keeps its name)."""
    ctx = session.ctx
    login = check_login(login)
    with ctx.store.transaction() as conn:
        row = _get(conn, login)
        if row["active"]:
            _last_admin_guard(conn, row)
            repo.update_account(conn, login, {"active": 0})
            audit.append(conn, actor=session.actor, action="account.disable", entity="account",
                         entity_id=login, detail={})
        return _account(_get(conn, login))


def enable(session: "Session", login: str) -> Account:
    ctx = session.ctx
    login = check_login(login)
    with ctx.store.transaction() as conn:
        row = _get(conn, login)
        if not row["active"]:
            repo.update_account(conn, login, {"active": 1, "failed_attempts": 0})
            audit.append(conn, actor=session.actor, action="account.enable", entity="account",
                         entity_id=login, detail={})
        return _account(_get(conn, login))


def set_role(session: "Session", login: str, role: Role | str) -> Account:
    """Change an account's role (never demoting the last active administrator)."""
    ctx = session.ctx
    login, role = check_login(login), _role(role)
    with ctx.store.transaction() as conn:
        row = _get(conn, login)
        if row["role"] != role.value:
            if role != Role.ADMIN:
                _last_admin_guard(conn, row)
            repo.update_account(conn, login, {"role": role.value})
            audit.append(conn, actor=session.actor, action="account.role", entity="account",
                         entity_id=login, detail={"from": row["role"], "to": role.value})
        return _account(_get(conn, login))


def set_password(session: "Session", login: str, password: str) -> Account:
    """A new password (argon2id); the audit row says who changed it, never what it is."""
    ctx = session.ctx
    login = check_login(login)
    digest = hasher().hash(check_password(password))
    with ctx.store.transaction() as conn:
        row = _get(conn, login)
        repo.update_account(conn, login, {"password_hash": digest, "failed_attempts": 0})
        audit.append(conn, actor=session.actor, action="account.password", entity="account",
                     entity_id=login, detail={"source": row["source"]})
        return _account(_get(conn, login))


# --------------------------------------------------------------------------- logging in

_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hasher().hash("không có tài khoản này / no such account")
    return _DUMMY_HASH


def authenticate(ctx: DeskContext, login: str, password: str) -> Account:
    """The account for (login, password), or AuthError with one message whatever was wrong.

    An unknown login is checked against a dummy hash, so the answer takes as long as for a real
    one; argon2's comparison is constant-time. A good login resets ``failed_attempts`` and
    re-hashes a local account made with weaker parameters."""
    from argon2.exceptions import InvalidHashError, VerificationError

    login_clean = (login or "").strip()
    row = repo.get_account(ctx.store.conn, login_clean) if LOGIN_RE.match(login_clean) else None
    digest = row["password_hash"] if row is not None else _dummy_hash()
    try:
        ok = hasher().verify(digest, password or "")
    except (VerificationError, InvalidHashError):
        ok = False
    if row is None:
        raise AuthError()
    with ctx.store.transaction() as conn:
        repo.record_login_attempt(conn, login_clean, ok and bool(row["active"]))
        if ok and row["active"] and row["source"] == "local" and hasher().check_needs_rehash(digest):
            repo.update_account(conn, login_clean, {"password_hash": hasher().hash(password)})
    if not ok or not row["active"]:
        log.info("failed login for %s", login_clean)
        raise AuthError()
    return _account(row)


# --------------------------------------------------------------------------- from the province


def _province_row(raw: dict) -> dict:
    row = {"login": check_login(str(raw.get("login", ""))),
           "full_name": check_name(str(raw.get("full_name", ""))),
           "role": _role(str(raw.get("role", ""))).value,
           "password_hash": str(raw.get("password_hash", "")),
           "active": bool(raw.get("active", True)),
           "updated_at": str(raw.get("updated_at", ""))}
    if not row["password_hash"].startswith("$argon2id$") or len(row["password_hash"]) > 512:
        raise ValidationError("account_hash_invalid", "Mật khẩu tài khoản tỉnh không phải argon2id.",
                              "The province account's password hash is not argon2id.",
                              login=row["login"])
    if not row["updated_at"]:
        raise ValidationError("account_updated_at_missing", "Tài khoản tỉnh thiếu updated_at.",
                              "The province account has no updated_at.", login=row["login"])
    return row


def apply_province_accounts(ctx: DeskContext, rows: Iterable[dict]) -> int:
    """Accounts pushed by the province (``GET /api/v1/accounts``), hashes included, in one
    transaction. A local account of the same login is kept; a malformed row is skipped (logged);
    a row that would disable or demote the last active administrator is skipped. Returns the
    number of accounts added or changed."""
    changed: list[str] = []
    with ctx.store.transaction() as conn:
        for raw in rows:
            try:
                row = _province_row(raw)
            except ValidationError as exc:
                log.warning("province account skipped: %s", exc.en)
                continue
            mine = repo.get_account(conn, row["login"])
            if (mine is not None and mine["source"] == "province" and mine["role"] == "admin"
                    and mine["active"] and (row["role"] != "admin" or not row["active"])
                    and repo.count_active_admins(conn) <= 1):
                log.warning("province account %s skipped: last active admin", row["login"])
                continue
            if repo.upsert_province_account(conn, row):
                changed.append(row["login"])
        if changed:
            audit.append(conn, actor="province", action="account.province_sync",
                         entity="account", entity_id=",".join(changed[:50]),
                         detail={"count": len(changed)})
    return len(changed)
