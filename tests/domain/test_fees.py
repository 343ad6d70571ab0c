"""fees.py: fee computation with the arithmetic spelled out."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_app.domain.errors import ValidationError
from desk_app.domain.fees import EXEMPTIONS, compute, compute_detail, fee_rule_from_dict, vnd
from desk_app.domain.models import FeeRule
from tests.domain.fuzz import fuzz

COPY = FeeRule("per_page_capped", 0, "Thông tư 226/2016/TT-BTC",
               {"first_pages": 2, "first_rate": 2000, "next_rate": 1000, "cap_per_copy": 200000})


@pytest.mark.parametrize("pages,copies,amount", [
    (1, 1, 2000), (2, 1, 4000), (3, 1, 5000), (10, 1, 12000), (10, 3, 36000),
    (198, 1, 200000), (199, 1, 200000), (500, 1, 200000), (500, 2, 400000),
])
def test_certified_copy_fee(pages: int, copies: int, amount: int) -> None:
    got, note = compute(COPY, pages, copies)
    assert got == amount
    assert vnd(amount) in note and "Thông tư 226/2016/TT-BTC" in note


def test_certified_copy_explanation_shows_the_arithmetic_and_the_cap() -> None:
    _, note = compute(COPY, 250, 2)
    assert note.startswith("2 trang × 2.000 đ + 248 trang × 1.000 đ = 252.000 đ")
    assert "tối đa 200.000 đ/bản" in note and "= 400.000 đ" in note
    r = compute_detail(COPY, 3, 1)
    assert "page" in r.en and "5.000 đ" in r.en


def test_default_page_parameters_apply_when_missing() -> None:
    assert compute(FeeRule("per_page_capped"), 5, 1)[0] == 7000


def test_pages_are_required_for_certified_copies() -> None:
    with pytest.raises(ValidationError) as err:
        compute(COPY, 0, 1)
    assert err.value.code == "fee_pages_required" and "số trang" in err.value.vi


@pytest.mark.parametrize("rule,copies,amount,says", [
    (FeeRule("free", note="Không thu"), 1, 0, "Không thu lệ phí"),
    (FeeRule("fixed", 30000), 3, 30000, "30.000 đ"),
    (FeeRule("per_copy", 8000), 3, 24000, "3 bản × 8.000 đ = 24.000 đ"),
    (FeeRule("per_case", 10000), 2, 20000, "2 việc × 10.000 đ = 20.000 đ"),
    (FeeRule("provincial", 5000, "HĐND"), 4, 5000, "5.000 đ"),
    (FeeRule("provincial", 5000, "HĐND", {"per_copy": True}), 4, 20000, "4 bản"),
])
def test_other_kinds(rule: FeeRule, copies: int, amount: int, says: str) -> None:
    got, note = compute(rule, 0, copies)
    assert got == amount and says in note


def test_late_registration_fee() -> None:
    rule = FeeRule("free", 0, "Luật Hộ tịch", {"late_amount": 8000})
    assert compute(rule)[0] == 0
    amount, note = compute(rule, late=True)
    assert amount == 8000 and "quá hạn" in note


def test_exemptions_are_data_with_a_legal_basis() -> None:
    rule = FeeRule("provincial", 10000, "HĐND", {"exemptions": ["ho_ngheo", "nguoi_co_cong"]})
    amount, note = compute(rule, exemption="ho_ngheo")
    assert amount == 0 and "hộ nghèo" in note and "Luật Hộ tịch 2014" in note
    assert all(len(v) == 3 and all(v) for v in EXEMPTIONS.values())
    with pytest.raises(ValidationError) as err:
        compute(rule, exemption="nguoi_khuyet_tat")
    assert err.value.code == "fee_exemption_not_applicable"
    with pytest.raises(ValidationError) as err:
        compute(rule, exemption="vip")
    assert err.value.code == "fee_unknown_exemption"


@pytest.mark.parametrize("rule,pages,copies,code", [
    (FeeRule("bribe", 1), 0, 1, "fee_bad_kind"),
    (COPY, -1, 1, "fee_bad_pages"),
    (COPY, 2, -1, "fee_bad_copies"),
    (COPY, 2, 0, "fee_bad_copies"),
    (FeeRule("per_copy", 8000), 0, 0, "fee_bad_copies"),
    (FeeRule("per_page_capped", 0, "", {"first_rate": "2000"}), 3, 1, "fee_bad_param"),
])
def test_bad_inputs(rule: FeeRule, pages: int, copies: int, code: str) -> None:
    with pytest.raises(ValidationError) as err:
        compute(rule, pages, copies)
    assert err.value.code == code and err.value.vi and err.value.en


def test_fee_rule_from_catalog_json() -> None:
    rule = fee_rule_from_dict({"kind": "per_copy", "amount": 8000, "note": "TT 281"})
    assert rule == FeeRule("per_copy", 8000, "TT 281", {})
    for bad in ({"kind": "x"}, {"amount": 1}, {"kind": "fixed", "amount": -5}, [], None):
        with pytest.raises(ValidationError):
            fee_rule_from_dict(bad)  # type: ignore[arg-type]


@fuzz()
@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=50))
def test_copy_fee_properties(pages: int, copies: int) -> None:
    amount, _ = compute(COPY, pages, copies)
    per_copy = amount // copies
    assert amount % copies == 0 and 2000 <= per_copy <= 200000
    assert compute(COPY, pages + 1, copies)[0] >= amount
    assert per_copy == min(200000, 2000 * min(pages, 2) + 1000 * max(pages - 2, 0))
