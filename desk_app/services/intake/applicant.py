"""The applicant rules of the intake, shared by the GUI and the CLI (no Qt).

- ``merge_qr``: what the chip card's QR fills in, and when the name stored for that ID number
  wins (the USB reader lost the diacritics but the letters are the same);
- ``phone_problem`` / ``email_problem`` / ``parse_birth_date``: one field each, with a
  Vietnamese + English message that says what is wrong ("31/02/1995" does not exist — that is
  not a format error);
- ``looks_like_qr_payload``: a CCCD payload typed (by a reader) into a field that is not the QR
  field, e.g. the procedure search before a procedure was picked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk_app.domain import cccd
from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Applicant
from desk_app.domain.text import excerpt, fold

PHONE = re.compile(r"^(0\d{9,10}|\+84\d{9,10})$")
# A real address shape: local part, "@", a domain with a dot and a 2+ letter top-level label.
EMAIL = re.compile(r"^[A-Za-z0-9._%+\-']+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$")
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_QR_SHAPE = re.compile(r"^\s*\d{12}\s*\|")


@dataclass(frozen=True)
class Problem:
    """One field's problem: which field, Vietnamese and English text."""

    field: str
    vi: str
    en: str

    def message(self, lang: str = "vi") -> str:
        return self.en if lang.startswith("en") else self.vi


def normalise_phone(phone: str) -> str:
    """"+84 912.345.678" -> "0912345678" (spaces, dots, hyphens and brackets removed)."""
    p = re.sub(r"[\s.\-()]", "", phone or "")
    return "0" + p[3:] if p.startswith("+84") else p


def phone_problem(phone: str) -> Problem | None:
    """None when empty or valid (10–11 digits starting 0, or +84)."""
    if not (phone or "").strip() or PHONE.match(normalise_phone(phone)):
        return None
    return Problem("applicant.phone",
                   f"Số điện thoại “{excerpt(phone.strip())}” không hợp lệ (10–11 chữ số, bắt đầu bằng 0 hoặc +84,"
                   " ví dụ 0912 345 678).",
                   f"Phone number “{excerpt(phone.strip())}” is not valid (10–11 digits starting with 0 or +84,"
                   " e.g. 0912 345 678).")


def email_problem(email: str) -> Problem | None:
    """None when empty or shaped like a real address (name@domain.vn); "12345" is not one."""
    text = (email or "").strip()
    if not text or EMAIL.match(text):
        return None
    return Problem("applicant.email",
                   f"Email “{excerpt(text)}” không đúng dạng địa chỉ thư (ví dụ ten@example.vn).",
                   f"Email “{excerpt(text)}” is not an e-mail address (e.g. name@example.vn).")


def parse_birth_date(text: str, *, today: date | None = None) -> date | None:
    """dd/mm/yyyy (also d/m/yyyy, dots or hyphens) -> date; "" -> None.

    Raises ValidationError ``birth_format`` when the text is not shaped like a date,
    ``birth_not_a_date`` when it is shaped right but the day does not exist (31/02/1995), and
    ``birth_future`` for a date after today.
    """
    text = (text or "").strip()
    if not text:
        return None
    m = _DATE.match(text)
    if not m:
        raise ValidationError("birth_format",
                              f"Ngày sinh “{excerpt(text)}” phải theo dạng ngày/tháng/năm, ví dụ 05/09/1990.",
                              f"Date of birth “{excerpt(text)}” must be dd/mm/yyyy, e.g. 05/09/1990.",
                              field="applicant.birth_date")
    day, month, year = (int(g) for g in m.groups())
    try:
        value = date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why_vi, why_en = f"không có tháng {month}", f"there is no month {month}"
        else:
            why_vi = f"tháng {month} năm {year} không có ngày {day}"
            why_en = f"month {month} of {year} has no day {day}"
        raise ValidationError("birth_not_a_date",
                              f"Ngày sinh “{excerpt(text)}” là ngày không có thật ({why_vi}).",
                              f"Date of birth “{excerpt(text)}” is a date that does not exist ({why_en}).",
                              field="applicant.birth_date") from None
    if value > (today or date.today()):
        raise ValidationError("birth_future", f"Ngày sinh “{excerpt(text)}” ở tương lai.",
                              f"Date of birth “{excerpt(text)}” is in the future.",
                              field="applicant.birth_date")
    return value


def looks_like_qr_payload(text: str) -> bool:
    """A chip-card QR payload (12-digit ID then "|"), wherever the reader typed it."""
    return bool(_QR_SHAPE.match(text or "")) and text.count("|") >= 4


@dataclass(frozen=True)
class QrFill:
    """What the applicant fields become after a scan, and the note shown under them."""

    id_number: str
    full_name: str
    birth_date: date
    sex: str
    address: str
    phone: str          # from the stored applicant, to fill an EMPTY phone field only
    email: str          # idem
    returning: bool
    note_vi: str
    note_en: str

    def note(self, lang: str = "vi") -> str:
        return self.note_en if lang.startswith("en") else self.note_vi


def merge_qr(qr: cccd.CccdQr, stored: Applicant | None) -> QrFill:
    """The QR merge rule: the card's data, except that when the reader lost the diacritics and
    the name (folded) is the one stored for this ID number, the stored spelling wins — and the
    stored address too when it folds to the QR's. A returning applicant's phone and e-mail are
    offered for empty fields."""
    name, address = qr.full_name, qr.address
    vi, en = "Đã điền từ mã QR trên CCCD.", "Filled from the ID card's QR."
    phone = email = ""
    if stored is not None:
        if qr.diacritics_lost and fold(stored.full_name) == fold(qr.full_name):
            name = stored.full_name
            if stored.address and fold(stored.address) == fold(qr.address):
                address = stored.address
            vi = "Đầu đọc làm mất dấu tiếng Việt; đã dùng họ tên lưu sẵn theo số định danh này."
            en = "The reader lost the diacritics; the name stored for this ID number is used."
        elif qr.diacritics_lost:
            vi = "Đầu đọc làm mất dấu tiếng Việt; hãy sửa họ tên đúng như trên thẻ."
            en = "The reader lost the diacritics; please correct the name as on the card."
        else:
            vi = "Người nộp đã từng nộp hồ sơ: đã điền điện thoại và thư điện tử từ lần trước."
            en = "Returning applicant: phone and email filled from the last dossier."
        phone, email = stored.phone or "", stored.email or ""
    elif qr.diacritics_lost:
        vi = "Đầu đọc làm mất dấu tiếng Việt; hãy sửa họ tên đúng như trên thẻ."
        en = "The reader lost the diacritics; please correct the name as on the card."
    return QrFill(id_number=qr.id_number, full_name=name, birth_date=qr.birth_date, sex=qr.sex,
                  address=address, phone=phone, email=email, returning=stored is not None,
                  note_vi=vi, note_en=en)


def fill_from_qr(ctx, payload: str) -> QrFill:
    """Parse ``payload`` (ValidationError saying what it is when it is not a CCCD QR) and merge
    it with the applicant stored for that ID number."""
    from desk_app.services.intake.receive import find_applicant

    qr = cccd.parse_qr(payload)
    return merge_qr(qr, find_applicant(ctx, qr.id_number))
