"""Issue 16 part 2 on the real reference back end over HTTP: an online dossier filed at the portal
reaches the desk's inbox through the feed, is decided offline, and the decision goes back up
exactly once; a province result with a PDF comes down with its file."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from desk_app.services import open_desk, sync_control
from desk_app.services.online import inbox
from desk_app.sync.credentials import Credentials
from offline_store import Store
from tests.online.conftest import pdf
from tests.sync.harness import PASSWORD, ROOT, env


pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def creds(user: str) -> Credentials:
    return Credentials(user, PASSWORD)


def sync(data: Path, unit, user: str):
    return sync_control.sync_once(data, unit.backend.url, creds(user))


def sync2(data: Path, unit, user: str):
    """Two runs: the first applies the feed and queues the downloads, the second fetches them."""
    sync(data, unit, user)
    return sync(data, unit, user)


def desk_cli(data: Path, *args: str, ok: int = 0) -> subprocess.CompletedProcess:
    p = subprocess.run([sys.executable, "-m", "desk_app", *args, "--data-dir", str(data)], env=env(),
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == ok, (args, p.returncode, p.stdout[-2000:], p.stderr[-2000:])
    return p


def server_records(unit, portal_id: str) -> list[dict]:
    return [r for r in unit.backend.export()["records"]
            if (r["record"].get("extra") or {}).get("portal_id") == portal_id]


def test_friday_1610_online_dossier_accepted_offline_reaches_the_back_end_once(unit, tmp_path: Path) -> None:
    data, user = unit.desk(1)
    f1 = pdf(tmp_path / "to-khai.pdf", "to khai xac nhan")
    f2 = pdf(tmp_path / "cccd.pdf", "cccd")
    pid = unit.file_online(filed_at="2026-11-27T16:10", files=[f1, f2])   # Friday 16:10
    assert pid.startswith("DVC-20261127-")
    assert unit.online_status(pid)["state"] == "filed"

    rep = sync(data, unit, user)
    assert rep.feed_applied >= 1
    listed = json.loads(desk_cli(data, "online", "list", "--json").stdout)
    assert [o["portal_id"] for o in listed] == [pid]
    assert listed[0]["applicant_name"] == "Đặng Thị Hương" and listed[0]["state"] == "pending"
    shown = json.loads(desk_cli(data, "online", "show", pid, "--json").stdout)
    assert {f["filename"] for f in shown["files"]} == {"to-khai.pdf", "cccd.pdf"}
    # the sync that brought the entry queued the downloads; until they ran, accepting is refused
    if not all(f["fetched"] for f in shown["files"]):
        early = desk_cli(data, "online", "accept", pid, ok=2)
        assert "chưa tải về máy" in early.stderr
        sync(data, unit, user)
    shown = json.loads(desk_cli(data, "online", "show", pid, "--json").stdout)
    assert all(f["fetched"] for f in shown["files"])
    with Store.open(data) as store:
        for f in (f1, f2):
            sha = hashlib.sha256(f.read_bytes()).hexdigest()
            assert store.blobs.exists(sha) and store.blobs.verify(sha)

    # offline: no server involved
    out = json.loads(desk_cli(data, "online", "accept", pid, "--json").stdout)
    code, due = out["code"], out["due_at"]
    assert code == f"{unit.code}-261127-1001"
    # Friday 27/11 16:10 + 3 working days: Mon 30/11 is day 1 -> Wed 02/12 17:00
    assert due == "2026-12-02T17:00:00+07:00"
    with Store.open(data) as store:
        d = store.conn.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()
        assert d["channel"] == "online" and d["portal_id"] == pid and d["status"] == "received"
        assert store.conn.execute("SELECT count(*) FROM attachments WHERE dossier_id = ?", (d["id"],)).fetchone()[0] == 2
        acts = [r[0] for r in store.conn.execute("SELECT action FROM audit_log WHERE entity_id = ?", (pid,))]
        assert acts == ["online.accept"]
    assert unit.online_status(pid)["state"] == "filed", "nothing leaves the desk before a sync"

    sync(data, unit, user)
    sync(data, unit, user)     # twice: nothing is sent again
    st = unit.online_status(pid)
    assert st["state"] == "accepted" and st["MaHoSo"] == code
    assert st["NgayHenTra"] == "20261202170000" and st["TrangThaiHoSo"] == 2
    assert [e["kind"] for e in st["events"]] == ["filed", "accepted"]
    recs = server_records(unit, pid)
    assert len(recs) == 1 and recs[0]["MaHoSo"] == code and recs[0]["record"]["HinhThuc"] == 2
    assert st["records_naming_it"] == 1
    with Store.open(data) as store:
        assert store.conn.execute("SELECT sync_state FROM dossiers WHERE code = ?", (code,)).fetchone()[0] == "synced"
    from desk_app.services.admin import verify

    ctx = open_desk(data, create=False)
    try:
        report = verify.run(ctx, blobs=True)       # seal, files, outbox: all consistent
    finally:
        ctx.close()
    assert report.ok, [c for c in report.checks if not c[1]]

    # bad input: accepting twice, an unknown id -> exit 2, nothing changed
    again = desk_cli(data, "online", "accept", pid, ok=2)
    assert "không còn chờ tiếp nhận" in again.stderr and code in again.stderr
    unknown = desk_cli(data, "online", "accept", "DVC-20261127-00000000", ok=2)
    assert "Không có hồ sơ trực tuyến" in unknown.stderr
    bad = desk_cli(data, "online", "refuse", "../etc", "--reason", "x", ok=2)
    assert "không phải mã hồ sơ trực tuyến" in bad.stderr
    with Store.open(data) as store:
        assert store.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
        assert store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'done'").fetchone()[0] == 0
    assert len(server_records(unit, pid)) == 1


def test_second_desk_sees_it_accepted_and_its_own_late_acceptance_is_refused(unit, tmp_path: Path) -> None:
    d1, u1 = unit.desk(1)
    d2, u2 = unit.desk(2)
    pid = unit.file_online(files=[pdf(tmp_path / "a.pdf")])
    sync2(d1, unit, u1)
    sync2(d2, unit, u2)
    ctx1, ctx2 = open_desk(d1, create=False), open_desk(d2, create=False)
    try:
        first = inbox.accept(ctx1, pid, clerk="Cán bộ một")
        second = inbox.accept(ctx2, pid, clerk="Cán bộ hai")      # offline, unaware of desk 1
        assert first.code != second.code
    finally:
        ctx1.close()
        ctx2.close()
    sync(d1, unit, u1)
    rep = sync(d2, unit, u2)
    assert rep.needs_attention == 1
    assert [r["MaHoSo"] for r in server_records(unit, pid)] == [first.code]
    with Store.open(d2) as store:
        row = store.conn.execute("SELECT state, last_error FROM outbox WHERE kind = 'dossier.create'").fetchone()
        assert row["state"] == "needs_attention" and "đã được tiếp nhận thành hồ sơ khác" in row["last_error"]


def test_supplement_then_citizen_completes_then_refuse(unit, tmp_path: Path) -> None:
    data, user = unit.desk(1)
    pid = unit.file_online(applicant_name="Đỗ Đức Dũng", files=[pdf(tmp_path / "a.pdf")])
    sync2(data, unit, user)
    desk_cli(data, "online", "supplement", pid, "--reason", "Thiếu bản sao giấy khai sinh")
    # asking twice for a supplement is refused: it is no longer pending
    desk_cli(data, "online", "supplement", pid, "--reason", "lần hai", ok=2)
    desk_cli(data, "online", "accept", pid, ok=2)
    assert json.loads(desk_cli(data, "online", "list", "--json").stdout) == []
    sync(data, unit, user)
    sync(data, unit, user)
    st = unit.online_status(pid)
    assert st["state"] == "supplement_requested" and st["TrangThaiHoSo"] == 5
    assert st["reason"] == "Thiếu bản sao giấy khai sinh"
    assert [e["kind"] for e in st["events"]] == ["filed", "supplement_requested"]

    unit.portal("online-supplement", pid, "--file", str(pdf(tmp_path / "khai-sinh.pdf", "khai sinh")))
    sync2(data, unit, user)
    o = json.loads(desk_cli(data, "online", "show", pid, "--json").stdout)
    assert o["state"] == "pending" and len(o["files"]) == 2 and all(f["fetched"] for f in o["files"])

    desk_cli(data, "online", "refuse", pid, "--reason", "Không thuộc thẩm quyền của xã")
    desk_cli(data, "online", "refuse", pid, "--reason", "lần hai", ok=2)
    sync(data, unit, user)
    sync(data, unit, user)
    st = unit.online_status(pid)
    assert st["state"] == "refused" and st["TrangThaiHoSo"] == 3
    assert [e["kind"] for e in st["events"]] == ["filed", "supplement_requested", "supplemented", "refused"]
    with Store.open(data) as store:
        acts = [r[0] for r in store.conn.execute(
            "SELECT action FROM audit_log WHERE entity_id = ? ORDER BY id", (pid,))]
        assert acts == ["online.supplement", "online.refuse"]
        assert store.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0
    assert server_records(unit, pid) == []
    # no reason -> exit 2
    pid2 = unit.file_online(files=[pdf(tmp_path / "b.pdf")])
    sync(data, unit, user)
    desk_cli(data, "online", "refuse", pid2, "--reason", "   ", ok=2)


def test_province_result_with_a_pdf_arrives_through_the_feed(unit, tmp_path: Path) -> None:
    data, user = unit.desk(1)
    pid = unit.file_online(files=[pdf(tmp_path / "a.pdf")])
    sync2(data, unit, user)
    code = json.loads(desk_cli(data, "online", "accept", pid, "--json").stdout)["code"]
    sync(data, unit, user)
    unit.portal("set-status", "--code", code, "--status", "4", "--note", "Chuyển phòng Tư pháp")
    sync(data, unit, user)
    result = pdf(tmp_path / "giay-xac-nhan.pdf", "ket qua da ky")
    unit.portal("province-result", "--code", code, "--file", str(result), "--name",
                "Giấy xác nhận tình trạng hôn nhân")
    bad = tmp_path / "not-a-pdf.txt"
    bad.write_text("hello")
    p = unit.portal("province-result", "--code", code, "--file", str(bad), ok=2)
    assert "không phải PDF" in p.stderr
    sync2(data, unit, user)
    sha = hashlib.sha256(result.read_bytes()).hexdigest()
    with Store.open(data) as store:
        d = store.conn.execute("SELECT * FROM dossiers WHERE code = ?", (code,)).fetchone()
        assert d["status"] == "result_ready"
        att = store.conn.execute("SELECT * FROM attachments WHERE dossier_id = ? AND kind = 'result'",
                                 (d["id"],)).fetchall()
        assert [(a["sha256"], a["filename"], a["mime"]) for a in att] == [
            (sha, "Giấy xác nhận tình trạng hôn nhân.pdf", "application/pdf")]
        assert store.blobs.verify(sha)
        evs = store.conn.execute("SELECT from_status, to_status, kind, role, detail_json FROM dossier_events"
                                 " WHERE dossier_id = ? ORDER BY id", (d["id"],)).fetchall()
        assert [(e["from_status"], e["to_status"], e["kind"]) for e in evs] == [
            (None, "received", "status"), ("received", "in_process", "status"),
            ("in_process", "result_ready", "result")]
        assert json.loads(evs[-1]["detail_json"])["source"] == "province"
        assert json.loads(evs[-1]["detail_json"])["results"] == [sha]
        assert d["resolved_at"] and not d["returned_at"]
    st = unit.online_status(pid)
    assert st["TrangThaiHoSo"] == 9 and st["status"] == "result_ready"
    assert [e["kind"] for e in st["events"]] == ["filed", "accepted", "result"]


def test_a_bad_feed_entry_goes_to_needs_attention_and_the_feed_goes_on(unit, tmp_path: Path) -> None:
    """A portal entry the desk cannot read (here: a date that does not exist, written straight into
    the back end's feed as a broken portal would) is parked with its reason; later entries apply."""
    import sqlalchemy as sa

    from reference_backend.db import Database, feed

    data, user = unit.desk(1)
    good_before = unit.file_online(files=[pdf(tmp_path / "a.pdf")])
    db = Database(unit.backend.data_dir, unit.backend.database_url)
    try:
        with db.write() as conn:
            seq = db.lock_unit(conn, unit.code) + 1
            rec = {"kind": "portal.dossier", "portal_id": "DVC-20261131-DEADBEEF", "NgayNop": "20261131100000",
                   "state": "filed", "MaTTHC": "1.004873", "ChuHoSo": "X", "MaDoiTuong": "001090012345"}
            conn.execute(sa.insert(feed).values(unit_code=unit.code, seq=seq, record_id="0" * 8 + "-0000-4000-8000-" + "0" * 12,
                                                version=1, origin_desk=None, so_bien_nhan="",
                                                record_json=json.dumps(rec), created_at=0.0))
            conn.execute(sa.text("UPDATE unit_counters SET feed_seq = :s WHERE unit_code = :u"), {"s": seq, "u": unit.code})
    finally:
        db.dispose()
    good_after = unit.file_online(files=[pdf(tmp_path / "b.pdf", "b")])
    sync(data, unit, user)
    listed = json.loads(desk_cli(data, "online", "list", "--json").stdout)
    assert [o["portal_id"] for o in listed] == [good_before, good_after]
    with Store.open(data) as store:
        rows = store.conn.execute("SELECT state, last_error FROM outbox WHERE kind = 'deferred.online_entry'").fetchall()
    assert len(rows) == 1 and rows[0]["state"] == "needs_attention"
    assert "online_entry_invalid" in rows[0]["last_error"] and "NgayNop" in rows[0]["last_error"]
    sync(data, unit, user)       # the same entry is never parked twice
    with Store.open(data) as store:
        assert store.conn.execute("SELECT count(*) FROM outbox WHERE kind = 'deferred.online_entry'").fetchone()[0] == 1
