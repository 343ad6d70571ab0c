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
import re
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from desk_app.domain.errors import DeskError, NotFoundError, ValidationError
from desk_app.domain.models import (Applicant, Delivery, Dossier, DossierComponent, DossierStatus,
                                    Procedure, Role)
from desk_app.domain.text import excerpt, fold, nfc
from desk_app.services import convert
from desk_app.services.catalog import get_procedure
from desk_app.services.context import DeskContext
from desk_app.services.dossiers import load, search_text
from desk_app.services.intake.applicant import email_problem, normalise_phone, phone_problem
from desk_app.services.record import national_record
from offline_store import audit, outbox, repo

_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")
FUTURE_SLACK = timedelta(minutes=10)
EARLIEST_YEAR = 2000         # a time of receipt before this is a typing error
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
    # The ID number is known under another name: the clerk confirmed that the registry of
    # returning applicants should take the new one (GUI: ask; CLI: --confirm-name-change).
    confirm_name_change: bool = False
    # Never scan twice (issue 14): (component seq, applicant_documents.id) — a document the
    # applicant already has digitised, attached with no new file and no upload.
    reuse: list[tuple[int, int]] = field(default_factory=list)



# --------------------------------------------------------------------------- free-text wall

# Every free-text field of an intake: (field, max characters, Vietnamese label, English label,
# is a person's/organisation's name). Limits are what the forms and the national record carry.
TEXT_FIELDS: tuple[tuple[str, int, str, str, bool], ...] = (
    ("applicant.full_name", 100, "Họ tên người nộp", "Applicant name", True),
    ("applicant.id_number", 20, "Số định danh", "ID number", False),
    ("applicant.old_id_number", 20, "Số CMND cũ", "Old ID number", False),
    ("applicant.address", 300, "Địa chỉ", "Address", False),
    ("applicant.phone", 30, "Số điện thoại", "Phone", False),   # 15 digits once normalised
    ("applicant.email", 254, "Email", "Email", False),
    ("applicant.sex", 10, "Giới tính", "Sex", False),
    ("on_behalf_of", 200, "Nộp thay cho", "On behalf of", True),
    ("delivery_address", 300, "Địa chỉ nhận kết quả", "Delivery address", False),
    ("clerk", 100, "Cán bộ tiếp nhận", "Clerk", True),
    ("request_id", 100, "Khóa chống trùng", "Request id", False),
    ("procedure_code", 100, "Mã thủ tục", "Procedure code", False),
    ("actor", 100, "Người thực hiện", "Actor", False),
)
COMPONENT_NAME_MAX = 300
FILENAME_MAX = 255
REASON_MAX = 2000
PHONE_MAX = 15


def _get(req: IntakeRequest, f: str) -> str | None:
    if f.startswith("applicant."):
        return getattr(req.applicant, f.split(".", 1)[1])
    return getattr(req, f)


def _text_problems(req: IntakeRequest) -> tuple[dict[str, str], list[FieldProblem]]:
    """Each free-text field sanitised (``desk_app.domain.text.sanitize``), or its problem."""
    from desk_app.domain.text import sanitize

    clean: dict[str, str] = {}
    out: list[FieldProblem] = []
    for f, limit, vi, en, is_name in TEXT_FIELDS:
        try:
            clean[f] = sanitize(_get(req, f), field=f, max_len=limit, label_vi=vi, label_en=en,
                                name=is_name)
        except ValidationError as e:
            out.append(FieldProblem(f, e.vi, e.en))
    for c in req.components:
        f = f"components[{c.seq}].name"
        try:
            clean[f] = sanitize(c.name, field=f, max_len=COMPONENT_NAME_MAX,
                                label_vi="Tên giấy tờ", label_en="Document name", name=True)
        except ValidationError as e:
            out.append(FieldProblem(f, e.vi, e.en))
    for i, (path, _seq) in enumerate(req.attachments):
        f = f"attachments[{i}].filename"
        try:
            clean[f] = sanitize(Path(path).name, field=f, max_len=FILENAME_MAX,
                                label_vi="Tên tệp đính kèm", label_en="Attachment file name")
        except ValidationError as e:
            out.append(FieldProblem(f, e.vi, e.en))
    return clean, out


# Attachments are recognised by their first bytes, never by their name.
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
          (b"\x89PNG\r\n\x1a\n", "image/png"), (b"II*\x00", "image/tiff"),
          (b"MM\x00*", "image/tiff"))


def sniff(head: bytes) -> str | None:
    """The attachment's type from its first bytes (PDF, JPEG, PNG, TIFF), else None."""
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def attachment_max_bytes(ctx: DeskContext) -> int:
    try:
        mb = int(ctx.settings.get("attachment_max_mb") or 50)
    except ValueError:
        mb = 50
    return mb * 1024 * 1024


def attachment_problem(p: Path, max_bytes: int) -> tuple[str, str] | None:
    """(vi, en) of what is wrong with attaching ``p``, or None. Never follows a symbolic link,
    never reads a device or folder, refuses empty and oversized files and any type but PDF,
    JPEG, PNG and TIFF (by content)."""
    import os
    import stat as st

    nm = excerpt(p.name)
    try:
        info = os.lstat(p)
    except (OSError, ValueError):
        return (f"Không tìm thấy tệp đính kèm {nm}.", f"Attachment file {nm} not found.")
    if st.S_ISLNK(info.st_mode):
        return (f"Tệp {nm} là lối tắt (symbolic link) — hãy chọn chính tệp đó.",
                f"{nm} is a symbolic link — choose the file itself.")
    if not st.S_ISREG(info.st_mode):
        return (f"{nm} không phải một tệp thông thường.", f"{nm} is not a regular file.")
    if info.st_size == 0:
        return (f"Tệp {nm} rỗng (0 byte).", f"File {nm} is empty (0 bytes).")
    if info.st_size > max_bytes:
        mb = max_bytes // (1024 * 1024)
        return (f"Tệp {nm} lớn hơn giới hạn {mb} MB.", f"File {nm} is larger than the {mb} MB limit.")
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return (f"Không đọc được tệp {nm} ({excerpt(exc.strerror or exc)}).",
                f"Cannot read file {nm} ({excerpt(exc.strerror or exc)}).")
    if sniff(head) is None:
        return (f"Tệp {nm} không phải PDF, JPEG, PNG hay TIFF (xét theo nội dung).",
                f"File {nm} is not a PDF, JPEG, PNG or TIFF (judged by its content).")
    return None


def clean_filename(name: str) -> str:
    from desk_app.domain.text import sanitize

    return sanitize(name, field="attachments.filename", max_len=FILENAME_MAX,
                    label_vi="Tên tệp đính kèm", label_en="Attachment file name") or "tep"


def clean_reason(reason: str | None) -> str:
    """The refusal / supplement reason: multi-line, at most 2,000 characters, no control text."""
    from desk_app.domain.text import sanitize

    return sanitize(reason, field="reason", max_len=REASON_MAX, label_vi="Lý do",
                    label_en="Reason", multiline=True)

# --------------------------------------------------------------------------- validation


def validate(ctx: DeskContext, req: IntakeRequest) -> list[FieldProblem]:
    """Everything wrong with the request, for live display next to the fields (empty = ok)."""
    from desk_app.domain.cccd import validate_id_number

    clean, out = _text_problems(req)
    bad = {p.field for p in out}

    def add(f: str, vi: str, en: str) -> None:
        out.append(FieldProblem(f, vi, en))

    proc: Procedure | None = None
    if "procedure_code" in bad:
        pass
    elif not clean["procedure_code"]:
        add("procedure_code", "Chưa chọn thủ tục.", "No procedure chosen.")
    else:
        try:
            proc = get_procedure(ctx, clean["procedure_code"])
            if not proc.active:
                add("procedure_code", f"Thủ tục {proc.code} đã ngừng áp dụng.",
                    f"Procedure {proc.code} is no longer in force.")
        except NotFoundError as e:
            add("procedure_code", e.vi, e.en)

    a = req.applicant
    if "applicant.full_name" not in bad and not clean["applicant.full_name"]:
        add("applicant.full_name", "Chưa nhập họ tên người nộp.", "Applicant name is empty.")
    idn = clean.get("applicant.id_number", "")
    sex = clean.get("applicant.sex") or None
    if "applicant.id_number" in bad or "applicant.sex" in bad:
        pass
    elif a.kind == 2:
        if not _TAX_CODE.match(idn):
            add("applicant.id_number", "Mã số thuế của tổ chức phải có 10 hoặc 13 chữ số.",
                "An organisation's tax code has 10 or 13 digits.")
    else:
        try:
            validate_id_number(idn, birth_date=a.birth_date, sex=sex)
        except ValidationError as e:
            add("applicant.id_number", e.vi, e.en)
    if a.birth_date is not None and not date(1900, 1, 1) <= a.birth_date <= date.today():
        add("applicant.birth_date", "Ngày sinh phải từ năm 1900 đến hôm nay.",
            "The birth date must be between 1900 and today.")
    if "applicant.phone" not in bad:
        phone = clean["applicant.phone"]
        if len(normalise_phone(phone)) > PHONE_MAX:
            add("applicant.phone", f"Số điện thoại quá dài (tối đa {PHONE_MAX} chữ số).",
                f"Phone number too long ({PHONE_MAX} digits at most).")
        else:
            problem = phone_problem(phone)
            if problem is not None:
                add(problem.field, problem.vi, problem.en)
    if "applicant.email" not in bad:
        problem = email_problem(clean["applicant.email"])
        if problem is not None:
            add(problem.field, problem.vi, problem.en)

    seqs = [c.seq for c in req.components]
    if len(seqs) != len(set(seqs)):
        add("components", "Thành phần hồ sơ bị trùng số thứ tự.", "Duplicate component numbers.")
    for c in req.components:
        if not 1 <= c.quantity <= 10_000:
            nm = excerpt(c.name)
            add(f"components[{c.seq}].quantity", f"Số lượng của “{nm}” phải từ 1 đến 10.000.",
                f"Quantity of “{nm}” must be 1–10,000.")
    if proc is not None:
        missing = [rc.name for rc in proc.components if rc.required and rc.seq not in seqs]
        if missing:
            add("components", "Thiếu giấy tờ bắt buộc: " + "; ".join(missing) + ".",
                "Required documents missing: " + "; ".join(missing) + ".")
    max_bytes = attachment_max_bytes(ctx)
    for path, seq in req.attachments:
        p = Path(path)
        problem = attachment_problem(p, max_bytes)
        if problem is not None:
            add("attachments", *problem)
        if seq is not None and seq not in seqs:
            nm = excerpt(p.name)
            add("attachments", f"Tệp {nm} gắn với thành phần số {seq} không có trong hồ sơ.",
                f"File {nm} refers to component {seq}, which is not in the dossier.")
    for problem in _reuse_problems(ctx, req, seqs):
        out.append(problem)
    if (req.delivery == Delivery.POST and "delivery_address" not in bad
            and not clean["delivery_address"]):
        add("delivery_address", "Nhận kết quả qua bưu chính cần địa chỉ nhận.",
            "Delivery by post needs an address.")
    if not 0 <= req.pages <= 100_000:
        add("pages", "Số trang phải từ 0 đến 100.000.", "Pages must be 0–100,000.")
    if not 1 <= req.copies <= 10_000:
        add("copies", "Số bản phải từ 1 đến 10.000.", "Copies must be 1–10,000.")
    if not 1 <= req.sets <= 1000:
        add("sets", "Số bộ hồ sơ phải từ 1 đến 1.000.", "Number of sets must be 1–1,000.")
    if req.received_at is not None:
        if convert.local(req.received_at).year < EARLIEST_YEAR:
            add("received_at", f"Thời điểm tiếp nhận phải từ năm {EARLIEST_YEAR} trở đi.",
                f"The time of receipt must be in {EARLIEST_YEAR} or later.")
        elif convert.local(req.received_at) > datetime.now(convert.VN_TZ) + FUTURE_SLACK:
            add("received_at", "Thời điểm tiếp nhận nằm ở tương lai.",
                "The time of receipt is in the future.")
    if not ctx.unit_code:
        add("unit", "Quầy chưa được gắn với đơn vị (chạy “desk-app init --unit …”).",
            "This desk has no unit (run “desk-app init --unit …”).")
    return out


def _reuse_problems(ctx: DeskContext, req: IntakeRequest, seqs: list[int]) -> list[FieldProblem]:
    """Held documents offered for re-use (issue 14) must be this applicant's, with their file."""
    if not req.reuse:
        return []
    from desk_app.services.scanning.documents import check_reusable

    out = []
    for seq, doc_id in req.reuse:
        if seq not in seqs:
            out.append(FieldProblem("reuse", f"Thành phần số {seq} không có trong hồ sơ.",
                                    f"Component {seq} is not in the dossier."))
            continue
        try:
            check_reusable(ctx, ctx.store.conn, repo.get_applicant_document(ctx.store.conn, int(doc_id)),
                           doc_id, (req.applicant.id_number or "").strip())
        except (ValidationError, ValueError, TypeError) as e:
            out.append(FieldProblem("reuse", getattr(e, "vi", str(e)), getattr(e, "en", str(e))))
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
    """Every free-text field through the wall (NFC, no control/bidi/zero-width characters,
    trimmed), normalised ID and phone, aware received_at. Runs after ``validate``."""
    from desk_app.domain.cccd import validate_id_number

    clean, problems = _text_problems(req)
    if problems:
        _raise_problems(problems)
    a = req.applicant
    idn = clean["applicant.id_number"]
    sex = clean["applicant.sex"] or None
    if a.kind != 2:
        idn = validate_id_number(idn, birth_date=a.birth_date, sex=sex)
    app = replace(a, id_number=idn, full_name=clean["applicant.full_name"],
                  address=clean["applicant.address"],
                  phone=normalise_phone(clean["applicant.phone"]),
                  email=clean["applicant.email"], sex=sex,
                  old_id_number=clean["applicant.old_id_number"])
    return replace(req, applicant=app, procedure_code=clean["procedure_code"],
                   on_behalf_of=clean["on_behalf_of"],
                   delivery_address=clean["delivery_address"], clerk=clean["clerk"],
                   request_id=clean["request_id"] or None, actor=clean["actor"],
                   received_at=convert.local(req.received_at or datetime.now(convert.VN_TZ)),
                   components=[replace(c, name=clean[f"components[{c.seq}].name"])
                               for c in req.components])


def _due(ctx: DeskContext, proc: Procedure, received_at: datetime) -> datetime:
    cutoff = time.fromisoformat(proc.cutoff) if proc.cutoff else None
    return ctx.calendar.due(received_at, proc.time_kind, proc.time_days, cutoff,
                            province_cutoff=ctx.province_cutoff)


def _existing(ctx: DeskContext, request_id: str | None) -> Dossier | None:
    if not request_id:
        return None
    did = repo.find_request(ctx.store.conn, request_id)
    return load(ctx.store.conn, repo.get_dossier_by_id(ctx.store.conn, did)) if did else None


def _same_name(a: str, b: str) -> bool:
    """Case and spacing aside, the same name (diacritics count: "An" and "Ân" are two names)."""
    return " ".join(nfc(a).split()).casefold() == " ".join(nfc(b).split()).casefold()


def name_change(conn: sqlite3.Connection, applicant: Applicant) -> tuple[str, str] | None:
    """(stored name, new name) when the registry knows this ID number under another name —
    the clerk must confirm before the registry takes the new one (``confirm_name_change``)."""
    row = repo.get_applicant(conn, (applicant.id_number or "").strip())
    new = " ".join(nfc(applicant.full_name or "").split())
    if row is None or not new or _same_name(row["full_name"], new):
        return None
    return row["full_name"], new


def _name_change_error(old: str, new: str, id_number: str) -> ValidationError:
    from desk_app.domain.text import excerpt

    return ValidationError(
        "applicant_name_changed",
        f"Số định danh này đã được lưu với họ tên “{excerpt(old)}”, khác với “{excerpt(new)}”."
        " Kiểm tra lại giấy tờ; nếu đúng là người này đã đổi tên, xác nhận đổi tên"
        " (dòng lệnh: --confirm-name-change).",
        f"This ID number is on file under the name “{excerpt(old)}”, not “{excerpt(new)}”."
        " Check the papers; if the person's name really changed, confirm the change"
        " (command line: --confirm-name-change).",
        field="applicant.full_name", stored_name=old, new_name=new)


def _remember_applicant(conn: sqlite3.Connection, req: IntakeRequest, *, actor: str) -> int:
    """Merge the applicant into the registry of returning applicants (inside the dossier's
    transaction): empty values never erase stored ones, a new name needs the clerk's
    confirmation, and every change is an audit row with the old and new values."""
    a = req.applicant
    change = name_change(conn, a)
    if change is not None and not req.confirm_name_change:
        raise _name_change_error(change[0], change[1], a.id_number)
    app_id, changes = repo.merge_applicant(conn, {
        "id_number": a.id_number, "kind": a.kind, "full_name": a.full_name,
        "name_folded": fold(a.full_name),
        "birth_date": a.birth_date.isoformat() if a.birth_date else None,
        "sex": a.sex, "address": a.address, "phone": a.phone, "email": a.email,
        "old_id_number": a.old_id_number})
    if changes:
        created = all(old is None for old, _new in changes.values())
        audit.append(conn, actor=actor, action="applicant.create" if created else "applicant.update",
                     entity="applicant", entity_id=a.id_number,
                     detail={"changes": {k: {"old": o, "new": n} for k, (o, n) in changes.items()},
                             "name_change_confirmed": bool(change and req.confirm_name_change)})
    return app_id


def _discard(ctx: DeskContext, shas: list[str]) -> None:
    """Remove blobs this intake wrote if, after its transaction failed, no row refers to them."""
    for sha in shas:
        try:
            used = ctx.store.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1",
                                          (sha,)).fetchone()
            if used is None:
                ctx.store.blobs.remove(sha)
        except (OSError, sqlite3.Error):
            log.warning("could not remove an unreferenced blob after a failed intake")


def _storage_error(exc: Exception) -> DeskError:
    from desk_app.domain.errors import StorageError

    return StorageError("store_write_failed",
                        f"Không lưu được hồ sơ vào máy: {exc}. Chưa có gì được ghi.",
                        f"Could not save the dossier: {exc}. Nothing was written.")


def _write(ctx: DeskContext, req: IntakeRequest, proc: Procedure, *, status: DossierStatus,
           due_at: datetime | None, note: str, enqueue: bool, action: str) -> Dossier:
    from desk_app.domain import dossier_code
    from desk_app.domain.ids import new_op_id, new_record_id

    from offline_store.blobs import BlobTooLarge, NotRegular

    blobs = []
    fresh: list[str] = []          # blobs this call created: removed again if the commit fails
    max_bytes = attachment_max_bytes(ctx)
    try:
        for path, seq in req.attachments:                # durable before the transaction
            sha, size, new = ctx.store.blobs.put_file_ex(Path(path), max_bytes=max_bytes)
            if new:
                fresh.append(sha)
            mime = sniff(ctx.store.blobs.head(sha, 16))
            if size == 0 or mime is None:     # changed between validate and copy
                raise ValidationError("attachment_changed",
                                      f"Tệp {excerpt(Path(path).name)} đã thay đổi khi đang đọc.",
                                      f"File {excerpt(Path(path).name)} changed while being read.",
                                      field="attachments")
            blobs.append((sha, size, clean_filename(Path(path).name), seq, mime))
    except (NotRegular, BlobTooLarge) as exc:
        _discard(ctx, fresh)
        raise ValidationError("attachment_refused", f"Không nhận tệp đính kèm: {excerpt(exc)}",
                              f"Attachment refused: {excerpt(exc)}", field="attachments") from None
    except OSError as exc:
        _discard(ctx, fresh)
        raise _storage_error(exc) from exc
    except BaseException:
        _discard(ctx, fresh)
        raise
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
            app_id = _remember_applicant(conn, req, actor=req.actor or clerk)
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
                "applicant_kind": a.kind, "applicant_email": a.email,
                "applicant_birth_date": a.birth_date.isoformat() if a.birth_date else None,
                "applicant_sex": a.sex, "applicant_old_id_number": a.old_id_number or "",
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
            for sha, size, name, seq, mime in blobs:
                repo.insert_attachment(conn, did, {
                    "sha256": sha, "size": size, "filename": name, "component_seq": seq,
                    "mime": mime})
            if req.reuse:                 # held documents (issue 14): no new blob, no upload
                from desk_app.services.scanning.documents import attach_reused_at_intake

                attach_reused_at_intake(conn, did, req.reuse)
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
            from desk_app.services.scanning.documents import record_pending
            from offline_store import seal

            record_pending(conn, ctx.data_dir, max_batches=4)   # applicant's documents (issue 14)
            seal.reseal(conn, did)        # keyed: an edit outside the app is caught by verify
            audit.append(conn, actor=req.actor or clerk, action=action, entity="dossier",
                         entity_id=record_id,
                         detail={"code": code, "status": status.value,
                                 "procedure": proc.code, "attachments": [b[0] for b in blobs],
                                 **({"reused": [int(x[1]) for x in req.reuse]} if req.reuse
                                    else {})})
    except sqlite3.Error as exc:   # disk full, read-only, locked beyond busy_timeout
        _discard(ctx, fresh)
        raise _storage_error(exc) from exc
    except BaseException:          # a refusal inside the transaction (name change, …)
        _discard(ctx, fresh)
        raise
    log.info("%s %s (%s, %d attachment(s))", action, code, proc.code, len(blobs))
    return load(ctx.store.conn, repo.get_dossier(ctx.store.conn, code))


def _check_name(ctx: DeskContext, req: IntakeRequest) -> None:
    """Refuse before any blob is written when the name differs and nobody confirmed it (the
    transaction checks again)."""
    change = name_change(ctx.store.conn, req.applicant)
    if change is not None and not req.confirm_name_change:
        raise _name_change_error(change[0], change[1], req.applicant.id_number)


def receive(ctx: DeskContext, req: IntakeRequest) -> Dossier:
    """Validate and store a received dossier durably; the same ``request_id`` twice gives the
    same dossier (double click, retried call)."""
    found = _existing(ctx, req.request_id)
    if found is not None:
        return found
    _raise_problems(validate(ctx, req))
    req = _clean(req)
    _check_name(ctx, req)
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
    reason = clean_reason(reason)
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
    _check_name(ctx, req)
    proc = get_procedure(ctx, req.procedure_code)
    status = DossierStatus.REFUSED if kind == "refuse" else DossierStatus.WAITING_SUPPLEMENT
    return _write(ctx, req, proc, status=status, due_at=None, note=reason, enqueue=False,
                  action="dossier.refuse" if kind == "refuse" else "dossier.request_supplement")
