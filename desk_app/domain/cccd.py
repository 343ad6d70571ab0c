"""Citizen identity numbers (CCCD / personal identification number) and the chip-card QR code.

The 12-digit number (Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA, kept by the 2023 Law on
Identification) is: 3 digits for the province where the birth was registered (the pre-2025 list,
001 Hà Nội … 096 Cà Mau — numbers in between are unused), 1 digit for century and sex
(0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 1800s), 2 digits for the
birth year, 6 random digits. There is no check digit, so a typo can only be caught by the
province code and the cross-check with the birth date and sex — which is why the desk asks for
both and cross-checks them here.

The QR on chip cards holds pipe-separated text:
``id | old 9-digit id (may be empty) | full name | ddmmyyyy | Nam/Nữ | address | issue ddmmyyyy``;
some card models add fields and some omit the old-ID field (six fields); scanner software may
re-format dates as dd/mm/yyyy. Keyboard-wedge scanners often lose diacritics (they type
keystrokes on a US layout) and some decoders hand back UTF-8 read as Latin-1; both are tolerated.
The ID number is the key; when diacritics were lost ``diacritics_lost`` tells the UI to prefer
the stored applicant's name and address.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .errors import ValidationError
from .text import fold

PROVINCES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn",
    "008": "Tuyên Quang", "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu",
    "014": "Sơn La", "015": "Yên Bái", "017": "Hòa Bình", "019": "Thái Nguyên",
    "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang", "025": "Phú Thọ",
    "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định",
    "037": "Ninh Bình", "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh",
    "044": "Quảng Bình", "045": "Quảng Trị", "046": "Thừa Thiên Huế", "048": "Đà Nẵng",
    "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định", "054": "Phú Yên",
    "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp",
    "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}
_CITIES = {"001", "031", "048", "079", "092"}  # centrally-run cities (pre-2025)

# century/sex digit -> (first year of the century, sex)
_CENTURY = {
    "0": (1900, "Nam"), "1": (1900, "Nữ"), "2": (2000, "Nam"), "3": (2000, "Nữ"),
    "4": (2100, "Nam"), "5": (2100, "Nữ"), "6": (2200, "Nam"), "7": (2200, "Nữ"),
    "8": (1800, "Nam"), "9": (1800, "Nữ"),
}
_SEPARATORS = re.compile(r"[\s.\-_/]+")


@dataclass(frozen=True)
class CccdQr:
    """What the chip card's QR says. ``diacritics_lost`` means the scanner dropped Vietnamese
    marks (name/address are approximate: prefer the stored applicant's)."""

    id_number: str
    old_id_number: str
    full_name: str
    birth_date: date
    sex: str              # "Nam" | "Nữ"
    address: str
    issue_date: date | None
    extra: tuple[str, ...] = ()
    diacritics_lost: bool = False


def _err(code: str, vi: str, en: str, **details: object) -> ValidationError:
    return ValidationError(code, vi, en, **details)


def _norm_sex(sex: str | None) -> str | None:
    if sex is None:
        return None
    f = fold(unicodedata.normalize("NFC", str(sex)))
    if f in ("nam", "male", "m"):
        return "Nam"
    if f in ("nu", "female", "f") or (f.startswith("n") and f != "nam" and len(f) <= 3):
        return "Nữ"
    raise _err("id_sex_unknown", f"Giới tính không hợp lệ: «{sex}» (chỉ nhận Nam hoặc Nữ).",
               f"Unknown sex {sex!r} (expected Nam or Nữ).", sex=str(sex))


def normalise_id_number(s: str) -> str:
    """Digits only (spaces, dots and hyphens removed, full-width digits folded)."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", s or ""))


def validate_id_number(
    s: str,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> str:
    """Return the normalised 12-digit number or raise ValidationError saying what is wrong."""
    if s is None or not str(s).strip():
        raise _err("id_empty", "Chưa nhập số định danh cá nhân (CCCD).",
                   "The personal ID number is empty.")
    raw = str(s)
    n = normalise_id_number(raw)
    if not re.fullmatch(r"[0-9]+", n):
        raise _err("id_not_digits",
                   f"Số định danh chỉ gồm chữ số; «{raw.strip()[:30]}» có ký tự khác.",
                   f"The ID number must be digits only; {raw.strip()[:30]!r} has other characters.",
                   value=raw)
    if len(n) == 9:
        raise _err("id_old_cmnd",
                   "Đây là số CMND 9 số cũ; hãy nhập số định danh cá nhân 12 số (CCCD).",
                   "This is an old 9-digit ID (CMND); enter the 12-digit personal ID number.",
                   value=n)
    if len(n) != 12:
        raise _err("id_length",
                   f"Số định danh phải có đúng 12 chữ số (đang có {len(n)}).",
                   f"The ID number must have exactly 12 digits (got {len(n)}).",
                   value=n, length=len(n))
    if n[:3] not in PROVINCES:
        raise _err("id_province",
                   f"Mã tỉnh nơi đăng ký khai sinh «{n[:3]}» không tồn tại (3 số đầu phải từ "
                   "001 Hà Nội đến 096 Cà Mau). Kiểm tra lại số đã nhập.",
                   f"Unknown birth-registration province code {n[:3]!r} (the first three digits "
                   "must be a province code 001–096). Check the number.",
                   value=n, province=n[:3])
    century, id_sex = _CENTURY[n[3]]
    year = century + int(n[4:6])
    if birth_date is not None:
        if birth_date.year // 100 * 100 != century:
            raise _err("id_century_mismatch",
                       f"Chữ số thứ 4 («{n[3]}») ứng với người sinh năm {century}–{century + 99}, "
                       f"nhưng ngày sinh là {birth_date:%d/%m/%Y}.",
                       f"The 4th digit ({n[3]!r}) means born {century}–{century + 99}, "
                       f"but the birth date is {birth_date:%d/%m/%Y}.",
                       value=n, birth_date=birth_date.isoformat())
        if birth_date.year % 100 != int(n[4:6]):
            raise _err("id_year_mismatch",
                       f"Chữ số thứ 5–6 («{n[4:6]}») phải là hai số cuối năm sinh "
                       f"({birth_date.year % 100:02d}).",
                       f"Digits 5–6 ({n[4:6]!r}) must be the last two digits of the birth year "
                       f"({birth_date.year % 100:02d}).",
                       value=n, birth_date=birth_date.isoformat())
    now = today or date.today()
    if year > now.year:
        raise _err("id_birth_future",
                   f"Chữ số thế kỷ/giới tính «{n[3]}» và năm «{n[4:6]}» cho năm sinh {year}, "
                   "chưa tới. Kiểm tra lại số đã nhập.",
                   f"The century/sex digit {n[3]!r} and year {n[4:6]!r} give birth year {year}, "
                   "which is in the future. Check the number.", value=n, year=year)
    norm_sex = _norm_sex(sex)
    if norm_sex is not None and norm_sex != id_sex:
        raise _err("id_sex_mismatch",
                   f"Chữ số thứ 4 («{n[3]}») ứng với giới tính {id_sex}, nhưng đã chọn {norm_sex}.",
                   f"The 4th digit ({n[3]!r}) means sex {id_sex}, but {norm_sex} was given.",
                   value=n, sex=norm_sex)
    return n


def province_of(id_number: str) -> str:
    """Province (pre-2025 name) where the birth was registered, from the first three digits."""
    n = normalise_id_number(id_number)
    name = PROVINCES.get(n[:3])
    if name is None:
        raise _err("id_province", f"Mã tỉnh «{n[:3]}» không tồn tại.",
                   f"Unknown province code {n[:3]!r}.", province=n[:3])
    return name


def province_full_name(code: str) -> str:
    """"Thành phố Hà Nội" / "Tỉnh Lai Châu" for a 3-digit province code."""
    name = PROVINCES[code]
    return ("Thành phố " if code in _CITIES else "Tỉnh ") + name


def birth_year_and_sex(id_number: str) -> tuple[int, str]:
    """Birth year and sex encoded in a valid 12-digit number."""
    n = validate_id_number(id_number)
    century, sex = _CENTURY[n[3]]
    return century + int(n[4:6]), sex


# --- QR ------------------------------------------------------------------------------------------

def _repair_utf8_as_latin1(s: str) -> str:
    """Undo UTF-8 bytes decoded as Latin-1/cp1252 ("Nguyá»…n" -> "Nguyễn") when that is what
    happened; leave anything else alone."""
    if not re.search(r"[ÃÄÆáº»á»]", s):
        return s
    for enc in ("cp1252", "latin-1"):
        try:
            return s.encode(enc).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return s


def _is_ddmmyyyy(text: str) -> bool:
    return re.fullmatch(r"[0-9]{8}", re.sub(r"[/.\-]", "", text.strip())) is not None


def _parse_date(text: str, what_vi: str, what_en: str, code: str) -> date:
    t = text.strip()
    if re.fullmatch(r"[0-9]{2}[/.\-][0-9]{2}[/.\-][0-9]{4}", t):
        t = re.sub(r"[/.\-]", "", t)  # some scanner software re-formats as dd/mm/yyyy
    if not re.fullmatch(r"[0-9]{8}", t):
        raise _err(code,
                   f"{what_vi} trong mã QR không đúng dạng ngàythángnăm (ddmmyyyy): «{t[:20]}».",
                   f"The {what_en} in the QR code is not ddmmyyyy: {t[:20]!r}.", value=t)
    try:
        return date(int(t[4:]), int(t[2:4]), int(t[:2]))
    except ValueError:
        raise _err(code, f"{what_vi} trong mã QR không phải ngày có thật: «{t}».",
                   f"The {what_en} in the QR code is not a real date: {t!r}.", value=t) from None


def _looks_lost(s: str) -> bool:
    return "?" in s or "\ufffd" in s or (s.isascii() and any(c.isalpha() for c in s))


def parse_qr(payload: str, *, today: date | None = None) -> CccdQr:
    """Parse the chip card's QR text or raise ValidationError saying what the payload looks like."""
    if payload is None:
        payload = ""
    s = str(payload).replace("\ufeff", "").strip().strip("\x00").strip()
    if not s:
        raise _err("qr_empty", "Mã QR trống: chưa đọc được gì từ thẻ.",
                   "The QR payload is empty: nothing was read from the card.")
    s = unicodedata.normalize("NFC", _repair_utf8_as_latin1(s))
    low = s.lower()
    if s.startswith("000201"):
        raise _err("qr_bank", "Đây là mã QR chuyển khoản ngân hàng (VietQR), không phải mã QR "
                   "trên thẻ Căn cước công dân.",
                   "This is a bank-transfer QR (VietQR/EMVCo), not the ID card's QR.")
    if re.match(r"^(https?://|www\.)", low):
        raise _err("qr_url", "Mã QR chứa một đường dẫn web, không phải thông tin thẻ Căn cước "
                   "công dân.", "The QR holds a web address, not ID-card data.", url=s[:200])
    if any(k in low for k in ("gplx", "giay phep lai xe", "giấy phép lái xe", "driving", "driver")):
        raise _err("qr_driving_licence", "Đây có vẻ là mã QR của giấy phép lái xe, không phải thẻ "
                   "Căn cước công dân.",
                   "This looks like a driving-licence QR, not the ID card's QR.")
    fields = s.split("|")
    head = normalise_id_number(fields[0])
    if len(fields) == 6 and not re.fullmatch(r"[0-9 ]*", fields[1]) and _is_ddmmyyyy(fields[2]):
        fields.insert(1, "")  # card model without the old-ID field: id|name|dob|sex|address|issue
    if len(fields) < 7:
        if re.fullmatch(r"[0-9]{9}", head):
            raise _err("qr_old_cmnd", "Đây là số CMND 9 số cũ (thẻ cũ không có mã QR); hãy quét "
                       "thẻ Căn cước công dân gắn chip hoặc nhập số định danh 12 số.",
                       "This is an old 9-digit ID (CMND, which has no QR); scan the chip ID card "
                       "or type the 12-digit number.", value=head)
        raise _err("qr_too_few_fields",
                   f"Mã QR không giống mã trên thẻ Căn cước công dân: có {len(fields)} trường, "
                   "cần ít nhất 7 (số định danh|số CMND|họ tên|ngày sinh|giới tính|nơi thường "
                   "trú|ngày cấp).",
                   f"The QR does not look like an ID card's: it has {len(fields)} fields, at "
                   "least 7 are needed (id|old id|name|birth date|sex|address|issue date).",
                   fields=len(fields))
    if not re.fullmatch(r"[0-9]{12}", head):
        raise _err("qr_not_cccd", f"Trường đầu của mã QR («{fields[0].strip()[:20]}») không phải "
                   "số định danh 12 số: đây không phải mã QR trên thẻ Căn cước công dân.",
                   f"The first QR field ({fields[0].strip()[:20]!r}) is not a 12-digit ID "
                   "number: this is not an ID card's QR.", value=fields[0][:40])
    old = normalise_id_number(fields[1])
    if old and not re.fullmatch(r"[0-9]{9}|[0-9]{12}", old):
        raise _err("qr_old_id", f"Số CMND cũ trong mã QR không hợp lệ: «{fields[1].strip()[:20]}».",
                   f"The old ID number in the QR is invalid: {fields[1].strip()[:20]!r}.",
                   value=fields[1][:40])
    name = " ".join(fields[2].split())
    if not name:
        raise _err("qr_no_name", "Mã QR không có họ tên.", "The QR has no name.")
    birth = _parse_date(fields[3], "Ngày sinh", "birth date", "qr_birth_date")
    sex_raw = fields[4].strip()
    try:
        sex = _norm_sex(sex_raw)
    except ValidationError:
        raise _err("qr_sex", f"Giới tính trong mã QR không hợp lệ: «{sex_raw[:10]}».",
                   f"The sex in the QR is invalid: {sex_raw[:10]!r}.", value=sex_raw) from None
    assert sex is not None
    address = " ".join(fields[5].split())
    issue_raw = fields[6].strip()
    issue = _parse_date(issue_raw, "Ngày cấp", "issue date", "qr_issue_date") if issue_raw else None
    if issue is not None and issue < birth:
        raise _err("qr_issue_before_birth", "Ngày cấp trong mã QR trước ngày sinh.",
                   "The issue date in the QR is before the birth date.")
    now = today or date.today()
    if birth > now:
        raise _err("qr_birth_future", "Ngày sinh trong mã QR ở tương lai.",
                   "The birth date in the QR is in the future.")
    id_number = validate_id_number(head, birth_date=birth, sex=sex, today=now)
    lost = _looks_lost(name) or (bool(address) and _looks_lost(address)) \
        or sex_raw not in ("Nam", "Nữ")
    return CccdQr(
        id_number=id_number,
        old_id_number=old,
        full_name=name,
        birth_date=birth,
        sex=sex,
        address=address,
        issue_date=issue,
        extra=tuple(f.strip() for f in fields[7:]),
        diacritics_lost=lost,
    )
