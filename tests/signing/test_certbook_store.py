"""The electronic certification book in the desk's store: two desks offline issue 50 certified
copies each, then sync — 100 distinct certification numbers at the province, each book
consecutive with no gap, each entry sent once, and the printed monthly books list them in order
(pdftotext). Real SoftHSM2 token, test PKI, the reference back end."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from datetime import datetime

import httpx
import pytest

from desk_app.domain.errors import ValidationError
from desk_app.domain.localtime import VN_TZ
from desk_app.services import open_desk
from desk_app.services.signing import (certify_in_book, current_files, desk_book, list_entries,
                                       print_month)
from desk_app.signing import errors as E
from desk_app.signing.validate import exit_code, validate_pdf
from tests.online.conftest import PASSWORD, backend, unit  # noqa: F401  (fixtures)
from tests.online.test_online_flow import sync
from tests.signing.conftest import FixedPin
from tests.signing.desks import signing_desk, with_results


def _province_book(unit, user) -> list[dict]:
    with httpx.Client(base_url=unit.backend.url, timeout=30) as c:
        tok = c.post("/api/v1/auth/token", json={"username": user, "password": PASSWORD})
        tok.raise_for_status()
        r = c.get("/api/v1/certbook", headers={"Authorization":
                                               f"Bearer {tok.json()['access_token']}"})
        r.raise_for_status()
        return r.json()["entries"]


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=60, check=True).stdout


def test_two_desks_offline_fifty_copies_each_then_sync(unit, officer_cfg, pki, trust, make_pdf,
                                                       tmp_path):
    desks = []
    for n in (1, 2):
        data, user = unit.desk(n)
        signing_desk(data, pki, make=False)
        desks.append((data, user))
    scan = make_pdf("ban-chinh.pdf", pages=4)
    when = datetime.now(VN_TZ)
    [code] = with_results(desks[0][0], 1)                  # one copy is a dossier's result
    ctxs = [open_desk(data, create=False) for data, _ in desks]
    try:
        for i in range(50):                                # both desks offline, interleaved
            for k, ctx in enumerate(ctxs):
                rec = certify_in_book(ctx, scan, token=officer_cfg, handler=FixedPin(),
                                      actor="binh", document=f"Giấy khai sinh số {k}-{i}",
                                      applicant=f"Trần Văn An {k}-{i}",
                                      dossier=code if (k, i) == (0, 0) else None)
                assert rec.entry.book == f"0{k + 1}" and rec.entry.number == i + 1
                assert rec.entry.fee == 6_000 and rec.entry.pages == 4        # 2+2+1+1 nghìn
    finally:
        for ctx in ctxs:
            ctx.close()
    with open_desk(desks[0][0], create=False) as ctx:
        first = list_entries(ctx)[0]
        assert first.dossier_code == code and first.attachment_id is not None
        [copy] = [f for f in current_files(ctx, code) if f.id == first.attachment_id]
        p = tmp_path / "copy.pdf"
        with ctx.store.blobs.open(copy.sha256) as f:
            p.write_bytes(f.read())
        assert copy.sha256 == first.copy_sha256
    assert exit_code(validate_pdf(p, trust)) == 0

    for data, user in desks:                               # the link comes back
        sync(data, unit, user)
    got = _province_book(unit, desks[0][1])
    keys = [(e["SoQuyen"], e["Nam"], e["So"]) for e in got]
    assert len(keys) == 100 and len(set(keys)) == 100
    for book in ("01", "02"):
        assert [n for b, _, n in keys if b == book] == list(range(1, 51))
        assert {e["Quay"] for e in got if e["SoQuyen"] == book} == {f"{unit.code}#{int(book)}"}
    for data, user in desks:                               # nothing is sent twice
        sync(data, unit, user)
        with open_desk(data, create=False) as ctx:
            states = dict(ctx.store.conn.execute(
                "SELECT state, count(*) FROM outbox WHERE kind = 'deferred.certbook'"
                " GROUP BY state").fetchall())
            assert states == {"done": 50}
            assert all(e.synced for e in list_entries(ctx))
    assert len(_province_book(unit, desks[1][1])) == 100

    month = f"{when.year:04d}-{when.month:02d}"
    for k, (data, _) in enumerate(desks):
        with open_desk(data, create=False) as ctx:
            pdf = tmp_path / f"so-{k}.pdf"
            pdf.write_bytes(print_month(ctx, month))
        text = _pdftotext(pdf)
        assert "SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH" in text
        # each row starts with the book label and its number, in order 1 … 50
        numbers = [int(m.group(1)) for m in re.finditer(
            rf"^\s*0{k + 1}/{when.year}-SCT/BS\s+(\d+)\s", text, re.M)]
        assert numbers == list(range(1, 51)), text[:3000]
        assert "Trần Văn An" in text and "Tổng số: 50" in text


def test_the_store_refuses_gaps_duplicates_deletion_and_renumbering(pki, tmp_path):
    from offline_store import repo

    data = signing_desk(tmp_path / "desk", pki)
    with open_desk(data, create=False) as ctx:
        row = {"book": "01", "year": 2026, "issued_at": "2026-12-02T10:00:00+07:00",
               "desk": "d", "certifier": "c", "document": "x", "applicant": "a", "pages": 1,
               "fee": 2000}
        with ctx.store.transaction() as conn:
            repo.certbook_insert(conn, {**row, "number": 1})
        for bad in (1, 3):                                           # duplicate, gap
            with pytest.raises(sqlite3.DatabaseError):
                with ctx.store.transaction() as conn:
                    repo.certbook_insert(conn, {**row, "number": bad})
        with pytest.raises(sqlite3.DatabaseError):
            with ctx.store.transaction() as conn:
                conn.execute("DELETE FROM certbook_entries")
        with pytest.raises(sqlite3.DatabaseError):
            with ctx.store.transaction() as conn:
                conn.execute("UPDATE certbook_entries SET number = 7")
        with ctx.store.transaction() as conn:
            repo.certbook_insert(conn, {**row, "number": 1, "year": 2027})   # restarts yearly
        assert [(e.year, e.number) for e in list_entries(ctx)] == [(2026, 1), (2027, 1)]


def test_refused_login_and_wrong_book_use_no_number(officer_cfg, pki, make_pdf, tmp_path):
    data = signing_desk(tmp_path / "desk", pki, desk_no=3)
    scan = make_pdf()
    with open_desk(data, create=False) as ctx:
        assert desk_book(ctx) == "03"
        with pytest.raises(E.SigningError):
            certify_in_book(ctx, scan, token=officer_cfg, handler=FixedPin("000000"),
                            actor="binh", document="d", applicant="a")
        with pytest.raises(ValidationError) as ei:
            certify_in_book(ctx, scan, token=officer_cfg, handler=FixedPin(), actor="binh",
                            document="d", applicant="a", book="01")
        assert ei.value.code == "certbook_not_this_desk"
        with pytest.raises(ValidationError):
            certify_in_book(ctx, scan, token=officer_cfg, handler=FixedPin(), actor="binh",
                            document=" ", applicant="a")
        assert list_entries(ctx) == []
        rec = certify_in_book(ctx, scan, token=officer_cfg, handler=FixedPin(), actor="binh",
                              document="Bằng tốt nghiệp", applicant="Lê Thị Hoa", copies=3,
                              out_dir=tmp_path / "giao")
        assert rec.entry.number == 1 and rec.entry.fee == 3 * 2_000
        assert rec.output.read_bytes() and "quyển số 03/" in rec.statement
        assert ctx.store.conn.execute("SELECT count(*) FROM outbox WHERE kind ="
                                      " 'deferred.certbook'").fetchone()[0] == 1


def test_the_file_based_book_moves_into_the_store_once(pki, tmp_path):
    from desk_app.signing.certbook import CertBook, FileBookStore

    data = signing_desk(tmp_path / "desk", pki)
    old = CertBook(FileBookStore(data / "certbook" / "book-01.jsonl"), desk="Q1", book="01")
    for i in range(3):
        old.register(certifier="Nguyễn Văn Bình", document=f"Giấy {i}", applicant="An", pages=2)
    with open_desk(data, create=False) as ctx:
        entries = list_entries(ctx)
        assert [e.number for e in entries] == [1, 2, 3] and entries[0].document == "Giấy 0"
        assert list_entries(ctx) == entries                 # once
        assert not (data / "certbook" / "book-01.jsonl").exists()
        assert ctx.store.conn.execute("SELECT count(*) FROM outbox WHERE kind ="
                                      " 'deferred.certbook'").fetchone()[0] == 3
