"""Dossier codes (mã hồ sơ): this module is where the code rule lives.

Rule
----
``<unit code>-<yymmdd>-<serial>``, e.g. ``000.23.32.H48-250625-1001``:

* **unit code** — the receiving unit's electronic identifier code (QCVN 102:2016/BTTTT,
  Decision 20/2020/QĐ-TTg): four dot-separated groups ``ddd.dd.dd.Ldd`` (``000.00.00.H30`` is a
  province's People's Committee; lower levels fill the earlier groups, ``000.23.32.H48``).
* **yymmdd** — the local (+07:00) date the dossier was received.
* **serial** — a number within that unit and day, zero-padded to ``width`` digits (4 by default,
  as Circular 01/2018/TT-VPCP's examples show; configurable per province).

Several desks, no coordination
------------------------------
A commune's one-stop office has 2–5 desk PCs that each work offline. Each installation gets a
desk number ``N`` (1–9) at set-up and draws its daily serials only from its own block:

===========  =====================  =====================
desk ``N``   width 4 (default)      width 5
===========  =====================  =====================
1            1001 – 1999            10001 – 19999
2            2001 – 2999            20001 – 29999
N            N001 – N999            N0001 – N9999
===========  =====================  =====================

So two desks can never hand out the same code for the same unit and day, whatever their
clocks, restarts or restores; the store allocates serials inside the receiving transaction and
never reuses one (``offline_store.repo.allocate_serial``). A desk that receives more than 999
dossiers in one day (width 4) gets a clear error: raise the width for that province.
Serial ``N000`` is never used so that a block's first code reads "N001".
"""
from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError

DEFAULT_WIDTH = 4
MIN_WIDTH, MAX_WIDTH = 3, 8
MAX_DESK = 9

_UNIT = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")
_CODE = re.compile(r"(?P<unit>[^\s-]+)-(?P<day>[0-9]{6})-(?P<serial>[0-9]{3,8})")


def is_valid_unit_code(code: str) -> bool:
    """True for the QCVN 102:2016 shape ``ddd.dd.dd.Ldd`` (e.g. ``000.23.32.H48``)."""
    return isinstance(code, str) and _UNIT.fullmatch(code) is not None


def _check_width(width: int) -> None:
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValidationError(
            "code_width", f"Độ dài số thứ tự phải từ {MIN_WIDTH} đến {MAX_WIDTH} chữ số.",
            f"The serial width must be {MIN_WIDTH}–{MAX_WIDTH} digits.", width=width)


def _check_unit(unit_code: str) -> None:
    if not is_valid_unit_code(unit_code):
        raise ValidationError(
            "code_unit", f"Mã định danh đơn vị «{unit_code}» không đúng dạng "
            "(ví dụ 000.23.32.H48).",
            f"Unit identifier code {unit_code!r} has the wrong shape (e.g. 000.23.32.H48).",
            unit_code=unit_code)


def serial_block(desk_no: int, width: int = DEFAULT_WIDTH) -> range:
    """The serials desk ``desk_no`` may use: N001..N999 at width 4 (``range`` end exclusive)."""
    _check_width(width)
    if not isinstance(desk_no, int) or isinstance(desk_no, bool) or not 1 <= desk_no <= MAX_DESK:
        raise ValidationError(
            "code_desk", f"Số hiệu bàn tiếp nhận phải từ 1 đến {MAX_DESK} (đang là {desk_no}).",
            f"The desk number must be 1–{MAX_DESK} (got {desk_no}).", desk_no=desk_no)
    size = 10 ** (width - 1)
    return range(desk_no * size + 1, (desk_no + 1) * size)


def desk_of_serial(serial: int, width: int = DEFAULT_WIDTH) -> int:
    """Which desk's block a serial belongs to (0 if it is in no desk's block)."""
    size = 10 ** (width - 1)
    n = serial // size
    return n if 1 <= n <= MAX_DESK and serial % size else 0


def next_serial(last: int | None, desk_no: int, width: int = DEFAULT_WIDTH) -> int:
    """The serial after ``last`` (None = first of the day) in this desk's block."""
    block = serial_block(desk_no, width)
    if last is None:
        return block.start
    if last not in block:
        raise ValidationError(
            "code_serial_foreign", f"Số thứ tự {last} không thuộc dải của bàn {desk_no} "
            f"({block.start}–{block.stop - 1}).",
            f"Serial {last} is outside desk {desk_no}'s block ({block.start}–{block.stop - 1}).",
            last=last, desk_no=desk_no)
    if last + 1 not in block:
        raise ValidationError(
            "code_block_exhausted", f"Bàn {desk_no} đã dùng hết {len(block)} số thứ tự của ngày "
            f"hôm nay ({block.start}–{block.stop - 1}). Liên hệ quản trị để tăng độ dài số "
            "thứ tự hoặc tiếp nhận ở bàn khác.",
            f"Desk {desk_no} has used all {len(block)} serials for today "
            f"({block.start}–{block.stop - 1}). Ask the administrator to widen the serial or "
            "receive at another desk.", desk_no=desk_no, width=width)
    return last + 1


def format_code(unit_code: str, received: date, serial: int, width: int = DEFAULT_WIDTH) -> str:
    """``000.23.32.H48`` + 25 Jun 2025 + 1001 -> ``000.23.32.H48-250625-1001``."""
    _check_unit(unit_code)
    _check_width(width)
    if not isinstance(serial, int) or not 1 <= serial < 10 ** width:
        raise ValidationError(
            "code_serial", f"Số thứ tự {serial} không vừa {width} chữ số.",
            f"Serial {serial} does not fit in {width} digits.", serial=serial, width=width)
    if not 2000 <= received.year <= 2099:
        raise ValidationError(
            "code_date", f"Ngày tiếp nhận {received.isoformat()} ngoài khoảng 2000–2099.",
            f"Receipt date {received.isoformat()} is outside 2000–2099.")
    return f"{unit_code}-{received:%y%m%d}-{serial:0{width}d}"


def parse_code(code: str) -> tuple[str, date, int]:
    """Split a dossier code into (unit code, receipt date, serial); ValidationError if malformed."""
    text = (code or "").strip() if isinstance(code, str) else ""
    m = _CODE.fullmatch(text)
    if not m or not is_valid_unit_code(m["unit"]):
        raise ValidationError(
            "code_malformed", f"Mã hồ sơ «{text[:40]}» không đúng dạng "
            "<mã đơn vị>-<yymmdd>-<số thứ tự>, ví dụ 000.23.32.H48-250625-1001.",
            f"Dossier code {text[:40]!r} is not <unit>-<yymmdd>-<serial>, "
            "e.g. 000.23.32.H48-250625-1001.", code=text[:80])
    day = m["day"]
    try:
        received = date(2000 + int(day[:2]), int(day[2:4]), int(day[4:]))
    except ValueError:
        raise ValidationError(
            "code_date", f"Mã hồ sơ «{text}» chứa ngày không có thật ({day}).",
            f"Dossier code {text!r} contains an impossible date ({day}).", code=text) from None
    serial = int(m["serial"])
    if serial == 0:
        raise ValidationError("code_serial", f"Mã hồ sơ «{text}» có số thứ tự 0.",
                              f"Dossier code {text!r} has serial 0.", code=text)
    return m["unit"], received, serial


def looks_like_code(text: str) -> bool:
    """Cheap test used by search boxes: does this look like (a prefix of) a dossier code?"""
    return bool(re.match(r"^[0-9]{3}\.[0-9]{2}", (text or "").strip()))
