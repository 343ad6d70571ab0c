"""Forms 04–07 of Circular 03/2025/TT-VPCP and the form number as part of each template, read back
with pdftotext (Vietnamese with diacritics, the number, the code and the dates)."""
from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import DossierStatus
from desk_app.printing import forms, templates
from desk_app.printing.logbook import LogbookRow, render_logbook
from tests.printing import builders as b
from tests.printing import pdftools

TZ = b.TZ


def render(kind: str, d=None, **kw) -> bytes:
    return forms.render(kind, d or b.dossier(), b.UNIT, b.WORKING, clerk_name="Lò Văn Dũng", **kw)


@pytest.mark.parametrize("kind", ["01", "02", "03", "04", "05", "06"])
def test_every_form_prints_its_number(kind: str) -> None:
    d = b.supplement() if kind == "02" else b.refusal() if kind == "03" else b.dossier()
    text = pdftools.flat(render(kind, d))
    assert f"Mẫu số {kind}" in text
    assert text == unicodedata.normalize("NFC", text)


def test_the_number_is_the_templates_own(tmp_path: Path) -> None:
    """A province still on the 2018 numbering changes the number in its override file only."""
    (tmp_path / "mau04.toml").write_text('form_number = "05"\n', encoding="utf-8")
    (tmp_path / "mau06.toml").write_text('form_number = "04"\n', encoding="utf-8")
    t4 = pdftools.flat(render("04", template_dir=tmp_path))
    t6 = pdftools.flat(render("06", template_dir=tmp_path))
    assert "Mẫu số 05" in t4 and "Mẫu số 04" not in t4
    assert "Mẫu số 04" in t6 and "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in t6
    (tmp_path / "common.toml").write_text('[labels]\nform_number = ""\n', encoding="utf-8")
    assert "Mẫu số" not in pdftools.flat(render("04", template_dir=tmp_path))


def test_form_04_apology_and_new_date() -> None:
    d = b.dossier(due_at=datetime(2026, 11, 26, 17, 0, tzinfo=TZ))
    pdf = render("04", d, printed_at=datetime(2026, 11, 25, 9, 0, tzinfo=TZ), extra={
        "original_due_at": datetime(2026, 11, 26, 17, 0, tzinfo=TZ),
        "new_due_at": datetime(2026, 12, 2, 17, 0, tzinfo=TZ),
        "reason": "Phải xác minh thông tin hộ tịch tại xã nơi đăng ký thường trú trước đây"})
    text = pdftools.flat(pdf)
    for needle in ("PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", f"Số: {b.CODE}/PXL",
                   "Kính gửi: Đặng Thị Hương Nguyệt", "Số định danh cá nhân/tổ chức: 001190012345",
                   f"Mã số hồ sơ: {b.CODE}",
                   "Thời gian hẹn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 26 tháng 11 năm 2026",
                   "Lý do: Phải xác minh thông tin hộ tịch",
                   "vào 17 giờ 00 phút, ngày 02 tháng 12 năm 2026",
                   "Tân Phong, ngày 25 tháng 11 năm 2026", "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"):
        assert needle in text, needle
    assert len(pdftools.page_texts(pdf)) == 1


def test_form_05_stop() -> None:
    d = b.dossier(status=DossierStatus.STOPPED)
    text = pdftools.flat(render("05", d, extra={
        "stopped_at": datetime(2026, 11, 24, 14, 30, tzinfo=TZ),
        "reason": "Người yêu cầu đã chết trước khi có kết quả"}))
    for needle in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Mẫu số 05", f"Số: {b.CODE}/TB-DGQ",
                   "kể từ 14 giờ 30 phút, ngày 24 tháng 11 năm 2026",
                   "Lý do: Người yêu cầu đã chết trước khi có kết quả", "Đăng ký khai sinh"):
        assert needle in text, needle


def test_form_06_control_slip_rows_and_on_time_labels() -> None:
    due = datetime(2026, 11, 26, 17, 0, tzinfo=TZ)
    labels = ["Trước hạn", "Đúng hạn", "Quá hạn"]
    assert forms.on_time_label(datetime(2026, 11, 25, 9, tzinfo=TZ), due, labels) == "Trước hạn"
    assert forms.on_time_label(datetime(2026, 11, 26, 16, tzinfo=TZ), due, labels) == "Đúng hạn"
    assert forms.on_time_label(datetime(2026, 11, 27, 8, tzinfo=TZ), due, labels) == "Quá hạn"
    assert forms.on_time_label(due, None, labels) == ""
    steps = [
        {"unit": "Công chức Tư pháp - Hộ tịch", "giver": "Lò Văn Dũng", "receiver": "Vàng Thị Mỷ",
         "at": datetime(2026, 11, 23, 9, 40, tzinfo=TZ), "result": "Trước hạn", "note": ""},
        {"unit": "Sở Tư pháp tỉnh Lai Châu", "giver": "Vàng Thị Mỷ", "receiver": "Phòng Hộ tịch",
         "at": datetime(2026, 11, 24, 8, 5, tzinfo=TZ), "result": "Trước hạn",
         "note": "Liên thông"},
        {"unit": "Bộ phận tiếp nhận và trả kết quả", "giver": "Phòng Hộ tịch",
         "receiver": "Lò Văn Dũng", "at": datetime(2026, 11, 27, 10, 0, tzinfo=TZ),
         "result": "Quá hạn", "note": ""},
    ]
    d = b.dossier(due_at=due)
    text = pdftools.flat(render("06", d, extra={"steps": steps, "agency": "UBND xã Tân Phong",
                                                "partner": "Sở Tư pháp tỉnh Lai Châu"}))
    for needle in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Số: {b.CODE}/PKS",
                   "Cơ quan (bộ phận) giải quyết hồ sơ: UBND xã Tân Phong",
                   "Cơ quan phối hợp giải quyết hồ sơ: Sở Tư pháp tỉnh Lai Châu",
                   "Ngày nhận hồ sơ: 09 giờ 05 phút, ngày 23 tháng 11 năm 2026",
                   "Hẹn trả kết quả: 17 giờ 00 phút, ngày 26 tháng 11 năm 2026",
                   "1. Giao: Lò Văn Dũng", "2. Nhận: Vàng Thị Mỷ", "09 giờ 40 phút", "23/11/2026", "08 giờ 05 phút",
                   "Liên thông", "Quá hạn", "Trước hạn"):
        assert needle in text, needle
    empty = pdftools.flat(render("06", d, extra={"steps": []}))
    assert "(Hồ sơ chưa được chuyển giao)" in empty


def test_form_07_logbook_for_a_period() -> None:
    rows = [LogbookRow(code=f"000.23.32.H48-2611{i:02d}-10{i:02d}", procedure_name="Đăng ký khai sinh",
                       applicant_name=f"Nguyễn Thị Ngọc Ánh {i}", address="Bản Nà Pẩu",
                       phone="0912345678", agency="UBND xã Tân Phong",
                       received_at=datetime(2026, 11, i, 9, 0, tzinfo=TZ),
                       due_at=datetime(2026, 11, i, 17, 0, tzinfo=TZ),
                       returned_at=datetime(2026, 11, i, 16, 0, tzinfo=TZ) if i % 2 else None,
                       delivery="desk" if i % 2 else "", signed_by="Nguyễn Thị Ngọc Ánh" if i % 2 else "",
                       note="" if i % 2 else "Đang xử lý")
            for i in range(2, 30)]
    pdf = render_logbook(rows, b.UNIT, date(2026, 11, 1), date(2026, 11, 30))
    pages = pdftools.page_texts(pdf)
    assert len(pages) >= 2                                  # 28 rows: the table continues
    text = pdftools.flat(pdf)
    for needle in ("Mẫu số 07", "SỔ THEO DÕI HỒ SƠ", "Từ ngày 01/11/2026 đến ngày 30/11/2026",
                   "Tên thủ tục hành chính", "Cơ quan chủ trì giải quyết", "Nhận và trả kết quả",
                   "Hẹn trả kết quả", "Phương thức nhận kết quả", "Ký nhận", "Tổng số: 28 hồ sơ",
                   "Nguyễn Thị Ngọc Ánh 29", "Tại Bộ phận", "Đang xử lý", "NGƯỜI LẬP SỔ"):
        assert needle in text, needle
    assert "Tên thủ tục hành chính" in pages[1]               # header repeated on page 2
    assert render_logbook(rows, b.UNIT, date(2026, 11, 1), date(2026, 11, 30)) == pdf
    empty = pdftools.flat(render_logbook([], b.UNIT, date(2026, 11, 1), date(2026, 11, 30)))
    assert "(Không có hồ sơ trong kỳ)" in empty and "Tổng số: 0 hồ sơ" in empty


def test_07_is_not_a_dossier_form_and_templates_validate() -> None:
    with pytest.raises(ValidationError) as ei:
        render("07")
    assert ei.value.code == "form_kind_unknown" and "theo kỳ" in ei.value.vi
    for kind in templates.KINDS:
        tpl = templates.load(kind)
        assert tpl["form"]["form_number"] == kind


def test_a_bad_placeholder_in_a_new_form_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mau04.toml").write_text('apology = "Xin lỗi {ngay_moi}"\n', encoding="utf-8")
    with pytest.raises(ValidationError) as ei:
        render("04", template_dir=tmp_path)
    assert ei.value.code == "form_template_invalid" and "ngay_moi" in ei.value.vi


def test_forms_are_byte_stable() -> None:
    extra = {"stopped_at": datetime(2026, 11, 24, 14, 30, tzinfo=TZ), "reason": "Lý do"}
    d = replace(b.dossier(), status=DossierStatus.STOPPED)
    assert render("05", d, extra=extra) == render("05", d, extra=extra)
