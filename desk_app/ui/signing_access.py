"""What the signing screens need from the signing services, in one place (no Qt here).

Most of it is ``desk_app.services.signing`` through the registry (``sign files``, ``dossier
sign``, ``dossier files``, ``sign verify``, ``certify``, ``certbook list``, ``certbook print``).
The tokens and their certificates, and the fee rule of a certified copy (for the preview before
signing), come from ``desk_app.services.signing`` (``list_tokens``, ``certification_fee``,
``certification_fee_rule``).

Nothing here runs on the GUI thread when it may block: ``tokens`` is called from a JobRunner
job and hops onto the token thread (``on_token``) for every PKCS#11 call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from desk_app.domain.localtime import VN_TZ
from desk_app.services.signing import files

__all__ = ["BookPreview", "CertRow", "attachment_file", "book_for", "entry_month", "fee",
           "fee_rule", "next_entry", "next_number", "pkcs11_lib", "tokens", "tsa_url"]


# --------------------------------------------------------------------------- configuration

def pkcs11_lib(ctx: Any) -> str:
    """The token module the desk is set up with ('' when none: the person picks the file)."""
    import os

    settings = getattr(ctx, "settings", {}) or {}
    return (settings.get("pkcs11_lib") or os.environ.get("DESK_PKCS11_LIB") or "").strip()


def tsa_url(ctx: Any) -> str:
    """The time-stamp service, when the province configured one ('' = none)."""
    import os

    settings = getattr(ctx, "settings", {}) or {}
    return (settings.get("signing_tsa_url") or os.environ.get("DESK_TSA_URL") or "").strip()


def book_for(ctx: Any) -> str:
    """This desk's own book number (quyển số): the services' rule (setting, else the desk number)."""
    from desk_app.services.signing import desk_book

    return desk_book(ctx)


# --------------------------------------------------------------------------- tokens

@dataclass(frozen=True)
class CertRow:
    """One certificate on one token, as the person chooses it."""

    lib: str
    token_label: str
    device: str
    pinpad: bool
    pin_state: str
    tries_left: int | None
    common_name: str
    subject: str
    organisation: str
    issuer: str
    not_before: datetime
    not_after: datetime
    id_hex: str

    def state(self, at: datetime | None = None) -> str:
        """"valid" | "expired" | "not_yet"."""
        at = at or datetime.now(timezone.utc)
        if at > self.not_after:
            return "expired"
        if at < self.not_before:
            return "not_yet"
        return "valid"

    @property
    def usable(self) -> bool:
        return self.state() == "valid" and self.pin_state != "locked"


def tokens(lib: str) -> list[CertRow]:
    """Every signing certificate (not CA, with a key) on every token of ``lib``. Blocks: call it
    from a job; the PKCS#11 calls run on the token thread."""
    out: list[CertRow] = []
    for t in files.list_tokens(lib):
        for c in t.certificates:
            if c.is_ca or not c.has_key:
                continue
            out.append(CertRow(lib, t.label, t.device, t.pinpad, t.pin_state, t.tries_left,
                               c.common_name, c.subject, c.organisation,
                               _cn(c.issuer), c.not_before, c.not_after, c.id_hex))
    out.sort(key=lambda r: (r.state() != "valid", r.token_label, r.common_name))
    return out


def _cn(human: str) -> str:
    """'Common Name: X, Organization: Y' → 'X' (the issuer's name a person recognises)."""
    for part in human.split(", "):
        if part.startswith("Common Name: "):
            return part[len("Common Name: "):]
    return human


# --------------------------------------------------------------------------- certified copies

def fee(pages: int) -> int:
    return files.certification_fee(pages)


def fee_rule() -> tuple[int, int, int]:
    """(đồng per page for pages 1–2, from the third, the cap per copy)."""
    return files.certification_fee_rule()


@dataclass(frozen=True)
class BookPreview:
    number: int
    label: str           # "Số chứng thực: 3, quyển số 01/2026-SCT/BS"
    statement: str       # the text that will be written on the copy
    fee: int


def next_number(entries: list, book: str, year: int) -> int:
    """The number the next certification of ``book`` in ``year`` gets (the book is consecutive)."""
    return max((e.number for e in entries if e.book == book and e.year == year), default=0) + 1


def next_entry(number: int, book: str, *, certifier: str, pages: int,
               when: datetime | None = None) -> BookPreview:
    """What the next certification would read (the number is assigned only when signing)."""
    when = (when or datetime.now(VN_TZ)).astimezone(VN_TZ)
    amount = fee(pages)
    e = files.Entry(book, when.year, number, when.isoformat(timespec="seconds"), "", certifier,
                    "", "", pages, 1, amount)
    return BookPreview(number, e.label, files.statement_text(e), amount)


def entry_month(e) -> tuple[int, int]:
    d = datetime.fromisoformat(e.issued_at).astimezone(VN_TZ)
    return d.year, d.month


# --------------------------------------------------------------------------- dossier files

def attachment_file(ctx: Any, sha256: str, filename: str, folder: Path) -> Path:
    """A dossier attachment as a plain file in ``folder`` (for validating or signing it)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / Path(filename).name
    with ctx.store.blobs.open(sha256) as src, open(target, "wb") as out:
        while True:
            chunk = src.read(1 << 20)
            if not chunk:
                break
            out.write(chunk)
    return target
