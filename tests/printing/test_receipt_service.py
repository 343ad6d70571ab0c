"""receipt.render against a real store: the printed slip is the stored dossier, and the PDF is
kept as the dossier's attachment (blob + row + audit), once per distinct content."""
from __future__ import annotations

from pathlib import Path

import pytest

from desk_app.domain.errors import NotFoundError, ValidationError
from desk_app.services import dossiers
from desk_app.services.intake import receipt
from desk_app.services import open_desk
from offline_store import audit
from tests.printing import pdftools
from tests.printing.desk import make_desk, receive_one


@pytest.fixture
def ctx(tmp_path: Path):
    make_desk(tmp_path / "desk")
    c = open_desk(tmp_path / "desk", create=False)
    yield c
    c.close()


def test_receipt_is_rendered_from_the_store_and_kept(ctx) -> None:
    d = receive_one(ctx)
    pdf = receipt.render(ctx, d.code)
    text = pdftools.flat(pdf)
    assert f"Mã hồ sơ: {d.code}" in text
    assert "Tiếp nhận hồ sơ của: Đặng Thị Hương Nguyệt" in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 23 tháng 11 năm 2026" in text
    assert "Lò Văn Dũng" in text
    [att] = [a for a in dossiers.get(ctx, d.code).attachments if a.kind == "receipt"]
    assert att.mime == "application/pdf" and att.size == len(pdf)
    assert ctx.store.blobs.read_bytes(att.sha256) == pdf
    assert audit.verify_chain(ctx.store.conn) == []
    actions = [r[0] for r in ctx.store.conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions[-1] == "dossier.print"


def test_reprint_is_identical_and_not_stored_twice(ctx) -> None:
    d = receive_one(ctx)
    first = receipt.render(ctx, d.code)
    assert receipt.render(ctx, d.code) == first
    assert len([a for a in dossiers.get(ctx, d.code).attachments if a.kind == "receipt"]) == 1


def test_forms_02_03_are_kept_as_kind_form(ctx) -> None:
    d = receive_one(ctx)
    receipt.render(ctx, d.code, "02")
    receipt.render(ctx, d.code, "3")
    kinds = sorted(a.filename for a in dossiers.get(ctx, d.code).attachments if a.kind == "form")
    assert kinds == [f"mau02-{d.code}.pdf", f"mau03-{d.code}.pdf"]


def test_store_as_attachment_false_writes_nothing(ctx) -> None:
    d = receive_one(ctx)
    receipt.render(ctx, d.code, store_as_attachment=False)
    assert dossiers.get(ctx, d.code).attachments == ()


def test_unknown_code_and_bad_kind(ctx) -> None:
    with pytest.raises(NotFoundError):
        receipt.render(ctx, "000.23.32.H48-261123-9999")
    d = receive_one(ctx)
    with pytest.raises(ValidationError) as err:
        receipt.render(ctx, d.code, "07")
    assert err.value.code == "form_kind_unknown"


def test_province_override_in_data_dir_forms(ctx) -> None:
    d = receive_one(ctx)
    forms_dir = ctx.data_dir / "forms"
    forms_dir.mkdir()
    (forms_dir / "common.toml").write_text('[header]\nparent_line = "ỦY BAN NHÂN DÂN {province_upper}"\n',
                                           encoding="utf-8")
    assert "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" in pdftools.flat(receipt.render(ctx, d.code))


def test_broken_override_stores_nothing(ctx) -> None:
    d = receive_one(ctx)
    (ctx.data_dir / "forms").mkdir()
    (ctx.data_dir / "forms" / "mau01.toml").write_text("title = [", encoding="utf-8")
    with pytest.raises(ValidationError):
        receipt.render(ctx, d.code)
    assert dossiers.get(ctx, d.code).attachments == ()


def test_lookup_url_setting_goes_into_the_qr(tmp_path: Path) -> None:
    make_desk(tmp_path / "desk", lookup_url="https://dichvucong.laichau.gov.vn/tra-cuu?ma={code}")
    with open_desk(tmp_path / "desk", create=False) as c:
        d = receive_one(c)
        pdf = receipt.render(c, d.code)
    assert pdftools.qr_texts(pdftools.render_png(pdf, tmp_path)) == [
        f"https://dichvucong.laichau.gov.vn/tra-cuu?ma={d.code}"]
