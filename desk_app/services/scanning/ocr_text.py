"""The text of scanned attachments feeds local search ("tìm trong nội dung hồ sơ").

``scan ocr`` makes a text layer in a file; it never reached the dossier search. Here the text
of each attachment is kept in ``attachment_text`` (migration 0013) with its folded form in an
FTS5 index (no diacritics, đ → d, as the dossier search folds), and ``search_content`` finds
dossiers by words of their papers. The text is for search only: it is never used to fill a
name, a number or anything else in a form (OCR loses stacked accents on capitals).

``ocr_attachment`` is a job (``desk_app.jobs``: progress, cancel between files; the ocrmypdf
subprocess is killed on cancel): it runs in the background (the GUI's job runner, or
``scan index`` in a terminal) on a copy of the blob — the stored file is never replaced (its
SHA-256 names it on the server, and a signed result must stay byte-identical).
"""
from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.domain.text import excerpt, fold
from desk_app.services.context import DeskContext
from offline_store import repo

log = logging.getLogger(__name__)
MAX_TEXT = 2_000_000            # characters kept per attachment (a 200-page PDF is ~600,000)
_TOKEN = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class ContentHit:
    code: str
    attachment_id: int
    filename: str
    component_seq: int | None
    snippet: str                # folded text around the match, the words in [ ]


@dataclass(frozen=True)
class OcrOutcome:
    code: str
    attachments: list[int]      # the attachments whose text was stored
    skipped: list[int]          # not PDFs (images are attached as PDFs; older ones may not be)
    characters: int


def store_text(ctx: DeskContext, attachment_id: int, text: str, lang: str = "vie") -> None:
    """Keep (replace) the recognised text of one attachment for local search."""
    text = (text or "")[:MAX_TEXT]
    with ctx.store.transaction() as conn:
        row = conn.execute("SELECT id, dossier_id, sha256 FROM attachments WHERE id = ?",
                           (int(attachment_id),)).fetchone()
        if row is None:
            raise NotFoundError("attachment_not_found", f"Không có tệp đính kèm số {attachment_id}.",
                                f"No attachment {attachment_id}.", field="attachment")
        repo.put_attachment_text(conn, attachment_id=row["id"], dossier_id=row["dossier_id"],
                                 sha256=row["sha256"], text=text,
                                 text_folded=" ".join(_TOKEN.findall(fold(text).lower())),
                                 lang=lang)


def match_query(text: str) -> str:
    """The FTS5 MATCH text for what the clerk typed: folded words, AND-ed, the last a prefix;
    "" when there is no word."""
    tokens = _TOKEN.findall(fold(text or "").lower())
    return repo.fts_query(tokens[:12]) if tokens else ""


def search_content(ctx: DeskContext, text: str, limit: int = 50) -> list[ContentHit]:
    """Dossiers whose papers contain the words (diacritics and case aside), newest first."""
    q = match_query(text)
    if not q:
        return []
    limit = max(1, min(int(limit), 1000))
    return [ContentHit(r["code"], int(r["attachment_id"]), r["filename"], r["component_seq"],
                       r["snippet"]) for r in repo.search_attachment_text(ctx.store.conn, q, limit)]


def ocr_attachment(ctx: DeskContext, code: str, attachment_id: int | None = None, *,
                   lang: str = "vie", progress=None, cancel=None) -> OcrOutcome:
    """Recognise the text of the dossier's PDF attachments (or of one) and store it for search.
    A job: ``progress``/``cancel`` as desk_app.jobs; ScanError (exit 1) when ocrmypdf is
    missing or fails, the text of the files done before is kept."""
    from desk_app.jobs import Steps
    from desk_app.services.scanning.service import ocr_pdf

    code = (code or "").strip()
    conn = ctx.store.conn
    d = repo.get_dossier(conn, code) or repo.get_dossier(conn, code.upper())
    if d is None:
        raise NotFoundError("dossier_not_found", f"Không tìm thấy hồ sơ mã “{excerpt(code)}”.",
                            f"No dossier with code “{excerpt(code)}”.", dossier_code=code)
    rows = [a for a in repo.attachments_of(conn, d["id"])
            if attachment_id is None or a["id"] == int(attachment_id)]
    if attachment_id is not None and not rows:
        raise ValidationError("attachment_not_in_dossier",
                              f"Hồ sơ {d['code']} không có tệp đính kèm số {attachment_id}.",
                              f"Dossier {d['code']} has no attachment {attachment_id}.",
                              field="attachment")
    steps = Steps(progress, cancel)
    done: list[int] = []
    skipped: list[int] = []
    chars = 0
    total = len(rows)
    for i, a in enumerate(rows):
        steps.step("scan.ocr", i, total, f"Đang nhận dạng chữ {a['filename']} ({i + 1}/{total})…",
                   f"Recognising text of {a['filename']} ({i + 1}/{total})…")
        if a["mime"] != "application/pdf" or not ctx.store.blobs.exists(a["sha256"]):
            skipped.append(int(a["id"]))
            continue
        with tempfile.TemporaryDirectory(prefix=".desk-ocr-", dir=ctx.data_dir) as tmp:
            src = Path(tmp) / "in.pdf"
            src.write_bytes(ctx.store.blobs.read_bytes(a["sha256"]))   # plaintext, encrypted store or not
            text = ocr_pdf(src, Path(tmp) / "out.pdf", lang=lang, pdfa=False, cancel=cancel)
        store_text(ctx, int(a["id"]), text, lang)
        done.append(int(a["id"]))
        chars += len(text)
    steps.finish("scan.ocr", total, total, f"Đã nhận dạng chữ {len(done)} tệp của hồ sơ {d['code']}.",
                 f"Text recognised in {len(done)} file(s) of {d['code']}.")
    log.info("ocr %s: %d file(s), %d characters", d["code"], len(done), chars)
    return OcrOutcome(d["code"], done, skipped, chars)
