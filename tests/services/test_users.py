"""Accounts: argon2id hashes, one refusal message, the last administrator, audit with the actor,
province accounts never replacing local ones."""
from __future__ import annotations

import sqlite3

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Role
from desk_app.services import session as sess
from desk_app.services.admin import users
from offline_store import repo


@pytest.fixture
def admin(ctx):
    return sess.os_owner_session(ctx)


def audit_rows(ctx, action: str) -> list[tuple]:
    return [tuple(r) for r in ctx.store.conn.execute(
        "SELECT actor, entity_id FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def test_add_hashes_with_argon2id_and_audits_the_actor(ctx, admin) -> None:
    a = users.add(admin, login="hoa", full_name="  Nguyễn   Thị Hoa ", role="clerk",
                  password="mat-khau-hoa")
    assert (a.login, a.full_name, a.role, a.active, a.source) == (
        "hoa", "Nguyễn Thị Hoa", Role.CLERK, True, "local")
    stored = repo.get_account(ctx.store.conn, "hoa")["password_hash"]
    assert stored.startswith("$argon2id$v=19$") and "mat-khau-hoa" not in stored
    assert audit_rows(ctx, "account.add") == [(admin.actor, "hoa")]
    assert admin.actor.startswith("os:")
    clerk = sess.login(ctx, "hoa", "mat-khau-hoa")
    assert clerk.actor == "hoa" and clerk.role == Role.CLERK
    users.set_password(clerk, "hoa", "mat-khau-moi-1")
    assert audit_rows(ctx, "account.password") == [("hoa", "hoa")]
    with pytest.raises(users.AuthError):
        users.authenticate(ctx, "hoa", "mat-khau-hoa")
    assert users.authenticate(ctx, "hoa", "mat-khau-moi-1").login == "hoa"
    assert "mat-khau" not in "".join(str(r) for r in ctx.store.conn.execute(
        "SELECT detail_json FROM audit_log"))


@pytest.mark.parametrize("login", ["", "Hoa", "hoa ngoc", "x" * 65, "hòa", "a/b"])
def test_bad_logins_are_refused(ctx, admin, login) -> None:
    with pytest.raises(ValidationError) as ei:
        users.add(admin, login=login, full_name="A", role="clerk", password="12345678")
    assert ei.value.code == "login_invalid"


def test_bad_name_role_password_duplicate(ctx, admin) -> None:
    for kw, code in [({"full_name": " "}, "account_name_invalid"),
                     ({"full_name": "x" * 101}, "account_name_invalid"),
                     ({"role": "system"}, "role_invalid"),
                     ({"password": "ngan"}, "password_invalid")]:
        args = {"login": "a", "full_name": "A", "role": "clerk", "password": "12345678", **kw}
        with pytest.raises(ValidationError) as ei:
            users.add(admin, **args)
        assert ei.value.code == code
    users.add(admin, login="a", full_name="A", role="clerk", password="12345678")
    with pytest.raises(ValidationError, match="Đã có"):
        users.add(admin, login="a", full_name="B", role="admin", password="12345678")
    with pytest.raises(NotFoundError):
        users.disable(admin, "khong-co")


def test_one_message_for_unknown_wrong_and_disabled(ctx, admin) -> None:
    users.add(admin, login="hoa", full_name="Hoa", role="clerk", password="mat-khau-hoa")
    users.add(admin, login="qt", full_name="QT", role="admin", password="mat-khau-qt")
    errors = []
    for login, pw in [("khong-ai", "x"), ("hoa", "sai-mat-khau")]:
        with pytest.raises(users.AuthError) as ei:
            users.authenticate(ctx, login, pw)
        errors.append((ei.value.vi, ei.value.exit_code))
    users.disable(admin, "hoa")
    with pytest.raises(users.AuthError) as ei:
        users.authenticate(ctx, "hoa", "mat-khau-hoa")
    errors.append((ei.value.vi, ei.value.exit_code))
    assert len(set(errors)) == 1 and errors[0] == ("Sai tên đăng nhập hoặc mật khẩu.", 3)
    assert repo.get_account(ctx.store.conn, "hoa")["failed_attempts"] == 2


def test_the_last_active_admin_stays(ctx, admin) -> None:
    users.add(admin, login="qt", full_name="QT", role="admin", password="mat-khau-qt")
    with pytest.raises(ValidationError) as ei:
        users.disable(admin, "qt")
    assert ei.value.code == "last_admin"
    with pytest.raises(ValidationError):
        users.set_role(admin, "qt", "supervisor")
    users.add(admin, login="qt2", full_name="QT 2", role="admin", password="mat-khau-qt2")
    users.disable(admin, "qt")
    with pytest.raises(ValidationError):
        users.disable(admin, "qt2")
    assert [a.login for a in users.list_accounts(ctx) if a.active] == ["qt2"]


def _province(login, updated, role="clerk", active=True, name="Tỉnh Cấp"):
    return {"login": login, "full_name": name, "role": role, "active": active,
            "password_hash": users.hasher().hash("tinh-cap-123"), "updated_at": updated}


def test_province_accounts_newest_wins_and_never_replace_local(ctx, admin) -> None:
    users.add(admin, login="hoa", full_name="Hoa (máy)", role="clerk", password="mat-khau-hoa")
    rows = [_province("hoa", "2026-01-01T00:00:00Z", role="admin"),
            _province("minh", "2026-01-01T00:00:00Z"),
            {"login": "BAD LOGIN", "full_name": "x", "role": "clerk", "password_hash": "x",
             "updated_at": "2026"}]
    assert users.apply_province_accounts(ctx, rows) == 1
    assert users.get(ctx, "hoa").role == Role.CLERK            # local kept
    assert users.authenticate(ctx, "minh", "tinh-cap-123").source == "province"
    older = _province("minh", "2025-12-01T00:00:00Z", name="Cũ")
    newer = _province("minh", "2026-02-01T00:00:00Z", role="supervisor", name="Mới")
    assert users.apply_province_accounts(ctx, [older]) == 0
    assert users.apply_province_accounts(ctx, [newer]) == 1
    assert (users.get(ctx, "minh").full_name, users.get(ctx, "minh").role) == (
        "Mới", Role.SUPERVISOR)
    assert audit_rows(ctx, "account.province_sync")[-1] == ("province", "minh")


def test_upsert_province_account_needs_a_transaction(ctx) -> None:
    with pytest.raises(RuntimeError):
        repo.upsert_province_account(ctx.store.conn, _province("x", "t"))
    with pytest.raises(sqlite3.IntegrityError):
        with ctx.store.transaction() as conn:
            repo.insert_account(conn, {"login": "r", "full_name": "R", "role": "system",
                                       "password_hash": "h"})


def test_the_engine_path_never_removes_the_last_active_administrator(ctx) -> None:
    """The sync engine applies province rows straight through the repository: the guard is there."""
    with ctx.store.transaction() as conn:
        assert repo.upsert_province_account(conn, _province("tinh", "2026-01-01T00:00:00Z",
                                                            role="admin"))
    admins = "SELECT login FROM accounts WHERE role = 'admin' AND active = 1"
    assert len(ctx.store.conn.execute(admins).fetchall()) == 1, "the fixture has no other admin"
    with ctx.store.transaction() as conn:
        assert not repo.upsert_province_account(conn, _province("tinh", "2026-02-01T00:00:00Z",
                                                                role="admin", active=False))
        assert not repo.upsert_province_account(conn, _province("tinh", "2026-02-01T00:00:00Z",
                                                                role="clerk"))
    assert [r[0] for r in ctx.store.conn.execute(admins)] == ["tinh"]
