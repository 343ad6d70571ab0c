"""Reading dossiers (get / recent / search) and moving them through the state machine."""
from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import date, datetime

from desk_app.domain.errors import NotFoundError
from desk_app.domain.models import Applicant, Dossier, DossierStatus, Role
from desk_app.domain.dossier_record import search_text  # noqa: F401 (re-exported)
from desk_app.domain.text import fold
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, outbox, repo

_CODE_LIKE = re.compile(r"^\d{3}\.[0-9A-Za-z.\-]*$")
_DIGITS = re.compile(r"^\+?[\d .\-]{6,20}$")
_FTS_TOKEN = re.compile(r"[0-9a-z][0-9a-z.\-]*")


def applicant_of(row: sqlite3.Row) -> Applicant:
    """The applicant exactly as the dossier received them (the dossier's own copy, migration
    0007) — never the returning-applicant registry, which a later intake may have changed."""
    keys = row.keys()

    def col(name: str, default=None):
        return row[name] if name in keys else default

    birth = col("applicant_birth_date")
    return Applicant(id_number=row["applicant_id_number"], full_name=row["applicant_name"],
                     kind=int(col("applicant_kind", 1) or 1),
                     birth_date=date.fromisoformat(birth) if birth else None,
                     sex=col("applicant_sex"), address=row["applicant_address"] or "",
                     phone=row["applicant_phone"] or "", email=col("applicant_email", "") or "",
                     old_id_number=col("applicant_old_id_number", "") or "")


def load(conn: sqlite3.Connection, row: sqlite3.Row) -> Dossier:
    """Full dossier (applicant, components, attachments, events) from its row; the applicant is
    the dossier's own record of who came (``applicant_of``)."""
    did = row["id"]
    d = convert.dossier(row, comps=repo.components_of(conn, did),
                        atts=repo.attachments_of(conn, did), events=repo.events_of(conn, did))
    return replace(d, applicant=applicant_of(row))


def _not_found(code: str) -> NotFoundError:
    return NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{code}”.",
                         f"No dossier with code “{code}”.", dossier_code=code)


def get(ctx: DeskContext, code: str) -> Dossier:
    code = (code or "").strip()
    row = repo.get_dossier(ctx.store.conn, code) or repo.get_dossier(ctx.store.conn, code.upper())
    if row is None:
        raise _not_found(code)
    return load(ctx.store.conn, row)


def get_by_record_id(ctx: DeskContext, record_id: str) -> Dossier:
    row = repo.get_dossier_by_record_id(ctx.store.conn, record_id)
    if row is None:
        raise _not_found(record_id)
    return load(ctx.store.conn, row)


def list_recent(ctx: DeskContext, limit: int = 200, offset: int = 0) -> list[Dossier]:
    """Newest received first, without components/events (a table page)."""
    return [convert.dossier_list_row(r) for r in repo.list_recent(ctx.store.conn, limit, offset)]


def plan_search(text: str) -> tuple[str, str]:
    """How a query is answered: ('code', prefix) | ('exact', digits) | ('fts', match) | ('', '')."""
    q = (text or "").strip()
    if not q:
        return "", ""
    if _CODE_LIKE.match(q):
        return "code", q.upper()
    if _DIGITS.match(q):
        digits = re.sub(r"[^\d]", "", q)
        if digits.startswith("84") and q.startswith("+"):
            digits = "0" + digits[2:]
        if len(digits) >= 9:
            return "exact", digits
    return _fts_plan(q)


def _fts_plan(q: str) -> tuple[str, str]:
    tokens = [t.strip(".-") for t in _FTS_TOKEN.findall(fold(q))]
    tokens = [t for t in tokens if t]
    if not tokens:
        return "", ""
    return "fts", repo.fts_query(tokens)


def search(ctx: DeskContext, text: str, limit: int = 200) -> list[Dossier]:
    """Diacritic- and case-insensitive search over code, ID number, name and phone, newest first.

    A code prefix uses the code index; a full ID or phone number uses the exact indexes (falling
    back to the full-text index for partial numbers); words use FTS5 with the last word as a
    prefix, so typing "nguyen van a" already finds "Nguyễn Văn An".
    """
    conn = ctx.store.conn
    how, arg = plan_search(text)
    if not how:
        return list_recent(ctx, limit)
    if how == "code":
        rows = repo.find_code_prefix(conn, arg, limit)
    elif how == "exact":
        rows = repo.find_exact(conn, arg, limit)
        if not rows:                  # a partial number, or a code tail like 261120-1003
            how, match = _fts_plan(text)
            rows = repo.search_fts(conn, match, limit) if how else []
    else:
        rows = repo.search_fts(conn, arg, limit)
    return [convert.dossier_list_row(r) for r in rows]


def transition(ctx: DeskContext, code: str, to_status: DossierStatus | str, role: Role | str,
               actor: str, note: str = "") -> Dossier:
    """Move a dossier to ``to_status`` if the state machine allows ``role`` to; records the event,
    the audit row and a ``dossier.update`` outbox item in one transaction."""
    from desk_app.domain import state_machine
    from desk_app.services.catalog import get_procedure
    from desk_app.services.record import national_record

    to_status = DossierStatus(to_status)
    role = Role(role)
    with ctx.store.transaction() as conn:
        row = repo.get_dossier(conn, code)
        if row is None:
            raise _not_found(code)
        before = DossierStatus(row["status"])
        state_machine.transition(before, to_status, role)
        now = convert.iso_local(datetime.now(convert.VN_TZ))
        version = int(row["version"]) + 1
        changes: dict = {"status": to_status.value, "version": version}
        if note and to_status in (DossierStatus.WAITING_SUPPLEMENT, DossierStatus.REFUSED,
                                  DossierStatus.WITHDRAWN):
            changes["note"] = note
        repo.update_dossier(conn, row["id"], changes)
        repo.insert_event(conn, row["id"], from_status=before.value, to_status=to_status.value,
                          actor=actor, role=role.value, at=now, note=note)
        d = load(conn, repo.get_dossier_by_id(conn, row["id"]))
        try:
            proc = get_procedure(ctx, d.procedure_code)
        except NotFoundError:
            proc = None
        if row["origin"] == "local" or row["server_version"] is not None:
            from desk_app.domain.ids import new_op_id
            outbox.enqueue(conn, kind="dossier.update", lane="record",
                           payload=national_record(d, proc), dossier_id=row["id"],
                           record_id=d.record_id, base_version=version - 1, clerk=actor,
                           op_id=new_op_id())
        from offline_store import seal

        seal.reseal(conn, row["id"])     # status, version and note are sealed content
        audit.append(conn, actor=actor, action="dossier.transition", entity="dossier",
                     entity_id=d.record_id,
                     detail={"code": d.code, "from": before.value, "to": to_status.value,
                             "role": role.value, "note": note})
    return get(ctx, code)
