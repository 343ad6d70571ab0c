"""Never scan twice: each applicant's digitised documents, offered again at the next intake.

Decrees 45/2020 and 107/2021 ask that papers already digitised be re-used. Every scan or result
attached to a dossier of a known applicant becomes one of their held documents
(``applicant_documents``, migration 0013) with its type (``doc_types.json``: ID card, birth
certificate, household papers, …), pages, size, the dossier/component it came from, the date it
was digitised and whether the server is known to hold the blob. At the next dossier of the same
person, ``offers`` matches the procedure's components to held documents by type ("đã có bản số
hóa ngày dd/mm/yyyy"), and ``reuse`` attaches one: the same blob (no new file), and no upload —
the record names a blob the back end already has, so it accepts it at once (or the engine's
``HEAD /blobs/{sha}`` finds it).

Attachments that arrive through code that does not know this store (results recorded by the
lifecycle, files fetched from the unit feed, demo data) are recorded by ``record_pending``, a
catch-up over ``attachments`` from a cursor; every function here runs it first.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.models import Role
from desk_app.domain.text import excerpt
from desk_app.services import convert
from desk_app.services.context import DeskContext
from offline_store import repo


@dataclass(frozen=True)
class HeldDocument:
    """One digitised paper an applicant already has at this desk."""

    id: int
    applicant_id_number: str
    doc_type: str                  # key of doc_types.json ("" = not a reusable paper)
    doc_type_vi: str
    doc_type_en: str
    sha256: str
    size: int
    pages: int | None
    mime: str
    filename: str
    source_code: str | None        # the dossier it was digitised for
    source_component_seq: int | None
    source_kind: str               # scan | result
    digitised_at: datetime         # Vietnam time
    on_server: bool                # the province holds the blob: re-using it uploads nothing
    blob_present: bool             # the file is in this desk's blob store

    @property
    def note_vi(self) -> str:
        return f"đã có bản số hóa ngày {self.digitised_at:%d/%m/%Y}"

    @property
    def note_en(self) -> str:
        return f"already digitised on {self.digitised_at:%d/%m/%Y}"

    def note(self, lang: str = "vi") -> str:
        return self.note_en if lang.startswith("en") else self.note_vi


@dataclass(frozen=True)
class Offer:
    """A component of the procedure that a held document can fill (one key press)."""

    component_seq: int
    component_name: str
    doc_type: str
    document: HeldDocument
    note_vi: str                   # "đã có bản số hóa ngày dd/mm/yyyy"
    note_en: str

    def note(self, lang: str = "vi") -> str:
        return self.note_en if lang.startswith("en") else self.note_vi


# --------------------------------------------------------------------------- recording

def _applicant_id(conn: sqlite3.Connection, row: sqlite3.Row | dict) -> int | None:
    aid = row["applicant_id"] if "applicant_id" in row.keys() else None
    if aid:
        return int(aid)
    idn = row["applicant_id_number"] if "applicant_id_number" in row.keys() else None
    found = repo.get_applicant(conn, (idn or "").strip()) if idn else None
    return int(found["id"]) if found else None


def _known_on_server(conn: sqlite3.Connection, sha: str, origin: str) -> bool:
    if origin != "local":              # it came from the province (unit feed, online inbox)
        return True
    return conn.execute("SELECT 1 FROM applicant_documents WHERE sha256 = ? AND on_server = 1"
                        " LIMIT 1", (sha,)).fetchone() is not None


def remember(conn: sqlite3.Connection, dossier: sqlite3.Row, *, sha: str, size: int, mime: str,
             filename: str, component_seq: int | None, kind: str, pages: int | None,
             doc_type: str, reuse_document: int | None = None,
             at: str | None = None) -> tuple[int | None, bool]:
    """Inside the attachment's transaction: the applicant's held document for this blob and its
    use by this dossier/component. Returns (document id or None when the dossier has no known
    applicant, whether the server is known to hold the blob)."""
    if reuse_document is not None:
        doc = repo.get_applicant_document(conn, reuse_document)
        assert doc is not None
        repo.insert_document_use(conn, document_id=doc["id"], dossier_id=dossier["id"],
                                 component_seq=component_seq, doc_type=doc["doc_type"],
                                 reused=True)
        return int(doc["id"]), bool(doc["on_server"])
    aid = _applicant_id(conn, dossier)
    if aid is None:
        return None, False
    on_server = _known_on_server(conn, sha, dossier["origin"] if "origin" in dossier.keys()
                                 else "local")
    doc_id = repo.insert_applicant_document(conn, {
        "applicant_id": aid, "doc_type": doc_type, "sha256": sha, "size": size, "pages": pages,
        "mime": mime, "filename": filename, "source_dossier_id": dossier["id"],
        "source_component_seq": component_seq, "source_kind": "result" if kind == "result"
        else "scan", "digitised_at": at, "on_server": on_server})
    repo.insert_document_use(conn, document_id=doc_id, dossier_id=dossier["id"],
                             component_seq=component_seq, doc_type=doc_type, reused=False, at=at)
    return doc_id, on_server or bool(repo.get_applicant_document(conn, doc_id)["on_server"])


def record_pending(conn: sqlite3.Connection, data_dir: Path | None = None) -> int:
    """Record every scan/result attachment not yet seen (inside the caller's transaction, or
    its own). Idempotent; returns how many attachments it looked at."""
    from desk_app.services.scanning import doc_types

    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        table = doc_types.table(data_dir)
        result_types: dict[str, str] = {}
        seen = 0
        while True:
            last = repo.applicant_documents_cursor(conn)
            rows = repo.attachments_after(conn, last)
            if not rows:
                break
            for a in rows:
                seen += 1
                aid = a["d_applicant_id"]
                if not aid and a["d_id_number"]:
                    ap = repo.get_applicant(conn, a["d_id_number"])
                    aid = ap["id"] if ap else None
                if not aid:
                    continue
                if a["kind"] == "result":
                    proc = a["d_procedure"]
                    if proc not in result_types:
                        rt = conn.execute("SELECT result_type FROM procedures WHERE code = ?",
                                          (proc,)).fetchone()
                        result_types[proc] = table.classify(rt[0] if rt else "")
                    dt = result_types[proc]
                else:
                    dt = table.classify(a["component_name"] or "") if a["component_seq"] is not None else ""
                doc_id = repo.insert_applicant_document(conn, {
                    "applicant_id": aid, "doc_type": dt, "sha256": a["sha256"], "size": a["size"],
                    "pages": None, "mime": a["mime"], "filename": a["filename"],
                    "source_dossier_id": a["dossier_id"], "source_component_seq": a["component_seq"],
                    "source_kind": a["kind"], "digitised_at": a["created_at"],
                    "on_server": a["d_origin"] != "local"})
                if a["component_seq"] is not None or a["kind"] == "result":
                    repo.insert_document_use(conn, document_id=doc_id, dossier_id=a["dossier_id"],
                                             component_seq=a["component_seq"], doc_type=dt,
                                             reused=False, at=a["created_at"])
            repo.set_applicant_documents_cursor(conn, rows[-1]["id"])
        while True:                 # what each dossier's components ask for (reuse figures)
            last, comps = repo.dossier_components_between(conn, repo.dossier_cursor(conn))
            if last == repo.dossier_cursor(conn):
                break
            repo.insert_component_types(conn, ((c["dossier_id"], c["seq"], t) for c in comps
                                               if (t := table.classify(c["name"] or ""))))
            repo.set_dossier_cursor(conn, last)
        if own:
            conn.execute("COMMIT")
        return seen
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise


def _catch_up(ctx: DeskContext) -> None:
    with ctx.store.transaction() as conn:
        record_pending(conn, ctx.data_dir)


# --------------------------------------------------------------------------- reading

def _held(ctx: DeskContext, row: sqlite3.Row, id_number: str) -> HeldDocument:
    from desk_app.services.scanning import doc_types

    t = doc_types.table(ctx.data_dir).get(row["doc_type"]) if row["doc_type"] else None
    when = convert.local(datetime.fromisoformat(row["digitised_at"].replace("Z", "+00:00")))
    return HeldDocument(
        id=int(row["id"]), applicant_id_number=id_number, doc_type=row["doc_type"],
        doc_type_vi=t.vi if t else "Giấy tờ khác", doc_type_en=t.en if t else "Other paper",
        sha256=row["sha256"], size=int(row["size"]), pages=row["pages"], mime=row["mime"],
        filename=row["filename"], source_code=row["source_code"],
        source_component_seq=row["source_component_seq"], source_kind=row["source_kind"],
        digitised_at=when, on_server=bool(row["on_server"]),
        blob_present=ctx.store.blobs.exists(row["sha256"]))


def _applicant_row(ctx: DeskContext, id_number: str) -> sqlite3.Row:
    idn = (id_number or "").strip()
    row = repo.get_applicant(ctx.store.conn, idn) if idn else None
    if row is None:
        raise NotFoundError("applicant_not_found",
                            f"Không có người nộp nào với số định danh “{excerpt(idn)}” trên máy này.",
                            f"No applicant with ID number “{excerpt(idn)}” on this desk.",
                            field="id_number")
    return row


def documents(ctx: DeskContext, applicant_id_number: str) -> list[HeldDocument]:
    """The applicant's digitised documents, newest first."""
    _catch_up(ctx)
    ap = _applicant_row(ctx, applicant_id_number)
    return [_held(ctx, r, ap["id_number"]) for r in repo.applicant_documents_of(ctx.store.conn, ap["id"])]


def offers(ctx: DeskContext, applicant_id_number: str, procedure_code: str) -> list[Offer]:
    """For each component of the procedure, the newest held document of the same type (whose
    file this desk has): what the intake checklist offers ("đã có bản số hóa ngày …").
    An unknown applicant has nothing to offer (empty list)."""
    from desk_app.services.catalog import get_procedure
    from desk_app.services.scanning import doc_types

    _catch_up(ctx)
    idn = (applicant_id_number or "").strip()
    ap = repo.get_applicant(ctx.store.conn, idn) if idn else None
    if ap is None:
        return []
    proc = get_procedure(ctx, procedure_code)
    table = doc_types.table(ctx.data_dir)
    held = [_held(ctx, r, ap["id_number"]) for r in repo.applicant_documents_of(ctx.store.conn, ap["id"])]
    out: list[Offer] = []
    for comp in proc.components:
        dt = table.classify(comp.name)
        if not dt:
            continue
        best = next((h for h in held if h.doc_type == dt and h.blob_present), None)
        if best is not None:
            out.append(Offer(comp.seq, comp.name, dt, best, best.note_vi, best.note_en))
    return out


def document(ctx: DeskContext, document_id: int) -> HeldDocument:
    row = repo.get_applicant_document(ctx.store.conn, int(document_id))
    if row is None:
        raise NotFoundError("document_not_found",
                            f"Không có bản số hóa số {document_id} trên máy này.",
                            f"No digitised document {document_id} on this desk.", field="document")
    return _held(ctx, row, row["applicant_id_number"])


# --------------------------------------------------------------------------- re-use

def check_reusable(ctx: DeskContext, conn: sqlite3.Connection, doc_row: sqlite3.Row | None,
                   document_id: int, applicant_id_number: str) -> sqlite3.Row:
    """The held document, if it belongs to this applicant and its file is here (else exit 2)."""
    if doc_row is None:
        raise ValidationError("document_not_found",
                              f"Không có bản số hóa số {document_id} trên máy này.",
                              f"No digitised document {document_id} on this desk.",
                              field="document")
    if doc_row["applicant_id_number"] != (applicant_id_number or "").strip():
        raise ValidationError("document_other_person",
                              f"Bản số hóa số {document_id} là giấy tờ của người khác, không dùng"
                              " cho hồ sơ này được.",
                              f"Digitised document {document_id} belongs to another person; it"
                              " cannot be used for this dossier.", field="document")
    if not ctx.store.blobs.exists(doc_row["sha256"]) or not ctx.store.blobs.verify(doc_row["sha256"]):
        raise ValidationError("document_file_missing",
                              f"Tệp của bản số hóa số {document_id} không còn (hoặc bị hỏng) trên"
                              " máy này; hãy quét lại giấy tờ.",
                              f"The file of digitised document {document_id} is missing or damaged"
                              " on this desk; scan the paper again.", field="document")
    return doc_row


def reuse(ctx: DeskContext, code: str, component_seq: int, document_id: int, *, actor: str,
          role: Role | str):
    """Attach the applicant's held document ``document_id`` to component ``component_seq`` of
    dossier ``code``: the same blob (no new file), no upload when the server has it. Returns
    ``attach.AttachOutcome`` (``reused=True``, ``new_blob=False``)."""
    from desk_app.services.scanning.attach import (AttachOutcome, _row, check_role,
                                                   check_target, write_attachment)

    code = (code or "").strip()
    r = check_role(ctx, role, actor=actor, action="reuse", code=code)
    try:
        document_id = int(document_id)
        component_seq = int(component_seq)
    except (TypeError, ValueError):
        raise ValidationError("reuse_bad_number", "Số thành phần và số bản số hóa phải là số.",
                              "The component and document numbers must be numbers.",
                              field="document") from None
    _catch_up(ctx)
    with ctx.store.transaction() as conn:
        row = _row(conn, code)
        check_target(conn, row, component_seq, "scan")
        doc = check_reusable(ctx, conn, repo.get_applicant_document(conn, document_id), document_id,
                             row["applicant_id_number"])
        facts = write_attachment(ctx, conn, row, sha=doc["sha256"], size=int(doc["size"]),
                                 mime=doc["mime"], filename=doc["filename"],
                                 component_seq=component_seq, kind="scan", actor=actor, role=r,
                                 pages=doc["pages"], doc_type=doc["doc_type"],
                                 reuse_document=int(doc["id"]), action="dossier.reuse")
    held = _held(ctx, repo.get_applicant_document(ctx.store.conn, document_id),
                 row["applicant_id_number"])
    if facts["already"]:
        vi = f"Bản số hóa này đã có trong hồ sơ {row['code']}; không thay đổi gì."
        en = f"This digitised document is already in {row['code']}; nothing changed."
    else:
        vi = (f"Đã dùng lại bản số hóa “{held.doc_type_vi}” ({held.note_vi}) cho thành phần"
              f" {component_seq} của hồ sơ {row['code']} — không cần quét lại.")
        en = (f"Re-used the digitised “{held.doc_type_en}” ({held.note_en}) for component"
              f" {component_seq} of {row['code']} — no new scan.")
    return AttachOutcome(row["code"], component_seq, "scan", held.sha256, held.size, held.pages,
                         held.mime, held.filename, held.doc_type, held.id, False,
                         not facts["already"], facts["queued"],
                         not held.on_server and not facts["already"], facts["already"], vi, en)


def attach_reused_at_intake(conn: sqlite3.Connection, dossier_id: int,
                            reuse: list[tuple[int, int]]) -> list[str]:
    """Inside the intake's transaction (``IntakeRequest.reuse``, validated before): each held
    document attached to its component with the same blob, recorded as a re-use. Returns the
    blobs' SHA-256 (in the dossier.create record: the server already holds them)."""
    shas = []
    for seq, doc_id in reuse:
        doc = repo.get_applicant_document(conn, int(doc_id))
        if doc is None:
            raise ValidationError("document_not_found",
                                  f"Không có bản số hóa số {doc_id} trên máy này.",
                                  f"No digitised document {doc_id} on this desk.", field="reuse")
        repo.insert_attachment(conn, dossier_id, {
            "sha256": doc["sha256"], "size": doc["size"], "filename": doc["filename"],
            "component_seq": int(seq), "mime": doc["mime"], "kind": "scan"})
        repo.insert_document_use(conn, document_id=int(doc["id"]), dossier_id=dossier_id,
                                 component_seq=int(seq), doc_type=doc["doc_type"], reused=True)
        shas.append(doc["sha256"])
    return shas
