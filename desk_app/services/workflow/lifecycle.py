"""The life of a dossier after intake (issue 16): hand-overs, supplements, refusal, delay, stop,
result, return, withdrawal — over the state machine (desk_app/domain/state_machine.py).

Every change is ONE transaction that writes: the dossier's columns (status, version, the
lifecycle columns of migration 0009), a ``dossier_events`` row with its ``kind`` and
``detail_json``, an audit row, and a ``dossier.update`` outbox item carrying the national record
(the lifecycle facts travel in the record's ``extra.lifecycle``). A refusal (wrong state, a date
before intake, a result that is not a PDF/image) raises before anything is written; a role the
state machine refuses raises ``PermissionDenied`` (CLI exit 3).

Clock-stop rule (supplement, Mẫu 02): the clock stops when the request is made and resumes when
the supplement is received; the appointment moves by the working days in between,
``WorkingCalendar.paused_working_days(requested, received)`` = working days in
(request date, receipt date] — the request day was partly used, and the receipt day is not
counted, as for a fresh intake (a supplement received on a day off or after hours resumes at
08:00 of the next working day, which the same count gives). The new due date is that many working
days after the old one, at the same hour.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from desk_app.domain import state_machine
from desk_app.domain.errors import NotFoundError, StorageError, ValidationError
from desk_app.domain.models import Dossier, DossierStatus as S, Role
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, outbox, repo

EVENT_KINDS = ("status", "handover", "supplement_request", "supplement_received", "delay",
               "result", "return", "note")
RESULT_MIMES = ("application/pdf", "image/jpeg", "image/png", "image/tiff")

#: What each target status is called as an action (the CLI's --to and the GUI's buttons).
KIND_OF_STATUS = {
    S.IN_PROCESS: "handover", S.WAITING_SUPPLEMENT: "supplement_request",
    S.SUPPLEMENTED: "supplement_received", S.RESULT_READY: "result", S.RETURNED: "return",
    S.REFUSED: "status", S.WITHDRAWN: "status", S.STOPPED: "status",
}


@dataclass(frozen=True)
class Lifecycle:
    """The lifecycle columns of a dossier (migration 0009)."""

    channel: str = "desk"
    original_due_at: datetime | None = None
    resolved_at: datetime | None = None
    returned_at: datetime | None = None
    paused_working_days: int = 0
    paused_at: datetime | None = None
    delivery_done: str = ""
    returned_to: str = ""
    processing_agency: str = ""


@dataclass(frozen=True)
class LifecycleEvent:
    id: int
    at: datetime
    kind: str
    from_status: str | None
    to_status: str
    actor: str
    role: str
    note: str = ""
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a lifecycle command did: the dossier as stored now, its lifecycle, the new event."""

    code: str
    status: str
    due_at: datetime | None
    event: LifecycleEvent
    lifecycle: Lifecycle
    message_vi: str = ""
    message_en: str = ""


# --------------------------------------------------------------------------- reading

def lifecycle_of(row: sqlite3.Row) -> Lifecycle:
    keys = row.keys()

    def col(name: str, default: Any = None) -> Any:
        return row[name] if name in keys else default

    return Lifecycle(channel=col("channel", "desk") or "desk",
                     original_due_at=convert.parse_dt(col("original_due_at")),
                     resolved_at=convert.parse_dt(col("resolved_at")),
                     returned_at=convert.parse_dt(col("returned_at")),
                     paused_working_days=int(col("paused_working_days", 0) or 0),
                     paused_at=convert.parse_dt(col("paused_at")),
                     delivery_done=col("delivery_done", "") or "",
                     returned_to=col("returned_to", "") or "",
                     processing_agency=col("processing_agency", "") or "")


def events(conn: sqlite3.Connection, dossier_id: int) -> list[LifecycleEvent]:
    rows = conn.execute("SELECT id, at, kind, from_status, to_status, actor, role, note,"
                        " detail_json FROM dossier_events WHERE dossier_id = ? ORDER BY id",
                        (dossier_id,)).fetchall()
    out = []
    for r in rows:
        try:
            detail = json.loads(r["detail_json"] or "{}")
        except ValueError:
            detail = {}
        out.append(LifecycleEvent(int(r["id"]), convert.parse_dt(r["at"]), r["kind"],
                                  r["from_status"], r["to_status"], r["actor"], r["role"],
                                  r["note"] or "", detail))
    return out


def history(ctx: DeskContext, code: str) -> tuple[Dossier, Lifecycle, list[LifecycleEvent]]:
    """The dossier, its lifecycle columns and every event with kind and details."""
    from desk_app.services import dossiers

    row = _row(ctx.store.conn, code)
    return (dossiers.load(ctx.store.conn, row), lifecycle_of(row),
            events(ctx.store.conn, int(row["id"])))


def handovers(ctx: DeskContext, code: str) -> list[LifecycleEvent]:
    """The hand-over steps of a dossier (for the control slip, Mẫu 06)."""
    return [e for e in history(ctx, code)[2] if e.kind in ("handover", "result", "return")]


# --------------------------------------------------------------------------- helpers

def _row(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    code = (code or "").strip()
    row = repo.get_dossier(conn, code) or repo.get_dossier(conn, code.upper())
    if row is None:
        raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{code}”.",
                            f"No dossier with code “{code}”.", dossier_code=code)
    return row


def _denied(exc: ValidationError) -> Exception:
    """The state machine's role refusal becomes the registry's PermissionDenied (exit 3)."""
    from desk_app.services.registry import PermissionDenied

    return PermissionDenied(exc.code, exc.vi, exc.en, **exc.details)


def effective_role(role: Role | str) -> Role:
    """The role the state machine judges: an administrator acts as a supervisor (who may make
    any allowed move to correct mistakes); every other role as itself."""
    role = Role(role)
    return Role.SUPERVISOR if role is Role.ADMIN else role


def _check_move(before: S, to: S, role: Role) -> None:
    role = effective_role(role)
    try:
        state_machine.transition(before, to, role)
    except ValidationError as exc:
        if exc.code == "status_role_forbidden":
            raise _denied(exc) from None
        raise


def _check_action(action: str, before: S, role: Role) -> None:
    role = effective_role(role)
    try:
        state_machine.check_action(action, before, role)
    except ValidationError as exc:
        if exc.code == "status_role_forbidden":
            raise _denied(exc) from None
        raise


def _audited_denials(fn):
    """A move the state machine refuses to a role is recorded like the registry's refusals: an
    audit row ``permission.denied`` in its own transaction (nothing else was written)."""
    import functools

    @functools.wraps(fn)
    def wrapper(ctx: DeskContext, code: str, *args: Any, **kw: Any) -> Any:
        from desk_app.services.registry import PermissionDenied

        try:
            return fn(ctx, code, *args, **kw)
        except PermissionDenied as exc:
            if not getattr(exc, "_audited", False):
                exc._audited = True           # type: ignore[attr-defined]
                row = repo.get_dossier(ctx.store.conn, (code or "").strip())
                with ctx.store.transaction() as conn:
                    audit.append(conn, actor=kw.get("actor", ""), action="permission.denied",
                                 entity="dossier", entity_id=row["record_id"] if row else code,
                                 detail={"code": code, "role": Role(kw.get("role")).value,
                                         "action": fn.__name__,
                                         "from": exc.details.get("from_status"),
                                         "to": exc.details.get("to_status")})
            raise
    return wrapper


def _fmt(dt: datetime) -> str:
    return f"{dt:%H:%M} ngày {dt:%d/%m/%Y}"


def _fmt_en(dt: datetime) -> str:
    return f"{dt:%H:%M} on {dt:%Y-%m-%d}"


def _check_when(row: sqlite3.Row, conn: sqlite3.Connection, at: datetime) -> None:
    """An event time must not be before intake, before the last event, nor in the future."""
    received = convert.parse_dt(row["received_at"])
    if received is not None and at < received:
        raise ValidationError(
            "workflow_before_intake",
            f"Thời điểm {_fmt(at)} trước khi tiếp nhận hồ sơ ({_fmt(received)}).",
            f"The time {_fmt_en(at)} is before the dossier was received ({_fmt_en(received)}).",
            field="at")
    last = conn.execute("SELECT max(at) FROM dossier_events WHERE dossier_id = ?",
                        (row["id"],)).fetchone()[0]
    last_dt = convert.parse_dt(last)
    if last_dt is not None and at < last_dt:
        raise ValidationError(
            "workflow_before_last_event",
            f"Thời điểm {_fmt(at)} trước bước xử lý gần nhất của hồ sơ ({_fmt(last_dt)}).",
            f"The time {_fmt_en(at)} is before the dossier's last step ({_fmt_en(last_dt)}).",
            field="at")
    now = datetime.now(convert.VN_TZ)
    if at > now + timedelta(minutes=5):
        raise ValidationError("workflow_in_future",
                              f"Thời điểm {_fmt(at)} ở tương lai.",
                              f"The time {_fmt_en(at)} is in the future.", field="at")


def _need_text(value: str | None, field_name: str, vi: str, en: str) -> str:
    text = " ".join((value or "").split()) if "\n" not in (value or "") else (value or "").strip()
    if not text:
        raise ValidationError("workflow_text_required", vi, en, field=field_name)
    if len(text) > 4000:
        raise ValidationError("workflow_text_too_long", f"Nội dung {field_name} quá dài (tối đa "
                              "4.000 ký tự).", f"{field_name} is too long (at most 4,000 "
                              "characters).", field=field_name)
    return text


def _event(conn: sqlite3.Connection, did: int, *, kind: str, from_status: str, to_status: str,
           actor: str, role: str, at: str, note: str, detail: dict) -> int:
    return int(conn.execute(
        "INSERT INTO dossier_events(dossier_id, from_status, to_status, actor, role, at, note,"
        " kind, detail_json) VALUES (?,?,?,?,?,?,?,?,?)",
        (did, from_status, to_status, actor, role, at, note, kind,
         json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":")))).lastrowid)


_LIFECYCLE_COLS = ("status", "version", "note", "due_at", "original_due_at", "resolved_at",
                   "returned_at", "paused_working_days", "paused_at", "delivery_done",
                   "returned_to", "processing_agency", "updated_at")


def _update(conn: sqlite3.Connection, did: int, changes: dict) -> None:
    bad = set(changes) - set(_LIFECYCLE_COLS)
    if bad:
        raise ValueError(f"not a lifecycle column: {sorted(bad)}")
    changes = {**changes, "updated_at": changes.get("updated_at") or repo.iso_utc()}
    conn.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                 (*changes.values(), did))


def lifecycle_extra(lc: Lifecycle, evs: list[LifecycleEvent]) -> dict:
    """The lifecycle facts the record carries in ``extra.lifecycle`` (the national record has no
    fields for them; openapi.yaml: "extra — anything else a province agrees on")."""
    from desk_app.services.record import wire_time

    return {
        "channel": lc.channel,
        "original_due": wire_time(lc.original_due_at),
        "resolved_at": wire_time(lc.resolved_at),
        "returned_at": wire_time(lc.returned_at),
        "paused_working_days": lc.paused_working_days,
        "paused_at": wire_time(lc.paused_at),
        "delivery_done": lc.delivery_done,
        "returned_to": lc.returned_to,
        "processing_agency": lc.processing_agency,
        "events": [{"kind": e.kind, "at": wire_time(e.at), "from": e.from_status,
                    "to": e.to_status, "actor": e.actor, "role": e.role, "note": e.note,
                    "detail": e.detail} for e in evs if e.from_status is not None][-50:],
    }


def _payload(ctx: DeskContext, conn: sqlite3.Connection, did: int) -> tuple[dict, Dossier]:
    from desk_app.services import dossiers
    from desk_app.services.catalog import get_procedure
    from desk_app.services.record import national_record

    row = repo.get_dossier_by_id(conn, did)
    d = dossiers.load(conn, row)
    try:
        proc = get_procedure(ctx, d.procedure_code)
    except NotFoundError:
        proc = None
    rec = national_record(d, proc)
    lc = lifecycle_of(row)
    results = [a for a in d.attachments if a.kind == "result"]
    # issue 15: a signed version replaces the file it signs; only the newest version is sent
    old = repo.superseded_shas(conn, did)
    if old:
        results = [a for a in results if a.sha256 not in old]
        rec["TaiLieuNop"] = [f for f in rec.get("TaiLieuNop") or []
                             if f.get("TepDinhKemId") not in old]
    # The result documents with their files: the sync engine uploads them like TaiLieuNop (the
    # back end answers missing_attachments until it has them); a result the province posted is
    # already there, so naming it keeps the link instead of dropping it.
    seen: set[str] = set()
    rec["DanhSachGiayToKetQua"] = [{"TenGiayTo": a.filename[:500] or "Kết quả", "MaGiayTo": None,
                                    "TepDinhKemId": a.sha256} for a in results
                                   if not (a.sha256 in seen or seen.add(a.sha256))]
    hinh_thuc = {"desk": 1, "online": 2, "post": 3}.get(lc.channel, 1)
    rec["HinhThuc"] = hinh_thuc
    extra = dict(rec.get("extra") or {})
    extra["lifecycle"] = lifecycle_extra(lc, events(conn, did))
    extra["lifecycle"]["result_files"] = [{"sha256": a.sha256, "filename": a.filename,
                                           "mime": a.mime, "size": a.size} for a in results]
    rec["extra"] = extra
    return rec, d


def _apply(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", kind: str,
           to_status: S | None, action: str | None, at: datetime | None, note: str = "",
           detail: dict | None = None, changes: Any = None,
           attach: tuple | None = None, message: tuple[str, str] = ("", "")) -> Outcome:
    """One lifecycle step in one transaction (see the module doc).

    ``changes(row, at) -> dict`` computes the extra column values inside the transaction (it may
    raise ValidationError: nothing is written then)."""
    from desk_app.domain.ids import new_op_id
    from offline_store import seal

    role = Role(role)            # recorded as it is; judged by effective_role
    detail = detail if detail is not None else {}     # ``changes`` may fill it in
    by = by or actor
    with ctx.store.transaction() as conn:
        row = _row(conn, code)
        before = S(row["status"])
        when = convert.local(at) if at is not None else datetime.now(convert.VN_TZ).replace(
            microsecond=0)
        target = to_status or before
        if to_status is not None and not (action == "handover" and to_status is before):
            _check_move(before, to_status, role)
        else:
            _check_action(action or "note", before, role)
        _check_when(row, conn, when)
        version = int(row["version"]) + 1
        cols: dict[str, Any] = {"status": target.value, "version": version}
        if changes is not None:
            cols.update(changes(row, when))
        if row["original_due_at"] is None and "original_due_at" not in cols:
            first = row["due_at"] or cols.get("due_at")
            if first:
                cols["original_due_at"] = first
        if target in state_machine.FINAL and target is not before:
            cols.setdefault("returned_at", convert.iso_local(when))
            cols.setdefault("paused_at", None)
        # A dossier the province never heard of (a supplement asked at the counter, before it
        # was received: intake.refuse enqueues nothing) is announced when it becomes a received
        # dossier — as a dossier.create of version 1 — and never for a final step.
        sent = row["server_version"] is not None or conn.execute(
            "SELECT 1 FROM outbox WHERE dossier_id = ? AND kind = 'dossier.create' LIMIT 1",
            (row["id"],)).fetchone() is not None
        announce = row["origin"] == "local" and not sent and target not in state_machine.FINAL
        if announce:
            cols["version"] = version = 1
        if target in (S.RESULT_READY, S.STOPPED) or (target is S.REFUSED and before is not
                                                     S.REFUSED):
            if not row["resolved_at"]:
                cols.setdefault("resolved_at", convert.iso_local(when))
        _update(conn, row["id"], cols)
        if attach is not None:
            sha, size, filename, mime = attach
            repo.insert_attachment(conn, row["id"], {"sha256": sha, "size": size,
                                                     "filename": filename, "mime": mime,
                                                     "kind": "result"})
        eid = _event(conn, row["id"], kind=kind, from_status=before.value,
                     to_status=target.value, actor=by, role=role.value,
                     at=convert.iso_local(when), note=note, detail=detail)
        payload, d = _payload(ctx, conn, row["id"])
        if announce:
            outbox.enqueue(conn, kind="dossier.create", lane="record", payload=payload,
                           dossier_id=row["id"], record_id=d.record_id, base_version=None,
                           clerk=actor, op_id=new_op_id(),
                           bytes_total=sum({a.sha256: a.size for a in d.attachments
                                            if a.kind == "scan"}.values()))
        elif sent:
            outbox.enqueue(conn, kind="dossier.update", lane="record", payload=payload,
                           dossier_id=row["id"], record_id=d.record_id,
                           base_version=version - 1, clerk=actor, op_id=new_op_id())
        seal.reseal(conn, row["id"])
        audit.append(conn, actor=actor, action=f"dossier.{kind}" if kind != "status"
                     else "dossier.transition", entity="dossier", entity_id=d.record_id,
                     detail={"code": d.code, "from": before.value, "to": target.value,
                             "role": role.value, "note": note, "kind": kind, **detail})
        new_row = repo.get_dossier_by_id(conn, row["id"])
        ev = LifecycleEvent(eid, when, kind, before.value, target.value, by, role.value, note,
                            detail)
        return Outcome(d.code, target.value, convert.parse_dt(new_row["due_at"]), ev,
                       lifecycle_of(new_row), *message)


# --------------------------------------------------------------------------- actions

@_audited_denials
def handover(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", to: str,
             receiver: str = "", agency: str = "", note: str = "",
             at: datetime | None = None) -> Outcome:
    """Hand the dossier (and its paper) over: to the processing officer of this unit, or to a
    provincial / specialised agency (inter-agency). From ``received`` or ``supplemented`` the
    dossier goes ``in_process``; while in process it is a further step of the control slip."""
    agency = " ".join((agency or "").split())
    to_text = _need_text(to, "to", "Cần ghi rõ chuyển cho ai (cán bộ xử lý hoặc cơ quan).",
                         "Say whom the dossier is handed to (officer or agency).")
    detail = {"giver": by or actor, "to": to_text, "receiver": " ".join((receiver or to_text).split()),
              "agency": agency}

    def changes(row: sqlite3.Row, when: datetime) -> dict:
        return {"processing_agency": agency} if agency else {}

    with ctx.store.transaction() as conn:
        before = S(_row(conn, code)["status"])
    target = S.IN_PROCESS if before in (S.RECEIVED, S.SUPPLEMENTED) else before
    return _apply(ctx, code, actor=actor, role=role, by=by, kind="handover", to_status=target,
                  action="handover", at=at, note=note, detail=detail, changes=changes,
                  message=(f"Đã chuyển hồ sơ {code} cho {to_text}.",
                           f"Dossier {code} handed over to {to_text}."))


@_audited_denials
def request_supplement(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "",
                       note: str, at: datetime | None = None) -> Outcome:
    """Mẫu 02: what is missing (one request per line; a line "Lý do: …" is the reason). The
    clock stops now."""
    text = _need_text(note, "note", "Cần ghi nội dung yêu cầu bổ sung (Mẫu 02).",
                      "Say what must be supplemented (form 02).")

    def changes(row: sqlite3.Row, when: datetime) -> dict:
        return {"note": text, "paused_at": convert.iso_local(when)}

    return _apply(ctx, code, actor=actor, role=role, by=by, kind="supplement_request",
                  to_status=S.WAITING_SUPPLEMENT, action=None, at=at, note=text,
                  changes=changes, message=(f"Hồ sơ {code} chờ bổ sung; thời hạn tạm dừng.",
                                            f"Dossier {code} waits for a supplement; the clock "
                                            "is stopped."))


@_audited_denials
def supplement_received(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "",
                        note: str = "", at: datetime | None = None) -> Outcome:
    """The applicant completed the dossier: the clock resumes and the appointment moves by the
    paused working days (module doc)."""
    cal = ctx.calendar
    detail: dict = {}

    def changes(row: sqlite3.Row, when: datetime) -> dict:
        stopped = convert.parse_dt(row["paused_at"])
        if stopped is None:        # a store from before 0009: the last request event
            last = ctx.store.conn.execute(
                "SELECT max(at) FROM dossier_events WHERE dossier_id = ? AND to_status ="
                " 'waiting_supplement'", (row["id"],)).fetchone()[0]
            stopped = convert.parse_dt(last) or when
        paused = cal.paused_working_days(stopped, when)
        due = convert.parse_dt(row["due_at"])
        new_due = cal.extend_due(due, paused) if due is not None else None
        if due is None:
            # Asked at the counter before it was received: the period starts now, as for a
            # fresh intake (received_at stays the first visit).
            paused = 0
            new_due = _fresh_due(ctx, row["procedure_code"], when)
            detail["counted_from_supplement"] = True
        detail.update({"paused_from": convert.iso_local(stopped), "paused_working_days": paused,
                       "old_due": row["due_at"],
                       "new_due": convert.iso_local(new_due) if new_due else None})
        out = {"paused_at": None,
               "paused_working_days": int(row["paused_working_days"] or 0) + paused}
        if new_due is not None:
            out["due_at"] = convert.iso_local(new_due)
        return out

    out = _apply(ctx, code, actor=actor, role=role, by=by, kind="supplement_received",
                 to_status=S.SUPPLEMENTED, action=None, at=at, note=note, detail=detail,
                 changes=changes)
    paused = out.event.detail.get("paused_working_days", 0)
    due = out.due_at
    vi = f"Đã nhận bổ sung hồ sơ {code}; tạm dừng {paused} ngày làm việc"
    en = f"Supplement received for {code}; {paused} working day(s) paused"
    if due:
        vi += f", hẹn trả mới {_fmt(due)}."
        en += f", new due {_fmt_en(due)}."
    return Outcome(out.code, out.status, out.due_at, out.event, out.lifecycle, vi, en)


@_audited_denials
def _fresh_due(ctx: DeskContext, procedure_code: str, when: datetime) -> datetime | None:
    from desk_app.services.catalog import get_procedure

    try:
        proc = get_procedure(ctx, procedure_code)
    except NotFoundError:
        return None
    cutoff = time.fromisoformat(proc.cutoff) if proc.cutoff else None
    return ctx.calendar.due(when, proc.time_kind, proc.time_days, cutoff,
                            province_cutoff=ctx.province_cutoff)


@_audited_denials
def refuse(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", note: str,
           at: datetime | None = None) -> Outcome:
    """Mẫu 03: refused after intake, with the reason."""
    text = _need_text(note, "note", "Cần ghi lý do từ chối (Mẫu 03).",
                      "Give the reason for the refusal (form 03).")
    return _apply(ctx, code, actor=actor, role=role, by=by, kind="status", to_status=S.REFUSED,
                  action=None, at=at, note=text, changes=lambda r, w: {"note": text},
                  message=(f"Đã từ chối hồ sơ {code}.", f"Dossier {code} refused."))


def parse_new_due(text: str | datetime | date, end_of_day: time) -> datetime:
    if isinstance(text, datetime):
        return convert.local(text)
    if isinstance(text, date):
        return datetime.combine(text, end_of_day, tzinfo=convert.VN_TZ)
    s = (text or "").strip()
    try:
        if "T" in s or " " in s:
            return convert.local(datetime.fromisoformat(s))
        return datetime.combine(date.fromisoformat(s), end_of_day, tzinfo=convert.VN_TZ)
    except ValueError:
        raise ValidationError("bad_date", f"“{s[:40]}” không phải ngày dạng YYYY-MM-DD.",
                              f"“{s[:40]}” is not a YYYY-MM-DD date.", field="new_due") from None


@_audited_denials
def delay(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", new_due: Any,
          note: str, at: datetime | None = None) -> Outcome:
    """Mẫu 04: apology and a new appointment. The new date must be a working day, after intake
    and after the current appointment."""
    cal = ctx.calendar
    text = _need_text(note, "note", "Cần ghi lý do chậm trả kết quả (Mẫu 04).",
                      "Give the reason for the delay (form 04).")
    new = parse_new_due(new_due, ctx.office_end)
    detail: dict = {}

    def changes(row: sqlite3.Row, when: datetime) -> dict:
        received = convert.parse_dt(row["received_at"])
        due = convert.parse_dt(row["due_at"])
        if received is not None and new <= received:
            raise ValidationError(
                "workflow_before_intake",
                f"Ngày hẹn mới {_fmt(new)} trước khi tiếp nhận hồ sơ ({_fmt(received)}).",
                f"The new due date {_fmt_en(new)} is before the dossier was received "
                f"({_fmt_en(received)}).", field="new_due")
        if due is not None and new <= due:
            raise ValidationError(
                "workflow_new_due_not_later",
                f"Ngày hẹn mới {_fmt(new)} phải sau ngày hẹn hiện tại ({_fmt(due)}).",
                f"The new due date {_fmt_en(new)} must be after the current one "
                f"({_fmt_en(due)}).", field="new_due")
        if not cal.is_working_day(new.date()):
            nxt = cal.working_day_on_or_after(new.date())
            name = cal.day_name(new.date())
            why = f" ({name})" if name else ""
            raise ValidationError(
                "workflow_new_due_day_off",
                f"Ngày hẹn mới {new:%d/%m/%Y} là ngày nghỉ{why}; ngày làm việc gần nhất sau đó "
                f"là {nxt:%d/%m/%Y}.",
                f"The new due date {new:%Y-%m-%d} is a day off{why}; the next working day is "
                f"{nxt:%Y-%m-%d}.", field="new_due")
        detail.update({"old_due": row["due_at"], "new_due": convert.iso_local(new),
                       "reason": text})
        return {"due_at": convert.iso_local(new)}

    return _apply(ctx, code, actor=actor, role=role, by=by, kind="delay", to_status=None,
                  action="delay", at=at, note=text, detail=detail, changes=changes,
                  message=(f"Đã gia hạn hồ sơ {code} đến {_fmt(new)} (Mẫu 04).",
                           f"Dossier {code} delayed to {_fmt_en(new)} (form 04)."))


@_audited_denials
def stop(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", note: str,
         at: datetime | None = None) -> Outcome:
    """Mẫu 05: processing stops without a decision."""
    text = _need_text(note, "note", "Cần ghi lý do dừng giải quyết (Mẫu 05).",
                      "Give the reason for stopping (form 05).")
    return _apply(ctx, code, actor=actor, role=role, by=by, kind="status", to_status=S.STOPPED,
                  action=None, at=at, note=text,
                  changes=lambda r, w: {"note": text, "paused_at": None},
                  message=(f"Đã dừng giải quyết hồ sơ {code} (Mẫu 05).",
                           f"Processing of {code} stopped (form 05)."))


@_audited_denials
def withdraw(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", note: str = "",
             at: datetime | None = None) -> Outcome:
    """Withdrawn at the applicant's request."""
    text = " ".join((note or "").split()) or "Công dân đề nghị rút hồ sơ."
    return _apply(ctx, code, actor=actor, role=role, by=by, kind="status", to_status=S.WITHDRAWN,
                  action=None, at=at, note=text,
                  changes=lambda r, w: {"note": text, "paused_at": None},
                  message=(f"Đã ghi nhận công dân rút hồ sơ {code}.",
                           f"Dossier {code} withdrawn at the applicant's request."))


def _sniff_result(path: Path) -> str:
    from desk_app.services.intake.receive import sniff

    name = path.name[:80]
    try:
        if not path.is_file():
            raise ValidationError("workflow_result_missing", f"Không tìm thấy tệp kết quả {name}.",
                                  f"Result file {name} not found.", field="file")
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise ValidationError("workflow_result_unreadable",
                              f"Không đọc được tệp kết quả {name}: {exc.strerror or exc}.",
                              f"Cannot read the result file {name}: {exc.strerror or exc}.",
                              field="file") from None
    mime = sniff(head)
    if mime not in RESULT_MIMES:
        raise ValidationError(
            "workflow_result_not_document",
            f"Tệp kết quả {name} không phải PDF hoặc ảnh (JPEG, PNG, TIFF) — kiểm tra theo nội "
            "dung tệp, không theo tên.",
            f"The result file {name} is not a PDF or an image (JPEG, PNG, TIFF) — checked by "
            "its content, not its name.", field="file")
    return mime


@_audited_denials
def result(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", file: Path,
           note: str = "", at: datetime | None = None) -> Outcome:
    """The result came back (digitised): the file is kept (attachment kind 'result') and the
    dossier is ``result_ready``. The file is checked by content before anything is written."""
    from desk_app.services.intake.receive import attachment_max_bytes, clean_filename
    from offline_store.blobs import BlobTooLarge, NotRegular

    file = Path(file)
    mime = _sniff_result(file)
    with ctx.store.transaction() as conn:     # refuse a wrong state before writing the blob
        row = _row(conn, code)
        _check_move(S(row["status"]), S.RESULT_READY, Role(role))
    try:
        sha, size, new = ctx.store.blobs.put_file_ex(file, max_bytes=attachment_max_bytes(ctx))
    except (NotRegular, BlobTooLarge) as exc:
        raise ValidationError("workflow_result_refused", f"Không nhận tệp kết quả: {exc}",
                              f"Result file refused: {exc}", field="file") from None
    except OSError as exc:
        raise StorageError("workflow_result_store_failed",
                           f"Không lưu được tệp kết quả: {exc}",
                           f"Cannot store the result file: {exc}") from exc
    filename = clean_filename(file.name)
    try:
        return _apply(ctx, code, actor=actor, role=role, by=by, kind="result",
                      to_status=S.RESULT_READY, action=None, at=at, note=note,
                      detail={"sha256": sha, "filename": filename, "mime": mime, "size": size},
                      attach=(sha, size, filename, mime),
                      message=(f"Đã nhận kết quả hồ sơ {code} ({filename}).",
                               f"Result of {code} received ({filename})."))
    except BaseException:
        if new:
            try:
                if ctx.store.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ?",
                                          (sha,)).fetchone() is None:
                    ctx.store.blobs.remove(sha)
            except Exception:  # best effort: an unreferenced blob is harmless
                pass
        raise


@_audited_denials
def return_result(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "",
                  via: str = "desk", received_by: str = "", tracking: str = "", note: str = "",
                  at: datetime | None = None) -> Outcome:
    """The result handed to the applicant at the desk (who signed for it) or sent by post (the
    postal item number)."""
    via = (via or "desk").strip().lower()
    if via not in ("desk", "post"):
        raise ValidationError("workflow_bad_delivery",
                              f"Cách trả kết quả “{via[:20]}” không hợp lệ (desk, post).",
                              f"Unknown way of returning “{via[:20]}” (desk, post).", field="via")
    if via == "desk":
        who = _need_text(received_by, "received_by",
                         "Cần ghi họ tên người nhận kết quả (ký nhận tại quầy).",
                         "Give the name of the person who received the result (signed at the "
                         "desk).")
        detail = {"via": "desk", "received_by": who}
        vi, en = (f"Đã trả kết quả hồ sơ {code} cho {who}.",
                  f"Result of {code} handed to {who}.")
    else:
        who = " ".join((tracking or "").split())
        detail = {"via": "post", "tracking": who}
        vi, en = (f"Đã gửi kết quả hồ sơ {code} qua bưu chính.",
                  f"Result of {code} sent by post.")

    def changes(row: sqlite3.Row, when: datetime) -> dict:
        return {"delivery_done": via, "returned_to": who}

    return _apply(ctx, code, actor=actor, role=role, by=by, kind="return", to_status=S.RETURNED,
                  action=None, at=at, note=note, detail=detail, changes=changes,
                  message=(vi, en))


@_audited_denials
def add_note(ctx: DeskContext, code: str, *, actor: str, role: Role | str, by: str = "", note: str,
             at: datetime | None = None) -> Outcome:
    text = _need_text(note, "note", "Ghi chú trống.", "The note is empty.")
    return _apply(ctx, code, actor=actor, role=role, by=by, kind="note", to_status=None, action="note",
                  at=at, note=text)


#: ``dossier transition --to STATE``: the action each target status means.
@_audited_denials
def transition(ctx: DeskContext, code: str, *, to: str, actor: str, role: Role | str,
               by: str = "",
               note: str = "", new_due: str | None = None, agency: str | None = None,
               file: Path | None = None, received_by: str = "", via: str | None = None,
               tracking: str = "", at: datetime | None = None) -> Outcome:
    try:
        target = S((to or "").strip().lower())
    except ValueError:
        names = ", ".join(s.value for s in S)
        raise ValidationError("status_unknown",
                              f"Trạng thái hồ sơ «{to}» không tồn tại (chọn: {names}).",
                              f"Unknown dossier status {to!r} (choose: {names}).",
                              field="to") from None
    with ctx.store.transaction() as conn:
        row = _row(conn, code)
        before = S(row["status"])
    if new_due and target is not before:
        raise ValidationError("workflow_new_due_needs_same_state",
                              "--new-due (gia hạn, Mẫu 04) dùng với --to bằng trạng thái hiện tại"
                              f" «{before.value}».",
                              "--new-due (delay, form 04) goes with --to equal to the current "
                              f"status '{before.value}'.", field="new_due")
    if new_due:
        return delay(ctx, code, actor=actor, role=role, by=by, new_due=new_due, note=note, at=at)
    if target is S.IN_PROCESS and (before in (S.RECEIVED, S.SUPPLEMENTED, S.IN_PROCESS)):
        return handover(ctx, code, actor=actor, role=role, by=by,
                        to=agency or received_by or "Bộ phận xử lý", agency=agency or "",
                        receiver=received_by, note=note, at=at)
    if target is S.WAITING_SUPPLEMENT:
        return request_supplement(ctx, code, actor=actor, role=role, by=by, note=note, at=at)
    if target is S.SUPPLEMENTED:
        return supplement_received(ctx, code, actor=actor, role=role, by=by, note=note, at=at)
    if target is S.REFUSED:
        return refuse(ctx, code, actor=actor, role=role, by=by, note=note, at=at)
    if target is S.STOPPED:
        return stop(ctx, code, actor=actor, role=role, by=by, note=note, at=at)
    if target is S.WITHDRAWN:
        return withdraw(ctx, code, actor=actor, role=role, by=by, note=note, at=at)
    if target is S.RESULT_READY:
        if file is None:
            _check_move(before, target, Role(role))
            raise ValidationError("workflow_result_file_required",
                                  "Cần tệp kết quả (--file, PDF hoặc ảnh).",
                                  "A result file is needed (--file, PDF or image).", field="file")
        return result(ctx, code, actor=actor, role=role, by=by, file=file, note=note, at=at)
    if target is S.RETURNED:
        return return_result(ctx, code, actor=actor, role=role, by=by, via=via or _delivery(row),
                             received_by=received_by, tracking=tracking, note=note, at=at)
    _check_move(before, target, Role(role))      # raises: e.g. back to received
    raise AssertionError("unreachable")


def _delivery(row: sqlite3.Row) -> str:
    return row["delivery"] if row["delivery"] in ("desk", "post") else "desk"


# --------------------------------------------------------------------------- for the faces

#: Each lifecycle action: (command name, the status it moves to or None for an action without
#: a move). The GUI shows one button per entry.
ACTION_COMMANDS: dict[str, tuple[str, S | None]] = {
    "handover": ("dossier handover", S.IN_PROCESS),
    "supplement_request": ("dossier supplement request", S.WAITING_SUPPLEMENT),
    "supplement_received": ("dossier supplement received", S.SUPPLEMENTED),
    "delay": ("dossier delay", None),
    "result": ("dossier result", S.RESULT_READY),
    "return": ("dossier return", S.RETURNED),
    "refuse": ("dossier refuse", S.REFUSED),
    "stop": ("dossier stop", S.STOPPED),
    "withdraw": ("dossier withdraw", S.WITHDRAWN),
}


def action_state(key: str, status: S | str, role: Role | str) -> tuple[bool, bool]:
    """(applicable, permitted): the action exists for this status at all, and the person with
    ``role`` may take it now — the registry's rule for its command AND the state machine's rule
    for the move (an administrator acts as a supervisor)."""
    from desk_app.services import registry

    command, target = ACTION_COMMANDS[key]
    status = S(status)
    if key in ("handover", "delay"):
        applicable = status in state_machine.ACTIONS[key][0]
    else:
        applicable = (status, target) in state_machine.ALLOWED
    if not applicable or not registry.allowed(role, command):
        return applicable, False
    r = effective_role(role)
    if key == "handover":
        ok = (state_machine.allowed(status, S.IN_PROCESS, r) if status in (S.RECEIVED,
              S.SUPPLEMENTED) else state_machine.action_allowed("handover", status, r))
    elif key == "delay":
        ok = state_machine.action_allowed("delay", status, r)
    else:
        ok = state_machine.allowed(status, target, r)
    return applicable, ok


# --------------------------------------------------------------------------- signed versions

def publish_files(ctx: DeskContext, conn: sqlite3.Connection, dossier_id: int, *,
                  actor: str) -> bool:
    """Issue 15: a dossier's file got a new (signed) version. Inside the caller's transaction,
    bump the dossier's version and queue a ``dossier.update`` whose file lists name the newest
    versions (the engine uploads them), when the province knows the dossier or its create is
    queued; a dossier never announced is left alone. True when an update was queued."""
    from desk_app.domain.ids import new_op_id
    from offline_store import seal

    row = repo.get_dossier_by_id(conn, dossier_id)
    if row is None:
        return False
    sent = row["server_version"] is not None or conn.execute(
        "SELECT 1 FROM outbox WHERE dossier_id = ? AND kind = 'dossier.create' LIMIT 1",
        (dossier_id,)).fetchone() is not None
    if not sent:
        return False
    version = int(row["version"]) + 1
    _update(conn, dossier_id, {"version": version})
    payload, d = _payload(ctx, conn, dossier_id)
    outbox.enqueue(conn, kind="dossier.update", lane="record", payload=payload,
                   dossier_id=dossier_id, record_id=d.record_id, base_version=version - 1,
                   clerk=actor, op_id=new_op_id())
    seal.reseal(conn, dossier_id)
    return True
