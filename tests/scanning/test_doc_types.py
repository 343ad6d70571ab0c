"""The document-type table (doc_types.json) classifying component names: real catalog names, and
properties over any text (Hypothesis)."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from desk_app.services.scanning import doc_types

T = doc_types.table()
KEYS = {t.key for t in T.types} | {""}
ROOT = Path(__file__).resolve().parents[2]


def test_shipped_catalog_names():
    cases = {
        "Giấy tờ tùy thân của người yêu cầu (hộ chiếu, thẻ Căn cước; không cần xuất trình nếu đã xác"
        " thực trên VNeID)": "id_card",
        "Bản sao giấy tờ tùy thân của người lập di chúc": "id_card",
        "Bản sao Giấy khai sinh cũ hoặc giấy tờ, hồ sơ cá nhân có thông tin khai sinh": "birth_certificate",
        "Giấy chứng sinh do cơ sở y tế cấp": "birth_notice",
        "Bản sao Giấy chứng nhận kết hôn đã cấp trước đây (nếu có)": "marriage_certificate",
        "Bản sao Giấy chứng tử hoặc Trích lục khai tử": "death_certificate",
        "Hộ chiếu hoặc giấy tờ thay hộ chiếu của người nước ngoài": "passport",
        "Một trong các giấy tờ về quyền sử dụng đất (nếu có)": "land_certificate",
        # forms filled for one dossier are never offered again
        "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân theo mẫu (Thông tư 04/2024/TT-BTP)": "",
        "Đơn đề nghị xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật": "",
        "Dự thảo di chúc": "",
        "Giấy khai sinh (bản chính)": "birth_certificate",       # a result type
    }
    for name, key in cases.items():
        assert T.classify(name) == key, name


def test_every_shipped_component_gets_a_known_key():
    cat = json.loads((ROOT / "resources/catalog/demo_catalog.json").read_text(encoding="utf-8"))
    keys = {T.classify(c["name"]) for p in cat["procedures"] for c in p["components"]}
    assert keys <= KEYS and "id_card" in keys and len(keys) >= 8


def test_an_administrators_table_replaces_ours(tmp_path):
    (tmp_path / "doc_types.json").write_text(json.dumps({
        "never": [], "types": [{"key": "so_do", "vi": "Sổ đỏ", "en": "Red book",
                                "phrases": ["sổ đỏ"]}]}, ensure_ascii=False), encoding="utf-8")
    assert doc_types.classify("Bản sao sổ đỏ", tmp_path) == "so_do"
    assert doc_types.classify("Bản sao Giấy khai sinh", tmp_path) == ""


@given(st.text(max_size=200))
def test_any_text_classifies_to_a_known_key(name):
    assert T.classify(name) in KEYS


@given(st.sampled_from([p for t in T.types for p in t.phrases]), st.text(max_size=30),
       st.text(max_size=30))
def test_case_diacritics_and_normal_form_do_not_matter(phrase, before, after):
    original = next(t for t in T.types if phrase in t.phrases)
    name = f"{before} {original.vi} {after}"
    got = T.classify(name)
    assert got == T.classify(name.upper()) == T.classify(unicodedata.normalize("NFD", name))
    assert T.classify(f"Tờ khai {name}") == ""          # a form is never reusable
