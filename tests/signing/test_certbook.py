"""Certification numbering: one book per desk, consecutive per book and year, fee per page."""
from __future__ import annotations

from datetime import datetime

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.domain.localtime import VN_TZ
from desk_app.signing.certbook import (CertBook, Entry, FileBookStore, certification_fee,
                                       month_register, statement_text, verify_book)


def test_fee_per_page_with_cap():
    assert certification_fee(1) == 2_000
    assert certification_fee(2) == 4_000
    assert certification_fee(3) == 5_000
    assert certification_fee(10) == 12_000
    assert certification_fee(196) == 198_000
    assert certification_fee(500) == 200_000
    with pytest.raises(ValidationError):
        certification_fee(0)


def test_two_desks_offline_then_sync(tmp_path):
    when = datetime(2026, 3, 9, 9, 30, tzinfo=VN_TZ)
    desk1 = CertBook(FileBookStore(tmp_path / "desk1.jsonl"), desk="Q1", book="01")
    desk2 = CertBook(FileBookStore(tmp_path / "desk2.jsonl"), desk="Q2", book="02")
    for i in range(50):      # interleaved, both offline: neither sees the other
        for desk in (desk1, desk2):
            desk.register(certifier="Nguyễn Văn Bình", document=f"Giấy khai sinh {i}",
                          applicant="Trần Văn An", pages=1 + i % 4, when=when)
    merged = desk2.store.entries() + desk1.store.entries()      # the province's merge
    assert len({(e.book, e.year, e.number) for e in merged}) == 100
    assert verify_book(merged) == []
    for book in ("01", "02"):
        assert sorted(e.number for e in merged if e.book == book) == list(range(1, 51))
    rows = month_register(merged, 2026, 3)
    assert len(rows) == 101
    assert [r[:2] for r in rows[1:4]] == [["01/2026-SCT/BS", "1"], ["01/2026-SCT/BS", "2"],
                                          ["01/2026-SCT/BS", "3"]]
    assert rows[51][:2] == ["02/2026-SCT/BS", "1"]
    assert month_register(merged, 2026, 4) == rows[:1]


def test_numbering_restarts_each_year_and_survives_a_restart(tmp_path):
    store = tmp_path / "b.jsonl"
    book = CertBook(FileBookStore(store), desk="Q1", book="02")
    a = book.register(certifier="B", document="d", applicant="a", pages=1,
                      when=datetime(2025, 12, 31, 16, 0, tzinfo=VN_TZ))
    again = CertBook(FileBookStore(store), desk="Q1", book="02")      # the program restarted
    b = again.register(certifier="B", document="d", applicant="a", pages=1,
                       when=datetime(2025, 12, 31, 16, 5, tzinfo=VN_TZ))
    c = again.register(certifier="B", document="d", applicant="a", pages=3, copies=2,
                       when=datetime(2026, 1, 2, 8, 0, tzinfo=VN_TZ))
    assert (a.number, b.number, c.number) == (1, 2, 1) and c.year == 2026 and c.fee == 10_000
    with open(store, "a", encoding="utf-8") as f:
        f.write('{"book": "02", "year": 2026, "numb')                 # a torn line (crash)
    d = again.register(certifier="B", document="d", applicant="a", pages=1,
                       when=datetime(2026, 1, 2, 8, 1, tzinfo=VN_TZ))
    assert d.number == 2


def test_verify_book_finds_gaps_duplicates_and_shared_books():
    def e(n, desk="Q1"):
        return Entry("01", 2026, n, "2026-01-02T08:00:00+07:00", desk, "B", "d", "a", 1, 1, 2000)

    assert verify_book([e(1), e(3)]) and "gap" in verify_book([e(1), e(3)])[0]
    assert any("duplicate" in p for p in verify_book([e(1), e(1)]))
    assert any("several desks" in p for p in verify_book([e(1), e(2, "Q2")]))


def test_statement_text():
    entry = Entry("02", 2026, 99, "2026-12-02T05:09:41+07:00", "Q1", "Nguyễn Văn Bình",
                  "Bằng tốt nghiệp", "Trần Văn An", 3, 1, 5000)
    text = statement_text(entry)
    assert "Chứng thực bản sao đúng với bản chính" in text
    assert "Số chứng thực: 99, quyển số 02/2026-SCT/BS" in text
    assert "Ngày 02 tháng 12 năm 2026" in text and "3 trang" in text
