"""The electronic certification book in the desk's SQLite store (migration 0014).

- **One book per desk** ("quyển số"): the setting ``certbook_book`` or, by default, the desk
  number on two digits (desk 1 → "01"). A desk writes only in its own book, so every book is
  numbered 1, 2, 3 … per year with no coordination, offline; (book, year, number) is unique by
  construction and the province's merge cannot collide. The store's triggers refuse a number that
  is not the next one of its book and year, a deletion and a renumbering.
- ``certify_in_book``: the scanned original → the statement (number, book, date, certifier, pages)
  on the copy → signed with the officer's token → the entry, the copy's attachment (when the copy
  belongs to a dossier: kind 'result', so it is what the citizen receives) and the outbox items in
  **one transaction**. A refused login, a failed pre-sign check or a failed signature uses no
  number (the transaction rolls back).
- Each entry reaches the province exactly once: a ``deferred.certbook`` outbox item with op_id
  ``certbook:<unit>:<book>:<year>:<number>`` → ``POST /api/v1/certbook``.
- ``print_month``: the monthly printout (PDF); ``list_entries``: the rows.
- ``import_file_books``: entries of the earlier file-based book (``DATA/certbook/*.jsonl``) are
  moved into the store once (the file is renamed ``*.jsonl.imported``).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from desk_app.devices import DeviceHandler
from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.localtime import VN_TZ
from desk_app.services.context import DeskContext
from desk_app.signing import certbook as cb
from desk_app.signing.token import TokenConfig
from offline_store import audit, outbox, repo

__all__ = ["BOOK_SETTING", "CERTBOOK_KIND", "BookEntry", "CertifiedCopyRecord", "certify_in_book",
           "desk_book", "import_file_books", "list_entries", "print_month"]

BOOK_SETTING = "certbook_book"
CERTBOOK_KIND = "deferred.certbook"


@dataclass(frozen=True)
class BookEntry:
    book: str
    year: int
    number: int
    label: str                  # "Số chứng thực: 7, quyển số 02/2026-SCT/BS"
    issued_at: str
    desk: str
    certifier: str
    document: str
    applicant: str
    pages: int
    copies: int
    fee: int
    copy_sha256: str
    dossier_code: str | None
    attachment_id: int | None
    synced: bool                # the province holds it (its outbox item is done)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class CertifiedCopyRecord:
    entry: BookEntry
    statement: str
    level: str                  # B-B / B-T / B-LT
    sha256: str
    output: Path | None         # the copy written for the person (when out_dir was given)
    attachment_id: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry.to_dict(), "statement": self.statement, "level": self.level,
                "sha256": self.sha256, "output": str(self.output) if self.output else None,
                "attachment_id": self.attachment_id}


def desk_book(ctx: DeskContext) -> str:
    """This desk's book number ("quyển số")."""
    value = (ctx.settings.get(BOOK_SETTING) or "").strip()
    return value or f"{int(ctx.desk_no):02d}"


def _op_id(ctx: DeskContext, book: str, year: int, number: int) -> str:
    return f"certbook:{ctx.unit_code}:{book}:{year}:{number}"


def _wire(row, code: str | None) -> dict:
    return {"SoQuyen": row["book"], "Nam": int(row["year"]), "So": int(row["number"]),
            "Loai": row["kind"], "NgayChungThuc": row["issued_at"], "Quay": row["desk"],
            "NguoiChungThuc": row["certifier"], "TenGiayTo": row["document"],
            "NguoiYeuCau": row["applicant"], "SoTrang": int(row["pages"]),
            "SoBan": int(row["copies"]), "LePhi": int(row["fee"]),
            "TepDinhKemId": row["copy_sha256"] or None, "MaHoSo": code}


def _enqueue_entry(ctx: DeskContext, conn, entry_id: int, actor: str) -> None:
    row = conn.execute("SELECT * FROM certbook_entries WHERE id = ?", (entry_id,)).fetchone()
    code = None
    if row["dossier_id"] is not None:
        d = repo.get_dossier_by_id(conn, int(row["dossier_id"]))
        code = d["code"] if d is not None else None
    op = _op_id(ctx, row["book"], int(row["year"]), int(row["number"]))
    if not outbox.exists(conn, op):
        outbox.enqueue(conn, kind=CERTBOOK_KIND, lane="deferred", op_id=op,
                       payload=_wire(row, code), clerk=actor)


def _entry(conn, row) -> BookEntry:
    code = None
    if row["dossier_id"] is not None:
        d = repo.get_dossier_by_id(conn, int(row["dossier_id"]))
        code = d["code"] if d is not None else None
    synced = conn.execute("SELECT 1 FROM outbox WHERE kind = ? AND state = 'done' AND op_id LIKE ?",
                          (CERTBOOK_KIND, f"certbook:%:{row['book']}:{row['year']}:"
                                          f"{row['number']}")).fetchone() is not None
    label = (f"Số chứng thực: {row['number']}, quyển số "
             f"{cb.book_label(row['book'], int(row['year']), row['kind'])}")
    return BookEntry(row["book"], int(row["year"]), int(row["number"]), label, row["issued_at"],
                     row["desk"], row["certifier"], row["document"], row["applicant"],
                     int(row["pages"]), int(row["copies"]), int(row["fee"]), row["copy_sha256"],
                     code, row["attachment_id"], synced)


def _month(text: str) -> tuple[int, int]:
    try:
        y, m = (int(x) for x in (text or "").strip().split("-"))
        datetime(y, m, 1)
    except ValueError:
        raise ValidationError("month_bad", f"“{text}” không phải tháng dạng YYYY-MM.",
                              f"“{text}” is not a YYYY-MM month.", field="month") from None
    return y, m


def list_entries(ctx: DeskContext, *, year: int | None = None, month: str | None = None,
                 book: str | None = None) -> list[BookEntry]:
    """Book entries in book, year, number order (all books this store holds)."""
    import_file_books(ctx)
    prefix = None
    if month:
        y, m = _month(month)
        prefix = f"{y:04d}-{m:02d}"
    conn = ctx.store.conn
    return [_entry(conn, r) for r in repo.certbook_entries(conn, book=book, year=year,
                                                           month_prefix=prefix)]


def print_month(ctx: DeskContext, month: str) -> bytes:
    """The month's printout as PDF bytes (every book of this store, book then number order)."""
    from desk_app.signing.book_pdf import render_month

    y, m = _month(month)
    entries = list_entries(ctx, month=f"{y:04d}-{m:02d}")
    as_book = [cb.Entry(e.book, e.year, e.number, e.issued_at, e.desk, e.certifier, e.document,
                        e.applicant, e.pages, e.copies, e.fee, e.copy_sha256) for e in entries]
    rows = cb.month_register(as_book, y, m)
    unit = repo.get_unit(ctx.store.conn, ctx.unit_code)
    return render_month(rows, unit_name=unit["name"] if unit else ctx.unit_code, year=y,
                        month=m, books=sorted({e.book for e in entries}))


def import_file_books(ctx: DeskContext, actor: str = "system") -> int:
    """Move the entries of the file-based book (before migration 0014) into the store, once."""
    folder = Path(ctx.data_dir) / "certbook"
    if not folder.is_dir():
        return 0
    n = 0
    for path in sorted(folder.glob("*.jsonl")):
        entries = sorted(cb.FileBookStore(path).entries(), key=lambda e: (e.book, e.year, e.number))
        with ctx.store.transaction() as conn:
            for e in entries:
                if conn.execute("SELECT 1 FROM certbook_entries WHERE book = ? AND year = ? AND"
                                " number = ?", (e.book, e.year, e.number)).fetchone():
                    continue
                eid = repo.certbook_insert(conn, {
                    "book": e.book, "year": e.year, "number": e.number, "issued_at": e.issued_at,
                    "desk": e.desk, "certifier": e.certifier, "document": e.document,
                    "applicant": e.applicant, "pages": e.pages, "copies": e.copies,
                    "fee": e.fee, "copy_sha256": e.copy_sha256, "source": "file"})
                _enqueue_entry(ctx, conn, eid, actor)
                n += 1
            if entries:
                audit.append(conn, actor=actor, action="certbook.imported", entity="certbook",
                             entity_id=path.name, detail={"entries": len(entries)})
        path.rename(path.with_name(path.name + ".imported"))
    return n


def _text(value: str, field: str, vi: str, en: str) -> str:
    v = " ".join((value or "").split())
    if not v:
        raise ValidationError(f"{field}_required", vi, en, field=field)
    return v[:500]


def certify_in_book(ctx: DeskContext, scan: Path, *, token: TokenConfig, handler: DeviceHandler,
                    actor: str, document: str, applicant: str, dossier: str | None = None,
                    out_dir: Path | None = None, copies: int = 1, book: str | None = None,
                    tsa: str | None = None, trust: list[Path] | None = None,
                    when: datetime | None = None) -> CertifiedCopyRecord:
    """One electronic certified copy, registered in this desk's book (see the module doc)."""
    from desk_app.services.signing.dossiers import UPGRADE_KIND, tsa_setting
    from desk_app.services.signing.files import _page_size, _trust, desk_paths
    from desk_app.services.workflow.lifecycle import publish_files
    from desk_app.signing.pades import Appearance, Box, SignOptions, load_pdf, sign_pdf
    from desk_app.signing.token import on_token, open_session
    from desk_app.signing.trust import RevocationCache, presign_check

    document = _text(document, "document", "Cần ghi tên giấy tờ được chứng thực.",
                     "Name the document being certified.")
    applicant = _text(applicant, "applicant", "Cần ghi tên người yêu cầu chứng thực.",
                      "Name the person asking for the certification.")
    if not isinstance(copies, int) or not 1 <= copies <= 100:
        raise ValidationError("copies_bad", "Số bản phải từ 1 đến 100.",
                              "The number of copies must be 1 to 100.", field="copies")
    mine = desk_book(ctx)
    book = (book or mine).strip()
    if book != mine:
        raise ValidationError(
            "certbook_not_this_desk",
            f"Quầy này ghi vào quyển số {mine}, không ghi vào quyển {book} (mỗi quầy một quyển "
            "để số chứng thực không trùng, không cách quãng).",
            f"This desk writes in book {mine}, not in book {book} (one book per desk keeps the "
            "numbers free of gaps and duplicates).", book=book)
    if not book.isdigit():
        raise ValidationError("book_bad", "Quyển số phải là số (ví dụ 02).",
                              "The book number must be digits (e.g. 02).", field="book")
    d_row = None
    if dossier:
        d_row = repo.get_dossier(ctx.store.conn, dossier.strip())
        if d_row is None:
            raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{dossier}”.",
                                f"No dossier with code “{dossier}”.", dossier_code=dossier)
    _, reader = load_pdf(scan)
    pages = int(reader.root["/Pages"]["/Count"])
    import_file_books(ctx, actor)
    tsa = tsa if tsa is not None else tsa_setting(ctx)
    paths = desk_paths(ctx.data_dir)
    trust_store = _trust(paths, trust)
    cache = RevocationCache.load(paths.revocation if paths else None)
    desk = f"{ctx.unit_code}#{ctx.desk_no}"
    w, h = _page_size(reader)
    box = Box(w - 8 - 300, h - 8 - 78, w - 8, h - 8, 0)
    session = on_token(open_session, token, handler)
    try:
        pre = on_token(presign_check, session.cert.asn1(), session.chain, trust_store, cache,
                       online=bool(tsa))
        at = (when or datetime.now(VN_TZ)).astimezone(VN_TZ).replace(microsecond=0)
        tmp_root = Path(ctx.data_dir) / "tmp"
        tmp_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp_root, prefix="certify-") as tmp, \
                ctx.store.transaction() as conn:
            number = repo.certbook_next_number(conn, book, at.year)
            entry = cb.Entry(book, at.year, number, at.isoformat(timespec="seconds"), desk,
                             session.cert.common_name, document, applicant, pages, copies,
                             cb.certification_fee(pages) * copies)
            text = cb.statement_text(entry)
            opts = SignOptions(trust_store, cache, appearance=Appearance("copy", box, None, text),
                               tsa_url=tsa, online=bool(tsa),
                               reason=f"Chứng thực bản sao đúng với bản chính — {entry.label}")
            name = f"ban-sao-chung-thuc-{book}-{at.year}-{number}.pdf"
            signed = on_token(sign_pdf, scan, Path(tmp) / name, session, opts, presign=pre)
            data = signed.output.read_bytes()
            sha, size = ctx.store.blobs.put_bytes(data)
            att_id = None
            if d_row is not None:
                att_id = repo.insert_attachment(conn, int(d_row["id"]), {
                    "sha256": sha, "size": size, "filename": name, "mime": "application/pdf",
                    "kind": "result"}) or None
                if att_id:
                    conn.execute("UPDATE attachments SET signed_level = ?, signed_by = ?"
                                 " WHERE id = ?", (signed.level, signed.signer, att_id))
                    if signed.level != "B-LT":
                        outbox.enqueue(conn, kind=UPGRADE_KIND, lane="deferred",
                                       op_id=f"sign-upgrade:{sha}", dossier_id=int(d_row["id"]),
                                       payload={"attachment_id": att_id, "sha256": sha,
                                                "MaHoSo": d_row["code"], "tsa": tsa or "",
                                                "level": signed.level}, clerk=actor)
            eid = repo.certbook_insert(conn, {
                "book": book, "year": at.year, "number": number, "issued_at": entry.issued_at,
                "desk": desk, "certifier": entry.certifier, "document": document,
                "applicant": applicant, "pages": pages, "copies": copies, "fee": entry.fee,
                "copy_sha256": sha, "dossier_id": int(d_row["id"]) if d_row is not None else None,
                "attachment_id": att_id})
            _enqueue_entry(ctx, conn, eid, actor)
            if d_row is not None:
                publish_files(ctx, conn, int(d_row["id"]), actor=actor)
            audit.append(conn, actor=actor, action="certbook.entry", entity="certbook",
                         entity_id=f"{book}/{at.year}/{number}",
                         detail={"sha256": sha, "pages": pages, "copies": copies,
                                 "fee": entry.fee, "dossier": d_row["code"] if d_row else None,
                                 "level": signed.level})
            row = conn.execute("SELECT * FROM certbook_entries WHERE id = ?", (eid,)).fetchone()
            record_entry = _entry(conn, row)
    finally:
        on_token(session.close)
    output = None
    if out_dir is not None:
        from desk_app.signing.pades import write_atomic

        output = Path(out_dir) / name
        write_atomic(output, data)
    return CertifiedCopyRecord(record_entry, text, signed.level, sha, output, att_id)
