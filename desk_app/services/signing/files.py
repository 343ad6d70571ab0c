"""Sign, upgrade, validate and certify plain PDF files (no dossier versions yet).

Where the desk keeps its signing data (under the desk's data folder):
  trust/        PEM files of the trust anchors (national root, government specialised root)
  revocation/   CRLs / OCSP responses fetched at the last sync
  certbook/     the electronic certification book(s) of this desk (JSON lines, see certbook.py)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desk_app.devices import DeviceHandler
from desk_app.jobs import CancelToken, ProgressFn, no_progress
from desk_app.signing.batch import BatchReport, sign_batch
from desk_app.signing.certbook import CertBook, Entry, FileBookStore, statement_text
from desk_app.signing.pades import (Appearance, Box, SignedFile, SignOptions, UpgradeResult,
                                    load_pdf, sign_pdf, upgrade)
from desk_app.signing.token import TokenConfig, on_token, open_session
from desk_app.signing.trust import RevocationCache, TrustStore
from desk_app.signing.validate import PdfReport, validate_pdf

__all__ = ["CertifiedCopy", "DeskPaths", "certify_copy", "desk_paths", "sign_files",
           "upgrade_file", "verify_file"]


@dataclass(frozen=True)
class DeskPaths:
    trust: Path
    revocation: Path
    certbook: Path


def desk_paths(data_dir: Path | None) -> DeskPaths | None:
    if data_dir is None:
        return None
    d = Path(data_dir)
    return DeskPaths(d / "trust", d / "revocation", d / "certbook")


def _trust(paths: DeskPaths | None, extra: list[Path] | None) -> TrustStore:
    sources = list(extra or [])
    if paths is not None and paths.trust.is_dir():
        sources.append(paths.trust)
    return TrustStore(sources)


def sign_files(files: list[Path], out_dir: Path, *, token: TokenConfig, handler: DeviceHandler,
               data_dir: Path | None = None, trust: list[Path] | None = None,
               visible: Appearance | None = None, tsa: str | None = None,
               progress: ProgressFn = no_progress, cancel: CancelToken | None = None
               ) -> BatchReport:
    """Sign ``files`` into ``out_dir`` (never over the inputs). With ``tsa``: B-T, and B-LT when
    the revocation sources answer; else B-B, to be upgraded at the next sync."""
    paths = desk_paths(data_dir)
    return sign_batch(files, out_dir, token_cfg=token, handler=handler,
                      trust=_trust(paths, trust),
                      revocation=RevocationCache.load(paths.revocation if paths else None),
                      visible=visible, tsa=tsa, online=bool(tsa), progress=progress,
                      cancel=cancel)


def upgrade_file(file: Path, out: Path, *, tsa: str, data_dir: Path | None = None,
                 trust: list[Path] | None = None) -> UpgradeResult:
    paths = desk_paths(data_dir)
    return upgrade(file, out, tsa_url=tsa, trust=_trust(paths, trust),
                   revocation=RevocationCache.load(paths.revocation if paths else None))


def verify_file(file: Path, *, data_dir: Path | None = None, trust: list[Path] | None = None,
                online: bool = False) -> PdfReport:
    paths = desk_paths(data_dir)
    return validate_pdf(file, _trust(paths, trust),
                        RevocationCache.load(paths.revocation if paths else None), online=online)


@dataclass(frozen=True)
class CertifiedCopy:
    entry: Entry
    signed: SignedFile
    statement: str


def certify_copy(scan: Path, out_dir: Path, *, token: TokenConfig, handler: DeviceHandler,
                 data_dir: Path, desk: str, book: str, document: str, applicant: str,
                 tsa: str | None = None, trust: list[Path] | None = None) -> CertifiedCopy:
    """Electronic certified copy from the original: the scanned copy gets the statement (number,
    book, date, certifier, pages) in the copy's signature box top right of page 1, signed by the
    officer. The number is registered (durably) only after the PIN login and the pre-sign check
    succeeded, and just before signing, so a refused login never uses a number. (The commune's
    organisation signature is added afterwards with ``sign`` on the văn thư's token.)"""
    paths = desk_paths(data_dir)
    assert paths is not None
    trust_store = _trust(paths, trust)
    cache = RevocationCache.load(paths.revocation)
    _, reader = load_pdf(scan)
    pages = int(reader.root["/Pages"]["/Count"])
    session = on_token(open_session, token, handler)
    try:
        from desk_app.signing.trust import presign_check

        pre = on_token(presign_check, session.cert.asn1(), session.chain, trust_store, cache,
                       online=bool(tsa))
        entry = CertBook(FileBookStore(paths.certbook / f"book-{book}.jsonl"), desk=desk,
                         book=book).register(certifier=session.cert.common_name,
                                             document=document, applicant=applicant, pages=pages)
        text = statement_text(entry)
        w, h = _page_size(reader)
        box = Box(w - 8 - 300, h - 8 - 78, w - 8, h - 8, 0)
        opts = SignOptions(trust_store, cache, appearance=Appearance("copy", box, None, text),
                           tsa_url=tsa, online=bool(tsa),
                           reason=f"Chứng thực bản sao đúng với bản chính — {entry.label}")
        signed = on_token(sign_pdf, scan, Path(out_dir) / scan.name, session, opts, presign=pre)
    finally:
        on_token(session.close)
    return CertifiedCopy(entry, signed, text)


def _page_size(reader) -> tuple[float, float]:
    from desk_app.signing.pades import _page_size as size

    return size(reader, 0)


def verify_exit_code(report) -> int:
    """The CLI's exit rule for a validation report: 0 every signature intact and trusted, 1 any
    not (or none), 2 unusable input."""
    from desk_app.signing.validate import exit_code

    return exit_code(report)


# --------------------------------------------------------------------------- for the screens

def list_tokens(lib_path: str, *, with_certs: bool = True) -> list:
    """The tokens of a PKCS#11 module and their certificates (``signing.token.TokenInfo``);
    the PKCS#11 calls run on the token thread. Blocks: call it from a job."""
    from desk_app.signing import token

    return on_token(token.list_tokens, lib_path, with_certs=with_certs)


def certification_fee(pages: int) -> int:
    """The fee of one certified copy of ``pages`` pages (per page, capped: catalog.md)."""
    from desk_app.signing import certbook

    return certbook.certification_fee(pages)


def certification_fee_rule() -> tuple[int, int, int]:
    """(đồng per page for pages 1–2, from the third page, the cap per copy)."""
    from desk_app.signing import certbook

    return certbook.FEE_FIRST_TWO, certbook.FEE_FROM_THIRD, certbook.FEE_CAP
