"""Rows of the store -> domain dataclasses (the only place that knows both shapes)."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from desk_app.domain.models import (Applicant, Attachment, ComponentForm, Delivery, Dossier,
                                    DossierComponent, DossierEvent, DossierStatus, FeeRule,
                                    Procedure, RequiredComponent, Role, TimeKind, Unit)

from desk_app.domain.localtime import VN_TZ  # noqa: E402  (the one definition)


def local(dt: datetime) -> datetime:
    """Aware datetime in Vietnam time; a naive one is taken as Vietnam local time."""
    return dt.replace(tzinfo=VN_TZ) if dt.tzinfo is None else dt.astimezone(VN_TZ)


def iso_local(dt: datetime) -> str:
    return local(dt).isoformat(timespec="seconds")


def parse_dt(s: str | None) -> datetime | None:
    """Stored ISO text -> aware datetime in Vietnam time (+07:00)."""
    if not s:
        return None
    if s.endswith("+07:00"):                     # stored local time: no conversion (hot path)
        return datetime.fromisoformat(s)
    dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    return local(dt)


def unit(row: sqlite3.Row) -> Unit:
    return Unit(code=row["code"], name=row["name"], province_name=row["province_name"],
                parent_code=row["parent_code"], address=row["address"],
                replaced_by=row["replaced_by"], lookup_url=row["lookup_url"])


def fee(fee_json: str) -> FeeRule:
    d = json.loads(fee_json or '{"kind":"free"}')
    return FeeRule(kind=d.get("kind", "free"), amount=int(d.get("amount", 0) or 0),
                   note=d.get("note", ""), params=dict(d.get("params") or {}))


def procedure(row: sqlite3.Row, comps: list[sqlite3.Row] = ()) -> Procedure:
    return Procedure(
        code=row["code"], name=row["name"], field_code=row["field_code"],
        field_name=row["field_name"], level=row["level"], time_kind=TimeKind(row["time_kind"]),
        time_days=int(row["time_days"]), cutoff=row["cutoff"], fee=fee(row["fee_json"]),
        result_type=row["result_type"],
        components=tuple(RequiredComponent(seq=c["seq"], name=c["name"],
                                           originals=c["originals"], copies=c["copies"],
                                           required=bool(c["required"]), code=c["code"])
                         for c in comps),
        portal_id=row["portal_id"], active=bool(row["active"]))


def applicant(row: sqlite3.Row) -> Applicant:
    return Applicant(id_number=row["id_number"], full_name=row["full_name"], kind=row["kind"],
                     birth_date=date.fromisoformat(row["birth_date"]) if row["birth_date"] else None,
                     sex=row["sex"], address=row["address"], phone=row["phone"],
                     email=row["email"], old_id_number=row["old_id_number"])


def dossier(row: sqlite3.Row, *, applicant_row: sqlite3.Row | None = None,
            comps: list[sqlite3.Row] = (), atts: list[sqlite3.Row] = (),
            events: list[sqlite3.Row] = ()) -> Dossier:
    """A Dossier from a dossiers row (full or LIST_COLS) plus optional child rows."""
    if applicant_row is not None:
        app = applicant(applicant_row)
    else:
        app = Applicant(id_number=row["applicant_id_number"], full_name=row["applicant_name"],
                        phone=row["applicant_phone"], address=row["applicant_address"])
    by_comp: dict[int, list[str]] = {}
    for a in atts:
        if a["component_seq"] is not None:
            by_comp.setdefault(a["component_seq"], []).append(a["sha256"])
    return Dossier(
        record_id=row["record_id"], code=row["code"], unit_code=row["unit_code"],
        desk_no=row["desk_no"], procedure_code=row["procedure_code"],
        procedure_name=row["procedure_name"], applicant=app,
        received_at=parse_dt(row["received_at"]), due_at=parse_dt(row["due_at"]),
        status=DossierStatus(row["status"]), clerk=row["clerk"],
        components=tuple(DossierComponent(seq=c["seq"], name=c["name"],
                                          form=ComponentForm(c["form"]), quantity=c["quantity"],
                                          attachment_sha256=tuple(by_comp.get(c["seq"], ())))
                         for c in comps),
        attachments=tuple(Attachment(sha256=a["sha256"], size=a["size"], filename=a["filename"],
                                     mime=a["mime"], kind=a["kind"],
                                     component_seq=a["component_seq"]) for a in atts),
        on_behalf_of=row["on_behalf_of"], delivery=Delivery(row["delivery"]),
        delivery_address=row["delivery_address"], fee_amount=row["fee_amount"],
        fee_note=row["fee_note"], sets=row["sets"], receipt_no=row["receipt_no"],
        logbook_no=row["logbook_no"], note=row["note"], version=row["version"],
        server_receipt_no=row["server_receipt_no"], sync_state=row["sync_state"],
        sync_error=row["sync_error"],
        events=tuple(DossierEvent(at=parse_dt(e["at"]), actor=e["actor"], role=Role(e["role"]),
                                  from_status=DossierStatus(e["from_status"])
                                  if e["from_status"] else None,
                                  to_status=DossierStatus(e["to_status"]), note=e["note"])
                     for e in events))


_STATUS = DossierStatus._value2member_map_
_DELIVERY = Delivery._value2member_map_
_APP_BLANK = {"kind": 1, "birth_date": None, "sex": None, "email": "", "old_id_number": ""}
_DOSSIER_BLANK = {"components": (), "attachments": (), "events": ()}


def dossier_list_row(t: tuple) -> Dossier:
    """A Dossier (no components/attachments/events) from a repo.LIST_COLS tuple.

    Fast path for search and list pages: builds the frozen dataclasses without running their
    __init__ (which costs more than the SQL for a 200-row page); the values are the same ones
    ``dossier()`` would set.
    """
    (_id, record_id, code, unit_code, desk_no, pcode, pname, aname, aidn, aphone, aaddr, obo,
     delivery, daddr, fee_amount, fee_note, sets, received_at, due_at, status, clerk, receipt_no,
     logbook_no, note, version, srn, sync_state, sync_error) = t
    app = object.__new__(Applicant)
    app.__dict__.update(_APP_BLANK, id_number=aidn, full_name=aname, address=aaddr, phone=aphone)
    d = object.__new__(Dossier)
    d.__dict__.update(
        _DOSSIER_BLANK, record_id=record_id, code=code, unit_code=unit_code, desk_no=desk_no,
        procedure_code=pcode, procedure_name=pname, applicant=app,
        received_at=parse_dt(received_at), due_at=parse_dt(due_at), status=_STATUS[status],
        clerk=clerk, on_behalf_of=obo, delivery=_DELIVERY[delivery], delivery_address=daddr,
        fee_amount=fee_amount, fee_note=fee_note, sets=sets, receipt_no=receipt_no,
        logbook_no=logbook_no, note=note, version=version, server_receipt_no=srn,
        sync_state=sync_state, sync_error=sync_error)
    return d
