"""What the printed forms say: every field of Circular 01/2018 Mẫu 01/02/03, in correct
Vietnamese as pdftotext extracts it, with embedded fonts, A4, metadata and stable bytes."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from desk_app.domain.models import ComponentForm, Delivery, DossierComponent, FeeRule
from desk_app.printing import forms
from tests.printing import builders as b
from tests.printing import pdftools


def render(kind: str = "01", d=None, **kw) -> bytes:
    kw.setdefault("clerk_name", "Lò Văn Dũng")
    return forms.render(kind, d or b.dossier(), kw.pop("unit", b.UNIT), kw.pop("procedure", b.PROCEDURE), **kw)


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render("01")


def test_receipt_has_every_field_of_mau01(receipt_pdf: bytes) -> None:
    text = pdftools.flat(receipt_pdf)
    expected = [
        "UBND TỈNH LAI CHÂU", "UBND XÃ TÂN PHONG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Tân Phong, ngày 23 tháng 11 năm 2026",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {b.CODE}",
        "Bộ phận tiếp nhận và trả kết quả UBND xã Tân Phong",
        "Tiếp nhận hồ sơ của: Đặng Thị Hương Nguyệt",
        "Địa chỉ: Số 12, bản Nà Pẩu, xã Tân Phong, tỉnh Lai Châu",
        "Số điện thoại: 0912345678", "Email: nguyet@example.vn",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "1. Thành phần hồ sơ nộp gồm:", "Tên loại giấy tờ", "Số lượng",
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh", "Căn cước của người đi đăng ký",
        "Bản chính", "Bản sao chứng thực",
        "2. Số lượng hồ sơ: 01 (bộ)",
        "3. Thời gian giải quyết hồ sơ theo quy định là: Trong ngày", "15 giờ 00 phút",
        "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23 tháng 11 năm 2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 23 tháng 11 năm 2026",
        "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả UBND xã Tân Phong",
        "Phí, lệ phí phải nộp: Không thu phí, lệ phí",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 2026 Số thứ tự: 1-1001",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", "Lò Văn Dũng",
        f"Dùng Mã hồ sơ {b.CODE} để tra cứu tình hình giải quyết hồ sơ trực tuyến",
    ]
    missing = [e for e in expected if e not in text]
    assert not missing, f"missing from the receipt: {missing}\n---\n{text}"
    assert pdftools.is_nfc(text)


def test_component_rows_keep_their_form_and_quantity(receipt_pdf: bytes) -> None:
    lines = [" ".join(line.split()) for line in pdftools.text(receipt_pdf, layout=True).splitlines()]
    row = next(line for line in lines if "Căn cước của người đi đăng ký" in line)
    assert row.startswith("3 ") and row.endswith("Bản sao chứng thực 02"), row


def test_fonts_are_embedded_subset_with_unicode_maps(receipt_pdf: bytes, tmp_path: Path) -> None:
    found = pdftools.fonts(receipt_pdf, tmp_path)
    assert found, "no fonts listed"
    assert all(f.embedded and f.subset and f.unicode for f in found), found
    assert all("NotoSerif" in f.name and f.type == "TrueType" for f in found), found


def test_a4_single_page_and_metadata(receipt_pdf: bytes) -> None:
    meta = pdftools.info(receipt_pdf)
    assert "(A4)" in meta["Page size"]
    assert meta["Pages"] == "1", "an ordinary receipt must fit on one sheet"
    assert meta["Title"] == f"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ — {b.CODE}"
    assert meta["Author"] == "UBND xã Tân Phong"
    assert meta["Subject"] == b.CODE


def test_margins_follow_decree_30(receipt_pdf: bytes) -> None:
    pages, words = pdftools.words(receipt_pdf)
    width, height = pages[0]
    mm = 72 / 25.4
    assert min(w.x_min for w in words) >= 30 * mm - 0.5       # left 30 mm
    assert max(w.x_max for w in words) <= width - 20 * mm + 0.5  # right 20 mm
    assert min(w.y_min for w in words) >= 20 * mm - 3          # top 20 mm (glyph ascent slack)
    assert max(w.y_max for w in words) <= height - 20 * mm + 3


def test_same_input_gives_identical_bytes() -> None:
    assert render("01") == render("01")
    assert render("02", b.supplement()) == render("02", b.supplement())


def test_different_dossier_gives_different_bytes() -> None:
    assert render("01") != render("01", b.dossier(code=b.CODE[:-4] + "1002"))


@pytest.mark.parametrize(("day", "expected"), [
    (datetime(2026, 1, 5, 8, 0, tzinfo=b.TZ), "ngày 05 tháng 01 năm 2026"),
    (datetime(2026, 2, 10, 8, 0, tzinfo=b.TZ), "ngày 10 tháng 02 năm 2026"),
    (datetime(2026, 3, 9, 8, 0, tzinfo=b.TZ), "ngày 09 tháng 3 năm 2026"),
    (datetime(2026, 12, 31, 8, 0, tzinfo=b.TZ), "ngày 31 tháng 12 năm 2026"),
])
def test_date_line_pads_like_decree_30(day: datetime, expected: str) -> None:
    text = pdftools.flat(render("01", b.dossier(received_at=day, due_at=day)))
    assert f"Tân Phong, {expected}" in text


def test_printed_at_sets_the_date_line() -> None:
    at = datetime(2026, 11, 25, 10, 30, tzinfo=b.TZ)
    text = pdftools.flat(render("01", printed_at=at))
    assert "Tân Phong, ngày 25 tháng 11 năm 2026" in text
    assert "4. Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 23 tháng 11 năm 2026" in text


def test_working_days_fee_post_delivery_and_on_behalf() -> None:
    d = b.dossier(procedure_code=b.WORKING.code, procedure_name=b.WORKING.name,
                  fee_amount=1_250_000, fee_note="Nghị quyết HĐND tỉnh",
                  delivery=Delivery.POST, delivery_address="Số 5 đường Trần Hưng Đạo, phường Đông Phong",
                  on_behalf_of="Công ty TNHH Phước Lộc", sets=2)
    text = pdftools.flat(render("01", d, procedure=b.WORKING))
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: 03 ngày làm việc" in text
    assert "Phí, lệ phí phải nộp: 1.250.000 đồng Vào Sổ" in text, "the catalog's note is for the clerk"
    assert "Nghị quyết HĐND tỉnh" not in text
    assert ("6. Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, địa chỉ: "
            "Số 5 đường Trần Hưng Đạo, phường Đông Phong") in text
    assert "Nộp thay cho / đại diện: Công ty TNHH Phước Lộc" in text
    assert "2. Số lượng hồ sơ: 02 (bộ)" in text
    assert "Chứng thực chữ ký trong giấy tờ, văn bản" in text


def test_empty_contact_fields_print_blanks_not_none() -> None:
    d = b.dossier(applicant=replace(b.APPLICANT, phone="", email="", address=""), due_at=None,
                  logbook_no="", components=())
    text = pdftools.flat(render("01", d))
    assert "None" not in text
    assert "Số điện thoại: …………………" in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: …………………" in text
    assert "(Không có thành phần hồ sơ được ghi nhận)" in text


def test_nfd_input_is_printed_as_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Đỗ Thị Ngọc Ánh")
    d = b.dossier(applicant=replace(b.APPLICANT, full_name=nfd))
    text = pdftools.flat(render("01", d))
    assert "Tiếp nhận hồ sơ của: Đỗ Thị Ngọc Ánh" in text


def test_markup_in_data_is_printed_literally() -> None:
    d = b.dossier(applicant=replace(b.APPLICANT, full_name="Lê <b>Văn</b> & Tú"),
                  components=(DossierComponent(1, "Đơn <i>đề nghị</i>", ComponentForm.COPY, 1),))
    text = pdftools.flat(render("01", d))
    assert "Lê <b>Văn</b> & Tú" in text
    assert "Đơn <i>đề nghị</i>" in text


def test_supplement_form_mau02() -> None:
    pdf = render("02", b.supplement())
    text = pdftools.flat(pdf)
    for expected in [
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f"Mã hồ sơ: {b.CODE}",
        "Tiếp nhận hồ sơ của: Đặng Thị Hương Nguyệt",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",
        "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:",
        "1. Bổ sung Giấy chứng sinh bản chính", "2. Bổ sung giấy tờ chứng minh nơi cư trú",
        "Lý do: bản sao Giấy chứng sinh bị mờ, không đọc được số",
        "được hướng dẫn đầy đủ, một lần",
        "Ông/Bà liên hệ với Lò Văn Dũng để được hướng dẫn",
        "NGƯỜI HƯỚNG DẪN",
    ]:
        assert expected in text, expected
    assert "GIẤY TIẾP NHẬN" not in text
    assert pdftools.info(pdf)["Title"].startswith("PHIẾU YÊU CẦU BỔ SUNG")


def test_refusal_form_mau03() -> None:
    text = pdftools.flat(render("03", b.refusal()))
    for expected in [
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
        "Thủ tục không thuộc thẩm quyền giải quyết của UBND xã Tân Phong; "
        "đề nghị Ông/Bà nộp tại Sở Tư pháp tỉnh Lai Châu.",
        "Xin thông báo để Ông/Bà được biết và thực hiện./.", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lò Văn Dũng",
    ]:
        assert expected in text, expected


@pytest.mark.parametrize("kind", ["1", "01", "3"])
def test_short_kinds_are_accepted(kind: str) -> None:
    assert render(kind, b.refusal()).startswith(b"%PDF-")


@pytest.mark.parametrize("kind", ["08", "", "x", "1.0"])
def test_unknown_kind_is_a_validation_error(kind: str) -> None:
    from desk_app.domain.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        render(kind)
    assert err.value.code == "form_kind_unknown"
    assert "01–07" in err.value.vi and "01–07" in err.value.en


SIX_COMPONENTS = tuple(DossierComponent(i + 1, name, ComponentForm.CERTIFIED_COPY, 1) for i, name in enumerate([
    "Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh do cơ sở y tế cấp",
    "Căn cước của người đi đăng ký khai sinh", "Giấy tờ chứng minh nơi cư trú của cha, mẹ",
    "Giấy chứng nhận kết hôn của cha, mẹ (nếu có)", "Văn bản ủy quyền có chứng thực (nếu nộp thay)"]))
LONG_ADDRESS = ("Số nhà 123, ngõ 45, ngách 67, đường Nguyễn Thị Minh Khai, tổ dân phố số 8, khu phố Tân "
                "Thành, bản Nà Pẩu, xã Tân Phong, tỉnh Lai Châu, gần trường tiểu học, trạm y tế và chợ "
                "trung tâm của xã Tân Phong.")[:200]


@pytest.mark.parametrize("n", [3, 6])
def test_typical_receipt_fits_one_a4_sheet(n: int) -> None:
    """Up to 6 components, a 200-character address, someone acting for the applicant: ONE sheet,
    the notes ("Ghi chú") included."""
    assert len(LONG_ADDRESS) == 200
    d = b.dossier(components=SIX_COMPONENTS[:n], applicant=replace(b.APPLICANT, address=LONG_ADDRESS),
                  on_behalf_of="Nguyễn Văn Bình", fee_amount=16_000,
                  fee_note="2 bản × 8.000 đ = 16.000 đ (Nghị quyết HĐND tỉnh (giá trị ví dụ, mỗi tỉnh một mức)).")
    pdf = render("01", d)
    assert pdftools.info(pdf)["Pages"] == "1"
    text = pdftools.flat(pdf)
    assert "Ghi chú:" in text and "Lò Văn Dũng" in text and SIX_COMPONENTS[n - 1].name in text
    assert LONG_ADDRESS.split()[-1] in text


def test_fee_line_has_no_nested_parentheses_and_no_catalog_note() -> None:
    procedure = replace(b.WORKING, fee=FeeRule(kind="per_copy", amount=8000,
                                               note="Nghị quyết HĐND tỉnh (giá trị ví dụ, mỗi tỉnh một mức)"))
    d = b.dossier(fee_amount=16_000,
                  fee_note="2 bản × 8.000 đ = 16.000 đ (Nghị quyết HĐND tỉnh (giá trị ví dụ, mỗi tỉnh một mức)).")
    text = pdftools.flat(render("01", d, procedure=procedure))
    line = text[text.index("Phí, lệ phí phải nộp:"):text.index("Vào Sổ")]
    assert line.strip() == "Phí, lệ phí phải nộp: 16.000 đồng (2 bản × 8.000 đ = 16.000 đ)"
    assert "ví dụ" not in text
    free = pdftools.flat(render("01", b.dossier(fee_amount=0, fee_note="Không thu lệ phí (Luật Hộ tịch 2014).")))
    assert "Phí, lệ phí phải nộp: Không thu phí, lệ phí Vào Sổ" in free
