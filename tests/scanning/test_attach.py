"""``dossier attach``: a file onto a component through the blob store and the outbox (issue 14)."""
from __future__ import annotations

import json
import sqlite3

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Role
from desk_app.services.registry import PermissionDenied
from desk_app.services.scanning.attach import attach_file
from tests.scanning.digit_util import (BIRTH, PERSON, counts, ctx, desk, pdf_bytes,  # noqa: F401
                                       receive, shipped_template)


def _attach(ctx, code, seq, what, **kw):
    kw.setdefault("actor", "hoa")
    kw.setdefault("role", Role.CLERK)
    return attach_file(ctx, code, seq, what, **kw)


def test_attach_writes_blob_row_document_outbox_and_audit_once(ctx, desk, tmp_path):
    d = receive(ctx)
    f = tmp_path / "cccd.pdf"
    f.write_bytes(pdf_bytes("CCCD mặt trước"))
    before = counts(desk)
    out = _attach(ctx, d.code, 4, f)
    assert out.new_blob and out.queued and out.upload_needed and not out.already
    assert out.doc_type == "id_card" and out.pages == 1 and out.mime == "application/pdf"
    after = counts(desk)
    assert after["blobs"] == before["blobs"] + 1
    assert after["attachments"] == before["attachments"] + 1
    assert after["outbox"] == before["outbox"] + 1
    assert after["applicant_documents"] == before["applicant_documents"] + 1
    assert ctx.store.blobs.read_bytes(out.sha256) == f.read_bytes()   # the PDF as it was
    con = ctx.store.conn
    item = con.execute("SELECT kind, lane, payload_json, base_version FROM outbox ORDER BY id DESC"
                       " LIMIT 1").fetchone()
    assert item["kind"] == "dossier.update" and item["lane"] == "record"
    assert item["base_version"] == d.version
    files = json.loads(item["payload_json"])["TaiLieuNop"]
    assert [a["TepDinhKemId"] for a in files] == [out.sha256]     # how the engine learns to upload
    assert con.execute("SELECT version FROM dossiers WHERE code = ?", (d.code,)).fetchone()[0] == d.version + 1
    a = con.execute("SELECT action, detail_json FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert a["action"] == "dossier.attach" and json.loads(a["detail_json"])["sha256"] == out.sha256
    # the seals and the audit chain still hold (verify flags an edit made outside the app)
    from offline_store.verify import verify
    rep = verify(ctx.store)
    assert rep.ok, [c for c in rep.checks if not c[1]]
    # the same file again: nothing changes (a double click)
    again = _attach(ctx, d.code, 4, f)
    assert again.already and not again.queued
    assert counts(desk) == after


def test_image_is_stored_as_one_pdf(ctx, tmp_path):
    from PIL import Image

    d = receive(ctx)
    f = tmp_path / "anh.jpg"
    Image.new("RGB", (600, 400), (200, 180, 160)).save(f, "JPEG")
    out = _attach(ctx, d.code, 2, f)
    assert out.mime == "application/pdf" and out.filename == "anh.pdf" and out.pages == 1
    assert ctx.store.blobs.read_bytes(out.sha256).startswith(b"%PDF-")
    assert out.doc_type == "birth_notice"


def test_bytes_from_the_scan_session(ctx, desk):
    d = receive(ctx)
    out = _attach(ctx, d.code, 4, pdf_bytes("phiên quét"), filename="the-cccd.pdf")
    assert out.filename == "the-cccd.pdf" and out.new_blob
    assert not list(desk.glob(".attach-*"))          # the temporary file is gone


@pytest.mark.parametrize("content,name,word", [
    (b"", "rong.pdf", "0 byte"),
    (b"hello, not a scan", "note.pdf", "PDF, JPEG"),
    (b"%PDF-1.7\n garbage that is not a PDF", "hong.pdf", "hong.pdf"),
    (b"\xff\xd8\xff\xe0 broken jpeg", "hong.jpg", "hong.jpg"),
])
def test_bad_files_exit_2_and_change_nothing(ctx, desk, tmp_path, content, name, word):
    d = receive(ctx)
    f = tmp_path / name
    f.write_bytes(content)
    before = counts(desk)
    with pytest.raises(ValidationError) as e:
        _attach(ctx, d.code, 4, f)
    assert e.value.exit_code == 2 and word in e.value.vi
    assert counts(desk) == before


def test_encrypted_pdf_refused(ctx, desk, tmp_path):
    import pikepdf

    d = receive(ctx)
    src = tmp_path / "a.pdf"
    src.write_bytes(pdf_bytes())
    enc = tmp_path / "khoa.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(enc, encryption=pikepdf.Encryption(owner="o", user="u"))
    before = counts(desk)
    with pytest.raises(ValidationError) as e:
        _attach(ctx, d.code, 4, enc)
    assert e.value.exit_code == 2
    assert counts(desk) == before


def test_too_large_by_setting(ctx, desk, tmp_path):
    d = receive(ctx)
    with ctx.store.transaction() as conn:
        from offline_store import repo
        repo.set_setting(conn, "attachment_max_mb", "1", by="test")
    ctx.reload()
    f = tmp_path / "lon.pdf"
    with open(f, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(2 * 1024 * 1024)
    before = counts(desk)
    with pytest.raises(ValidationError) as e:
        _attach(ctx, d.code, 4, f)
    assert "1 MB" in e.value.vi
    assert counts(desk) == before


def test_wrong_component_kind_and_role(ctx, desk, tmp_path):
    d = receive(ctx)
    f = tmp_path / "a.pdf"
    f.write_bytes(pdf_bytes())
    before = counts(desk)
    with pytest.raises(ValidationError, match="thành phần số 9"):
        _attach(ctx, d.code, 9, f)
    with pytest.raises(ValidationError) as e:
        _attach(ctx, d.code, None, f, kind="result")       # no result yet
    assert "dossier result" in e.value.en
    with pytest.raises(ValidationError):
        _attach(ctx, d.code, 4, f, doc_type="bogus")
    assert counts(desk) == before
    with pytest.raises(PermissionDenied) as p:
        _attach(ctx, d.code, 4, f, role=Role.PROCESSOR)
    assert p.value.exit_code == 3
    after = counts(desk)
    assert after["attachments"] == before["attachments"] and after["blobs"] == before["blobs"]
    assert after["audit_log"] == before["audit_log"] + 1        # the refusal is recorded


def test_result_attached_after_the_result(ctx, tmp_path):
    from desk_app.services.workflow import lifecycle

    d = receive(ctx)
    lifecycle.handover(ctx, d.code, actor="hoa", role=Role.CLERK, to="thang")
    res = tmp_path / "ketqua.pdf"
    res.write_bytes(pdf_bytes("Giấy khai sinh"))
    lifecycle.result(ctx, d.code, actor="thang", role=Role.PROCESSOR, file=res)
    scan = tmp_path / "ketqua-so-hoa.pdf"
    scan.write_bytes(pdf_bytes("Giấy khai sinh bản số hóa", seed=3))
    out = _attach(ctx, d.code, None, scan, kind="result")
    assert out.kind == "result" and out.doc_type == "birth_certificate" and out.queued
    payload = json.loads(ctx.store.conn.execute(
        "SELECT payload_json FROM outbox ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert out.sha256 in [x["TepDinhKemId"] for x in payload["DanhSachGiayToKetQua"]]


def test_cli_attach_exit_codes(desk, tmp_path, monkeypatch, capsys):
    from desk_app.cli.main import main
    from desk_app.services import open_desk
    from desk_app.services.admin.setup import add_demo_accounts

    with open_desk(desk) as c:
        with c.store.transaction() as conn:
            add_demo_accounts(conn)
        code = receive(c).code
    f = tmp_path / "cccd.pdf"
    f.write_bytes(pdf_bytes())
    monkeypatch.setenv("DESK_TEST_S1_PW", "demo-clerk")
    who = ["--user", "hoa", "--password-env", "DESK_TEST_S1_PW"]
    dd = ["--data-dir", str(desk)]
    assert main([*who, "dossier", "attach", code, str(f), "--component", "4", "--json", *dd]) == 0
    assert json.loads(capsys.readouterr().out)["doc_type"] == "id_card"
    bad = tmp_path / "rong.pdf"
    bad.write_bytes(b"")
    before = counts(desk)
    assert main([*who, "dossier", "attach", code, str(bad), "--component", "4", *dd]) == 2
    assert "0 byte" in capsys.readouterr().err
    assert main(["--lang", "en", *who, "dossier", "attach", code, str(bad), "--component", "4",
                 *dd]) == 2
    assert "0 bytes" in capsys.readouterr().err
    monkeypatch.setenv("DESK_TEST_S1_PW", "demo-processor")
    assert main(["--user", "thang", "--password-env", "DESK_TEST_S1_PW", "dossier", "attach",
                 code, str(f), "--component", "4", *dd]) == 3
    after = counts(desk)
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}


def test_a_dossier_the_province_never_heard_of_gets_no_outbox_item(ctx, desk, tmp_path):
    """A supplement request at the counter enqueues nothing; attaching to it does not either —
    its dossier.create, once received, carries the file."""
    from desk_app.services.intake import IntakeRequest, refuse
    from tests.scanning.digit_util import components
    from desk_app.domain.models import Applicant

    idn, name, birth, sex, phone = PERSON
    d = refuse(ctx, IntakeRequest(BIRTH, Applicant(idn, name, birth_date=birth, sex=sex, phone=phone),
                                  components(ctx, BIRTH), [], clerk="Lò Thị Hoa"),
               "Thiếu bản sao giấy chứng sinh", kind="supplement")
    before = counts(desk)
    out = _attach(ctx, d.code, 2, pdf_bytes("chứng sinh"), filename="chung-sinh.pdf")
    assert not out.queued and out.new_blob
    after = counts(desk)
    assert after["outbox"] == before["outbox"] and after["attachments"] == before["attachments"] + 1


def test_a_500_mb_file_is_refused_without_being_read(ctx, desk, tmp_path):
    d = receive(ctx)
    f = tmp_path / "khong-lo.pdf"
    with open(f, "wb") as fh:              # sparse: 500 MB on paper, a few bytes on disk
        fh.write(b"%PDF-1.4\n")
        fh.truncate(500 * 1024 * 1024)
    before = counts(desk)
    with pytest.raises(ValidationError) as e:
        _attach(ctx, d.code, 4, f)
    assert "50 MB" in e.value.vi and e.value.exit_code == 2
    assert counts(desk) == before
