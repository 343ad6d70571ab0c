"""OCR text feeds local search ("tìm trong nội dung hồ sơ", issue 14): the text of each
attachment is kept and found by folded words; the OCR is a job on a copy of the blob."""
from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont

from desk_app.domain.errors import NotFoundError
from desk_app.domain.models import Role
from desk_app.jobs import Cancelled, CancelToken
from desk_app.scanning.assemble import assemble
from desk_app.scanning.backend import Page
from desk_app.services.scanning import ocr_text
from desk_app.services.scanning.attach import attach_file
from tests.scanning.digit_util import BIRTH, OTHER, ctx, desk, pdf_bytes, receive, shipped_template  # noqa: F401
from tests.scanning.test_ocr import FONT

CLERK = {"actor": "hoa", "role": Role.CLERK}


def _att_id(ctx, code: str) -> int:
    return ctx.store.conn.execute("SELECT a.id FROM attachments a JOIN dossiers d ON d.id ="
                                  " a.dossier_id WHERE d.code = ? ORDER BY a.id DESC", (code,)).fetchone()[0]


def test_stored_text_is_found_without_diacritics(ctx):
    d1 = receive(ctx)
    attach_file(ctx, d1.code, 1, pdf_bytes("tờ khai"), filename="to-khai.pdf", **CLERK)
    d2 = receive(ctx, person=OTHER)
    attach_file(ctx, d2.code, 1, pdf_bytes("tờ khai", seed=2), filename="to-khai-2.pdf", **CLERK)
    ocr_text.store_text(ctx, _att_id(ctx, d1.code),
                        "TỜ KHAI ĐĂNG KÝ KHAI SINH\nNơi cư trú: thôn Đông Hòa, xã Phú Hòa")
    ocr_text.store_text(ctx, _att_id(ctx, d2.code), "Giấy chứng sinh số 123/2026, bệnh viện Đa khoa")
    assert [h.code for h in ocr_text.search_content(ctx, "dong hoa")] == [d1.code]
    assert [h.code for h in ocr_text.search_content(ctx, "Đông Hòa")] == [d1.code]
    assert [h.code for h in ocr_text.search_content(ctx, "benh vien da")] == [d2.code]   # prefix
    assert [h.code for h in ocr_text.search_content(ctx, "123/2026")] == [d2.code]
    assert ocr_text.search_content(ctx, "ket hon") == []
    assert ocr_text.search_content(ctx, "  ") == []
    hit = ocr_text.search_content(ctx, "phu hoa")[0]
    assert "[phu]" in hit.snippet and hit.filename == "to-khai.pdf"
    # replaced text replaces the index entry
    ocr_text.store_text(ctx, _att_id(ctx, d1.code), "văn bản khác")
    assert ocr_text.search_content(ctx, "dong hoa") == []
    with pytest.raises(NotFoundError):
        ocr_text.store_text(ctx, 99999, "x")


def test_the_scan_sessions_ocr_text_is_kept_with_the_attachment(ctx):
    d = receive(ctx)
    attach_file(ctx, d.code, 1, pdf_bytes("giấy chứng sinh"), filename="chung-sinh.pdf",
                ocr_text="GIẤY CHỨNG SINH\nBệnh viện Đa khoa huyện Mường Tè", **CLERK)
    assert [h.code for h in ocr_text.search_content(ctx, "muong te")] == [d.code]
    assert ocr_text.search_content(ctx, "khai sinh") == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_typed_text_is_a_valid_query(ctx, text):
    try:
        hits = ocr_text.search_content(ctx, text)
    except sqlite3.OperationalError as exc:     # an FTS5 syntax error would be a bug
        pytest.fail(f"{text!r}: {exc}")
    assert isinstance(hits, list)
    q = ocr_text.match_query(text)
    assert q == "" or q.endswith("*")


def _scan_with_text(tmp_path):
    img = Image.new("L", (1240, 500), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 44)
    d.text((80, 100), "GIẤY CHỨNG SINH", font=font, fill=0)
    d.text((80, 250), "Bệnh viện Đa khoa tỉnh Phú Yên", font=font, fill=0)
    path = tmp_path / "chung-sinh.pdf"
    assemble([Page(img, 150, "gray", "feeder")], "gray_jpeg").save(path)
    return path


def test_dossier_ocr_job_makes_the_papers_searchable(ctx, tmp_path):
    d = receive(ctx)
    src = _scan_with_text(tmp_path)
    out = attach_file(ctx, d.code, 2, src, **CLERK)
    before = ctx.store.blobs.path(out.sha256).read_bytes()
    events = []
    res = ocr_text.ocr_attachment(ctx, d.code, progress=events.append)
    assert res.attachments == [_att_id(ctx, d.code)] and res.characters > 20
    assert [h.code for h in ocr_text.search_content(ctx, "benh vien da khoa")] == [d.code]
    assert ctx.store.blobs.path(out.sha256).read_bytes() == before       # the file is untouched
    assert events and events[-1].done == events[-1].total == 1
    assert not list(ctx.data_dir.glob(".desk-ocr-*"))


def test_dossier_ocr_cancelled_before_it_starts(ctx, tmp_path):
    d = receive(ctx)
    attach_file(ctx, d.code, 2, _scan_with_text(tmp_path), **CLERK)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ocr_text.ocr_attachment(ctx, d.code, cancel=token)
    assert ocr_text.search_content(ctx, "benh vien") == []


def test_cli_index_and_search_content(ctx, desk, tmp_path, monkeypatch, capsys):
    import json

    from desk_app.cli.main import main
    from desk_app.services.admin.setup import add_demo_accounts

    with ctx.store.transaction() as conn:
        add_demo_accounts(conn)
    d = receive(ctx)
    attach_file(ctx, d.code, 2, _scan_with_text(tmp_path), **CLERK)
    monkeypatch.setenv("DESK_TEST_S1_PW", "demo-clerk")
    who = ["--user", "hoa", "--password-env", "DESK_TEST_S1_PW"]
    dd = ["--data-dir", str(desk)]
    assert main([*who, "scan", "index", d.code, "--json", *dd]) == 0
    capsys.readouterr()
    assert main([*who, "dossier", "search-content", "Phú Yên", "--json", *dd]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["code"] for h in hits] == [d.code]
