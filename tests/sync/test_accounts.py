"""Staff accounts provided by the province (``GET /api/v1/accounts``), applied by the engine.

Against the real reference back end when it offers the list; the scripted server only plays an
older server (no ``/accounts``) and answers a real back end must never give (bad rows).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from desk_app.services import sync_control
from desk_app.sync import events as ev
from desk_app.sync.api import Credentials
from offline_store import Store, repo
from tests.sync.fake_server import FakeServer
from tests.sync.harness import make_desk

JSON = {"Content-Type": "application/json"}
ROUTE = "GET /api/v1/accounts"
HASH = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("mat-khau-tinh-cap")


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("acc") / "desk"
    make_desk(d, 1)
    return d


@pytest.fixture()
def desk(desk_template: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "desk"
    shutil.copytree(desk_template, dst)
    return dst


@pytest.fixture()
def fake():
    srv = FakeServer().start()
    yield srv
    srv.stop()


def row(login: str, **over) -> dict:
    base = {"login": login, "full_name": f"Cán bộ {login}", "role": "clerk", "password_hash": HASH,
            "active": True, "updated_at": "2026-01-05T08:00:00+07:00"}
    return {**base, **over}


def accounts_of(desk: Path) -> dict[str, dict]:
    with Store.open(desk) as store:
        return {r["login"]: dict(r) for r in repo.list_accounts(store.conn)}


def run(desk: Path, url: str, **kw):
    return sync_control.sync_once(desk, url, Credentials("desk", "pw"), **kw)


def test_an_older_server_without_the_list_is_not_an_error(desk: Path, fake: FakeServer) -> None:
    rep = run(desk, fake.url)
    assert fake.hits.count(ROUTE) == 1            # asked once, got 404
    assert rep.online and rep.faults == [] and rep.accounts_applied == 0


def test_accounts_apply_bad_rows_are_skipped_and_no_hash_is_reported(desk: Path, fake: FakeServer) -> None:
    rows = [row("lan.tran", role="supervisor"), row("hoa.nguyen"),
            row("lao.cong", role="janitor"),                        # a role this desk does not know
            row("bcrypt.user", password_hash="$2b$12$abcdefghijklmnopqrstuv"),  # not argon2id
            {k: v for k, v in row("no.date").items() if k != "updated_at"}]
    body = json.dumps({"accounts": rows, "version": "41"}).encode()
    fake.routes[ROUTE] = lambda _b: (200, {**JSON, "ETag": '"v41"'}, body)
    typed: list[ev.SyncEvent] = []
    rep = run(desk, fake.url, on_typed_event=typed.append)
    got = accounts_of(desk)
    assert set(got) == {"lan.tran", "hoa.nguyen"}
    assert got["lan.tran"]["role"] == "supervisor" and got["lan.tran"]["source"] == "province"
    assert got["hoa.nguyen"]["password_hash"] == HASH
    assert rep.accounts_applied == 2 and rep.online
    assert [f["code"] for f in rep.faults] == ["bad_response"] * 3
    text = json.dumps(rep.to_dict(), ensure_ascii=False)
    assert "$2b$12$" not in text and HASH not in text          # hashes never reach a report or log
    applied = [t for t in typed if isinstance(t, ev.AccountsApplied)]
    assert len(applied) == 1 and applied[0].applied == 2 and applied[0].version == "41"


def test_the_list_is_asked_again_with_its_etag_and_304_changes_nothing(desk: Path, fake: FakeServer) -> None:
    body = json.dumps({"accounts": [row("hoa.nguyen")], "version": 1}).encode()

    def answer(_b: bytes):
        if fake.headers[ROUTE].get("if-none-match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {**JSON, "ETag": '"v1"'}, body
    fake.routes[ROUTE] = answer
    assert run(desk, fake.url).accounts_applied == 1
    rep = run(desk, fake.url)
    assert fake.headers[ROUTE].get("if-none-match") == '"v1"'
    assert rep.accounts_applied == 0 and rep.faults == [] and rep.online
    assert set(accounts_of(desk)) == {"hoa.nguyen"}


def test_a_newer_row_updates_an_older_one_does_not(desk: Path, fake: FakeServer) -> None:
    def serve(rows: list[dict], tag: str) -> None:
        body = json.dumps({"accounts": rows}).encode()
        fake.routes[ROUTE] = lambda _b: (200, {**JSON, "ETag": tag}, body)
    serve([row("binh.le", role="officer")], '"a"')
    run(desk, fake.url)
    serve([row("binh.le", role="officer", active=False, updated_at="2026-03-01T08:00:00+07:00")], '"b"')
    assert run(desk, fake.url).accounts_applied == 1
    assert accounts_of(desk)["binh.le"]["active"] == 0          # disabled by the province
    serve([row("binh.le", role="officer", active=True)], '"c"')  # an older copy arriving late
    assert run(desk, fake.url).accounts_applied == 0
    assert accounts_of(desk)["binh.le"]["active"] == 0


def test_a_malformed_list_changes_nothing(desk: Path, fake: FakeServer) -> None:
    fake.routes[ROUTE] = lambda _b: (200, JSON, b'{"accounts": "everyone"}')
    rep = run(desk, fake.url)
    assert [f["code"] for f in rep.faults] == ["bad_response"] and rep.online
    assert accounts_of(desk) == {}


def test_accounts_can_be_left_out(desk: Path, fake: FakeServer) -> None:
    run(desk, fake.url, pull_accounts=False)
    assert ROUTE not in fake.hits


# --------------------------------------------------------------------------- the real back end

def test_province_accounts_reach_the_desk_and_log_in_offline(unit) -> None:
    """Provisioned on the reference back end, fetched over HTTP, usable at the desk without the
    network; a second run asks with If-None-Match (304, nothing applied); a disabled account
    arrives disabled; another unit's people never arrive."""
    from desk_app.services import open_desk
    from desk_app.services.admin import users
    from tests.sync.harness import PASSWORD

    data, desk_user = unit.desk(1)
    backend = unit.backend
    backend.add_account(unit.code, "hoa.tran", "clerk", "mat-khau-hoa-1")
    backend.add_account(unit.code, "lan.pham", "supervisor", "mat-khau-lan-1")
    backend.add_account("000.99.32.H48", "nguoi.khac", "admin", "mat-khau-khac-1")
    typed: list[ev.SyncEvent] = []
    creds = Credentials(desk_user, PASSWORD)
    rep = sync_control.sync_once(data, backend.url, creds, on_typed_event=typed.append)
    assert rep.online and rep.faults == [] and rep.accounts_applied == 2
    assert [t.applied for t in typed if isinstance(t, ev.AccountsApplied)] == [2]
    got = accounts_of(data)
    assert set(got) == {"hoa.tran", "lan.pham"}
    assert {got["hoa.tran"]["source"], got["lan.pham"]["role"]} == {"province", "supervisor"}
    with open_desk(data, create=False) as ctx:
        assert users.authenticate(ctx, "hoa.tran", "mat-khau-hoa-1").role.value == "clerk"

    rep = sync_control.sync_once(data, backend.url, creds)              # unchanged: 304
    assert rep.accounts_applied == 0 and rep.faults == []

    backend.add_account(unit.code, "hoa.tran", "clerk", "mat-khau-hoa-1", disabled=True)
    rep = sync_control.sync_once(data, backend.url, creds)
    assert rep.accounts_applied == 1
    assert accounts_of(data)["hoa.tran"]["active"] == 0
    with open_desk(data, create=False) as ctx, pytest.raises(users.AuthError):
        users.authenticate(ctx, "hoa.tran", "mat-khau-hoa-1")


def test_a_long_running_engine_refreshes_the_accounts_every_interval(unit) -> None:
    from desk_app.sync.engine import EngineConfig
    from tests.sync.harness import PASSWORD, running_engine, wait_for

    data, desk_user = unit.desk(1)
    config = EngineConfig(data, unit.backend.url, Credentials(desk_user, PASSWORD), idle_poll=0.1,
                          feed_interval=0.2, accounts_interval=0.5)
    events: list[dict] = []
    with running_engine(config, on_event=events.append):
        def first_fetch_done() -> bool:          # the (still empty) list was fetched once
            with Store.open(data) as store:
                return bool(repo.get_sync_state(store.conn, "accounts_etag", ""))
        wait_for(first_fetch_done, 20, "the first accounts fetch")
        unit.backend.add_account(unit.code, "thang.vo", "processor", "mat-khau-thang-1")
        wait_for(lambda: "thang.vo" in accounts_of(data), 20, "the new account to arrive")
    assert any(e["event"] == "accounts" and e["applied"] == 1 for e in events)
