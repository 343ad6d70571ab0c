"""Receiving a dossier at the desk: validate, then one durable transaction.

Order matters for durability: attachment blobs are written and fsync'd under their SHA-256 first
(outside the transaction: a crash leaves at most an unreferenced blob); then one BEGIN IMMEDIATE
transaction writes applicant, dossier (code drawn from this desk's serial block), components,
attachment rows, the 'received' event, the idempotency key, the outbox item and the audit row.
COMMIT with synchronous=FULL is the moment the clerk may be told "saved".

Refusals and supplement requests at the desk (``refuse``) are recorded the same way but enqueue
NOTHING: the province only learns of dossiers that were actually received. (verify.py knows this.)
"""
from __future__ import annotations

import logging
import mimetypes
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Literal

from desk_app.domain.errors import DeskError, NotFoundError, ValidationError
from desk_app.domain.models import (Applicant, Delivery, Dossier, DossierComponent, DossierStatus,
                                    Procedure, Role)
from desk_app.domain.text import fold, nfc
from desk_app.services import convert
from desk_app.services.catalog import get_procedure
from desk_app.services.context import DeskContext
from desk_app.services.dossiers import load, search_text
from desk_app.services.intake.applicant import email_problem, normalise_phone, phone_problem
from desk_app.services.record import national_record
from offline_store import audit, outbox, repo

_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")
FUTURE_SLACK = timedelta(minutes=10)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldProblem:
    """One thing wrong on the form: which field, and what to tell the clerk."""

    field: str
    vi: str
    en: str

    def message(self, lang: str = "vi") -> str:
        return self.en if lang.startswith("en") else self.vi


@dataclass
class IntakeRequest:
    procedure_code: str
    applicant: Applicant
    components: list[DossierComponent] = field(default_factory=list)
    attachments: list[tuple[Path, int | None]] = field(default_factory=list)
    on_behalf_of: str = ""
    delivery: Delivery = Delivery.DESK
    delivery_address: str = ""
    sets: int = 1
    received_at: datetime | None = None
    clerk: str = ""
    request_id: str | None = None
    pages: int = 0        # pages counted for per-page fees (certified copies)
    copies: int = 1
    actor: str = ""       # who did it (a login, ``Session.actor``) for the audit log; default: clerk



# --------------------------------------------------------------------------- validation


def validate(ctx: DeskContext, req: IntakeRequest) -> list[FieldProblem]:
    """Everything wrong with the request, for live display next to the fields (empty = ok)."""
    from desk_app.domain.cccd import validate_id_number

    out: list[FieldProblem] = []

    def add(f: str, vi: str, en: str) -> None:
        out.append(FieldProblem(f, vi, en))

    proc: Procedure | None = None
    if not (req.procedure_code or "").strip():
        add("procedure_code", "Chưa chọn thủ tục.", "No procedure chosen.")
    else:
        try:
            proc = get_procedure(ctx, req.procedure_code)
            if not proc.active:
                add("procedure_code", f"Thủ tục {proc.code} đã ngừng áp dụng.",
                    f"Procedure {proc.code} is no longer in force.")
        except NotFoundError as e:
            add("procedure_code", e.vi, e.en)

    a = req.applicant
    try:
        name = nfc(a.full_name or "").strip()
        if not name:
            add("applicant.full_name", "Chưa nhập họ tên người nộp.", "Applicant name is empty.")
        elif len(name) > 200:
            add("applicant.full_name", "Họ tên quá dài (tối đa 200 ký tự).",
                "Name too long (200 characters at most).")
    except ValidationError as e:
        add("applicant.full_name", e.vi, e.en)
    idn = (a.id_number or "").strip()
    if a.kind == 2:
        if not _TAX_CODE.match(idn):
            add("applicant.id_number", "Mã số thuế của tổ chức phải có 10 hoặc 13 chữ số.",
                "An organisation's tax code has 10 or 13 digits.")
    else:
        try:
            validate_id_number(idn, birth_date=a.birth_date, sex=a.sex)
        except ValidationError as e:
            add("applicant.id_number", e.vi, e.en)
    for problem in (phone_problem(a.phone), email_problem(a.email)):
        if problem is not None:
            add(problem.field, problem.vi, problem.en)

    seqs = [c.seq for c in req.components]
    if len(seqs) != len(set(seqs)):
        add("components", "Thành phần hồ sơ bị trùng số thứ tự.", "Duplicate component numbers.")
    for c in req.components:
        if c.quantity < 1:
            add(f"components[{c.seq}].quantity", f"Số lượng của “{c.name}” phải từ 1 trở lên.",
                f"Quantity of “{c.name}” must be at least 1.")
    if proc is not None:
        missing = [rc.name for rc in proc.components if rc.required and rc.seq not in seqs]
        if missing:
            add("components", "Thiếu giấy tờ bắt buộc: " + "; ".join(missing) + ".",
                "Required documents missing: " + "; ".join(missing) + ".")
    for path, seq in req.attachments:
        p = Path(path)
        if not p.is_file():
            add("attachments", f"Không tìm thấy tệp đính kèm {p}.", f"Attachment file {p} not found.")
        if seq is not None and seq not in seqs:
            add("attachments", f"Tệp {p.name} gắn với thành phần số {seq} không có trong hồ sơ.",
                f"File {p.name} refers to component {seq}, which is not in the dossier.")
    if req.delivery == Delivery.POST and not req.delivery_address.strip():
        add("delivery_address", "Nhận kết quả qua bưu chính cần địa chỉ nhận.",
            "Delivery by post needs an address.")
    if not 0 <= req.pages <= 100_000:
        add("pages", "Số trang phải từ 0 đến 100.000.", "Pages must be 0–100,000.")
    if not 1 <= req.copies <= 10_000:
        add("copies", "Số bản phải từ 1 đến 10.000.", "Copies must be 1–10,000.")
    if req.sets < 1:
        add("sets", "Số bộ hồ sơ phải từ 1 trở lên.", "Number of sets must be at least 1.")
    if req.received_at is not None:
        if convert.local(req.received_at) > datetime.now(convert.VN_TZ) + FUTURE_SLACK:
            add("received_at", "Thời điểm tiếp nhận nằm ở tương lai.",
                "The time of receipt is in the future.")
    if not ctx.unit_code:
        add("unit", "Quầy chưa được gắn với đơn vị (chạy “desk-app init --unit …”).",
            "This desk has no unit (run “desk-app init --unit …”).")
    return out


def _raise_problems(problems: list[FieldProblem]) -> None:
    if not problems:
        return
    first = problems[0]
    log.warning("intake refused by validation: %s", "; ".join(f"{p.field}: {p.en}"
                                                               for p in problems))
    more_vi = f" (và {len(problems) - 1} lỗi khác)" if len(problems) > 1 else ""
    more_en = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise ValidationError("intake_invalid", first.vi + more_vi, first.en + more_en,
                          field=first.field,
                          problems=[{"field": p.field, "vi": p.vi, "en": p.en} for p in problems])

# --------------------------------------------------------------------------- fees


def fee_for(ctx: DeskContext | None, procedure: Procedure, pages: int = 0,
            copies: int = 1) -> tuple[int, str]:
    """Fee in VND and how it was computed (printed on the fee receipt), by the domain's
    ``fees.compute``. A per-page fee before the pages are counted is (0, "not computed yet") so
    the form can preview it; the clerk enters the pages and the amount follows."""
    from desk_app.domain import fees

    if procedure.fee.kind == "per_page_capped" and pages < 1:
        return 0, "Chưa tính: cần số trang của bản chính"
    return fees.compute(procedure.fee, pages, max(1, copies))


# --------------------------------------------------------------------------- receive


def find_applicant(ctx: DeskContext, id_number: str) -> Applicant | None:
    row = repo.get_applicant(ctx.store.conn, (id_number or "").strip())
    return convert.applicant(row) if row else None


def _clean(req: IntakeRequest) -> IntakeRequest:
    """NFC everywhere, normalised ID and phone, aware received_at."""
    from desk_app.domain.cccd import validate_id_number

    a = req.applicant
    idn = (a.id_number or "").strip()
    if a.kind != 2:
        idn = validate_id_number(idn, birth_date=a.birth_date, sex=a.sex)
    app = replace(a, id_number=idn, full_name=" ".join(nfc(a.full_name).split()),
                  address=nfc(a.address or "").strip(), phone=normalise_phone(a.phone),
                  email=(a.email or "").strip())
    return replace(req, applicant=app, procedure_code=req.procedure_code.strip(),
                   on_behalf_of=nfc(req.on_behalf_of or "").strip(),
                   delivery_address=nfc(req.delivery_address or "").strip(),
                   received_at=convert.local(req.received_at or datetime.now(convert.VN_TZ)),
                   components=[replace(c, name=nfc(c.name)) for c in req.components])


def _due(ctx: DeskContext, proc: Procedure, received_at: datetime) -> datetime:
    cutoff = time.fromisoformat(proc.cutoff) if proc.cutoff else None
    return ctx.calendar.due(received_at, proc.time_kind, proc.time_days, cutoff,
                            province_cutoff=ctx.province_cutoff)


def _existing(ctx: DeskContext, request_id: str | None) -> Dossier | None:
    if not request_id:
        return None
    did = repo.find_request(ctx.store.conn, request_id)
    return load(ctx.store.conn, repo.get_dossier_by_id(ctx.store.conn, did)) if did else None


def _storage_error(exc: Exception) -> DeskError:
    from desk_app.domain.errors import StorageError

    return StorageError("store_write_failed",
                        f"Không lưu được hồ sơ vào máy: {exc}. Chưa có gì được ghi.",
                        f"Could not save the dossier: {exc}. Nothing was written.")


def _write(ctx: DeskContext, req: IntakeRequest, proc: Procedure, *, status: DossierStatus,
           due_at: datetime | None, note: str, enqueue: bool, action: str) -> Dossier:
    from desk_app.domain import dossier_code
    from desk_app.domain.ids import new_op_id, new_record_id

    blobs = []
    try:
        for path, seq in req.attachments:                # durable before the transaction
            sha, size = ctx.store.blobs.put_file(Path(path))
            blobs.append((sha, size, Path(path).name, seq))
    except OSError as exc:
        raise _storage_error(exc) from exc
    a = req.applicant
    received = req.received_at
    assert received is not None
    clerk = req.clerk or ctx.clerk_name or "cán bộ một cửa"
    amount, fee_note = fee_for(ctx, proc, req.pages, req.copies)
    width = ctx.serial_width
    try:
        with ctx.store.transaction() as conn:
            again = repo.find_request(conn, req.request_id) if req.request_id else None
            if again:
                return load(conn, repo.get_dossier_by_id(conn, again))
            app_id = repo.upsert_applicant(conn, {
                "id_number": a.id_number, "kind": a.kind, "full_name": a.full_name,
                "name_folded": fold(a.full_name),
                "birth_date": a.birth_date.isoformat() if a.birth_date else None,
                "sex": a.sex, "address": a.address, "phone": a.phone, "email": a.email,
                "old_id_number": a.old_id_number})
            yymmdd = received.strftime("%y%m%d")
            serial = repo.allocate_serial(
                conn, ctx.unit_code, yymmdd, ctx.desk_no, width,
                next_serial=lambda last: dossier_code.next_serial(last, ctx.desk_no, width))
            code = dossier_code.format_code(ctx.unit_code, received.date(), serial, width)
            record_id = new_record_id()
            at = convert.iso_local(received)
            did = repo.insert_dossier(conn, {
                "record_id": record_id, "code": code, "unit_code": ctx.unit_code,
                "desk_no": ctx.desk_no, "procedure_code": proc.code,
                "procedure_name": proc.name, "applicant_id": app_id,
                "applicant_name": a.full_name, "applicant_id_number": a.id_number,
                "applicant_phone": a.phone, "applicant_address": a.address,
                "on_behalf_of": req.on_behalf_of, "delivery": req.delivery.value,
                "delivery_address": req.delivery_address, "fee_amount": amount,
                "fee_note": fee_note, "sets": req.sets, "received_at": at,
                "due_at": convert.iso_local(due_at) if due_at else None,
                "status": status.value, "clerk": clerk, "receipt_no": code,
                "logbook_no": f"{received.year}/{ctx.desk_no}-{serial}", "note": note,
                "search_folded": search_text(code, a.full_name, a.id_number, a.phone, proc.code,
                                             req.on_behalf_of)})
            repo.insert_components(conn, did, [
                {"seq": c.seq, "name": c.name, "form": c.form.value, "quantity": c.quantity}
                for c in req.components])
            for sha, size, name, seq in blobs:
                repo.insert_attachment(conn, did, {
                    "sha256": sha, "size": size, "filename": name, "component_seq": seq,
                    "mime": mimetypes.guess_type(name)[0] or "application/octet-stream"})
            repo.insert_event(conn, did, from_status=None, to_status=status.value, actor=clerk,
                              role=Role.CLERK.value, at=at, note=note)
            if req.request_id:
                repo.record_request(conn, req.request_id, did)
            d = load(conn, repo.get_dossier_by_id(conn, did))
            if enqueue:
                outbox.enqueue(conn, kind="dossier.create", lane="record",
                               payload=national_record(d, proc), dossier_id=did,
                               record_id=record_id, base_version=None, clerk=clerk,
                               bytes_total=sum({b[0]: b[1] for b in blobs}.values()),
                               op_id=new_op_id())
            audit.append(conn, actor=req.actor or clerk, action=action, entity="dossier",
                         entity_id=record_id,
                         detail={"code": code, "status": status.value,
                                 "procedure": proc.code, "attachments": [b[0] for b in blobs]})
    except sqlite3.Error as exc:   # disk full, read-only, locked beyond busy_timeout
        raise _storage_error(exc) from exc
    log.info("%s %s (%s, %d attachment(s))", action, code, proc.code, len(blobs))
    return load(ctx.store.conn, repo.get_dossier(ctx.store.conn, code))


def receive(ctx: DeskContext, req: IntakeRequest) -> Dossier:
    """Validate and store a received dossier durably; the same ``request_id`` twice gives the
    same dossier (double click, retried call)."""
    found = _existing(ctx, req.request_id)
    if found is not None:
        return found
    _raise_problems(validate(ctx, req))
    req = _clean(req)
    proc = get_procedure(ctx, req.procedure_code)
    return _write(ctx, req, proc, status=DossierStatus.RECEIVED,
                  due_at=_due(ctx, proc, req.received_at), note="", enqueue=True,
                  action="dossier.receive")


def refuse(ctx: DeskContext, req: IntakeRequest, reason: str,
           kind: Literal["refuse", "supplement"] = "refuse") -> Dossier:
    """Record a refusal (Mẫu 03) or a supplement request (Mẫu 02) made at the desk.

    The dossier gets a code (the slip carries it) and status refused / waiting_supplement; its
    event and audit row are written, but nothing is queued for the province.
    """
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError("reason_required", "Cần ghi rõ lý do.", "A reason is required.",
                              field="reason")
    if kind not in ("refuse", "supplement"):
        raise ValidationError("bad_kind", f"Loại quyết định “{kind}” không hợp lệ.",
                              f"Unknown decision kind “{kind}”.", field="kind")
    found = _existing(ctx, req.request_id)
    if found is not None:
        return found
    # Missing documents are the very reason of a supplement request: not an error here.
    problems = [p for p in validate(ctx, req) if p.field != "components"]
    _raise_problems(problems)
    req = _clean(req)
    proc = get_procedure(ctx, req.procedure_code)
    status = DossierStatus.REFUSED if kind == "refuse" else DossierStatus.WAITING_SUPPLEMENT
    return _write(ctx, req, proc, status=status, due_at=None, note=reason, enqueue=False,
                  action="dossier.refuse" if kind == "refuse" else "dossier.request_supplement")
