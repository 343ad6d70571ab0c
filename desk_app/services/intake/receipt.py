"""Print a dossier's forms (Mẫu 01 receipt, 02 supplement request, 03 refusal) from the store.

Why from the store and not from the intake form: what the applicant takes home must be exactly
what was saved (architecture.md, point 4). The PDF is kept as an attachment of the dossier
(kind 'receipt' for Mẫu 01, 'form' otherwise) so a reprint or a dispute can show the paper the
citizen received; rendering is deterministic, so reprinting the same dossier adds no new blob.
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace

from desk_app.domain.errors import NotFoundError, StorageError, ValidationError
from desk_app.domain.models import Dossier, FeeRule, Procedure, TimeKind, Unit
from desk_app.services import catalog, dossiers
from desk_app.services.context import DeskContext
from offline_store import audit, repo

KINDS = ("01", "02", "03")
ATTACHMENT_KIND = {"01": "receipt", "02": "form", "03": "form"}


def normalise_kind(kind: str | int) -> str:
    """"1", "01", 1, "mau01" -> "01"; anything else is a ValidationError (CLI exit 2)."""
    text = str(kind).strip().lower().removeprefix("mẫu").removeprefix("mau").strip()
    if text.isdigit() and text.zfill(2) in KINDS:
        return text.zfill(2)
    raise ValidationError("form_kind_unknown",
                          f"Không có mẫu in “{kind}” (chỉ có 01, 02, 03).",
                          f"Unknown form kind “{kind}” (only 01, 02, 03).", kind=str(kind))


def _unit_of(ctx: DeskContext, d: Dossier) -> Unit:
    """The unit that received the dossier (it may have been merged away since): its own row,
    else this desk's current unit."""
    for unit in catalog.units(ctx):
        if unit.code == d.unit_code:
            return unit
    return catalog.current_unit(ctx)


def _procedure_of(ctx: DeskContext, d: Dossier) -> Procedure:
    """The procedure as in the catalog; a dossier whose procedure left the catalog still prints
    (name from the dossier, time from its due date)."""
    try:
        proc = catalog.get_procedure(ctx, d.procedure_code)
    except NotFoundError:
        return Procedure(code=d.procedure_code, name=d.procedure_name, field_code="", field_name="",
                         level="", time_kind=TimeKind.WORKING_DAYS, time_days=0, cutoff=None,
                         fee=FeeRule(kind="free"), result_type="")
    return replace(proc, name=d.procedure_name or proc.name)


def render(ctx: DeskContext, code: str, kind: str = "01", *, store_as_attachment: bool = True) -> bytes:
    """The PDF of form ``kind`` for dossier ``code``; stored as an attachment unless told not to.

    Raises NotFoundError (unknown code), ValidationError (bad kind, broken province template),
    StorageError (the attachment cannot be written).
    """
    from desk_app.printing import forms  # reportlab loads on the first print, not at start-up

    kind = normalise_kind(kind)
    d = dossiers.get(ctx, code)
    unit = _unit_of(ctx, d)
    proc = _procedure_of(ctx, d)
    pdf = forms.render(kind, d, unit, proc, clerk_name=d.clerk or ctx.clerk_name,
                       template_dir=ctx.data_dir / "forms", lookup_url=ctx.lookup_url)
    if store_as_attachment:
        store_pdf(ctx, d, kind, pdf)
    return pdf


def store_pdf(ctx: DeskContext, d: Dossier, kind: str, pdf: bytes) -> str:
    """Keep ``pdf`` as the dossier's attachment (blob first, then one transaction); returns sha256."""
    filename = f"mau{kind}-{d.code}.pdf"
    try:
        sha, size = ctx.store.blobs.put_bytes(pdf)
        with ctx.store.transaction() as conn:
            row = repo.get_dossier(conn, d.code)
            if row is None:
                raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{d.code}”.",
                                    f"No dossier with code “{d.code}”.", code=d.code)
            new_id = repo.insert_attachment(conn, row["id"], {
                "sha256": sha, "size": size, "filename": filename, "mime": "application/pdf",
                "kind": ATTACHMENT_KIND[kind]})
            audit.append(conn, actor=d.clerk or ctx.clerk_name or "desk", action="dossier.print",
                         entity="dossier", entity_id=d.record_id,
                         detail={"code": d.code, "form": kind, "sha256": sha, "new": bool(new_id)})
    except (OSError, sqlite3.Error) as exc:
        raise StorageError("form_store_failed",
                           f"Đã tạo mẫu in nhưng không lưu được bản lưu vào hồ sơ {d.code}: {exc}",
                           f"The form was rendered but could not be kept with dossier {d.code}: {exc}",
                           code=d.code) from exc
    return sha
