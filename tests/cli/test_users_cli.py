"""`desk-app user add/list/disable/passwd` and `settings show/set` end to end through the
console script; every change names the acting person in the audit log."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

from tests.services.deskutil import MINI_CATALOG, UNIT


def run(cmd, *args, ok: int | None = 0, **env) -> subprocess.CompletedProcess:
    p = subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120,
                       env={**os.environ, **env})
    if ok is not None:
        assert p.returncode == ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def actors(d: Path, action: str) -> list[tuple]:
    con = sqlite3.connect(d / "desk.sqlite3")
    try:
        return con.execute("SELECT actor, entity_id FROM audit_log WHERE action = ? ORDER BY id",
                           (action,)).fetchall()
    finally:
        con.close()


def test_user_commands_end_to_end(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "desk"
    D = str(d)
    run(desk_app_cmd, "init", "--data-dir", D, "--unit", UNIT, "--catalog", str(MINI_CATALOG))
    # the data folder's owner is the built-in administrator: makes the first real one
    run(desk_app_cmd, "user", "add", "--data-dir", D, "--login", "quantri", "--name",
        "Quản trị viên", "--role", "admin", "--password-env", "PW", PW="mat-khau-qt")
    owner = actors(d, "account.add")[-1][0]
    assert owner.startswith("os:")
    # then the administrator acts by name (global options before the command word)
    me = ["--user", "quantri", "--password-env", "ME"]
    run(desk_app_cmd, *me, "user", "add", "--data-dir", D, "--login", "hoa", "--name",
        "Nguyễn Thị Hoa", "--role", "clerk", "--password-env", "PW", ME="mat-khau-qt",
        PW="mat-khau-hoa")
    listed = json.loads(run(desk_app_cmd, "user", "list", "--data-dir", D, "--json",
                            "--user", "quantri", "--password-env", "ME", ME="mat-khau-qt").stdout)
    assert [(a["login"], a["role"], a["active"]) for a in listed] == [
        ("hoa", "clerk", True), ("quantri", "admin", True)]
    assert all("password" not in json.dumps(a) for a in listed)
    text = run(desk_app_cmd, "user", "list", "--data-dir", D).stdout
    assert "Nguyễn Thị Hoa" in text and "Cán bộ tiếp nhận" in text
    # the clerk receives a dossier under her own name, cannot manage accounts
    r = run(desk_app_cmd, "dossier", "add", "--data-dir", D, "--procedure", "1.004873",
            "--applicant-id", "001090012345", "--applicant-name", "Nguyễn Văn An", "--json",
            "--user", "hoa", "--password-env", "ME", ME="mat-khau-hoa")
    assert json.loads(r.stdout)["clerk"] == "Nguyễn Thị Hoa"
    assert actors(d, "dossier.receive")[-1][0] == "hoa", "the audit row names the login"
    p = run(desk_app_cmd, "user", "add", "--data-dir", D, "--login", "x", "--name", "X",
            "--role", "admin", "--password-env", "PW", "--user", "hoa",
            PW="12345678", ok=2)        # --password-env after `user add` is the new password
    p = run(desk_app_cmd, "--user", "hoa", "--password-env", "ME", "user", "add", "--data-dir",
            D, "--login", "x", "--name", "X", "--role", "admin", "--password-env", "PW",
            ME="mat-khau-hoa", PW="12345678", ok=3)
    assert p.stderr.startswith("Lỗi: Tài khoản “hoa”") and "user add" in p.stderr
    assert actors(d, "permission.denied")[-1] == ("hoa", "user add")
    # passwd by the administrator, then by the clerk herself
    run(desk_app_cmd, *me, "user", "passwd", "hoa", "--data-dir", D, "--password-env", "PW",
        ME="mat-khau-qt", PW="mat-khau-hoa-2")
    run(desk_app_cmd, "--user", "hoa", "--password-env", "ME", "user", "passwd", "hoa",
        "--data-dir", D, "--password-env", "PW", ME="mat-khau-hoa-2", PW="mat-khau-hoa-3")
    assert actors(d, "account.password") == [("quantri", "hoa"), ("hoa", "hoa")]
    run(desk_app_cmd, "dossier", "list", "--data-dir", D, "--user", "hoa", "--password-env",
        "ME", ME="mat-khau-hoa-2", ok=3)
    # disable: the clerk can no longer log in; the last administrator stays
    run(desk_app_cmd, *me, "user", "disable", "hoa", "--data-dir", D, ME="mat-khau-qt")
    assert actors(d, "account.disable") == [("quantri", "hoa")]
    p = run(desk_app_cmd, "dossier", "list", "--data-dir", D, "--user", "hoa",
            "--password-env", "ME", ME="mat-khau-hoa-3", ok=3)
    assert "Sai tên đăng nhập hoặc mật khẩu" in p.stderr
    p = run(desk_app_cmd, *me, "user", "disable", "quantri", "--data-dir", D, ME="mat-khau-qt",
            ok=2)
    assert "quản trị cuối cùng" in p.stderr


def test_settings_show_and_set(desk_app_cmd, tmp_path: Path) -> None:
    d = tmp_path / "desk"
    run(desk_app_cmd, "init", "--data-dir", str(d), "--demo", "--n-dossiers", "0")
    shown = json.loads(run(desk_app_cmd, "settings", "show", "--data-dir", str(d),
                           "--json").stdout)
    assert {s["key"]: s["value"] for s in shown}["office_end"] == "17:00"
    p = run(desk_app_cmd, "settings", "set", "office_end", "16:30", "--data-dir", str(d),
            "--user", "lan", "--password-env", "ME", ME="demo-supervisor", ok=3)
    assert "“lan”" in p.stderr
    run(desk_app_cmd, "settings", "set", "office_end", "16:30", "--data-dir", str(d),
        "--user", "quantri", "--password-env", "ME", ME="demo-admin")
    assert actors(d, "settings.update")[-1] == ("quantri", "office_end")
    p = run(desk_app_cmd, "settings", "set", "office_end", "25:00", "--data-dir", str(d), ok=2)
    assert "office_end" in p.stderr
