"""intake.receive / refuse: one transaction, idempotent, the right record in the outbox."""
from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Applicant, DossierStatus, Role
from desk_app.services import dossiers, intake
from offline_store import outbox
from tests.services.deskutil import PEOPLE, UNIT, VN, request


def test_receive_writes_everything_in_one_go(ctx, tmp_path: Path) -> None:
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " * 1000)
    at = datetime(2026, 11, 10, 9, 30, tzinfo=VN)            # a Tuesday
    d = intake.receive(ctx, request("1.004873", attachments=[(scan, 2)], received_at=at))
    assert d.code == f"{UNIT}-261110-1001"
    assert d.status is DossierStatus.RECEIVED and d.sync_state == "queued"
    assert d.due_at == datetime(2026, 11, 13, 17, 0, tzinfo=VN)   # 3 working days, receipt day not counted
    assert d.fee_amount == 5000
    assert [e.to_status for e in d.events] == [DossierStatus.RECEIVED]
    sha = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert d.attachments[0].sha256 == sha and ctx.store.blobs.verify(sha)
    assert d.components[1].attachment_sha256 == (sha,)
    [item] = outbox.items(ctx.store)
    assert (item.kind, item.lane, item.record_id) == ("dossier.create", "record", d.record_id)
    rec = item.payload
    assert rec["MaHoSo"] == d.code and rec["MaTTHC"] == "1.004873"
    assert rec["ChuHoSo"] == "Nguyễn Văn An" and rec["MaDoiTuong"] == PEOPLE[0][0]
    assert rec["NgayTiepNhan"] == "20261110093000" and rec["NgayHenTra"] == "20261113170000"
    assert rec["TrangThaiHoSo"] == 2 and rec["DonViXuLy"] == UNIT and rec["LoaiDoiTuong"] == 1
    assert rec["MaLinhVuc"] == "G15-TP07" and rec["TenLinhVuc"] == "Hộ tịch"
    assert rec["TaiLieuNop"] == [{"TepDinhKemId": sha, "TenTepDinhKem": "giay-chung-sinh.pdf",
                                  "MaThanhPhanHoSo": "2", "KichThuoc": scan.stat().st_size}]
    assert rec["record_id"] == d.record_id and rec["desk"] == 1 and rec["phone"] == "0912345678"
    assert item.bytes_total == scan.stat().st_size
    n_audit = ctx.store.conn.execute("SELECT count(*) FROM audit_log WHERE entity_id=?",
                                     (d.record_id,)).fetchone()[0]
    assert n_audit == 1


def test_same_request_id_gives_one_dossier(ctx) -> None:
    req = request(request_id="click-42")
    a = intake.receive(ctx, req)
    b = intake.receive(ctx, req)
    assert a.code == b.code
    assert ctx.store.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 1
    assert len(outbox.items(ctx.store)) == 1


def test_holiday_is_skipped(ctx) -> None:
    """Friday 20/11/2026 + 3 working days: Mon 23, (Tue 24/11 Ngày Văn hóa Việt Nam is off),
    Wed 25, Thu 26."""
    d = intake.receive(ctx, request(received_at=datetime(2026, 11, 20, 9, 0, tzinfo=VN)))
    assert d.due_at == datetime(2026, 11, 26, 17, 0, tzinfo=VN)


def test_same_day_procedure_after_cutoff_is_due_next_working_day(ctx) -> None:
    at = datetime(2026, 11, 20, 15, 30, tzinfo=VN)           # Friday after 15:00
    d = intake.receive(ctx, request("1.001193", received_at=at))
    assert d.due_at == datetime(2026, 11, 23, 17, 0, tzinfo=VN)


def test_validation_problems_name_the_fields(ctx, tmp_path: Path) -> None:
    bad = request("1.004873")
    bad.applicant = Applicant("12345", "", phone="12ab")
    bad.attachments = [(tmp_path / "missing.pdf", 9)]
    fields = {p.field for p in intake.validate(ctx, bad)}
    assert {"applicant.id_number", "applicant.full_name", "applicant.phone",
            "attachments"} <= fields
    with pytest.raises(ValidationError) as ei:
        intake.receive(ctx, bad)
    assert ei.value.code == "intake_invalid" and ei.value.details["problems"]
    assert ctx.store.conn.execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_missing_required_component_is_a_problem(ctx) -> None:
    req = request("1.001193", components=[])
    assert any(p.field == "components" for p in intake.validate(ctx, req))


def test_unknown_procedure(ctx) -> None:
    with pytest.raises(ValidationError):
        intake.receive(ctx, request("9.999999"))
    assert [p.field for p in intake.validate(ctx, request("9.999999"))] == ["procedure_code"]


@pytest.mark.parametrize("kind,status", [("refuse", DossierStatus.REFUSED),
                                         ("supplement", DossierStatus.WAITING_SUPPLEMENT)])
def test_desk_decisions_are_recorded_but_not_queued(ctx, kind, status) -> None:
    d = intake.refuse(ctx, request("1.001193", components=[]), "Thiếu giấy chứng sinh", kind)
    assert d.status is status and d.note == "Thiếu giấy chứng sinh"
    assert d.events[0].to_status is status and d.sync_state == "local"
    assert outbox.items(ctx.store) == []
    from offline_store import verify
    assert verify.verify(ctx.store).ok


def test_refuse_needs_a_reason(ctx) -> None:
    with pytest.raises(ValidationError):
        intake.refuse(ctx, request(), "  ", "refuse")


def test_transition_records_event_audit_and_update(ctx) -> None:
    d = intake.receive(ctx, request())
    d2 = dossiers.transition(ctx, d.code, DossierStatus.IN_PROCESS, Role.CLERK, "Hoa")
    assert d2.status is DossierStatus.IN_PROCESS and d2.version == 2
    kinds = [(i.kind, i.base_version) for i in outbox.items(ctx.store)]
    assert kinds == [("dossier.create", None), ("dossier.update", 1)]
    assert outbox.items(ctx.store)[1].payload["TrangThaiHoSo"] == 4
    with pytest.raises(ValidationError):
        dossiers.transition(ctx, d.code, DossierStatus.RECEIVED, Role.CLERK, "Hoa")
    with pytest.raises(NotFoundError):
        dossiers.transition(ctx, "000.23.32.H48-990101-1001", DossierStatus.IN_PROCESS,
                            Role.CLERK, "Hoa")


def test_find_applicant_and_fees(ctx) -> None:
    intake.receive(ctx, request(person=1))
    a = intake.find_applicant(ctx, PEOPLE[1][0])
    assert a is not None and a.full_name == "Đặng Thị Hương" and a.sex == "Nữ"
    assert intake.find_applicant(ctx, "000000000000") is None
    from desk_app.services.catalog import get_procedure
    copy = get_procedure(ctx, "2.000815")
    assert intake.fee_for(ctx, copy, pages=1)[0] == 2000
    assert intake.fee_for(ctx, copy, pages=5, copies=2)[0] == 2 * (2 * 2000 + 3 * 1000)
    assert intake.fee_for(ctx, copy, pages=500)[0] == 200_000


def test_nfd_input_is_stored_nfc(ctx) -> None:
    import unicodedata
    req = request()
    req.applicant = Applicant(PEOPLE[0][0], unicodedata.normalize("NFD", "Nguyễn Văn An"),
                              birth_date=PEOPLE[0][2], sex="Nam")
    d = intake.receive(ctx, req)
    assert d.applicant.full_name == unicodedata.normalize("NFC", "Nguyễn Văn An")


# --------------------------------------------------------------------------- applicant rules
def test_birth_date_that_does_not_exist_is_not_a_format_error() -> None:
    from datetime import date

    from desk_app.services.intake import parse_birth_date

    assert parse_birth_date("05/09/1990") == date(1990, 9, 5)
    assert parse_birth_date("5.9.1990") == date(1990, 9, 5)
    assert parse_birth_date("  ") is None
    with pytest.raises(ValidationError) as bad:
        parse_birth_date("31/02/1995")
    assert bad.value.code == "birth_not_a_date"
    assert "không có thật" in bad.value.vi and "does not exist" in bad.value.en
    assert "dạng" not in bad.value.vi
    with pytest.raises(ValidationError) as month:
        parse_birth_date("01/13/1995")
    assert month.value.code == "birth_not_a_date" and "tháng 13" in month.value.vi
    with pytest.raises(ValidationError) as shape:
        parse_birth_date("1995-02-31x")
    assert shape.value.code == "birth_format"
    with pytest.raises(ValidationError) as future:
        parse_birth_date("01/01/2090", today=date(2026, 1, 1))
    assert future.value.code == "birth_future"


@pytest.mark.parametrize("email, ok", [("12345", False), ("a@b", False), ("an@", False), ("x y@a.vn", False),
                                       ("nguyet@example.vn", True), ("le.van+ho@mail.laichau.gov.vn", True)])
def test_email_needs_a_real_address_shape(email: str, ok: bool) -> None:
    from desk_app.services.intake import email_problem

    assert (email_problem(email) is None) is ok
    if not ok:
        assert "dạng địa chỉ thư" in email_problem(email).vi


def test_validate_reports_email_and_phone_together(ctx) -> None:
    from dataclasses import replace

    req = request("1.004873")
    req = replace(req, applicant=replace(req.applicant, email="12345", phone="12"))
    fields = {p.field for p in intake.validate(ctx, req)}
    assert {"applicant.email", "applicant.phone"} <= fields


def test_qr_merge_rule_prefers_the_stored_spelling_when_the_reader_lost_the_marks(ctx) -> None:
    from desk_app.services.intake import fill_from_qr

    lossy = "001090012345|123456789|Nguyen Van An|01051990|Nam|So 12 Tran Phu|20052021"
    fresh = fill_from_qr(ctx, lossy)
    assert not fresh.returning and fresh.full_name == "Nguyen Van An" and "sửa họ tên" in fresh.note_vi
    intake.receive(ctx, request("1.004873"))             # PEOPLE[0]: Nguyễn Văn An, 001090012345
    back = fill_from_qr(ctx, lossy)
    assert back.returning and back.full_name == "Nguyễn Văn An" and back.phone == "0912345678"
    assert "họ tên lưu sẵn" in back.note_vi
    with pytest.raises(ValidationError):
        fill_from_qr(ctx, "https://example.vn")


def test_qr_payload_is_recognised_anywhere() -> None:
    from desk_app.services.intake import looks_like_qr_payload

    assert looks_like_qr_payload("001090012345|123456789|Nguyen Van An|01051990|Nam|So 12|20052021")
    assert not looks_like_qr_payload("khai sinh")
    assert not looks_like_qr_payload("1.001193")
