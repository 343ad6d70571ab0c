"""cccd.py: personal ID numbers and the chip-card QR."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain.cccd import (
    PROVINCES, CccdQr, birth_year_and_sex, parse_qr, province_full_name, province_of,
    validate_id_number,
)
from desk_app.domain.errors import ValidationError
from desk_app.domain.text import fold
from tests.domain.fuzz import fuzz
from tests.domain.vi_samples import WORDS

TODAY = date(2026, 11, 23)
GOOD = "001089012345"  # Hà Nội, male, born 1989
QR = ("001089012345|123456789|Nguyễn Văn An|01021989|Nam|"
      "Số 1 Hàng Bài, Hoàn Kiếm, Hà Nội|15082021")


def _code(fn, *args, **kw) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        fn(*args, **kw)
    e = err.value
    assert e.vi.strip() and e.en.strip()
    return e


# --- province list -------------------------------------------------------------------------------

def test_the_pre_2025_province_list_is_complete() -> None:
    assert len(PROVINCES) == 63
    assert PROVINCES["001"] == "Hà Nội" and PROVINCES["096"] == "Cà Mau"
    assert PROVINCES["079"] == "Hồ Chí Minh" and PROVINCES["048"] == "Đà Nẵng"
    assert PROVINCES["012"] == "Lai Châu" and PROVINCES["046"] == "Thừa Thiên Huế"
    assert min(PROVINCES) == "001" and max(PROVINCES) == "096"
    for unused in ("003", "005", "007", "009", "013", "016", "018", "021", "023", "028",
                   "029", "032", "039", "041", "043", "047", "050", "053", "055", "057",
                   "059", "061", "063", "065", "069", "071", "073", "076", "078", "081",
                   "085", "088", "090"):
        assert unused not in PROVINCES
    assert all(unicodedata.is_normalized("NFC", n) for n in PROVINCES.values())


def test_province_names() -> None:
    assert province_of("079 300 123456") == "Hồ Chí Minh"
    assert province_full_name("001") == "Thành phố Hà Nội"
    assert province_full_name("012") == "Tỉnh Lai Châu"
    assert _code(province_of, "097300123456").code == "id_province"


# --- the number ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", [GOOD, " 001 089 012 345 ", "001.089.012.345", "001-089-012345",
                                 "００１０８９０１２３４５"])
def test_valid_numbers_are_normalised(raw: str) -> None:
    assert validate_id_number(raw, today=TODAY) == GOOD


@pytest.mark.parametrize("digit,year,sex", [
    ("0", 1989, "Nam"), ("1", 1989, "Nữ"), ("2", 2005, "Nam"), ("3", 2005, "Nữ"),
    ("8", 1889, "Nam"), ("9", 1889, "Nữ"),
])
def test_century_and_sex_digit(digit: str, year: int, sex: str) -> None:
    number = f"038{digit}{year % 100:02d}654321"
    assert validate_id_number(number, birth_date=date(year, 5, 17), sex=sex, today=TODAY) == number
    assert birth_year_and_sex(number) == (year, sex)


@pytest.mark.parametrize("raw,code", [
    ("", "id_empty"), ("   ", "id_empty"), (None, "id_empty"),
    ("00108901234A", "id_not_digits"), ("CCCD 001089012345", "id_not_digits"),
    ("123456789", "id_old_cmnd"), ("1234 567 89", "id_old_cmnd"),
    ("00108901234", "id_length"), ("0010890123456", "id_length"),
    ("003089012345", "id_province"), ("000089012345", "id_province"),
    ("097089012345", "id_province"),
    ("001489012345", "id_birth_future"),
])
def test_bad_numbers_say_what_is_wrong(raw, code: str) -> None:
    assert _code(validate_id_number, raw, today=TODAY).code == code


def test_old_cmnd_message_asks_for_the_12_digit_number() -> None:
    e = _code(validate_id_number, "123456789")
    assert "CMND" in e.vi and "12 số" in e.vi


def test_century_digit_must_match_the_birth_date() -> None:
    e = _code(validate_id_number, "001289012345", birth_date=date(1989, 1, 1), today=TODAY)
    assert e.code == "id_century_mismatch"
    assert "2000–2099" in e.vi and "01/01/1989" in e.vi


def test_year_digits_must_match_the_birth_date() -> None:
    e = _code(validate_id_number, GOOD, birth_date=date(1990, 1, 1), today=TODAY)
    assert e.code == "id_year_mismatch" and "90" in e.vi


@pytest.mark.parametrize("sex", ["Nữ", "nu", "F", unicodedata.normalize("NFD", "Nữ")])
def test_sex_digit_must_match(sex: str) -> None:
    assert _code(validate_id_number, GOOD, sex=sex, today=TODAY).code == "id_sex_mismatch"


def test_unknown_sex_value() -> None:
    assert _code(validate_id_number, GOOD, sex="khác", today=TODAY).code == "id_sex_unknown"


@fuzz(2)
@given(st.one_of(st.text(max_size=30), st.text(alphabet="0123456789 .-", max_size=20)),
       st.one_of(st.none(), st.dates()), st.one_of(st.none(), st.sampled_from(["Nam", "Nữ", "x"])))
def test_validate_never_fails_except_with_a_validation_error(raw, birth, sex) -> None:
    try:
        out = validate_id_number(raw, birth_date=birth, sex=sex, today=TODAY)
    except ValidationError as e:
        assert e.vi.strip() and e.en.strip() and e.code.startswith("id_")
    else:
        assert len(out) == 12 and out.isdigit() and out[:3] in PROVINCES


# --- QR --------------------------------------------------------------------------------------------

def test_parse_a_chip_card_qr() -> None:
    q = parse_qr(QR, today=TODAY)
    assert q == CccdQr(
        id_number=GOOD, old_id_number="123456789", full_name="Nguyễn Văn An",
        birth_date=date(1989, 2, 1), sex="Nam",
        address="Số 1 Hàng Bài, Hoàn Kiếm, Hà Nội", issue_date=date(2021, 8, 15),
        extra=(), diacritics_lost=False)


def test_extra_fields_and_empty_old_id_are_kept() -> None:
    q = parse_qr("001189012345||Trần Thị Bình|01021989|Nữ|Hà Nội|15082021|Trần Văn C|Lê Thị D|",
                 today=TODAY)
    assert q.old_id_number == "" and q.sex == "Nữ"
    assert q.extra == ("Trần Văn C", "Lê Thị D", "")


def test_nfd_payload_is_normalised() -> None:
    q = parse_qr(unicodedata.normalize("NFD", QR), today=TODAY)
    assert q.full_name == "Nguyễn Văn An" and not q.diacritics_lost
    assert unicodedata.is_normalized("NFC", q.address)


def test_wedge_scanner_that_lost_diacritics_keeps_the_id_and_flags_it() -> None:
    wedge = "001189012345||Nguy?n Th? H?ng|01021989|N?|S? 1 H?ng B?i|15082021"
    q = parse_qr(wedge, today=TODAY)
    assert q.id_number == "001189012345" and q.sex == "Nữ"
    assert q.diacritics_lost is True
    ascii_only = parse_qr("001189012345||Nguyen Thi Hong|01021989|Nu|So 1 Hang Bai|15082021",
                          today=TODAY)
    assert ascii_only.diacritics_lost is True and ascii_only.sex == "Nữ"
    assert fold(ascii_only.full_name) == fold("Nguyễn Thị Hồng")


def test_utf8_read_as_latin1_is_repaired() -> None:
    garbled = QR.encode("utf-8").decode("cp1252", errors="replace")
    if "\ufffd" in garbled:  # cp1252 has holes; latin-1 has none
        garbled = QR.encode("utf-8").decode("latin-1")
    q = parse_qr(garbled, today=TODAY)
    assert q.full_name == "Nguyễn Văn An" and q.address.endswith("Hà Nội")


def test_bom_and_surrounding_whitespace_are_ignored() -> None:
    assert parse_qr("\ufeff" + QR + "\r\n", today=TODAY).id_number == GOOD


@pytest.mark.parametrize("payload,code,says", [
    ("", "qr_empty", "trống"),
    ("   \n", "qr_empty", "trống"),
    ("00020101021138570010A000000727012700069704220113VQRQ0001234560208QRIBFTTA53037045802VN"
     "62150811Thanh toan6304ABCD", "qr_bank", "ngân hàng"),
    ("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma=1", "qr_url", "đường dẫn"),
    ("www.example.vn", "qr_url", "đường dẫn"),
    ("123456789", "qr_old_cmnd", "CMND"),
    ("123456789|Nguyễn Văn An|01021989", "qr_old_cmnd", "CMND"),
    ("GPLX|790123456789|NGUYEN VAN AN|B2", "qr_driving_licence", "lái xe"),
    ("001089012345|", "qr_too_few_fields", "7"),
    ("001089012345|123456789|Nguyễn Văn An|01021989|Nam|Hà Nội", "qr_too_few_fields", "7"),
    ("hello world", "qr_too_few_fields", "7"),
    ("ABC|1|2|3|4|5|6", "qr_not_cccd", "12 số"),
    ("001089012345|12AB|Nguyễn Văn An|01021989|Nam|Hà Nội|15082021", "qr_old_id", "CMND"),
    ("001089012345||  |01021989|Nam|Hà Nội|15082021", "qr_no_name", "họ tên"),
    ("001089012345||Nguyễn Văn An|1989-02-01|Nam|Hà Nội|15082021", "qr_birth_date", "ddmmyyyy"),
    ("001089012345||Nguyễn Văn An|30021989|Nam|Hà Nội|15082021", "qr_birth_date", "có thật"),
    ("001089012345||Nguyễn Văn An|01021989|Nam|Hà Nội|32082021", "qr_issue_date", "có thật"),
    ("001089012345||Nguyễn Văn An|01021989|Nam|Hà Nội|01011980", "qr_issue_before_birth", "trước"),
    ("001089012345||Nguyễn Văn An|01021989|X|Hà Nội|15082021", "qr_sex", "Giới tính"),
    ("001289012345||Nguyễn Văn An|01021989|Nam|Hà Nội|15082021", "id_century_mismatch", "1989"),
    ("001089012345||Nguyễn Văn An|01021990|Nam|Hà Nội|15082021", "id_year_mismatch", "90"),
    ("001089012345||Nguyễn Thị An|01021989|Nữ|Hà Nội|15082021", "id_sex_mismatch", "Nữ"),
    ("003089012345||Nguyễn Văn An|01021989|Nam|Hà Nội|15082021", "id_province", "003"),
    ("001027012345||Nguyễn Văn An|01022027|Nam|Hà Nội|15082021", "qr_issue_before_birth", "trước"),
])
def test_other_cards_and_garbage_get_a_clear_message(payload: str, code: str, says: str) -> None:
    e = _code(parse_qr, payload, today=TODAY)
    assert e.code == code, e.en
    assert says in e.vi


def test_birth_in_the_future() -> None:
    e = _code(parse_qr, "001226012345||Bé An|01022026|Nam|Hà Nội|", today=date(2025, 1, 1))
    assert e.code in ("qr_birth_future", "id_birth_future")


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))


@st.composite
def payloads(draw):
    birth = draw(dates)
    sex = draw(st.sampled_from(["Nam", "Nữ"]))
    digit = {1900: 0, 2000: 2}[birth.year // 100 * 100] + (sex == "Nữ")
    number = draw(st.sampled_from(sorted(PROVINCES))) + f"{digit}{birth.year % 100:02d}" + \
        draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    name = " ".join(w.capitalize() for w in draw(st.lists(st.sampled_from(WORDS), min_size=2,
                                                                max_size=4)))
    address = ", ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)))
    issue = draw(st.dates(min_value=birth, max_value=date(2026, 11, 1)))
    old = draw(st.one_of(st.just(""), st.from_regex(r"[0-9]{9}", fullmatch=True)))
    text = f"{number}|{old}|{name}|{birth:%d%m%Y}|{sex}|{address}|{issue:%d%m%Y}"
    return text, number, old, name, birth, sex, address, issue


@fuzz()
@given(payloads())
def test_generated_payloads_parse_back(data) -> None:
    text, number, old, name, birth, sex, address, issue = data
    q = parse_qr(text, today=TODAY)
    assert (q.id_number, q.old_id_number, q.full_name, q.birth_date, q.sex, q.address,
            q.issue_date) == (number, old, name, birth, sex, address, issue)
    nfd = parse_qr(unicodedata.normalize("NFD", text), today=TODAY)
    assert nfd == q


@fuzz(2)
@given(st.one_of(st.text(), st.text(alphabet="0123456789|NamNữ ", max_size=80),
                 payloads().map(lambda d: d[0][: len(d[0]) // 2]),
                 payloads().map(lambda d: d[0].replace("|", "|x", 1))))
def test_parse_qr_never_fails_except_with_a_validation_error(text: str) -> None:
    try:
        q = parse_qr(text, today=TODAY)
    except ValidationError as e:
        assert e.vi.strip() and e.en.strip() and e.code
    else:
        assert len(q.id_number) == 12


def test_six_field_variant_without_the_old_id() -> None:
    q = parse_qr("001089012345|Nguyễn Văn An|01021989|Nam|Hà Nội|15082021", today=TODAY)
    assert q.id_number == GOOD and q.old_id_number == "" and q.full_name == "Nguyễn Văn An"
    assert q.issue_date == date(2021, 8, 15)


def test_dates_reformatted_with_slashes_are_accepted() -> None:
    q = parse_qr("001089012345||Nguyễn Văn An|01/02/1989|Nam|Hà Nội|15-08-2021", today=TODAY)
    assert q.birth_date == date(1989, 2, 1) and q.issue_date == date(2021, 8, 15)
