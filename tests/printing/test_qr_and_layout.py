"""The QR code decodes back to the dossier code (and look-up URL) from a 150 dpi render, and long
or numerous inputs wrap and flow onto more pages instead of leaving the paper."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from desk_app.domain.models import ComponentForm, DossierComponent
from desk_app.printing import forms
from tests.printing import builders as b
from tests.printing import pdftools

MM = 72 / 25.4


def render(kind: str = "01", d=None, **kw) -> bytes:
    kw.setdefault("clerk_name", "Lò Văn Dũng")
    return forms.render(kind, d or b.dossier(), kw.pop("unit", b.UNIT), kw.pop("procedure", b.PROCEDURE), **kw)


def test_qr_carries_the_code_without_lookup_url(tmp_path: Path) -> None:
    image = pdftools.render_png(render("01"), tmp_path)
    assert pdftools.qr_texts(image) == [b.CODE]


def test_qr_carries_lookup_url_with_the_code(tmp_path: Path) -> None:
    pdf = render("01", lookup_url="https://dichvucong.laichau.gov.vn/tra-cuu-ho-so")
    [payload] = pdftools.qr_texts(pdftools.render_png(pdf, tmp_path))
    url = urlparse(payload)
    assert (url.scheme, url.netloc, url.path) == ("https", "dichvucong.laichau.gov.vn", "/tra-cuu-ho-so")
    assert parse_qs(url.query) == {"code": [b.CODE]}
    assert "tra cứu tình hình giải quyết hồ sơ trực tuyến tại https://dichvucong.laichau.gov.vn/tra-cuu-ho-so" \
        in pdftools.flat(pdf)


def test_unit_lookup_url_with_placeholder_is_used(tmp_path: Path) -> None:
    unit = replace(b.UNIT, lookup_url="https://hcc.example.gov.vn/ho-so/{code}?src=qr")
    pdf = render("02", b.supplement(), unit=unit)
    assert pdftools.qr_texts(pdftools.render_png(pdf, tmp_path)) == [
        f"https://hcc.example.gov.vn/ho-so/{b.CODE}?src=qr"]


def test_lookup_target_appends_to_an_existing_query() -> None:
    assert forms.lookup_target("A-1", "https://x.vn/t?lang=vi") == "https://x.vn/t?lang=vi&code=A-1"
    assert forms.lookup_target("A-1", None) is None
    assert forms.lookup_target("A-1", "") is None


def _assert_inside_margins(pdf: bytes) -> None:
    pages, words = pdftools.words(pdf)
    assert words
    for w in words:
        width, height = pages[w.page - 1]
        assert w.x_min >= 30 * MM - 0.5, w
        assert w.x_max <= width - 20 * MM + 0.5, w
        assert 0 <= w.y_min and w.y_max <= height - 20 * MM + 3, w


def test_long_procedure_name_and_address_wrap_inside_the_page() -> None:
    long_name = ("Đăng ký kết hôn có yếu tố nước ngoài kết hợp ghi vào Sổ hộ tịch việc thay đổi, cải "
                 "chính, bổ sung thông tin hộ tịch, xác định lại dân tộc của công dân Việt Nam cư trú "
                 "ở khu vực biên giới với công dân nước láng giềng")
    long_address = "Thôn Nậm Cuổi Trên, " * 12 + "xã Tân Phong, tỉnh Lai Châu"
    long_word = "Nguyễn" + "ĐặngThịHươngNguyệt" * 6
    d = b.dossier(procedure_name=long_name,
                  applicant=replace(b.APPLICANT, address=long_address, full_name=long_word))
    unit = replace(b.UNIT, name="UBND xã Tân Phong Thượng Nguồn Hợp Nhất Từ Ba Xã Cũ Của Huyện Sìn Hồ")
    pdf = render("01", d, unit=unit)
    _assert_inside_margins(pdf)
    text = pdftools.flat(pdf).replace(" ", "")
    assert long_name.replace(" ", "") in text
    assert long_address.replace(" ", "") in text


def test_many_components_run_onto_next_page_with_header_repeated() -> None:
    comps = tuple(DossierComponent(i, f"Giấy tờ thứ {i}: bản kê khai tài sản, thu nhập của hộ gia đình "
                                      f"năm {2000 + i}", ComponentForm.COPY, i % 3 + 1)
                  for i in range(1, 61))
    pdf = render("01", b.dossier(components=comps))
    pages = pdftools.page_texts(pdf)
    assert len(pages) >= 2
    assert all("Tên loại giấy tờ" in p for p in pages[:2]), "table header must repeat on page 2"
    assert "Giấy tờ thứ 60:" in " ".join(pages)
    assert pages[1].split()[0] == "2", "page numbers start on the second page (Decree 30)"
    _assert_inside_margins(pdf)
    assert pdftools.info(pdf)["Pages"] == str(len(pages))


def test_a_component_longer_than_a_page_still_prints() -> None:
    giant = "Danh sách các thửa đất liền kề và chủ sử dụng: " + "thửa số 123 tờ bản đồ 45, " * 400
    pdf = render("01", b.dossier(components=(DossierComponent(1, giant, ComponentForm.ORIGINAL, 1),)))
    assert int(pdftools.info(pdf)["Pages"]) >= 2
    _assert_inside_margins(pdf)


@pytest.mark.parametrize("kind,maker", [("02", b.supplement), ("03", b.refusal)])
def test_long_notes_flow_onto_more_pages(kind: str, maker) -> None:
    note = "\n".join(f"Bổ sung giấy tờ số {i}: xác nhận của UBND xã về tình trạng cư trú" for i in range(80))
    pdf = render(kind, maker(note=note))
    assert int(pdftools.info(pdf)["Pages"]) >= 2
    _assert_inside_margins(pdf)


def test_note_names_the_dossier_page_when_url_has_placeholder() -> None:
    unit = replace(b.UNIT, lookup_url="https://hcc.example.gov.vn/ho-so/{code}")
    text = pdftools.flat(render("01", unit=unit)).replace(" ", "")
    assert f"trựctuyếntạihttps://hcc.example.gov.vn/ho-so/{b.CODE}." in text
    assert "{code}" not in text
