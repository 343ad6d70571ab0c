"""Every registered command's role rule, through the real CLI on a real store with real accounts
(--user / --password-env): a person whose role is not allowed gets exit 3, the Vietnamese
message on stderr and a ``permission.denied`` audit row; an allowed one passes the check.
Also: the generated --help lists every command; the OS owner rule; log-in failures."""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from desk_app.cli.main import main
from desk_app.domain.models import Role
from desk_app.domain.roles import ACCOUNT_ROLES, may
from desk_app.services import registry
from tests.services.deskutil import copy_desk

# the demo accounts (services/admin/setup.py DEMO_ACCOUNTS): one per role
LOGIN = {Role.CLERK: "hoa", Role.PROCESSOR: "thang", Role.OFFICER: "binh",
         Role.SUPERVISOR: "lan", Role.ADMIN: "quantri"}
PW_ENV = "DESK_TEST_ACTOR_PW"
NEW_PW_ENV = "DESK_TEST_NEW_PW"


@pytest.fixture(scope="module")
def accounts_template(mini_template: Path, tmp_path_factory) -> Path:
    from desk_app.services import open_desk
    from desk_app.services.admin.setup import add_demo_accounts

    d = copy_desk(mini_template, tmp_path_factory.mktemp("roles") / "tpl")
    with open_desk(d, create=False) as ctx, ctx.store.transaction() as conn:
        add_demo_accounts(conn)
    return d


@pytest.fixture
def desk(accounts_template: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv(NEW_PW_ENV, "mat-khau-moi-123")
    return copy_desk(accounts_template, tmp_path / "desk")


def as_role(monkeypatch, role: Role) -> list[str]:
    monkeypatch.setenv(PW_ENV, f"demo-{role.value}")
    return ["--user", LOGIN[role], "--password-env", PW_ENV]


def argv_for(cmd: registry.Command, desk: Path) -> list[str]:
    """The command with the smallest input its parser accepts (values may be nonsense)."""
    argv = list(cmd.words)
    if cmd.needs_desk:
        argv += ["--data-dir", str(desk)]
    for p in cmd.params:
        if not p.required and p.name != "data_dir":
            continue
        if p.name == "data_dir":
            argv += ["--data-dir", str(desk)]
            continue
        value = (NEW_PW_ENV if p.env else p.choices[0] if p.choices
                 else "1" if p.type in (int, float) else "khong-co")
        argv += [str(value)] if p.positional else [p.option.split("|")[-1], str(value)]
    return argv


def denied_rows(desk: Path) -> list[tuple]:
    con = sqlite3.connect(desk / "desk.sqlite3")
    try:
        return con.execute("SELECT actor, entity, entity_id, detail_json FROM audit_log"
                           " WHERE action = 'permission.denied' ORDER BY id").fetchall()
    finally:
        con.close()


GUARDED = [c for c in registry.load().values()
           if "cli" in c.faces and (c.needs_desk or c.role is not None)]


def test_every_desk_command_is_guarded_by_a_role_rule() -> None:
    names = {c.name for c in GUARDED}
    assert {"init", "catalog import", "dossier add", "verify", "sync", "user add", "user list",
            "user disable", "user passwd", "settings set", "receipt", "form"} <= names
    # a command without desk data has no role (nobody to check it against)
    for c in registry.REGISTRY.values():
        if not c.needs_desk and c.name not in ("init", "restore"):   # both make a new desk
            assert c.role is None, c.name


@pytest.mark.parametrize("name", [c.name for c in GUARDED])
def test_role_rule_through_the_cli(name: str, desk: Path, monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)           # nonsense relative paths ("khong-co") land here
    cmd = registry.REGISTRY[name]
    argv = argv_for(cmd, desk)
    refused = [r for r in ACCOUNT_ROLES if not may(r, cmd.role)]
    for role in refused:
        before = len(denied_rows(desk))
        code = main([*as_role(monkeypatch, role), *argv])
        err = capsys.readouterr().err
        assert code == 3, (name, role, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Lỗi: Tài khoản “"), err
        assert f"“{LOGIN[role]}”" in err and "không được phép chạy lệnh" in err
        assert f"“{name}”" in err
        rows = denied_rows(desk)
        assert len(rows) == before + 1
        assert rows[-1][:3] == (LOGIN[role], "command", name)
    for role in ACCOUNT_ROLES:
        if role in refused:
            continue
        code = main([*as_role(monkeypatch, role), *argv])
        out = capsys.readouterr()
        assert code != 3, (name, role, out.err)
    if refused:
        assert Role.ADMIN not in refused


def test_english_message_with_lang_en(desk: Path, monkeypatch, capsys) -> None:
    code = main(["--lang", "en", *as_role(monkeypatch, Role.CLERK), "user", "list",
                 "--data-dir", str(desk)])
    err = capsys.readouterr().err
    assert code == 3 and err.startswith("Error: Account “hoa”") and "Administrator" in err


def test_global_options_after_the_command_word(desk: Path, monkeypatch, capsys) -> None:
    code = main(["verify", "--data-dir", str(desk), *as_role(monkeypatch, Role.CLERK)])
    assert code == 3 and "“verify”" in capsys.readouterr().err
    code = main(["verify", "--data-dir", str(desk), *as_role(monkeypatch, Role.SUPERVISOR),
                 "--json"])
    assert code == 0 and '"ok": true' in capsys.readouterr().out


def test_wrong_password_and_disabled_account_are_the_same_refusal(desk: Path, monkeypatch,
                                                                  capsys) -> None:
    monkeypatch.setenv(PW_ENV, "sai-mat-khau")
    argv = ["dossier", "list", "--data-dir", str(desk)]
    assert main(["--user", "hoa", "--password-env", PW_ENV, *argv]) == 3
    wrong = capsys.readouterr().err
    assert main(["--user", "khong-ai", "--password-env", PW_ENV, *argv]) == 3
    unknown = capsys.readouterr().err
    assert main([*as_role(monkeypatch, Role.ADMIN), "user", "disable", "hoa",
                 "--data-dir", str(desk)]) == 0
    capsys.readouterr()
    assert main([*as_role(monkeypatch, Role.CLERK), *argv]) == 3
    disabled = capsys.readouterr().err
    assert wrong == unknown == disabled
    assert "Sai tên đăng nhập hoặc mật khẩu" in wrong
    assert main([*as_role(monkeypatch, Role.CLERK), *argv, "--json"]) == 3
    assert '"code": "auth_failed"' in capsys.readouterr().out


def test_password_env_missing_is_bad_input(desk: Path, capsys) -> None:
    assert main(["--user", "hoa", "--password-env", "DESK_TEST_UNSET_VAR", "dossier", "list",
                 "--data-dir", str(desk)]) == 2
    assert "DESK_TEST_UNSET_VAR" in capsys.readouterr().err


def test_not_the_owner_of_the_data_folder_needs_a_login(desk: Path, monkeypatch,
                                                        capsys) -> None:
    import os

    from desk_app.services import session

    if os.name == "nt":
        pytest.skip("Windows: the owner is not checked (see services/session.py)")
    real = os.getuid()
    monkeypatch.setattr(session.os, "getuid", lambda: real + 1)
    assert main(["dossier", "list", "--data-dir", str(desk)]) == 3
    err = capsys.readouterr().err
    assert "không sở hữu thư mục dữ liệu" in err and "--user" in err
    assert main([*as_role(monkeypatch, Role.CLERK), "dossier", "list",
                 "--data-dir", str(desk)]) == 0


def test_help_lists_every_registered_command(desk_app_cmd) -> None:
    out = subprocess.run([*desk_app_cmd, "--help"], capture_output=True, text=True,
                         timeout=60).stdout
    cli = [c for c in registry.load().values() if "cli" in c.faces]
    for c in cli:
        assert f"  {c.name} " in out, c.name          # the generated list of commands
        assert f"    {c.words[0]} " in out or f"    {c.words[0]}\n" in out  # the argparse tree
    groups = {c.words[0] for c in cli if len(c.words) > 1}
    for g in groups:
        sub = subprocess.run([*desk_app_cmd, g, "--help"], capture_output=True, text=True,
                             timeout=60).stdout
        for c in cli:
            if c.words[0] == g:
                assert f"    {c.words[1]} " in sub or f"    {c.words[1]}\n" in sub, c.name


def test_the_gui_path_does_not_load_the_registry(tmp_path: Path) -> None:
    import sys

    code = ("import sys, desk_app.cli.gui as g\n"
            "g.cmd_gui = lambda args: print(sorted(m for m in sys.modules if m.startswith("
            "('desk_app.services', 'offline_store'))), args.lang, args.data_dir) or 0\n"
            "from desk_app.cli.main import main\n"
            f"raise SystemExit(main(['--lang', 'en', '--user', 'hoa', 'gui', '--data-dir', "
            f"{str(tmp_path)!r}]))\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == f"[] en {tmp_path}"
