"""Province overrides of the form wording, and clear errors for broken template files."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.printing import forms, templates
from tests.printing import builders as b
from tests.printing import pdftools


def render(kind: str = "01", template_dir: Path | None = None, d=None) -> bytes:
    return forms.render(kind, d or b.dossier(), b.UNIT, b.PROCEDURE, clerk_name="Lò Văn Dũng",
                        template_dir=template_dir)


def test_builtin_templates_load_for_every_kind() -> None:
    for kind in templates.KINDS:
        tpl = templates.load(kind)
        assert tpl["common"]["header"]["nation_line"] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        assert tpl["form"]["title"]


def test_province_header_override_changes_output_and_keeps_other_keys(tmp_path: Path) -> None:
    (tmp_path / "common.toml").write_text(
        '[header]\nsub_unit_line = "BỘ PHẬN MỘT CỬA"\nplace = "Phong Thổ"\n', encoding="utf-8")
    (tmp_path / "mau01.toml").write_text('copy_note = "(Liên 2: Giao người nộp hồ sơ)"\n', encoding="utf-8")
    text = pdftools.flat(render("01", tmp_path))
    assert "BỘ PHẬN MỘT CỬA" in text
    assert "Phong Thổ, ngày 23 tháng 11 năm 2026" in text
    assert "(Liên 2: Giao người nộp hồ sơ)" in text
    # keys not overridden come from the shipped file
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tân Phong, ngày" not in text
    assert render("01", tmp_path) != render("01")


def test_override_of_a_list_replaces_it(tmp_path: Path) -> None:
    (tmp_path / "mau01.toml").write_text('notes = ["Hồ sơ nộp tại quầy số {code}."]\n', encoding="utf-8")
    text = pdftools.flat(render("01", tmp_path))
    assert f"Hồ sơ nộp tại quầy số {b.CODE}." in text
    assert "lập thành 2 liên" not in text


def test_override_for_another_form_does_not_leak(tmp_path: Path) -> None:
    (tmp_path / "mau03.toml").write_text('title = "PHIẾU TỪ CHỐI (TỈNH)"\n', encoding="utf-8")
    assert "PHIẾU TỪ CHỐI (TỈNH)" in pdftools.flat(render("03", tmp_path, b.refusal()))
    assert "PHIẾU TỪ CHỐI (TỈNH)" not in pdftools.flat(render("01", tmp_path))


def test_page_settings_are_overridable(tmp_path: Path) -> None:
    (tmp_path / "common.toml").write_text("[page]\nmargin_left_mm = 35\n", encoding="utf-8")
    _, words = pdftools.words(render("01", tmp_path))
    assert min(w.x_min for w in words) >= 35 * 72 / 25.4 - 0.5


@pytest.mark.parametrize(("name", "content", "key_hint"), [
    ("common.toml", "[header\nparent_line = 'x'\n", "cú pháp"),
    ("mau01.toml", 'title = "GIẤY {ten_khong_co}"\n', "ten_khong_co"),
    ("mau01.toml", 'title = "x {code.__class__}"\n', "code.__class__"),
    ("mau01.toml", 'title = "x {code!r}"\n', "title"),
    ("mau01.toml", 'title = "x {"\n', "title"),
    ("mau01.toml", "title = 12\n", "title"),
    ("mau01.toml", 'notes = "not a list"\n', "notes"),
    ("common.toml", '[page]\nfont_size = "to"\n', "page.font_size"),
    ("common.toml", "[page]\nfont_size = 200\n", "page.font_size"),
    ("common.toml", 'header = "flat"\n', "header"),
    ("mau02.toml", b"title = \"\xff\xfe\"\n", "UTF-8"),
])
def test_broken_override_is_a_clear_validation_error(tmp_path: Path, name: str, content, key_hint: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    kind = name[3:5] if name.startswith("mau") else "01"
    with pytest.raises(ValidationError) as err:
        render(kind, tmp_path, b.supplement() if kind == "02" else None)
    e = err.value
    assert e.code == "form_template_invalid"
    assert str(path) in e.vi and str(path) in e.en, e.vi
    assert key_hint in e.vi or key_hint in e.en, (e.vi, e.en)
    assert e.vi.startswith("Mẫu in không hợp lệ") and e.en.startswith("Invalid form template")


def test_missing_required_key_in_shipped_files_is_reported(tmp_path: Path) -> None:
    shutil.copytree(templates.BUILTIN_DIR, tmp_path / "forms")
    path = tmp_path / "forms" / "mau03.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('closing = ', 'closing_typo = '), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        templates.load("03", builtin_dir=tmp_path / "forms")
    assert err.value.details["key"] == "closing"
    assert "thiếu mục bắt buộc" in err.value.vi


def test_unreadable_template_is_reported(tmp_path: Path) -> None:
    (tmp_path / "common.toml").mkdir()     # a folder where a file is expected
    with pytest.raises(ValidationError) as err:
        templates.load("01", builtin_dir=tmp_path)
    assert err.value.code == "form_template_unreadable"


def test_literal_braces_are_allowed(tmp_path: Path) -> None:
    (tmp_path / "mau01.toml").write_text('copy_note = "{{Liên 1}}"\n', encoding="utf-8")
    assert "{Liên 1}" in pdftools.flat(render("01", tmp_path))


def test_merge_is_deep() -> None:
    assert templates.merge({"a": {"x": 1, "y": 2}, "l": [1]}, {"a": {"y": 3}, "l": [2]}) == \
        {"a": {"x": 1, "y": 3}, "l": [2]}
