"""The online inbox without a server: entries applied by the real feed code
(``desk_app.sync.online_feed``), files put in the real blob store, decisions by the services."""
from __future__ import annotations

import hashlib
import importlib
import json
import uuid
from pathlib import Path

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.services import open_desk, registry, session as sessions
from desk_app.services.admin import setup, users
from desk_app.services.online import inbox
from desk_app.sync import feed, online_feed

UNIT = "000.23.32.H48"
PDF = b"%PDF-1.4\n% to khai\n%%EOF\n"


@pytest.fixture
def ctx(tmp_path: Path):
    setup.init_store(tmp_path / "desk", demo=False, desk_no=2, unit_code=UNIT)
    c = open_desk(tmp_path / "desk", create=False)
    yield c
    c.close()


def entry(pid: str, *, version: int = 1, state: str = "filed", filed: str = "20261127161000",
          procedure: str = "1.004873", components: list[dict] | None = None, files: bool = True,
          record_id: str | None = None, **extra) -> dict:
    sha = hashlib.sha256(PDF).hexdigest()
    rec = {"kind": "portal.dossier", "portal_id": pid, "MaTTHC": procedure, "TenTTHC": "Cấp Giấy xác nhận",
           "ChuHoSo": "Đặng Thị Hương", "LoaiDoiTuong": 1, "MaDoiTuong": "001090012345", "NgayNop": filed,
           "HinhThuc": 2, "DonViXuLy": UNIT, "state": state, "version": version, "reason": "",
           "components": components if components is not None else [
               {"seq": 1, "name": "Tờ khai", "form": "original", "quantity": 1}],
           "TaiLieuNop": [{"TepDinhKemId": sha, "TenTepDinhKem": "to-khai.pdf", "KichThuoc": len(PDF),
                           "seq": 1}] if files else [], **extra}
    return {"seq": version, "record_id": record_id or str(uuid.uuid5(uuid.NAMESPACE_URL, pid)),
            "version": version, "origin_desk": None, "SoBienNhan": "", "record": rec}


def apply(ctx, *items: dict) -> dict:
    with ctx.store.transaction() as conn:
        return feed.apply_page(conn, list(items), feed.get_cursor(conn))


def fetched(ctx) -> None:
    ctx.store.blobs.put_bytes(PDF)      # what the deferred lane does once the download is verified


def state(ctx, pid: str) -> str:
    return ctx.store.conn.execute("SELECT state FROM online_inbox WHERE portal_id = ?", (pid,)).fetchone()[0]


def counts(ctx) -> tuple[int, int, int]:
    c = ctx.store.conn
    return (c.execute("SELECT count(*) FROM dossiers").fetchone()[0],
            c.execute("SELECT count(*) FROM outbox WHERE kind NOT LIKE 'deferred.fetch%'").fetchone()[0],
            c.execute("SELECT count(*) FROM audit_log WHERE action IN"
                      " ('online.accept', 'online.supplement', 'online.refuse')").fetchone()[0])


@pytest.mark.parametrize("filed, due", [
    ("20261126100000", "2026-12-01T17:00:00+07:00"),   # Thursday 10:00: Fri, Mon, Tue
    ("20261127161000", "2026-12-02T17:00:00+07:00"),   # Friday 16:10: Mon, Tue, Wed
    ("20261127173000", "2026-12-02T17:00:00+07:00"),   # Friday after hours: Mon 08:00 is day 1
    ("20261128090000", "2026-12-02T17:00:00+07:00"),   # Saturday: Mon 08:00 is day 1
])
def test_code_and_due_date_follow_the_filing_time(ctx, filed: str, due: str) -> None:
    pid = f"DVC-{filed[:8]}-0000000A"
    out = apply(ctx, entry(pid, filed=filed))
    assert out["inserted"] == 1 and out["files_queued"] == 1
    fetched(ctx)
    res = inbox.accept(ctx, pid, clerk="Cán bộ thử")
    assert res.code == f"{UNIT}-{filed[2:8]}-2001"           # desk 2's block, the filing day
    assert res.due_at.isoformat() == due
    row = ctx.store.conn.execute("SELECT channel, portal_id, received_at, original_due_at FROM dossiers").fetchone()
    assert tuple(row) == ("online", pid, res.dossier.received_at.isoformat(), due)
    item = ctx.store.conn.execute("SELECT kind, payload_json FROM outbox WHERE kind = 'dossier.create'").fetchone()
    payload = json.loads(item["payload_json"])
    assert payload["HinhThuc"] == 2 and payload["portal_id"] == pid
    from desk_app.sync.wire import to_wire
    assert to_wire(payload)["extra"]["portal_id"] == pid and to_wire(payload)["HinhThuc"] == 2


def test_accept_refusals_change_nothing(ctx) -> None:
    pid = "DVC-20261127-0000000B"
    apply(ctx, entry(pid))
    with pytest.raises(ValidationError) as e:         # files not fetched yet
        inbox.accept(ctx, pid)
    assert e.value.code == "online_files_missing" and e.value.exit_code == 2
    fetched(ctx)
    with pytest.raises(NotFoundError):
        inbox.accept(ctx, "DVC-20261127-FFFFFFFF")
    with pytest.raises(ValidationError):
        inbox.accept(ctx, "; DROP TABLE")
    # a required component the citizen did not file: ask for a supplement instead
    pid2 = "DVC-20261127-0000000C"
    apply(ctx, entry(pid2, components=[{"seq": 2, "name": "Giấy khác", "form": "copy", "quantity": 1}]))
    with pytest.raises(ValidationError) as e:
        inbox.accept(ctx, pid2)
    assert "Thiếu giấy tờ bắt buộc" in e.value.vi
    with pytest.raises(ValidationError) as e:
        inbox.decide(ctx, pid, "refuse", "  \n ")
    assert e.value.code == "reason_required"
    with pytest.raises(ValidationError):
        inbox.decide(ctx, pid, "approve", "x")
    assert counts(ctx) == (0, 0, 0)
    assert state(ctx, pid) == state(ctx, pid2) == "pending"
    inbox.accept(ctx, pid)
    before = counts(ctx)
    with pytest.raises(ValidationError) as e:
        inbox.accept(ctx, pid)
    assert e.value.code == "online_already_decided" and f"{UNIT}-261127-2001" in e.value.vi
    with pytest.raises(ValidationError):
        inbox.decide(ctx, pid, "refuse", "quá muộn")
    assert counts(ctx) == before == (1, 1, 1)


def test_a_retry_after_a_crash_between_the_two_commits_finds_the_same_dossier(ctx) -> None:
    """Phase 1 (the intake writer, nothing queued) committed, then the process died: accepting
    again reuses that dossier (intake request id ``online:<portal id>``) — one dossier, one item."""
    from desk_app.services.catalog import get_procedure

    intake = importlib.import_module("desk_app.services.intake.receive")
    pid = "DVC-20261127-0000000D"
    apply(ctx, entry(pid))
    fetched(ctx)
    o = inbox.get(ctx, pid)
    req = intake._clean(inbox._request(ctx, o, "Cán bộ thử", "thu"))
    proc = get_procedure(ctx, o.procedure_code)
    first = intake._write(ctx, req, proc, status=intake.DossierStatus.RECEIVED,
                          due_at=intake._due(ctx, proc, req.received_at), note="", enqueue=False,
                          action="online.accept.intake")
    assert counts(ctx) == (1, 0, 0)
    res = inbox.accept(ctx, pid)
    assert res.code == first.code and counts(ctx) == (1, 1, 1)


def test_a_failure_after_the_intake_writer_leaves_nothing_behind(ctx, monkeypatch) -> None:
    """Acceptance is one transaction: if queuing the create item fails after the intake writer
    ran, no dossier, serial, event or audit row stays, the entry is still pending, and the next
    acceptance gets the first serial."""
    from desk_app.services.online import inbox as inbox_mod

    pid = "DVC-20261127-0000000F"
    apply(ctx, entry(pid))
    fetched(ctx)
    c = ctx.store.conn
    before = (counts(ctx), c.execute("SELECT count(*) FROM dossier_events").fetchone()[0],
              c.execute("SELECT count(*) FROM audit_log").fetchone()[0],
              c.execute("SELECT count(*) FROM daily_serials").fetchone()[0])

    def boom(*a, **k):
        raise RuntimeError("power cut")

    monkeypatch.setattr(inbox_mod.outbox, "enqueue", boom)
    with pytest.raises(RuntimeError):
        inbox.accept(ctx, pid)
    after = (counts(ctx), c.execute("SELECT count(*) FROM dossier_events").fetchone()[0],
             c.execute("SELECT count(*) FROM audit_log").fetchone()[0],
             c.execute("SELECT count(*) FROM daily_serials").fetchone()[0])
    assert after == before and state(ctx, pid) == "pending"
    monkeypatch.undo()
    res = inbox.accept(ctx, pid)
    assert counts(ctx) == (1, 1, 1) and res.code.endswith("-2001")


def test_feed_versions_states_and_bad_entries(ctx) -> None:
    pid = "DVC-20261127-0000000E"
    apply(ctx, entry(pid, version=2, state="supplement_requested", reason="Thiếu giấy"))
    apply(ctx, entry(pid, version=1))                   # older: skipped
    assert state(ctx, pid) == "supplement_requested"
    apply(ctx, entry(pid, version=3))                   # the citizen completed it
    assert state(ctx, pid) == "pending"
    apply(ctx, entry(pid, version=4, state="accepted", MaHoSo=f"{UNIT}-261127-1001",
                     NgayHenTra="20261202170000"))       # accepted at desk 1
    o = inbox.get(ctx, pid)
    assert (o.state, o.code, o.due_at.isoformat()) == ("accepted", f"{UNIT}-261127-1001", "2026-12-02T17:00:00+07:00")
    assert inbox.list_inbox(ctx) == []
    # one file is queued once, however often the entry comes
    assert ctx.store.conn.execute("SELECT count(*) FROM outbox WHERE kind = ?", (online_feed.FILE_KIND,)).fetchone()[0] == 1

    bad = [entry("DVC-20261127-0000000F", state="weird"),
           entry("DVC-20261127-00000010", filed="2026-11-27"),
           {"seq": 9, "record_id": "x", "version": 1, "record": {"kind": "portal.dossier"}},
           entry("DVC-20261127-00000011", files=False) | {"version": "1"}]
    good = entry("DVC-20261127-00000012")
    out = apply(ctx, *bad, good)
    assert out["online_parked"] == 4 and out["inserted"] == 1
    rows = ctx.store.conn.execute("SELECT state, last_error FROM outbox WHERE kind = ?",
                                  (online_feed.ENTRY_KIND,)).fetchall()
    assert len(rows) == 4 and {r["state"] for r in rows} == {"needs_attention"}
    assert all(r["last_error"].startswith("[online_entry_invalid] ") for r in rows)
    assert [o.portal_id for o in inbox.list_inbox(ctx)] == ["DVC-20261127-00000012"]


def test_roles(ctx) -> None:
    admin = sessions.os_owner_session(ctx)
    users.add(admin, login="thang.xl", full_name="Trần Văn Thắng", role="processor", password="mat-khau-xu-ly-1")
    users.add(admin, login="lan.gs", full_name="Lê Thị Lan", role="supervisor", password="mat-khau-giam-sat-1")
    apply(ctx, entry("DVC-20261127-00000020"))
    fetched(ctx)
    processor = sessions.login(ctx, "thang.xl", "mat-khau-xu-ly-1")
    with pytest.raises(registry.PermissionDenied) as e:
        registry.call("online accept", processor, portal_id="DVC-20261127-00000020")
    assert e.value.exit_code == 3
    with pytest.raises(registry.PermissionDenied):
        registry.call("online list", processor)
    supervisor = sessions.login(ctx, "lan.gs", "mat-khau-giam-sat-1")
    out = registry.call("online accept", supervisor, portal_id="DVC-20261127-00000020")
    assert out["code"].endswith("-261127-2001")
    actor = ctx.store.conn.execute("SELECT actor FROM audit_log WHERE action = 'online.accept'").fetchone()[0]
    assert actor == "lan.gs"


def test_the_store_verifies_clean_after_online_decisions(ctx) -> None:
    from desk_app.services.admin import verify

    for n, pid in enumerate(("DVC-20261127-00000030", "DVC-20261127-00000031", "DVC-20261127-00000032")):
        apply(ctx, entry(pid))
    fetched(ctx)
    inbox.accept(ctx, "DVC-20261127-00000030")
    inbox.decide(ctx, "DVC-20261127-00000031", "supplement", "Thiếu tờ khai có chữ ký")
    inbox.decide(ctx, "DVC-20261127-00000032", "refuse", "Không thuộc thẩm quyền")
    report = verify.run(ctx, blobs=True)
    assert report.ok, [c for c in report.checks if not c[1]]
