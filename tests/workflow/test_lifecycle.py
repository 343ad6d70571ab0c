"""The lifecycle service on a real store: every move allowed and refused per role, each change is
an event + an audit row + an outbox item, the clock-stop rules exact against the working calendar
(Tết 2026 and a make-up Saturday), and bad input changes nothing."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from desk_app.domain import state_machine as sm
from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import DossierStatus as S
from desk_app.domain.models import Role
from desk_app.services.registry import PermissionDenied
from desk_app.services.workflow import lifecycle as L
from tests.services.deskutil import VN
from tests.workflow.helpers import (
    PNG, SUP, at, counts, drive, receive, result_file, snapshot,
)

PERSON_ROLES = (Role.CLERK, Role.PROCESSOR, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
TARGETS = [s for s in S if s is not S.RECEIVED] + [S.RECEIVED]


def _do(ctx, code: str, target: S, role: Role, tmp: Path):
    return L.transition(ctx, code, to=target.value, actor=role.value, role=role,
                        note="Lý do ghi thử", file=result_file(tmp),
                        received_by="Nguyễn Văn An")


def _expected(before: S, target: S, role: Role) -> str:
    r = L.effective_role(role)
    if before is S.IN_PROCESS and target is S.IN_PROCESS:
        return "ok" if sm.action_allowed("handover", before, r) else "denied"
    roles = sm.ALLOWED.get((before, target))
    if roles is None or before is target:
        return "invalid"
    return "ok" if r in roles else "denied"


@pytest.mark.parametrize("before", list(S), ids=lambda s: s.value)
def test_every_move_per_role_through_the_service(ctx, tmp_path: Path, before: S) -> None:
    conn = ctx.store.conn
    for target in TARGETS:
        for role in PERSON_ROLES:
            d = receive(ctx)
            drive(ctx, d.code, before, tmp_path)
            want = _expected(before, target, role)
            n0 = counts(conn, d.code)
            snap = snapshot(conn)
            if want == "ok":
                out = _do(ctx, d.code, target, role, tmp_path)
                assert out.status == target.value, (before, target, role)
                n1 = counts(conn, d.code)
                assert n1 == (n0[0] + 1, n0[1] + 1, n0[2] + 1), (before, target, role)
                row = conn.execute("SELECT kind, role FROM dossier_events WHERE id = ?",
                                   (out.event.id,)).fetchone()
                assert row["role"] == role.value
                assert row["kind"] in L.EVENT_KINDS
            else:
                exc = PermissionDenied if want == "denied" else ValidationError
                with pytest.raises(exc) as ei:
                    _do(ctx, d.code, target, role, tmp_path)
                assert ei.value.vi and ei.value.en and ei.value.vi != ei.value.en
                assert ei.value.exit_code == (3 if want == "denied" else 2)
                after = snapshot(conn)
                if want == "denied":      # only the audited refusal, nothing else
                    new_audit = after[2][len(snap[2]):]
                    assert [r["action"] for r in new_audit] == ["permission.denied"]
                    assert json.loads(new_audit[0]["detail_json"])["role"] == role.value
                    after[2] = after[2][:len(snap[2])]
                assert after == snap, (before, target, role)


def test_a_full_life_writes_event_audit_and_outbox_each_step(ctx, tmp_path: Path) -> None:
    conn = ctx.store.conn
    d = receive(ctx, at(2026, 3, 2, 9))                       # Monday, 3 working days
    assert d.due_at == datetime(2026, 3, 5, 17, 0, tzinfo=VN)
    steps = [
        lambda: L.handover(ctx, d.code, to="Cán bộ tư pháp", actor="hoa", role=Role.CLERK,
                           by="Lò Thị Hoa", at=at(2026, 3, 2, 10)),
        lambda: L.handover(ctx, d.code, to="Phòng Tư pháp", agency="Sở Tư pháp tỉnh Lai Châu",
                           receiver="Vàng A Páo", actor="thang", role=Role.PROCESSOR,
                           by="Lò Văn Thắng", at=at(2026, 3, 3, 9)),
        lambda: L.delay(ctx, d.code, new_due="2026-03-10", note="Chờ kết quả xác minh",
                        actor="binh", role=Role.OFFICER, by="Nguyễn Văn Bình",
                        at=at(2026, 3, 5, 8)),
        lambda: L.result(ctx, d.code, file=result_file(tmp_path, "kq.png", PNG),
                         actor="thang", role=Role.PROCESSOR, at=at(2026, 3, 9, 14)),
        lambda: L.return_result(ctx, d.code, received_by="Nguyễn Văn An", actor="hoa",
                                role=Role.CLERK, at=at(2026, 3, 10, 9)),
    ]
    kinds = []
    for i, step in enumerate(steps, start=1):
        out = step()
        kinds.append(out.event.kind)
        assert counts(conn, d.code) == (1 + i, 1 + i, 1 + i)
    assert kinds == ["handover", "handover", "delay", "result", "return"]
    row = conn.execute("SELECT * FROM dossiers WHERE code = ?", (d.code,)).fetchone()
    assert row["status"] == "returned" and row["version"] == 6
    assert row["original_due_at"] == "2026-03-05T17:00:00+07:00"
    assert row["due_at"] == "2026-03-10T17:00:00+07:00"
    assert row["resolved_at"] == "2026-03-09T14:00:00+07:00"
    assert row["returned_at"] == "2026-03-10T09:00:00+07:00"
    assert (row["delivery_done"], row["returned_to"]) == ("desk", "Nguyễn Văn An")
    assert row["processing_agency"] == "Sở Tư pháp tỉnh Lai Châu"
    att = conn.execute("SELECT mime, kind FROM attachments WHERE dossier_id = ? AND kind ="
                       " 'result'", (row["id"],)).fetchall()
    assert [tuple(a) for a in att] == [("image/png", "result")]
    # The outbox carries the national record: base versions chain, status codes, lifecycle.
    items = conn.execute("SELECT kind, base_version, payload_json FROM outbox WHERE dossier_id"
                         " = ? ORDER BY id", (row["id"],)).fetchall()
    assert [i["kind"] for i in items] == ["dossier.create"] + ["dossier.update"] * 5
    assert [i["base_version"] for i in items[1:]] == [1, 2, 3, 4, 5]
    last = json.loads(items[-1]["payload_json"])
    assert last["TrangThaiHoSo"] == 10 and last["status"] == "returned"
    assert last["NgayHenTra"] == "20260310170000"
    life = last["extra"]["lifecycle"]
    assert life["original_due"] == "20260305170000" and life["returned_to"] == "Nguyễn Văn An"
    assert [e["kind"] for e in life["events"]] == kinds
    assert last["DanhSachGiayToKetQua"][0]["TenGiayTo"] == "kq.png"
    # The handover step with its people, for the control slip.
    ho = [e for e in L.history(ctx, d.code)[2] if e.kind == "handover"]
    assert ho[1].detail["agency"] == "Sở Tư pháp tỉnh Lai Châu"
    assert ho[1].detail["receiver"] == "Vàng A Páo" and ho[1].actor == "Lò Văn Thắng"


def test_the_records_validate_against_the_openapi_record_schema(ctx, tmp_path: Path) -> None:
    """Every dossier.update the lifecycle writes is, on the wire (desk_app.sync.wire), a valid
    BatchItem for the back end's own validator — the stopped status and the lifecycle facts in
    ``extra`` included."""
    from desk_app.sync.wire import to_wire
    from reference_backend.records import load_item_validator

    v = load_item_validator()
    a, b = receive(ctx), receive(ctx, person=1)
    drive(ctx, a.code, S.IN_PROCESS, tmp_path)
    L.result(ctx, a.code, file=result_file(tmp_path), **SUP)
    L.return_result(ctx, a.code, via="post", tracking="EB123456789VN", **SUP)
    drive(ctx, b.code, S.STOPPED, tmp_path)
    rows = ctx.store.conn.execute("SELECT op_id, kind, record_id, base_version, payload_json"
                                  " FROM outbox ORDER BY id").fetchall()
    assert len(rows) == 7
    for r in rows:
        item = {"op_id": r["op_id"], "kind": r["kind"], "record_id": r["record_id"],
                "base_version": r["base_version"], "record": to_wire(json.loads(r["payload_json"]))}
        problems = sorted(e.message for e in v.iter_errors(item))
        assert problems == [], (r["kind"], problems)
    last = to_wire(json.loads(rows[-1]["payload_json"]))
    assert last["status"] == "stopped" and last["TrangThaiHoSo"] == 8
    returned = to_wire(json.loads(rows[4]["payload_json"]))
    assert returned["extra"]["lifecycle"]["delivery_done"] == "post"
    sha = ctx.store.conn.execute("SELECT sha256 FROM attachments WHERE kind = 'result'"
                                 ).fetchone()[0]
    assert returned["DanhSachGiayToKetQua"] == [{"TenGiayTo": "ket-qua.pdf", "MaGiayTo": None,
                                                 "TepDinhKemId": sha}]


def test_stopped_is_national_code_8_and_final(ctx, tmp_path: Path) -> None:
    d = receive(ctx)
    drive(ctx, d.code, S.STOPPED, tmp_path)
    last = ctx.store.conn.execute("SELECT payload_json FROM outbox ORDER BY id DESC LIMIT 1"
                                  ).fetchone()[0]
    assert json.loads(last)["TrangThaiHoSo"] == 8
    row = ctx.store.conn.execute("SELECT resolved_at, returned_at FROM dossiers WHERE code = ?",
                                 (d.code,)).fetchone()
    assert row["resolved_at"] and row["returned_at"]
    with pytest.raises(ValidationError) as ei:
        L.withdraw(ctx, d.code, **SUP)
    assert ei.value.code == "status_final"


# --------------------------------------------------------------------------- the clock stop

@pytest.mark.parametrize("received,requested,supplied,due,paused,new_due", [
    # Across Tết 2026 (16–20/2 off): 3 working days from Wed 11/2 = Mon 23/2; stopped Thu 12/2,
    # resumed Mon 23/2 -> Fri 13/2 and Mon 23/2 = 2 days -> Wed 25/2.
    (at(2026, 2, 11), at(2026, 2, 12, 10), at(2026, 2, 23, 9), date(2026, 2, 23), 2,
     date(2026, 2, 25)),
    # The make-up Saturday 10/1/2026 is a working day: 3 days from Wed 7/1 = Sat 10/1; stopped
    # Thu 8/1, resumed Mon 12/1 -> Fri 9, Sat 10, Mon 12 = 3 days -> Wed 14/1.
    (at(2026, 1, 7), at(2026, 1, 8, 10), at(2026, 1, 12, 9), date(2026, 1, 10), 3,
     date(2026, 1, 14)),
    # Supplement brought on an ordinary Saturday: resumes Monday 08:00 -> Thu, Fri = 2 days.
    (at(2026, 3, 4), at(2026, 3, 4, 15), at(2026, 3, 7, 9), date(2026, 3, 9), 2,
     date(2026, 3, 11)),
    # Same day: nothing paused, the due date stays.
    (at(2026, 3, 4), at(2026, 3, 4, 10), at(2026, 3, 4, 16), date(2026, 3, 9), 0,
     date(2026, 3, 9)),
    # Requested on the last day before Tết, brought on the first day after: 0 working days in
    # between except the receipt day itself (Mon 23/2) -> 1.
    (at(2026, 2, 11), at(2026, 2, 13, 16), at(2026, 2, 23, 8), date(2026, 2, 23), 1,
     date(2026, 2, 24)),
])
def test_supplement_stops_the_clock_exactly(ctx, received, requested, supplied, due, paused,
                                            new_due) -> None:
    d = receive(ctx, received)
    assert d.due_at.date() == due
    L.request_supplement(ctx, d.code, note="Thiếu bản sao CCCD", at=requested, actor="thang",
                         role=Role.PROCESSOR)
    row = ctx.store.conn.execute("SELECT paused_at FROM dossiers WHERE code = ?",
                                 (d.code,)).fetchone()
    assert row["paused_at"] == requested.isoformat()
    out = L.supplement_received(ctx, d.code, at=supplied, actor="hoa", role=Role.CLERK)
    assert out.event.detail["paused_working_days"] == paused
    assert out.due_at == datetime.combine(new_due, datetime.min.time().replace(hour=17),
                                          tzinfo=VN)
    assert out.lifecycle.paused_working_days == paused and out.lifecycle.paused_at is None
    assert out.lifecycle.original_due_at.date() == due
    # Independent check: the new period uses exactly the old one plus the paused days.
    cal = ctx.calendar
    assert cal.working_days_between(due, new_due) == paused
    assert cal.is_working_day(new_due)
    assert f"{paused} ngày làm việc" in out.message_vi


def test_two_supplement_rounds_add_up(ctx) -> None:
    d = receive(ctx, at(2026, 2, 11))                       # due Mon 23/2
    L.request_supplement(ctx, d.code, note="Lần 1", at=at(2026, 2, 12, 10), **SUP)
    L.supplement_received(ctx, d.code, at=at(2026, 2, 23, 9), **SUP)   # +2 -> 25/2
    L.handover(ctx, d.code, to="Cán bộ tư pháp", at=at(2026, 2, 23, 10), **SUP)
    L.request_supplement(ctx, d.code, note="Lần 2", at=at(2026, 2, 24, 10), **SUP)
    out = L.supplement_received(ctx, d.code, at=at(2026, 2, 26, 9), **SUP)  # +2 -> 27/2
    assert out.due_at.date() == date(2026, 2, 27)           # (24/2, 26/2] = 2 -> 25/2 + 2
    assert out.lifecycle.paused_working_days == 4


def test_delay_rules(ctx) -> None:
    conn = ctx.store.conn
    d = receive(ctx, at(2026, 2, 11))                        # due Mon 23/2 17:00
    L.handover(ctx, d.code, to="Cán bộ tư pháp", at=at(2026, 2, 11, 10), **SUP)
    cases = [
        ("2026-02-10", "workflow_before_intake", "trước khi tiếp nhận"),
        ("2026-02-20", "workflow_new_due_not_later", "phải sau ngày hẹn hiện tại"),
        ("2026-02-23", "workflow_new_due_not_later", "phải sau ngày hẹn hiện tại"),
        ("2026-02-28", "workflow_new_due_day_off", "02/03/2026"),       # a Saturday
        ("23/02/2026", "bad_date", "YYYY-MM-DD"),
    ]
    for new_due, code, needle in cases:
        snap = snapshot(conn)
        with pytest.raises(ValidationError) as ei:
            L.delay(ctx, d.code, new_due=new_due, note="Chờ xác minh", at=at(2026, 2, 12), **SUP)
        assert ei.value.code == code and needle in ei.value.vi, (new_due, ei.value.vi)
        assert snapshot(conn) == snap
    with pytest.raises(ValidationError) as ei:
        L.delay(ctx, d.code, new_due="2026-02-25", note="  ", at=at(2026, 2, 12), **SUP)
    assert ei.value.code == "workflow_text_required"
    out = L.delay(ctx, d.code, new_due="2026-02-25", note="Chờ xác minh", at=at(2026, 2, 12),
                  **SUP)
    assert out.due_at == datetime(2026, 2, 25, 17, 0, tzinfo=VN)
    assert out.event.detail["old_due"] == "2026-02-23T17:00:00+07:00"
    assert out.lifecycle.original_due_at == datetime(2026, 2, 23, 17, 0, tzinfo=VN)


def test_delay_to_a_make_up_saturday_is_a_working_day(ctx) -> None:
    d = receive(ctx, at(2026, 1, 5))                         # Mon 5/1 + 3 = Thu 8/1
    out = L.delay(ctx, d.code, new_due="2026-01-10", note="Chờ ý kiến cấp huyện",
                  at=at(2026, 1, 6), **SUP)
    assert out.due_at.date() == date(2026, 1, 10)
    with pytest.raises(ValidationError) as ei:                 # a Tết day
        L.delay(ctx, d.code, new_due="2026-02-17", note="x", at=at(2026, 1, 7), **SUP)
    assert ei.value.code == "workflow_new_due_day_off" and "23/02/2026" in ei.value.vi


def test_times_before_intake_or_before_the_last_step_are_refused(ctx) -> None:
    conn = ctx.store.conn
    d = receive(ctx, at(2026, 3, 2, 9))
    snap = snapshot(conn)
    with pytest.raises(ValidationError) as ei:
        L.handover(ctx, d.code, to="Cán bộ tư pháp", at=at(2026, 3, 2, 8), **SUP)
    assert ei.value.code == "workflow_before_intake" and "trước khi tiếp nhận" in ei.value.vi
    assert "before the dossier was received" in ei.value.en
    assert snapshot(conn) == snap
    L.handover(ctx, d.code, to="Cán bộ tư pháp", at=at(2026, 3, 3, 9), **SUP)
    with pytest.raises(ValidationError) as ei:
        L.stop(ctx, d.code, note="x", at=at(2026, 3, 2, 15), **SUP)
    assert ei.value.code == "workflow_before_last_event"
    with pytest.raises(ValidationError) as ei:
        L.stop(ctx, d.code, note="x", at=datetime(2099, 1, 1, tzinfo=VN), **SUP)
    assert ei.value.code == "workflow_in_future"


@pytest.mark.parametrize("name,data", [
    ("ket-qua.pdf", b"Day khong phai PDF, chi la van ban"),
    ("anh.png", b"GIF89a\x01\x00\x01\x00"),
    ("rong.pdf", b""),
])
def test_a_result_that_is_not_a_pdf_or_image_is_refused(ctx, tmp_path: Path, name, data) -> None:
    conn = ctx.store.conn
    d = receive(ctx)
    drive(ctx, d.code, S.IN_PROCESS, tmp_path)
    blobs_before = sorted(p.name for p in (ctx.data_dir / "blobs").rglob("*") if p.is_file())
    snap = snapshot(conn)
    with pytest.raises(ValidationError) as ei:
        L.result(ctx, d.code, file=result_file(tmp_path, name, data), **SUP)
    assert ei.value.code == "workflow_result_not_document"
    assert "không phải PDF hoặc ảnh" in ei.value.vi and "not a PDF or an image" in ei.value.en
    assert snapshot(conn) == snap
    assert sorted(p.name for p in (ctx.data_dir / "blobs").rglob("*") if p.is_file()) == blobs_before


def test_a_result_in_the_wrong_state_writes_no_blob(ctx, tmp_path: Path) -> None:
    d = receive(ctx)                                          # received, not in process
    blobs_before = sorted(p.name for p in (ctx.data_dir / "blobs").rglob("*") if p.is_file())
    with pytest.raises(ValidationError) as ei:
        L.result(ctx, d.code, file=result_file(tmp_path, "moi.pdf", b"%PDF-1.7 khac\n"), **SUP)
    assert ei.value.code == "status_not_allowed"
    assert sorted(p.name for p in (ctx.data_dir / "blobs").rglob("*") if p.is_file()) == blobs_before


def test_return_needs_who_signed_and_post_needs_no_signature(ctx, tmp_path: Path) -> None:
    d = receive(ctx)
    drive(ctx, d.code, S.RESULT_READY, tmp_path)
    with pytest.raises(ValidationError) as ei:
        L.return_result(ctx, d.code, received_by=" ", **SUP)
    assert ei.value.code == "workflow_text_required" and "người nhận" in ei.value.vi
    with pytest.raises(ValidationError):
        L.return_result(ctx, d.code, via="drone", **SUP)
    out = L.return_result(ctx, d.code, via="post", tracking="EB1VN", **SUP)
    assert (out.lifecycle.delivery_done, out.lifecycle.returned_to) == ("post", "EB1VN")


def test_unknown_dossier_and_unknown_status(ctx) -> None:
    with pytest.raises(NotFoundError):
        L.transition(ctx, "000.23.32.H48-991231-9999", to="in_process", **SUP)
    d = receive(ctx)
    with pytest.raises(ValidationError) as ei:
        L.transition(ctx, d.code, to="da_xong", **SUP)
    assert ei.value.code == "status_unknown"


def test_the_store_still_verifies_after_a_life(ctx, tmp_path: Path) -> None:
    """Seals and the audit chain hold after lifecycle writes (admin verify)."""
    from desk_app.services.admin import verify

    for status in (S.RETURNED, S.STOPPED, S.WITHDRAWN, S.SUPPLEMENTED):
        drive(ctx, receive(ctx).code, status, tmp_path)
    report = verify.run(ctx, blobs=True)
    assert report.ok, report


def test_action_state_agrees_with_the_registry_and_the_state_machine() -> None:
    """What the GUI enables: applicable per status, permitted per role (admin as supervisor)."""
    from desk_app.services import registry

    for key, (command, target) in L.ACTION_COMMANDS.items():
        assert command in registry.load()
        for status in S:
            for role in PERSON_ROLES:
                applicable, ok = L.action_state(key, status, role)
                r = L.effective_role(role)
                if key in ("handover", "delay"):
                    assert applicable == (status in sm.ACTIONS[key][0])
                else:
                    assert applicable == ((status, target) in sm.ALLOWED)
                if ok:
                    assert applicable and registry.allowed(role, command)
                if not applicable:
                    assert not ok
                elif key not in ("handover", "delay") and registry.allowed(role, command):
                    assert ok == sm.allowed(status, target, r)
    assert L.action_state("refuse", S.RECEIVED, Role.CLERK) == (True, False)
    assert L.action_state("return", S.RESULT_READY, Role.PROCESSOR) == (True, False)
    assert L.action_state("return", S.RESULT_READY, Role.ADMIN) == (True, True)


def test_a_supplement_asked_at_the_counter_starts_the_period_when_it_is_brought(ctx) -> None:
    """intake.refuse(kind="supplement") keeps a dossier the province never heard of (no due date,
    nothing queued). Brought complete, it is received then: due date counted from that moment,
    announced once as a dossier.create of version 1; a withdrawal of such a dossier sends nothing."""
    from desk_app.services import intake
    from tests.services.deskutil import request

    conn = ctx.store.conn
    d = intake.refuse(ctx, request(received_at=at(2026, 3, 6, 10)), "Thiếu tờ khai",
                      kind="supplement")
    assert d.due_at is None and counts(conn, d.code)[2] == 0
    out = L.supplement_received(ctx, d.code, at=at(2026, 3, 7, 9), **SUP)   # a Saturday
    assert out.due_at == datetime(2026, 3, 11, 17, 0, tzinfo=VN)             # Mon 9/3 is day 1
    assert out.lifecycle.original_due_at == out.due_at
    assert out.event.detail["counted_from_supplement"] is True
    items = conn.execute("SELECT kind, base_version FROM outbox WHERE dossier_id ="
                         " (SELECT id FROM dossiers WHERE code = ?)", (d.code,)).fetchall()
    assert [tuple(i) for i in items] == [("dossier.create", None)]
    assert conn.execute("SELECT version FROM dossiers WHERE code = ?", (d.code,)).fetchone()[0] == 1
    L.handover(ctx, d.code, to="Cán bộ tư pháp", at=at(2026, 3, 9, 8), **SUP)
    items = conn.execute("SELECT kind, base_version FROM outbox WHERE dossier_id ="
                         " (SELECT id FROM dossiers WHERE code = ?) ORDER BY id", (d.code,)).fetchall()
    assert [tuple(i) for i in items] == [("dossier.create", None), ("dossier.update", 1)]

    e = intake.refuse(ctx, request(received_at=at(2026, 3, 6, 10), person=1), "Thiếu tờ khai",
                      kind="supplement")
    L.withdraw(ctx, e.code, at=at(2026, 3, 6, 11), **SUP)
    assert counts(conn, e.code)[2] == 0
