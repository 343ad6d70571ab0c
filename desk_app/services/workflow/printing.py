"""Print forms 01–07 (Circular 03/2025/TT-VPCP numbering) from the store.

01–03 as before (``intake.receipt``); 04 (apology and new date) from the dossier's last ``delay``
event; 05 (stop processing) from its ``stopped`` event; 06 (control slip) from its hand-over,
result and return events; 07 (the logbook) for the dossiers received in a period. A dossier's
form is kept as its attachment (kind 'form'), like 02/03; the logbook is not a dossier's paper.
"""
from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from desk_app.domain.errors import NotFoundError, StorageError, ValidationError
from desk_app.domain.models import Dossier, DossierStatus as S
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import audit, repo

KINDS = ("01", "02", "03", "04", "05", "06", "07")


def normalise_kind(kind: str | int | None) -> str:
    text = str(kind if kind is not None else "").strip().lower()
    text = text.removeprefix("mẫu").removeprefix("mau").strip()
    if text.isdigit() and text.zfill(2) in KINDS:
        return text.zfill(2)
    raise ValidationError("form_kind_unknown",
                          f"Không có mẫu in “{kind}” (chỉ có 01–07).",
                          f"Unknown form kind “{kind}” (only 01–07).", kind=str(kind))


def _need(cond: bool, err: str, vi: str, en: str, /, **details: Any) -> None:
    if not cond:
        raise ValidationError(err, vi, en, **details)


def form_extra(ctx: DeskContext, kind: str, code: str) -> tuple[Dossier, dict, datetime | None]:
    """The facts forms 04–06 print beyond the dossier itself, and the date of the form."""
    from desk_app.printing.forms import on_time_label
    from desk_app.printing.templates import load
    from desk_app.services.workflow.lifecycle import history

    d, lc, evs = history(ctx, code)
    if kind == "04":
        delays = [e for e in evs if e.kind == "delay"]
        _need(bool(delays), "form_needs_delay",
              f"Hồ sơ {d.code} chưa được gia hạn (dossier delay) nên chưa có Mẫu 04.",
              f"Dossier {d.code} has not been delayed (dossier delay): no form 04 yet.",
              code=d.code)
        e = delays[-1]
        return d, {"original_due_at": convert.parse_dt(e.detail.get("old_due")),
                   "new_due_at": convert.parse_dt(e.detail.get("new_due")),
                   "reason": e.note}, e.at
    if kind == "05":
        stops = [e for e in evs if e.to_status == S.STOPPED.value and e.from_status]
        _need(bool(stops), "form_needs_stop",
              f"Hồ sơ {d.code} chưa dừng giải quyết (dossier stop) nên chưa có Mẫu 05.",
              f"Dossier {d.code} has not been stopped (dossier stop): no form 05 yet.",
              code=d.code)
        e = stops[-1]
        return d, {"stopped_at": e.at, "reason": e.note}, e.at
    if kind == "06":
        labels = list(load("06", ctx.data_dir / "forms")["form"]["on_time"])
        desk = "Bộ phận tiếp nhận và trả kết quả"
        steps: list[dict] = []
        holder = desk
        for e in evs:
            if e.kind == "handover":
                unit = e.detail.get("agency") or e.detail.get("to") or ""
                steps.append({"unit": unit, "giver": e.detail.get("giver") or e.actor,
                              "receiver": e.detail.get("receiver") or e.detail.get("to", ""),
                              "at": e.at, "result": on_time_label(e.at, d.due_at, labels),
                              "note": e.note})
                holder = unit
            elif e.kind == "result":
                steps.append({"unit": desk, "giver": f"{e.actor} ({holder})",
                              "receiver": desk, "at": e.at,
                              "result": on_time_label(e.at, d.due_at, labels), "note": e.note})
            elif e.kind == "return":
                steps.append({"unit": d.applicant.full_name, "giver": e.actor,
                              "receiver": e.detail.get("received_by")
                              or ("Bưu chính" if e.detail.get("via") == "post" else ""),
                              "at": e.at, "result": on_time_label(e.at, d.due_at, labels),
                              "note": e.note})
        agencies = sorted({e.detail.get("agency") for e in evs if e.kind == "handover"
                           and e.detail.get("agency")} - {lc.processing_agency})
        last = max((e.at for e in evs), default=None)
        return d, {"steps": steps, "agency": lc.processing_agency or "",
                   "partner": ", ".join(agencies)}, last
    return d, {}, None


def render(ctx: DeskContext, code: str | None, kind: str, *,
           store_as_attachment: bool = True) -> bytes:
    from desk_app.printing import forms
    from desk_app.services.intake import receipt

    kind = normalise_kind(kind)
    _need(bool((code or "").strip()), "form_code_required",
          f"Mẫu {kind} cần mã hồ sơ.", f"Form {kind} needs a dossier code.", kind=kind)
    if kind in ("02", "03"):
        return receipt.render(ctx, code, kind, store_as_attachment=store_as_attachment)
    if kind == "01":
        # The receipt keeps the FIRST appointment: a reprint after a supplement or a delay is the
        # paper the citizen took home (the new dates are on Mẫu 02/04 and the control slip).
        from dataclasses import replace

        from desk_app.services.workflow.lifecycle import history

        d, lc, _evs = history(ctx, code)
        d = replace(d, due_at=lc.original_due_at or d.due_at)
        pdf = forms.render("01", d, receipt._unit_of(ctx, d), receipt._procedure_of(ctx, d),
                           clerk_name=d.clerk or ctx.clerk_name,
                           template_dir=ctx.data_dir / "forms", lookup_url=ctx.lookup_url)
        if store_as_attachment:
            receipt.store_pdf(ctx, d, "01", pdf)
        return pdf
    d, extra, at = form_extra(ctx, kind, code)
    unit = receipt._unit_of(ctx, d)
    proc = receipt._procedure_of(ctx, d)
    pdf = forms.render(kind, d, unit, proc, clerk_name=d.clerk or ctx.clerk_name,
                       template_dir=ctx.data_dir / "forms", lookup_url=ctx.lookup_url,
                       printed_at=at, extra=extra)
    if store_as_attachment:
        store_pdf(ctx, d, kind, pdf)
    return pdf


def store_pdf(ctx: DeskContext, d: Dossier, kind: str, pdf: bytes) -> str:
    """Keep a form 04–06 with the dossier (attachment kind 'form', audited); returns sha256."""
    try:
        sha, size = ctx.store.blobs.put_bytes(pdf)
        with ctx.store.transaction() as conn:
            row = repo.get_dossier(conn, d.code)
            if row is None:
                raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{d.code}”.",
                                    f"No dossier with code “{d.code}”.", code=d.code)
            new_id = repo.insert_attachment(conn, row["id"], {
                "sha256": sha, "size": size, "filename": f"mau{kind}-{d.code}.pdf",
                "mime": "application/pdf", "kind": "form"})
            audit.append(conn, actor=d.clerk or ctx.clerk_name or "desk", action="dossier.print",
                         entity="dossier", entity_id=d.record_id,
                         detail={"code": d.code, "form": kind, "sha256": sha,
                                 "new": bool(new_id)})
    except (OSError, sqlite3.Error) as exc:
        raise StorageError("form_store_failed",
                           f"Đã tạo mẫu in nhưng không lưu được bản lưu vào hồ sơ {d.code}: {exc}",
                           f"The form was rendered but could not be kept with dossier {d.code}: "
                           f"{exc}", code=d.code) from exc
    return sha


def _period(date_from: str | date | None, date_to: str | date | None) -> tuple[date, date]:
    def parse(v: str | date | None, name: str) -> date:
        if isinstance(v, date):
            return v
        _need(bool((v or "").strip()), "form_period_required",
              "Mẫu 07 (Sổ theo dõi hồ sơ) cần --from và --to (YYYY-MM-DD).",
              "Form 07 (the logbook) needs --from and --to (YYYY-MM-DD).", field=name)
        try:
            return date.fromisoformat(str(v).strip())
        except ValueError:
            raise ValidationError("bad_date", f"“{str(v)[:40]}” không phải ngày dạng YYYY-MM-DD.",
                                  f"“{str(v)[:40]}” is not a YYYY-MM-DD date.",
                                  field=name) from None

    a, b = parse(date_from, "from"), parse(date_to, "to")
    _need(a <= b, "form_period_reversed",
          f"Kỳ không hợp lệ: ngày bắt đầu {a:%d/%m/%Y} sau ngày kết thúc {b:%d/%m/%Y}.",
          f"Invalid period: the start {a} is after the end {b}.", field="from")
    _need((b - a).days <= 366, "form_period_too_long",
          "Sổ theo dõi in tối đa một năm mỗi lần.", "The logbook prints at most one year at a time.",
          field="to")
    return a, b


def logbook_rows(ctx: DeskContext, date_from: date, date_to: date) -> list:
    from desk_app.printing.logbook import LogbookRow

    lo = date_from.isoformat()
    hi = (date_to + timedelta(days=1)).isoformat()
    rows = ctx.store.conn.execute(
        "SELECT code, procedure_name, applicant_name, applicant_address, applicant_phone,"
        " processing_agency, received_at, due_at, returned_at, delivery_done, returned_to,"
        " status, note FROM dossiers WHERE received_at >= ? AND received_at < ?"
        " ORDER BY received_at, code", (lo, hi)).fetchall()
    from desk_app.domain import labels

    out = []
    for r in rows:
        status = r["status"]
        returned = convert.parse_dt(r["returned_at"]) if status == S.RETURNED.value else None
        note = "" if status in (S.RETURNED.value,) else labels.status_label(status)
        out.append(LogbookRow(
            code=r["code"], procedure_name=r["procedure_name"], applicant_name=r["applicant_name"],
            address=r["applicant_address"] or "", phone=r["applicant_phone"] or "",
            agency=r["processing_agency"] or "", received_at=convert.parse_dt(r["received_at"]),
            due_at=convert.parse_dt(r["due_at"]), returned_at=returned,
            delivery=r["delivery_done"] or "",
            signed_by=r["returned_to"] if r["delivery_done"] == "desk" else "", note=note))
    return out


def render_logbook(ctx: DeskContext, date_from: str | date | None,
                   date_to: str | date | None) -> tuple[bytes, str]:
    from desk_app.printing.logbook import render_logbook as draw
    from desk_app.services import catalog

    a, b = _period(date_from, date_to)
    pdf = draw(logbook_rows(ctx, a, b), catalog.current_unit(ctx), a, b,
               template_dir=ctx.data_dir / "forms")
    return pdf, f"{a.isoformat()}..{b.isoformat()}"
