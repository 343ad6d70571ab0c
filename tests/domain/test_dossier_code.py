"""dossier_code.py: the code rule and the per-desk serial blocks."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain import dossier_code as dc
from desk_app.domain.errors import ValidationError
from tests.domain.fuzz import fuzz

UNIT = "000.23.32.H48"


def test_format_and_parse_the_documented_example() -> None:
    code = dc.format_code(UNIT, date(2025, 6, 25), 1001)
    assert code == "000.23.32.H48-250625-1001"
    assert dc.parse_code(code) == (UNIT, date(2025, 6, 25), 1001)
    assert dc.parse_code("  " + code + "\n") == (UNIT, date(2025, 6, 25), 1001)


def test_width_is_configurable() -> None:
    assert dc.format_code(UNIT, date(2026, 1, 5), 7, width=5) == "000.23.32.H48-260105-00007"
    assert dc.parse_code("000.23.32.H48-260105-00007")[2] == 7
    assert dc.serial_block(3, width=5) == range(30001, 40000)


@pytest.mark.parametrize("code,ok", [
    ("000.00.00.H30", True), ("000.23.32.H48", True), ("123.45.67.G01", True),
    ("000.23.32.h48", False), ("000.23.32.H4", False), ("00.23.32.H48", False),
    ("000.23.32", False), ("000-23-32-H48", False), ("", False), (None, False),
])
def test_unit_code_shape(code, ok: bool) -> None:
    assert dc.is_valid_unit_code(code) is ok


def test_desk_blocks_never_overlap_and_keep_four_digits() -> None:
    blocks = [dc.serial_block(n) for n in range(1, 10)]
    assert blocks[0] == range(1001, 2000) and blocks[8] == range(9001, 10000)
    seen: set[int] = set()
    for b in blocks:
        assert len(b) == 999 and not seen & set(b)
        seen |= set(b)
        assert all(len(str(s)) == 4 for s in (b.start, b.stop - 1))
    assert all(dc.desk_of_serial(s) == n for n in range(1, 10) for s in dc.serial_block(n))
    assert dc.desk_of_serial(2000) == 0 and dc.desk_of_serial(7) == 0


def test_next_serial_walks_the_block_and_stops_at_the_end() -> None:
    assert dc.next_serial(None, 2) == 2001
    assert dc.next_serial(2001, 2) == 2002
    assert dc.next_serial(2998, 2) == 2999
    with pytest.raises(ValidationError) as err:
        dc.next_serial(2999, 2)
    assert err.value.code == "code_block_exhausted"
    assert "999" in err.value.vi and "bàn 2" in err.value.vi.lower()


def test_a_serial_from_another_desk_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        dc.next_serial(1500, 2)
    assert err.value.code == "code_serial_foreign"


@pytest.mark.parametrize("desk", [0, 10, -1, True, "1", 1.0])
def test_desk_number_range(desk) -> None:
    with pytest.raises(ValidationError) as err:
        dc.serial_block(desk)
    assert err.value.code == "code_desk"


@pytest.mark.parametrize("kwargs,code", [
    (dict(unit_code="000.23.32", received=date(2025, 6, 25), serial=1), "code_unit"),
    (dict(unit_code=UNIT, received=date(2025, 6, 25), serial=0), "code_serial"),
    (dict(unit_code=UNIT, received=date(2025, 6, 25), serial=10000), "code_serial"),
    (dict(unit_code=UNIT, received=date(1999, 12, 31), serial=1), "code_date"),
    (dict(unit_code=UNIT, received=date(2025, 6, 25), serial=1, width=2), "code_width"),
    (dict(unit_code=UNIT, received=date(2025, 6, 25), serial=1, width=9), "code_width"),
])
def test_format_rejects_bad_parts(kwargs, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        dc.format_code(**kwargs)
    assert err.value.code == code


@pytest.mark.parametrize("text,code", [
    ("", "code_malformed"), ("abc", "code_malformed"), ("000.23.32.H48-250625", "code_malformed"),
    ("000.23.32.H48-2506-1001", "code_malformed"), ("H48-250625-1001", "code_malformed"),
    ("000.23.32.H48-250625-10", "code_malformed"), ("000.23.32.H48 250625 1001", "code_malformed"),
    ("000.23.32.H48-251325-1001", "code_date"), ("000.23.32.H48-250230-1001", "code_date"),
    ("000.23.32.H48-250625-0000", "code_serial"),
])
def test_parse_rejects_malformed_codes(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        dc.parse_code(text)
    assert err.value.code == code and err.value.vi and err.value.en


def test_looks_like_code() -> None:
    assert dc.looks_like_code("000.23") and dc.looks_like_code(" 000.23.32.H48-2506")
    assert not dc.looks_like_code("Nguyễn") and not dc.looks_like_code("0912345678")


units = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True)


@fuzz()
@given(units, st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=3, max_value=8), st.data())
def test_format_parse_round_trip(unit: str, day: date, width: int, data) -> None:
    serial = data.draw(st.integers(min_value=1, max_value=10 ** width - 1))
    code = dc.format_code(unit, day, serial, width)
    assert dc.parse_code(code) == (unit, day, serial)
    assert len(code.rsplit("-", 1)[1]) == width


@fuzz()
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=3, max_value=8))
def test_every_serial_of_a_block_is_handed_out_once(desk: int, width: int) -> None:
    block = dc.serial_block(desk, width)
    first = dc.next_serial(None, desk, width)
    assert first == block.start and str(first).startswith(str(desk))
    assert dc.next_serial(block.stop - 2, desk, width) == block.stop - 1


@fuzz(2)
@given(st.one_of(st.text(), st.from_regex(r"[0-9.A-Z]{5,14}-[0-9]{4,7}-[0-9]{2,9}", fullmatch=True)))
def test_parse_never_fails_except_with_a_validation_error(text: str) -> None:
    try:
        unit, day, serial = dc.parse_code(text)
    except ValidationError as e:
        assert e.vi.strip() and e.en.strip() and e.code.startswith("code_")
    else:
        assert dc.is_valid_unit_code(unit) and serial > 0 and 2000 <= day.year <= 2099
