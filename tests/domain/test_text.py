"""text.py: NFC, legacy TCVN3/VNI repair and rejection, folding, Vietnamese collation."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from desk_app.domain.errors import ValidationError
from desk_app.domain.text import (
    detect_legacy, fold, nfc, repair_legacy, search_tokens, vi_sort_key, vi_text_key,
)
from tests.domain.fuzz import fuzz
from tests.domain.vi_samples import WORDS, to_tcvn3, to_vni

# --- NFC --------------------------------------------------------------------------------------


def test_nfd_input_is_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Đào")
    assert nfd != "Nguyễn Thị Hồng Đào"
    assert nfc(nfd) == "Nguyễn Thị Hồng Đào"
    assert unicodedata.is_normalized("NFC", nfc(nfd))


def test_ascii_and_unicode_vietnamese_pass_unchanged() -> None:
    for s in ("Nguyen Van A", "Hà Nội", "Lê Tú", "Tô Hà", "Lò Văn Pá", "", "0912 345 678"):
        assert nfc(s) == s


@pytest.mark.parametrize("name", ["Müller", "Raúl Muñoz", "Zoë", "Chloé", "José", "Björn",
                                  "«Hà»", "Microsoft®", "Gaël"])
def test_foreign_names_and_punctuation_are_not_mistaken_for_legacy_text(name: str) -> None:
    assert detect_legacy(name) is None
    assert nfc(name) == name


def test_non_string_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as err:
        nfc(123)  # type: ignore[arg-type]
    assert err.value.code == "text_not_string"


# --- legacy encodings -----------------------------------------------------------------------------

TCVN3_CASES = [
    ("Hµ Néi", "Hà Nội"),
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("NguyÔn V¨n An", "Nguyễn Văn An"),
    ("§Æng ThÞ Thu H­¬ng", "Đặng Thị Thu Hương"),
    ("NguyÔn", "Nguyễn"),
    ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
]
VNI_CASES = [
    ("Vieät Nam", "Việt Nam"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),
    ("Ñaëng Thò Thu Höông", "Đặng Thị Thu Hương"),
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
]


@pytest.mark.parametrize("legacy,unicode_text", TCVN3_CASES)
def test_tcvn3_mojibake_is_repaired(legacy: str, unicode_text: str) -> None:
    assert detect_legacy(legacy) == "tcvn3"
    assert nfc(legacy) == unicode_text


@pytest.mark.parametrize("legacy,unicode_text", VNI_CASES)
def test_vni_mojibake_is_repaired(legacy: str, unicode_text: str) -> None:
    assert detect_legacy(legacy) == "vni"
    assert nfc(legacy) == unicode_text


def test_the_test_encoders_agree_with_the_hand_written_samples() -> None:
    for legacy, text in TCVN3_CASES[:6]:
        assert to_tcvn3(text) == legacy
    for legacy, text in VNI_CASES:
        assert to_vni(text) == legacy


@pytest.mark.parametrize("garbage", ["Hµ Qzkµ", "Vieät Nam Raúl", "HµNéI"])
def test_unreadable_legacy_text_is_rejected_with_a_clear_message(garbage: str) -> None:
    with pytest.raises(ValidationError) as err:
        nfc(garbage)
    e = err.value
    assert e.code == "text_legacy_encoding"
    assert "bảng mã cũ" in e.vi and "Unikey" in e.vi
    assert "legacy encoding" in e.en
    assert e.details["text"] == garbage


def test_repair_legacy_leaves_unicode_alone() -> None:
    assert repair_legacy("Nguyễn Văn An") == "Nguyễn Văn An"


phrases = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
names = st.lists(st.sampled_from(WORDS), min_size=2, max_size=4).map(
    lambda ws: " ".join(w.capitalize() for w in ws))


def _check_round_trip(text: str, legacy: str) -> None:
    """Exact repair; or, when the bytes read as Vietnamese both in TCVN3 and in VNI (one short
    word: "tæ" is "tổ" in TCVN3 and "tỉ" in VNI), a refusal that says so; or, when the legacy
    bytes spell valid Vietnamese themselves, no change."""
    try:
        repaired = nfc(legacy)
    except ValidationError as e:
        assert e.code == "text_legacy_ambiguous", (text, legacy, e.en)
        assert detect_legacy(legacy) == "tcvn3/vni"
        return
    if repaired != text:
        assert repaired == legacy and detect_legacy(legacy) is None, (text, legacy, repaired)


def test_ambiguous_legacy_word_is_refused_not_guessed() -> None:
    with pytest.raises(ValidationError) as err:
        nfc("tæ")
    assert err.value.code == "text_legacy_ambiguous"
    assert "TCVN3" in err.value.vi and "VNI" in err.value.vi


@fuzz()
@given(st.one_of(phrases, names))
def test_tcvn3_round_trip(text: str) -> None:
    """Real Vietnamese typed in TCVN3 comes back exactly, or is left alone only when the
    legacy bytes happen to spell valid Vietnamese too ("hỏi" in TCVN3 is "hái")."""
    legacy = to_tcvn3(text)
    assume(legacy is not None and legacy != text)
    _check_round_trip(text, legacy)


@fuzz()
@given(st.one_of(phrases, names))
def test_vni_round_trip(text: str) -> None:
    legacy = to_vni(text)
    assume(legacy != text)
    _check_round_trip(text, legacy)


@fuzz()
@given(st.one_of(phrases, names))
def test_real_vietnamese_is_never_touched(text: str) -> None:
    assert nfc(text) == text
    assert nfc(unicodedata.normalize("NFD", text)) == text


@fuzz(2)
@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=0xFF))))
def test_nfc_never_fails_except_with_a_validation_error(text: str) -> None:
    try:
        out = nfc(text)
    except ValidationError as e:
        assert e.vi.strip() and e.en.strip() and e.code
    else:
        assert unicodedata.is_normalized("NFC", out)
        assert nfc(out) == out  # idempotent


# --- folding -----------------------------------------------------------------------------------


def test_fold_maps_d_stroke_to_d() -> None:
    assert fold("Đỗ Đức Dũng") == "do duc dung"
    assert fold("Đặng") == "dang"
    assert fold("  NGUYỄN   Thị\tHồng ") == "nguyen thi hong"
    assert fold(unicodedata.normalize("NFD", "Đoàn Ánh")) == "doan anh"


def test_search_tokens_split_on_punctuation() -> None:
    assert search_tokens("Đỗ  Đức-Dũng") == ["do", "duc", "dung"]
    assert search_tokens("000.23.32.H48-250625") == ["000", "23", "32", "h48", "250625"]
    assert search_tokens("  ,; ") == []


@fuzz()
@given(st.text())
def test_fold_is_idempotent_and_accent_free(text: str) -> None:
    f = fold(text)
    assert fold(f) == f
    assert not any(unicodedata.combining(c) for c in f)
    assert "đ" not in f and "Đ" not in f


@fuzz()
@given(st.one_of(phrases, names))
def test_fold_of_vietnamese_is_plain_ascii(text: str) -> None:
    assert fold(text).isascii()
    assert fold(text) == fold(unicodedata.normalize("NFD", text))


# --- collation ---------------------------------------------------------------------------------

ALPHABET = "a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y".split()


def test_letters_sort_in_vietnamese_alphabet_order() -> None:
    shuffled = sorted(ALPHABET, key=lambda c: ord(c))  # code-point order differs
    assert shuffled != ALPHABET
    assert sorted(shuffled, key=vi_sort_key) == ALPHABET


def test_tones_sort_none_grave_hook_tilde_acute_dot() -> None:
    tones = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert sorted(reversed(tones), key=vi_sort_key) == tones


def test_people_are_listed_by_given_name_first() -> None:
    people = ["Nguyễn Văn Đức", "Trần Thị Dung", "Lê Văn An", "Phạm Ăn", "Đỗ Âu",
              "Bùi Thị Ánh", "Hoàng Anh", "Vũ Thị Ánh"]
    assert sorted(people, key=vi_sort_key) == [
        "Lê Văn An", "Hoàng Anh", "Bùi Thị Ánh", "Vũ Thị Ánh", "Phạm Ăn", "Đỗ Âu",
        "Trần Thị Dung", "Nguyễn Văn Đức",
    ]


def test_same_given_name_then_family_name() -> None:
    assert sorted(["Trần An", "Đặng An", "Bùi An", "Dương An"], key=vi_sort_key) == [
        "Bùi An", "Dương An", "Đặng An", "Trần An"]


def test_text_key_sorts_procedure_names_word_by_word() -> None:
    names = ["Đăng ký khai tử", "Chứng thực di chúc", "Đăng ký kết hôn", "Cấp bản sao"]
    assert sorted(names, key=vi_text_key) == [
        "Cấp bản sao", "Chứng thực di chúc", "Đăng ký kết hôn", "Đăng ký khai tử"]


@fuzz()
@given(st.lists(st.text(), max_size=8))
def test_sort_keys_are_total_on_any_text(items: list[str]) -> None:
    ordered = sorted(items, key=vi_sort_key)
    assert sorted(ordered, key=vi_sort_key) == ordered
    assert sorted(items, key=vi_text_key) is not None
