"""The electronic certification book (sổ chứng thực bản sao từ bản chính, SCT/BS).

Rules (Nghị định 23/2015 as amended; Thông tư 01/2020/TT-BTP): one number per certified document,
numbered continuously from 1 within a book and a year ("Số chứng thực: 99, quyển số
02/2026-SCT/BS"); the electronic book is printed monthly and bound yearly; paper and electronic
books are kept apart.

No gaps and no duplicates with several desks offline: **each desk writes only in its own book**
(its own "quyển số", given to the desk when it is set up — desk 1 → 01, desk 2 → 02 …). A desk is
then the only writer of its book, so it assigns the next number locally, offline, with no
coordination; at sync the province merges the books, and (book, year, number) is unique by
construction. ``verify_book`` checks what a merged register holds.

The storage is behind ``BookStore`` (two methods) so the integrator can back it with the desk's
SQLite store (the number assignment and the entry insert in one transaction, a UNIQUE index on
(book, year, number)); ``FileBookStore`` here is a durable JSON-lines implementation used by the
tests and the CLI before that is wired.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Protocol

from desk_app.domain.errors import ValidationError
from desk_app.domain.localtime import VN_TZ

__all__ = [
    "BookStore", "CertBook", "Entry", "FileBookStore", "book_label", "certification_fee",
    "month_register", "statement_text", "verify_book",
]

KIND = "SCT/BS"
FEE_FIRST_TWO = 2_000       # đồng per page, pages 1–2 (Thông tư 226/2016)
FEE_FROM_THIRD = 1_000      # đồng per page from the third
FEE_CAP = 200_000           # per copy


def certification_fee(pages: int) -> int:
    """The fee for one certified copy, counted on the original's pages."""
    if pages < 1:
        raise ValidationError("pages_bad", "Số trang phải từ 1 trở lên.",
                              "The page count must be at least 1.", field="pages")
    return min(FEE_CAP, FEE_FIRST_TWO * min(pages, 2) + FEE_FROM_THIRD * max(0, pages - 2))


def book_label(book: str, year: int, kind: str = KIND) -> str:
    return f"{book}/{year}-{kind}"


@dataclass(frozen=True)
class Entry:
    book: str                 # "02"
    year: int
    number: int
    issued_at: str            # ISO 8601, +07:00
    desk: str
    certifier: str            # the signing officer
    document: str             # what was certified ("Giấy khai sinh bản chính số …")
    applicant: str
    pages: int
    copies: int
    fee: int
    copy_sha256: str = ""     # the signed copy delivered

    @property
    def label(self) -> str:
        return f"Số chứng thực: {self.number}, quyển số {book_label(self.book, self.year)}"


def statement_text(e: Entry) -> str:
    """The certification statement written on the copy."""
    d = datetime.fromisoformat(e.issued_at).astimezone(VN_TZ)
    return ("Chứng thực bản sao đúng với bản chính.\n"
            f"{e.label}\n"
            f"Ngày {d.day:02d} tháng {d.month:02d} năm {d.year}\n"
            f"Người thực hiện chứng thực: {e.certifier}\n"
            f"Bản sao gồm {e.pages} trang.")


class BookStore(Protocol):
    def last_number(self, book: str, year: int) -> int: ...
    def append(self, entry: Entry) -> None: ...
    def entries(self) -> list[Entry]: ...


class FileBookStore:
    """One desk's book(s) as a JSON-lines file: appended, flushed and fsynced per entry."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                try:
                    out.append(Entry(**json.loads(line)))
                except (ValueError, TypeError):
                    continue          # a torn last line after a crash: never numbered
        return out

    def last_number(self, book: str, year: int) -> int:
        return max((e.number for e in self.entries() if e.book == book and e.year == year),
                   default=0)

    def append(self, entry: Entry) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())


class CertBook:
    """The book a desk writes in. ``register`` assigns the next number and records the entry
    durably before the number is printed on anything."""

    def __init__(self, store: BookStore, *, desk: str, book: str) -> None:
        if not book.isdigit():
            raise ValidationError("book_bad", "Quyển số phải là số (ví dụ 02).",
                                  "The book number must be digits (e.g. 02).", field="book")
        self.store, self.desk, self.book = store, desk, book
        self._lock = threading.Lock()

    def register(self, *, certifier: str, document: str, applicant: str, pages: int,
                 copies: int = 1, when: datetime | None = None, copy_sha256: str = "") -> Entry:
        when = (when or datetime.now(VN_TZ)).astimezone(VN_TZ)
        fee = certification_fee(pages) * max(1, copies)
        with self._lock:
            number = self.store.last_number(self.book, when.year) + 1   # restarts each year
            entry = Entry(self.book, when.year, number, when.isoformat(timespec="seconds"),
                          self.desk, certifier, document, applicant, pages, copies, fee,
                          copy_sha256)
            self.store.append(entry)
        return entry


def verify_book(entries: Iterable[Entry]) -> list[str]:
    """Problems in a (merged) register: duplicates, gaps, a book written by two desks."""
    problems: list[str] = []
    by_book: dict[tuple[str, int], list[Entry]] = {}
    for e in entries:
        by_book.setdefault((e.book, e.year), []).append(e)
    for (book, year), es in sorted(by_book.items()):
        nums = sorted(e.number for e in es)
        label = book_label(book, year)
        if len(set(nums)) != len(nums):
            problems.append(f"{label}: số trùng / duplicate numbers")
        if nums and nums != list(range(1, len(nums) + 1)):
            problems.append(f"{label}: số không liên tục / gap in the numbers")
        desks = {e.desk for e in es}
        if len(desks) > 1:
            problems.append(f"{label}: nhiều quầy cùng ghi một quyển / several desks: {sorted(desks)}")
    return problems


def month_register(entries: Iterable[Entry], year: int, month: int) -> list[list[str]]:
    """The rows of the monthly printout, in book then number order (header first)."""
    rows = [["Quyển số", "Số chứng thực", "Ngày", "Người yêu cầu", "Tên giấy tờ", "Số trang",
             "Số bản", "Lệ phí (đồng)", "Người chứng thực"]]
    chosen = []
    for e in entries:
        d = datetime.fromisoformat(e.issued_at).astimezone(VN_TZ).date()
        if (d.year, d.month) == (year, month):
            chosen.append((e, d))
    for e, d in sorted(chosen, key=lambda x: (x[0].book, x[0].year, x[0].number)):
        rows.append([book_label(e.book, e.year), str(e.number), d.strftime("%d/%m/%Y"),
                     e.applicant, e.document, str(e.pages), str(e.copies), f"{e.fee:,}".replace(",", "."),
                     e.certifier])
    return rows


