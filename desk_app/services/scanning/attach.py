"""Attaching a file (a scan, an import, a digitised result) to a component of a stored dossier.

Order, as intake (services/intake/receive.py) and the lifecycle (services/workflow/lifecycle.py)
do it: the file is checked (the intake's input wall: no link, no device, not empty, not above
``attachment_max_mb``, PDF/JPEG/PNG/TIFF by content; then opened as pages: a damaged or
password-protected PDF, a damaged image is refused), written to the blob store under its SHA-256
and fsync'd *before* the transaction; then ONE transaction writes the ``attachments`` row (seal
touch), the applicant's held document (migration 0013, "never scan twice"), the dossier's new
version, the ``dossier.update`` outbox item (the national record with the file in
``TaiLieuNop`` — or ``DanhSachGiayToKetQua`` for a result — which is how the sync engine learns
it must upload it: the back end answers ``missing_attachments`` until it holds the blob, the
engine's ``HEAD /blobs/{sha}`` skips a blob the unit already has), the seal and the audit row.
A failure leaves at most an unreferenced blob, removed again when this call created it.

A dossier the province has not been told about yet (a supplement request at the counter) gets
no outbox item: its ``dossier.create``, when it is received, carries every attachment.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError, NotFoundError, ValidationError
from desk_app.domain.models import Role
from desk_app.domain.text import excerpt
from desk_app.services.context import DeskContext
from offline_store import audit, outbox, repo

log = logging.getLogger(__name__)

KINDS = ("scan", "result")
# statuses in which a scan may still be attached (a withdrawn dossier is closed for good)
_NO_SCAN = ("withdrawn",)
# a digitised result needs a result: ``dossier result`` records one and moves the dossier on
_RESULT_OK = ("result_ready", "returned")


@dataclass(frozen=True)
class AttachOutcome:
    """What ``attach_file`` / ``documents.reuse`` did (the faces render it)."""

    code: str
    component_seq: int | None
    kind: str                       # scan | result
    sha256: str
    size: int
    pages: int | None
    mime: str
    filename: str
    doc_type: str                   # key of doc_types.json, "" = not a reusable paper
    document_id: int | None         # the applicant's held document (applicant_documents.id)
    new_blob: bool                  # a blob file was written by this call
    reused: bool                    # attached from the applicant's held documents
    queued: bool                    # a dossier.update went to the outbox
    upload_needed: bool             # the blob is not known to be on the server yet
    already: bool                   # the same file was already attached: nothing changed
    message_vi: str
    message_en: str

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang.startswith("en") else self.message_vi


def check_role(ctx: DeskContext, role: Role | str, *, actor: str, action: str, code: str) -> Role:
    """Attaching is desk work (clerk, supervisor, administrator): anyone else gets
    PermissionDenied (exit 3), recorded as ``permission.denied``."""
    from desk_app.domain.roles import may, role_label
    from desk_app.services.registry import PermissionDenied

    r = Role(role)
    if may(r, Role.CLERK):
        return r
    with ctx.store.transaction() as conn:
        audit.append(conn, actor=actor, action="permission.denied", entity="dossier",
                     entity_id=code, detail={"action": action, "role": r.value, "required": "clerk"})
    raise PermissionDenied("permission_denied",
                           f"Vai trò {role_label(r, 'vi')} không được phép đính kèm tệp vào hồ sơ"
                           " (cần: cán bộ một cửa).",
                           f"Role {role_label(r, 'en')} may not attach files to a dossier"
                           " (requires: clerk).", role=r.value, required="clerk")


def _row(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    code = (code or "").strip()
    row = repo.get_dossier(conn, code) or repo.get_dossier(conn, code.upper())
    if row is None:
        raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{excerpt(code)}”.",
                            f"No dossier with code “{excerpt(code)}”.", dossier_code=code)
    return row


def check_target(conn: sqlite3.Connection, row: sqlite3.Row, component_seq: int | None,
                 kind: str) -> str:
    """The component's name (or "" for a result without component); ValidationError (exit 2)
    when the dossier's state or the component number does not allow the attachment."""
    code = row["code"]
    if kind not in KINDS:
        raise ValidationError("attach_bad_kind", f"Loại tệp “{excerpt(kind)}” không hợp lệ (scan, result).",
                              f"Unknown kind “{excerpt(kind)}” (scan, result).", field="kind")
    if kind == "scan" and row["status"] in _NO_SCAN:
        raise ValidationError("attach_closed", f"Hồ sơ {code} đã rút, không đính kèm thêm được.",
                              f"Dossier {code} was withdrawn; nothing can be attached.",
                              field="code")
    if kind == "result" and row["status"] not in _RESULT_OK:
        raise ValidationError("attach_no_result",
                              f"Hồ sơ {code} chưa có kết quả; hãy ghi nhận kết quả bằng"
                              " “dossier result” trước khi đính kèm bản số hóa kết quả.",
                              f"Dossier {code} has no result yet; record it with “dossier result”"
                              " before attaching a digitised result.", field="kind")
    comps = {c["seq"]: c["name"] for c in repo.components_of(conn, row["id"])}
    if component_seq is None:
        if kind == "scan":
            raise ValidationError("attach_no_component", "Cần chọn thành phần hồ sơ (--component N).",
                                  "Choose the dossier component (--component N).",
                                  field="component")
        return ""
    if component_seq not in comps:
        have = ", ".join(str(s) for s in sorted(comps)) or "—"
        raise ValidationError("attach_bad_component",
                              f"Hồ sơ {code} không có thành phần số {component_seq}"
                              f" (có: {have}).",
                              f"Dossier {code} has no component {component_seq} (it has: {have}).",
                              field="component")
    return comps[component_seq]


def _prepare(ctx: DeskContext, path: Path) -> tuple[Path | bytes, int, str]:
    """(what to store: the original file for a PDF, the assembled PDF bytes for an image; pages;
    mime). Raises ValidationError (exit 2) before anything is written."""
    from desk_app.services.intake.receive import attachment_max_bytes, attachment_problem, sniff
    from desk_app.services.scanning.service import load_for_attach

    problem = attachment_problem(path, attachment_max_bytes(ctx))
    if problem is not None:
        raise ValidationError("attach_refused", problem[0], problem[1], field="file")
    with open(path, "rb") as fh:
        mime = sniff(fh.read(16)) or ""
    assembled = load_for_attach(path)          # UnusableFile (exit 2): damaged, encrypted, …
    if mime == "application/pdf":
        return path, assembled.pages, mime      # the file itself (a signed PDF stays intact)
    return assembled.pdf, assembled.pages, "application/pdf"


def _put(ctx: DeskContext, what: Path | bytes) -> tuple[str, int, bool]:
    from desk_app.domain.errors import StorageError
    from desk_app.services.intake.receive import attachment_max_bytes
    from offline_store.blobs import BlobTooLarge, NotRegular

    try:
        if isinstance(what, bytes):
            sha = __import__("hashlib").sha256(what).hexdigest()
            existed = ctx.store.blobs.exists(sha) and ctx.store.blobs.verify(sha)
            sha, size = ctx.store.blobs.put_bytes(what)
            return sha, size, not existed
        return ctx.store.blobs.put_file_ex(what, max_bytes=attachment_max_bytes(ctx))
    except (NotRegular, BlobTooLarge) as exc:
        raise ValidationError("attach_refused", f"Không nhận tệp đính kèm: {excerpt(exc)}",
                              f"Attachment refused: {excerpt(exc)}", field="file") from None
    except OSError as exc:
        raise StorageError("attach_store_failed",
                           f"Không lưu được tệp vào máy: {excerpt(exc)}. Chưa có gì được ghi.",
                           f"Could not store the file: {excerpt(exc)}. Nothing was written."
                           ) from exc


def _discard(ctx: DeskContext, sha: str) -> None:
    try:
        if ctx.store.conn.execute("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1",
                                  (sha,)).fetchone() is None:
            ctx.store.blobs.remove(sha)
    except (OSError, sqlite3.Error):
        log.warning("could not remove an unreferenced blob after a failed attach")


def write_attachment(ctx: DeskContext, conn: sqlite3.Connection, row: sqlite3.Row, *,
                     sha: str, size: int, mime: str, filename: str, component_seq: int | None,
                     kind: str, actor: str, role: Role, pages: int | None, doc_type: str,
                     reuse_document: int | None = None, action: str = "dossier.attach"
                     ) -> dict[str, Any]:
    """Inside the caller's transaction: attachment row, held document, version, outbox item,
    seal, audit. Returns facts for the outcome (``already`` when nothing changed)."""
    from desk_app.domain.ids import new_op_id
    from desk_app.services.scanning import documents
    from desk_app.services.workflow.lifecycle import _payload
    from offline_store import seal

    did = row["id"]
    if repo.attachment_row(conn, did, sha, kind) is not None:
        return {"already": True, "queued": False, "document_id": None, "on_server": False}
    repo.insert_attachment(conn, did, {"sha256": sha, "size": size, "filename": filename,
                                       "component_seq": component_seq, "mime": mime,
                                       "kind": kind})
    document_id, on_server = documents.remember(conn, row, sha=sha, size=size, mime=mime,
                                                filename=filename, component_seq=component_seq,
                                                kind=kind, pages=pages, doc_type=doc_type,
                                                reuse_document=reuse_document)
    sent = row["server_version"] is not None or conn.execute(
        "SELECT 1 FROM outbox WHERE dossier_id = ? AND kind = 'dossier.create' LIMIT 1",
        (did,)).fetchone() is not None
    queued = False
    if sent:
        version = int(row["version"]) + 1
        repo.update_dossier(conn, did, {"version": version})
    payload, d = _payload(ctx, conn, did)
    if sent:
        outbox.enqueue(conn, kind="dossier.update", lane="record", payload=payload,
                       dossier_id=did, record_id=d.record_id, base_version=version - 1,
                       clerk=actor, op_id=new_op_id(), bytes_total=0 if on_server else size)
        queued = True
    seal.reseal(conn, did)
    audit.append(conn, actor=actor, action=action, entity="dossier", entity_id=d.record_id,
                 detail={"code": d.code, "sha256": sha, "size": size, "kind": kind,
                         "component": component_seq, "filename": filename, "role": role.value,
                         "doc_type": doc_type, "document": document_id,
                         "reused": reuse_document is not None})
    return {"already": False, "queued": queued, "document_id": document_id,
            "on_server": on_server}


def attach_file(ctx: DeskContext, code: str, component_seq: int | None,
                path_or_bytes: Path | str | bytes, *, actor: str, role: Role | str,
                kind: str = "scan", doc_type: str | None = None,
                filename: str | None = None, ocr_text: str | None = None) -> AttachOutcome:
    """Attach a file (path) or a PDF/image in memory (bytes, e.g. the GUI's scan session;
    ``filename`` names it) to component ``component_seq`` of dossier ``code``.

    ``kind="result"``: a digitised result (component optional; the dossier must have a result).
    ``doc_type``: the paper's type for "never scan twice" (a key of doc_types.json); default:
    derived from the component's name (or the procedure's result type for a result).
    ``ocr_text``: the text the scan session recognised (its OCR layer), kept for content search
    ("tìm trong nội dung hồ sơ"; never used to fill names).
    Exit codes through the errors: 2 bad input (nothing changed), 3 not permitted."""
    from desk_app.services.intake.receive import clean_filename
    from desk_app.services.scanning import doc_types

    code = (code or "").strip()
    r = check_role(ctx, role, actor=actor, action="attach", code=code)
    kind = (kind or "scan").strip().lower()
    if isinstance(component_seq, str):
        component_seq = int(component_seq) if component_seq.strip().isdigit() else -1
    conn = ctx.store.conn
    row = _row(conn, code)
    comp_name = check_target(conn, row, component_seq, kind)
    if doc_type and doc_types.table(ctx.data_dir).get(doc_type) is None:
        keys = ", ".join(t.key for t in doc_types.table(ctx.data_dir).types)
        raise ValidationError("attach_bad_doc_type", f"Loại giấy tờ “{excerpt(doc_type)}” không có"
                              f" trong bảng (có: {keys}).",
                              f"Unknown document type “{excerpt(doc_type)}” (known: {keys}).",
                              field="doc_type")
    tmp: Path | None = None
    try:
        if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            name = filename or "ban-quet.pdf"
            fd, t = tempfile.mkstemp(prefix=".attach-", suffix=".bin", dir=ctx.data_dir)
            with os.fdopen(fd, "wb") as fh:
                fh.write(bytes(path_or_bytes))
            tmp = Path(t)
            src = tmp
        else:
            src = Path(path_or_bytes)
            name = filename or src.name
        what, pages, mime = _prepare(ctx, src)
        if isinstance(what, Path) and tmp is not None:
            what = tmp.read_bytes()             # the temp file goes away: store its bytes
        shown = clean_filename(name if mime != "application/pdf" or name.lower().endswith(".pdf")
                               else Path(name).stem + ".pdf")
        if not doc_type:
            if kind == "result":
                rt = conn.execute("SELECT result_type FROM procedures WHERE code = ?",
                                  (row["procedure_code"],)).fetchone()
                doc_type = doc_types.classify(rt[0] if rt else "", ctx.data_dir)
            else:
                doc_type = doc_types.classify(comp_name, ctx.data_dir)
        sha, size, new = _put(ctx, what)
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    try:
        with ctx.store.transaction() as tconn:
            row = _row(tconn, code)                  # again, under the write lock
            check_target(tconn, row, component_seq, kind)
            facts = write_attachment(ctx, tconn, row, sha=sha, size=size, mime=mime,
                                     filename=shown, component_seq=component_seq, kind=kind,
                                     actor=actor, role=r, pages=pages, doc_type=doc_type)
    except sqlite3.Error as exc:
        if new:
            _discard(ctx, sha)
        from desk_app.domain.errors import StorageError

        raise StorageError("attach_store_failed",
                           f"Không lưu được vào máy: {excerpt(exc)}. Chưa có gì được ghi.",
                           f"Could not save: {excerpt(exc)}. Nothing was written.") from exc
    except BaseException:
        if new:
            _discard(ctx, sha)
        raise
    where_vi = f"thành phần {component_seq}" if component_seq is not None else "kết quả"
    where_en = f"component {component_seq}" if component_seq is not None else "the result"
    if facts["already"]:
        vi = f"Tệp {shown} đã được đính kèm vào hồ sơ {row['code']} trước đó; không thay đổi gì."
        en = f"{shown} was already attached to {row['code']}; nothing changed."
    else:
        vi = f"Đã đính kèm {shown} ({pages or '?'} trang) vào {where_vi} của hồ sơ {row['code']}."
        en = f"Attached {shown} ({pages or '?'} page(s)) to {where_en} of {row['code']}."
    log.info("attach %s to %s (%s, %d B, new blob: %s)", sha[:12], row["code"], kind, size, new)
    if ocr_text and ocr_text.strip():
        from desk_app.services.scanning import ocr_text as ocr_store

        att = ctx.store.conn.execute("SELECT id FROM attachments WHERE dossier_id = ? AND sha256 = ?"
                                     " AND kind = ? ORDER BY id DESC LIMIT 1",
                                     (int(row["id"]), sha, kind)).fetchone()
        if att is not None:
            ocr_store.store_text(ctx, int(att[0]), ocr_text)
    return AttachOutcome(row["code"], component_seq, kind, sha, size, pages, mime, shown,
                         doc_type or "", facts["document_id"], new and not facts["already"],
                         False, facts["queued"], not facts["on_server"] and not facts["already"],
                         facts["already"], vi, en)


__all__ = ["AttachOutcome", "attach_file", "check_role", "check_target", "write_attachment",
           "KINDS", "DeskError"]
