"""GET /api/v1/accounts: the people of the caller's unit only, argon2id hashes, ETag/304; and the
``add-account`` command that provisions them."""
from __future__ import annotations

import httpx
from argon2 import PasswordHasher

from tests.backend.refserver import Server, new_unit


def add_account(server: Server, unit: str, login: str, role: str, *extra: str,
                password: str = "mat-khau-tinh") -> None:
    server.cli("add-account", "--unit", unit, "--login", login, "--name", f"Cán bộ {login}",
               "--role", role, "--password-env", "ACC_PW", *extra, env={"ACC_PW": password})


def test_accounts_of_the_callers_unit_with_etag(server: Server) -> None:
    c = server.client()
    other = new_unit()
    add_account(server, c.unit, "hoa", "clerk")
    add_account(server, c.unit, "lan", "supervisor")
    add_account(server, other, "khac", "admin")
    r = c.http.get("/api/v1/accounts")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [a["login"] for a in body["accounts"]] == ["hoa", "lan"]        # never another unit's
    hoa = body["accounts"][0]
    assert set(hoa) == {"login", "full_name", "role", "password_hash", "active", "updated_at"}
    assert hoa["full_name"] == "Cán bộ hoa" and hoa["role"] == "clerk" and hoa["active"] is True
    assert hoa["password_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(hoa["password_hash"], "mat-khau-tinh")
    assert body["version"] == max(a["updated_at"] for a in body["accounts"])
    etag = r.headers["ETag"]
    again = c.http.get("/api/v1/accounts", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    add_account(server, c.unit, "hoa", "clerk", "--disabled")              # a change: new version
    changed = c.http.get("/api/v1/accounts", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    now = {a["login"]: a for a in changed.json()["accounts"]}
    assert now["hoa"]["active"] is False and now["hoa"]["updated_at"] > hoa["updated_at"]


def test_accounts_need_a_token_and_valid_input(server: Server) -> None:
    anon = httpx.Client(base_url=server.url)
    assert anon.get("/api/v1/accounts").status_code == 401
    c = server.client()
    empty = c.http.get("/api/v1/accounts").json()
    assert empty == {"accounts": [], "version": "empty"}
    r = server.cli("add-account", "--unit", c.unit, "--login", "Bad Login", "--name", "X",
                   "--role", "clerk", "--password-env", "ACC_PW", check=False,
                   env={"ACC_PW": "mat-khau-tinh"})
    assert r.returncode == 2
    r = server.cli("add-account", "--unit", c.unit, "--login", "x", "--name", "X",
                   "--role", "clerk", "--password-env", "ACC_UNSET", check=False)
    assert r.returncode == 2
