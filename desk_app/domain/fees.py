"""Fees and charges (phí, lệ phí) computed from a FeeRule held as catalog data.

Fees are computed, not only looked up: certified copies are charged by page with a cap per
copy (Thông tư 226/2016/TT-BTC: 2.000 đ/trang for pages 1–2, 1.000 đ/trang from page 3, at most
200.000 đ per copy — pages counted on the original), extracts per copy, certifications per case.
The explanation is printed on the fee receipt, so it is Vietnamese and shows the arithmetic.

FeeRule.kind:

* ``free`` — nothing to pay.
* ``fixed`` — ``amount`` per dossier.
* ``per_copy`` — ``amount`` × copies.
* ``per_case`` — ``amount`` × cases (``copies`` is the number of cases / signatures).
* ``per_page_capped`` — params ``first_pages`` (2), ``first_rate`` (2000), ``next_rate`` (1000),
  ``cap_per_copy`` (200000); per copy, times copies.
* ``provincial`` — an amount the provincial People's Council (HĐND) sets; ``amount`` is the
  province's figure (demo data marks it as an example), charged per dossier unless
  ``params.per_copy`` is true.

Optional params for every kind: ``late_amount`` (fee when registering late, e.g. a birth after
60 days; the on-time registration is free), ``exemptions`` (codes from :data:`EXEMPTIONS` that
apply to this procedure).
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ValidationError
from .models import FeeRule

KINDS = ("free", "fixed", "per_copy", "per_case", "per_page_capped", "provincial")

# Exemptions as data, each with its legal basis.
EXEMPTIONS: dict[str, tuple[str, str, str]] = {
    # code: (Vietnamese name, English name, legal basis)
    "nguoi_co_cong": ("Người thuộc gia đình có công với cách mạng",
                      "Member of a family of people with merit",
                      "Luật Hộ tịch 2014, điều 11 khoản 1 điểm a"),
    "ho_ngheo": ("Người thuộc hộ nghèo", "Member of a poor household",
                 "Luật Hộ tịch 2014, điều 11 khoản 1 điểm a"),
    "nguoi_khuyet_tat": ("Người khuyết tật", "Person with a disability",
                         "Luật Hộ tịch 2014, điều 11 khoản 1 điểm a"),
    "dung_han": ("Đăng ký khai sinh, khai tử đúng hạn; giám hộ; kết hôn trong nước",
                 "On-time birth/death registration; guardianship; domestic marriage",
                 "Luật Hộ tịch 2014, điều 11 khoản 1 điểm b"),
    "vay_von_nong_nghiep": ("Thế chấp vay vốn phát triển nông nghiệp, nông thôn",
                            "Mortgage for an agricultural / rural development loan",
                            "Thông tư 226/2016/TT-BTC, điều 4; Nghị định 55/2015/NĐ-CP"),
    "nop_truc_tuyen": ("Nộp hồ sơ trực tuyến (theo nghị quyết HĐND tỉnh)",
                       "Filed online (per the provincial council's resolution)",
                       "Nghị quyết HĐND tỉnh (giá trị ví dụ)"),
}

_DEFAULT_PAGE_PARAMS = {"first_pages": 2, "first_rate": 2000, "next_rate": 1000,
                        "cap_per_copy": 200_000}
MAX_PAGES = 100_000
MAX_COPIES = 10_000


def vnd(amount: int) -> str:
    """200000 -> "200.000 đ" (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đ"


@dataclass(frozen=True)
class FeeResult:
    amount: int
    vi: str
    en: str


def _int_param(params: dict, key: str) -> int:
    value = params.get(key, _DEFAULT_PAGE_PARAMS.get(key))
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationError(
            "fee_bad_param", f"Tham số lệ phí «{key}» không hợp lệ: {value!r}.",
            f"Fee parameter {key!r} is invalid: {value!r}.", key=key)
    return value


def compute_detail(rule: FeeRule, pages: int = 0, copies: int = 1, *,
                   exemption: str | None = None, late: bool = False) -> FeeResult:
    """The fee with its explanation in Vietnamese and English."""
    if rule.kind not in KINDS:
        raise ValidationError(
            "fee_bad_kind", f"Loại lệ phí «{rule.kind}» không được hỗ trợ.",
            f"Unsupported fee kind {rule.kind!r}.", kind=rule.kind)
    for name, value, top in (("pages", pages, MAX_PAGES), ("copies", copies, MAX_COPIES)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
            vi_name = "Số trang" if name == "pages" else "Số bản"
            raise ValidationError(
                f"fee_bad_{name}", f"{vi_name} «{value}» không hợp lệ (0–{top}).",
                f"{name.capitalize()} {value!r} is invalid (0–{top}).", value=str(value))
    params = dict(rule.params or {})
    basis = f" ({rule.note})" if rule.note else ""
    if exemption:
        if exemption not in EXEMPTIONS:
            raise ValidationError(
                "fee_unknown_exemption", f"Đối tượng miễn lệ phí «{exemption}» không có trong "
                "danh mục.", f"Unknown fee exemption {exemption!r}.", exemption=exemption)
        allowed = params.get("exemptions", [])
        name_vi, name_en, law = EXEMPTIONS[exemption]
        if exemption not in allowed:
            raise ValidationError(
                "fee_exemption_not_applicable", f"Miễn lệ phí cho «{name_vi}» không áp dụng cho "
                "thủ tục này.", f"The exemption '{name_en}' does not apply to this procedure.",
                exemption=exemption)
        return FeeResult(0, f"Miễn lệ phí: {name_vi} ({law}).",
                         f"Exempt: {name_en} ({law}).")
    if late and "late_amount" in params:
        amount = _int_param(params, "late_amount")
        return FeeResult(amount, f"Đăng ký quá hạn: {vnd(amount)}{basis}.",
                         f"Late registration: {vnd(amount)}{basis}.")
    kind = rule.kind
    if kind == "free":
        return FeeResult(0, f"Không thu lệ phí{basis}.", f"No fee{basis}.")
    if kind == "fixed" or (kind == "provincial" and not params.get("per_copy")):
        return FeeResult(rule.amount, f"Lệ phí: {vnd(rule.amount)}{basis}.",
                         f"Fee: {vnd(rule.amount)}{basis}.")
    if copies < 1:
        raise ValidationError("fee_bad_copies", "Số bản/số việc phải ít nhất là 1.",
                              "The number of copies/cases must be at least 1.")
    if kind in ("per_copy", "per_case", "provincial"):
        unit_vi, unit_en = ("việc", "case") if kind == "per_case" else ("bản", "copy")
        total = rule.amount * copies
        return FeeResult(
            total, f"{copies} {unit_vi} × {vnd(rule.amount)} = {vnd(total)}{basis}.",
            f"{copies} {unit_en}{'s' if copies > 1 else ''} × {vnd(rule.amount)} = "
            f"{vnd(total)}{basis}.")
    # per_page_capped
    if pages < 1:
        raise ValidationError(
            "fee_pages_required", "Nhập số trang của bản chính để tính phí chứng thực.",
            "Enter the number of pages of the original to compute the certification fee.")
    first_pages = _int_param(params, "first_pages")
    first_rate = _int_param(params, "first_rate")
    next_rate = _int_param(params, "next_rate")
    cap = _int_param(params, "cap_per_copy")
    head = min(pages, first_pages)
    tail = max(pages - first_pages, 0)
    raw = head * first_rate + tail * next_rate
    per_copy = min(raw, cap) if cap else raw
    total = per_copy * copies
    parts_vi = [f"{head} trang × {vnd(first_rate)}"]
    parts_en = [f"{head} page{'s' if head > 1 else ''} × {vnd(first_rate)}"]
    if tail:
        parts_vi.append(f"{tail} trang × {vnd(next_rate)}")
        parts_en.append(f"{tail} page{'s' if tail > 1 else ''} × {vnd(next_rate)}")
    capped_vi = f", tối đa {vnd(cap)}/bản" if cap and raw > cap else ""
    capped_en = f", capped at {vnd(cap)} per copy" if cap and raw > cap else ""
    return FeeResult(
        total,
        f"{' + '.join(parts_vi)} = {vnd(raw)}{capped_vi} → {vnd(per_copy)}/bản × {copies} bản "
        f"= {vnd(total)}{basis}.",
        f"{' + '.join(parts_en)} = {vnd(raw)}{capped_en} → {vnd(per_copy)} per copy × "
        f"{copies} = {vnd(total)}{basis}.",
    )


def compute(rule: FeeRule, pages: int = 0, copies: int = 1, *,
            exemption: str | None = None, late: bool = False) -> tuple[int, str]:
    """(amount in VND, Vietnamese explanation) for a fee rule."""
    result = compute_detail(rule, pages, copies, exemption=exemption, late=late)
    return result.amount, result.vi


def fee_rule_from_dict(data: dict) -> FeeRule:
    """Build a FeeRule from catalog JSON (``{"kind", "amount", "note", "params"}``)."""
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise ValidationError(
            "fee_bad_rule", f"Quy tắc lệ phí không hợp lệ: {str(data)[:60]}.",
            f"Invalid fee rule: {str(data)[:60]}.")
    amount = data.get("amount", 0)
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise ValidationError("fee_bad_amount", f"Mức lệ phí không hợp lệ: {amount!r}.",
                              f"Invalid fee amount: {amount!r}.")
    return FeeRule(kind=data["kind"], amount=amount, note=str(data.get("note", "")),
                   params=dict(data.get("params") or {}))
