"""Desk accounts (argon2id) and stateless HMAC-signed bearer tokens.

Tokens are signed rather than stored so every request is checked without a database round trip;
the key lives in ``<data-dir>/secret.key`` (0600) so tokens survive restarts.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .common import ApiError, storable_text
from .db import Database, accounts

UNIT_RE = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")
_hasher = PasswordHasher()  # argon2id with the library's current defaults
# Verified against when the user does not exist, so a wrong user name costs the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class Principal:
    username: str
    unit_code: str
    desk: int
    version: int = 0  # the account's token_version the token was issued under


def load_secret(data_dir: Path) -> bytes:
    path = Path(data_dir) / "secret.key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
            f.flush()
            os.fsync(f.fileno())
    return path.read_bytes()


def add_desk(db: Database, *, unit_code: str, username: str, password: str, desk: int) -> None:
    """Create or replace a desk account (password stored as an argon2id hash)."""
    if not UNIT_RE.match(unit_code):
        raise ApiError(400, "bad_unit", "Mã đơn vị không đúng dạng 000.00.00.H00",
                       "Unit code must look like 000.23.32.H48")
    if not 1 <= desk <= 99 or not 0 < len(username) <= 128:
        raise ApiError(400, "bad_account", "Số quầy phải từ 1 đến 99 và tên đăng nhập không rỗng",
                       "Desk must be 1..99 and the user name non-empty")
    row = {"unit_code": unit_code, "desk": desk, "password_hash": _hasher.hash(password),
           "created_at": time.time()}
    with db.write() as conn:
        # a changed password (or unit/desk) invalidates every token issued before
        done = conn.execute(sa.update(accounts).where(accounts.c.username == username).values(
            **row, token_version=accounts.c.token_version + 1))
        if done.rowcount == 0:
            conn.execute(sa.insert(accounts).values(username=username, token_version=0, **row))


def set_desk_password(db: Database, *, username: str, password: str) -> None:
    """Change a desk's password; every access and refresh token of the account stops working."""
    with db.write() as conn:
        done = conn.execute(sa.update(accounts).where(accounts.c.username == username).values(
            password_hash=_hasher.hash(password), token_version=accounts.c.token_version + 1))
    if done.rowcount == 0:
        raise ApiError(404, "no_account", "Không có tài khoản này", "No such desk account")


def revoke_desk(db: Database, *, username: str) -> int:
    """Invalidate every token of the account at once; returns the new token version."""
    from .db import refresh_families
    with db.write() as conn:
        done = conn.execute(sa.update(accounts).where(accounts.c.username == username).values(
            token_version=accounts.c.token_version + 1))
        if done.rowcount == 0:
            raise ApiError(404, "no_account", "Không có tài khoản này", "No such desk account")
        conn.execute(sa.update(refresh_families).where(refresh_families.c.username == username)
                     .values(revoked=True))
        return int(conn.execute(sa.select(accounts.c.token_version)
                                .where(accounts.c.username == username)).scalar_one())


def current_version(db: Database, who: Principal) -> bool:
    """True when the account still exists as the token says and the token is of its version."""
    with db.read() as conn:
        row = conn.execute(sa.select(accounts.c.unit_code, accounts.c.desk, accounts.c.token_version)
                           .where(accounts.c.username == who.username)).first()
    return (row is not None and row.unit_code == who.unit_code and int(row.desk) == who.desk
            and int(row.token_version) == who.version)


def new_family(db: Database, who: Principal) -> str:
    from .db import refresh_families
    family = secrets.token_hex(16)
    with db.write() as conn:
        conn.execute(sa.insert(refresh_families).values(family=family, username=who.username, generation=0,
                                                        revoked=False, created_at=time.time()))
    return family


def rotate_family(db: Database, who: Principal, family: str, generation: int,
                  grace_seconds: float = 0.0) -> tuple[int, float]:
    """Rotate a refresh family: (next generation, when it was issued).

    The token of the current generation moves the family on. The token just before it, presented
    again within ``grace_seconds`` of that rotation, is a client retrying after its answer was lost
    (a cut link, a killed process): it gets the same generation and time back, so the caller
    re-issues the identical pair. Any other older token means a copy is in use: the whole family
    is revoked (401)."""
    from .db import refresh_families
    now = time.time()
    with db.write() as conn:
        row = conn.execute(sa.select(refresh_families).where(refresh_families.c.family == family)).first()
        if row is None or row.revoked or row.username != who.username:
            raise _revoked()
        current = int(row.generation)
        if current == generation:
            conn.execute(sa.update(refresh_families).where(refresh_families.c.family == family)
                         .values(generation=generation + 1, rotated_at=now))
            return generation + 1, now
        if (current == generation + 1 and row.rotated_at is not None
                and 0 <= now - float(row.rotated_at) <= grace_seconds):
            return current, float(row.rotated_at)
        conn.execute(sa.update(refresh_families).where(refresh_families.c.family == family)
                     .values(revoked=True))
    import logging
    logging.getLogger("reference_backend.auth").warning(
        "refresh token of %s re-used (generation %d, family at %d): family revoked",
        who.username, generation, current)
    raise _revoked()


def _revoked() -> ApiError:
    return ApiError(401, "invalid_token", "Phiên đăng nhập đã bị thu hồi, hãy đăng nhập lại",
                    "Session revoked; log in again",
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def check_password(db: Database, username: str, password: str) -> Principal:
    row = None
    if storable_text(username):  # a name no database can hold cannot be an account
        with db.read() as conn:
            row = conn.execute(sa.select(accounts).where(accounts.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError, UnicodeError):
        row = None
    if row is None:
        raise ApiError(401, "bad_credentials", "Sai tên đăng nhập hoặc mật khẩu",
                       "Wrong user name or password")
    return Principal(row.username, row.unit_code, int(row.desk), int(row.token_version or 0))


def _b64(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _unb64(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class TokenSigner:
    def __init__(self, secret: bytes, access_ttl: int, refresh_ttl: int) -> None:
        self.secret, self.access_ttl, self.refresh_ttl = secret, access_ttl, refresh_ttl

    def _sign(self, payload: dict) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode())
        mac = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def issue(self, p: Principal, family: str, generation: int, at: float | None = None) -> dict:
        """A token pair. ``at`` (a refresh): issued as of that time with a nonce derived from the
        family and generation, so issuing generation g again gives byte-identical tokens."""
        if at is None:
            now, nonce = int(time.time()), secrets.token_hex(8)
        else:
            now = int(at)
            nonce = hmac.new(self.secret, f"nonce:{family}:{generation}".encode(), hashlib.sha256).hexdigest()[:16]
        base = {"u": p.username, "unit": p.unit_code, "desk": p.desk, "v": p.version, "n": nonce}
        return {
            "access_token": self._sign({**base, "k": "a", "exp": now + self.access_ttl}),
            "refresh_token": self._sign({**base, "k": "r", "f": family, "g": generation,
                                         "exp": now + self.refresh_ttl}),
            "token_type": "Bearer",
            "expires_in": self.access_ttl,
            "unit_code": p.unit_code,
            "desk": p.desk,
        }

    def verify(self, token: str, kind: str) -> Principal:
        return self.verify_payload(token, kind)[0]

    def verify_payload(self, token: str, kind: str) -> tuple[Principal, dict]:
        """Signature, kind and expiry only (no database): the principal and the raw payload."""
        try:
            body, mac = token.split(".")
            good = hmac.new(self.secret, body.encode(), hashlib.sha256).digest()
            if not hmac.compare_digest(good, _unb64(mac)):
                raise ValueError("mac")
            payload = json.loads(_unb64(body))
            if payload["k"] != kind or payload["exp"] < time.time():
                raise ValueError("kind/exp")
            return Principal(str(payload["u"]), str(payload["unit"]), int(payload["desk"]),
                             int(payload.get("v", 0))), payload
        except (ValueError, KeyError, TypeError, UnicodeError, json.JSONDecodeError):
            raise ApiError(401, "invalid_token", "Phiên đăng nhập không hợp lệ hoặc đã hết hạn",
                           "Invalid or expired token",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None


STAFF_ROLES = ("clerk", "processor", "officer", "supervisor", "admin")
_LOGIN_RE = re.compile(r"^[a-z0-9._-]{1,64}$")


def add_staff_account(db: Database, *, unit_code: str, login: str, full_name: str, role: str,
                      password: str, active: bool = True) -> dict:
    """Create or replace a person's account of a unit (argon2id hash); desks fetch it with
    GET /api/v1/accounts. ``updated_at`` (fixed-width UTC) is the version the desks compare."""
    import datetime as _dt
    import unicodedata

    from .db import staff_accounts

    full_name = " ".join(unicodedata.normalize("NFC", full_name or "").split())
    if not UNIT_RE.match(unit_code):
        raise ApiError(400, "bad_unit", "Mã đơn vị không đúng dạng 000.00.00.H00",
                       "Unit code must look like 000.23.32.H48")
    if not _LOGIN_RE.match(login or "") or not 0 < len(full_name) <= 100 or role not in STAFF_ROLES:
        raise ApiError(400, "bad_account",
                       "Tên đăng nhập 1–64 ký tự a-z 0-9 . _ -, họ tên 1–100 ký tự, vai trò hợp lệ",
                       "Login 1-64 of a-z 0-9 . _ -, a 1-100 character name and a known role")
    if not 8 <= len(password or "") <= 256:
        raise ApiError(400, "bad_password", "Mật khẩu phải có 8–256 ký tự", "The password needs 8-256 characters")
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    row = {"full_name": full_name, "role": role, "password_hash": _hasher.hash(password),
           "active": bool(active), "updated_at": now}
    with db.write() as conn:
        key = (staff_accounts.c.unit_code == unit_code) & (staff_accounts.c.login == login)
        done = conn.execute(sa.update(staff_accounts).where(key).values(**row))
        if done.rowcount == 0:
            conn.execute(sa.insert(staff_accounts).values(unit_code=unit_code, login=login, **row))
    return {"login": login, **{k: v for k, v in row.items() if k != "password_hash"}}


def staff_accounts_of(db: Database, unit_code: str) -> list[dict]:
    from .db import staff_accounts

    with db.read() as conn:
        rows = conn.execute(sa.select(staff_accounts).where(staff_accounts.c.unit_code == unit_code)
                            .order_by(staff_accounts.c.login)).all()
    return [{"login": r.login, "full_name": r.full_name, "role": r.role,
             "password_hash": r.password_hash, "active": bool(r.active), "updated_at": r.updated_at}
            for r in rows]
