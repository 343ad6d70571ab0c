"""The command registry: one permission check for every call, audited refusals, the role table."""
from __future__ import annotations

import pytest

from desk_app.domain.models import Role
from desk_app.domain.roles import ACCOUNT_ROLES, may
from desk_app.services import registry
from desk_app.services import session as sess
from desk_app.services.admin import users


def test_role_table() -> None:
    assert all(may(Role.ADMIN, r) for r in ACCOUNT_ROLES)
    assert may(Role.SUPERVISOR, Role.CLERK) and may(Role.SUPERVISOR, Role.PROCESSOR)
    assert not may(Role.SUPERVISOR, Role.OFFICER)            # signing stays personal
    assert not may(Role.SUPERVISOR, Role.ADMIN)
    assert may(Role.OFFICER, Role.OFFICER) and not may(Role.OFFICER, Role.CLERK)
    assert not may(Role.CLERK, Role.SUPERVISOR)
    assert all(may(r, None) for r in ACCOUNT_ROLES) and not may(Role.SYSTEM, None)


def test_every_command_is_declared_once_with_both_messages() -> None:
    cmds = registry.load()
    assert len(cmds) >= 20
    for c in cmds.values():
        assert c.help_vi and c.help_en, c.name
        assert c.fn is not None
        if c.job:
            assert c.name in ("init", "verify", "sign files", "backup", "restore", "report",
                              "dossier sign", "dossier sign-result") \
                or c.name.startswith("scan ")
    with pytest.raises(ValueError):
        registry.command("verify", role=None, writes=False, help_vi="x", help_en="x")(print)


@pytest.fixture
def clerk(ctx):
    users.add(sess.os_owner_session(ctx), login="hoa", full_name="Nguyễn Thị Hoa", role="clerk",
              password="mat-khau-hoa")
    return sess.login(ctx, "hoa", "mat-khau-hoa", "gui")


def test_call_refuses_writes_audit_and_runs_nothing(ctx, clerk) -> None:
    with pytest.raises(registry.PermissionDenied) as ei:
        registry.call("settings set", clerk, key="office_end", value="16:00")
    e = ei.value
    assert e.exit_code == 3 and "“hoa”" in e.vi and "Cán bộ tiếp nhận" in e.vi
    assert "settings set" in e.vi and "Quản trị" in e.vi and "Clerk" in e.en
    ctx.reload()
    assert ctx.settings["office_end"] == "17:00"
    row = ctx.store.conn.execute("SELECT actor, entity, entity_id, detail_json FROM audit_log"
                                 " ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(row)[:3] == ("hoa", "command", "settings set") and '"gui"' in row[3]


def test_call_runs_an_allowed_command(ctx, clerk) -> None:
    assert registry.call("catalog list", clerk)
    admin = sess.os_owner_session(ctx)
    registry.call("settings set", admin, key="idle_lock_minutes", value="5")
    assert ctx.settings["idle_lock_minutes"] == "5"


def test_own_password_only(ctx, clerk) -> None:
    registry.call("user passwd", clerk, login="hoa", password="mat-khau-moi-1")
    with pytest.raises(registry.PermissionDenied):
        registry.call("user passwd", clerk, login="quantri", password="mat-khau-moi-1")


def test_commands_for_builds_menus(ctx) -> None:
    clerk_names = {c.name for c in registry.commands_for(Role.CLERK)}
    assert "dossier add" in clerk_names and "verify" not in clerk_names
    assert "gui" not in {c.name for c in registry.commands_for(Role.ADMIN)}   # CLI only
    assert "verify" in {c.name for c in registry.commands_for(Role.SUPERVISOR)}


def test_no_session_only_for_commands_without_a_desk() -> None:
    assert registry.call("cccd parse", None,
                         payload="001090012345|123456789|Nguyễn Văn An|01051990|Nam|Thôn|01012021")
    with pytest.raises(registry.PermissionDenied):
        registry.call("dossier list", None)
