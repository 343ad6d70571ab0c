"""Desk identity (meta) and province options (settings table), changed with validation + audit.

The options are a registry (``SETTINGS``): key, type, default, vi/en description and the role
that may change it. ``update`` validates every value against it (all or nothing) and records the
change in the audit log; ``change(session, …)`` is the same for a logged-in person and also
checks each key's role. ``_check(key, value)`` is the validator alone (sync_control uses it
before touching the keyring).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import TYPE_CHECKING, Callable

from desk_app.domain.errors import ValidationError
from desk_app.domain.models import Role
from desk_app.services.context import DeskContext
from offline_store import audit, repo

if TYPE_CHECKING:
    from desk_app.services.session import Session

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

# A validator returns None when the (stripped) value is fine, else (vi, en) saying what is expected.
Validator = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Setting:
    key: str
    type: str                    # "hhmm" | "int" | "url" | "text" (how a face edits it)
    default: str
    vi: str                      # what it is, for a person
    en: str
    role: Role                   # who may change it
    validate: Validator


def _hhmm_or_empty(v: str):
    if v and not _HHMM.match(v):
        return ("cần dạng HH:MM hoặc để trống (tắt).", "expected HH:MM or empty (off).")
    return None


def _office_end(v: str):
    if not _HHMM.match(v) or time.fromisoformat(v) < time(11, 0):
        return ("cần dạng HH:MM, không sớm hơn 11:00.", "expected HH:MM, not before 11:00.")
    return None


def _serial_width(v: str):
    return None if v in ("4", "5", "6") else ("chỉ nhận 4, 5 hoặc 6 chữ số.",
                                               "only 4, 5 or 6 digits.")


def _server_url(v: str):
    if v and not re.match(r"^https?://[^\s/]+\S*$", v):
        return ("cần địa chỉ máy chủ dạng https://….", "expected an https://… address.")
    return None


def _server_user(v: str):
    if len(v) > 100 or any(ord(ch) < 32 for ch in v):
        return ("tên đăng nhập không hợp lệ.", "invalid user name.")
    return None


def _lookup_url(v: str):
    if v and not re.match(r"^https?://\S+$", v):
        return ("cần một địa chỉ http(s)://.", "expected an http(s):// address.")
    return None


def _idle_minutes(v: str):
    if not v.isdigit() or not 1 <= int(v) <= 240:
        return ("cần số phút từ 1 đến 240.", "expected 1 to 240 minutes.")
    return None


def _attachment_mb(v: str):
    if not v.isdigit() or not 1 <= int(v) <= 2000:
        return ("cần số MB từ 1 đến 2000.", "expected 1 to 2000 MB.")
    return None


def _backup_dir(v: str):
    if len(v) > 400 or any(ord(ch) < 32 for ch in v):
        return ("đường dẫn thư mục không hợp lệ.", "invalid folder path.")
    if v and not (v.startswith(("/", "\\\\")) or re.match(r"^[A-Za-z]:[\\/]", v)):
        return ("cần đường dẫn đầy đủ (ví dụ E:\\SaoLuu hoặc /media/usb/saoluu), hoặc để trống.",
                "expected a full path (e.g. E:\\Backups or /media/usb/backups), or empty.")
    return None


def _backup_hours(v: str):
    if not v.isdigit() or not 1 <= int(v) <= 168:
        return ("cần số giờ từ 1 đến 168.", "expected 1 to 168 hours.")
    return None


def _rating_levels(v: str):
    labels = [x.strip() for x in v.split("|") if x.strip()]
    if v and (not 2 <= len(labels) <= 9 or any(len(x) > 40 for x in labels)):
        return ("cần 2–9 mức, tốt nhất trước, cách nhau bởi |, hoặc để trống (mặc định).",
                "expected 2–9 levels, best first, separated by |, or empty (the default).")
    return None


def _pkcs11_lib(v: str):
    if len(v) > 400 or any(ord(ch) < 32 for ch in v):
        return ("đường dẫn thư viện không hợp lệ.", "invalid library path.")
    if v and not (v.startswith(("/", "\\\\")) or re.match(r"^[A-Za-z]:[\\/]", v)):
        return ("cần đường dẫn đầy đủ tới thư viện PKCS#11 của token (ví dụ C:\\Windows\\System32\\"
                "vnpt-ca_csp11.dll), hoặc để trống.",
                "expected the full path of the token's PKCS#11 library, or empty.")
    return None


def _tsa_url(v: str):
    if v and not re.match(r"^https?://\S+$", v):
        return ("cần một địa chỉ http(s):// của dịch vụ cấp dấu thời gian.",
                "expected the http(s):// address of a time-stamp service.")
    return None


def _book(v: str):
    if v and not re.match(r"^[0-9A-Za-z]{1,8}$", v):
        return ("cần số quyển gồm 1–8 chữ số hoặc chữ cái, hoặc để trống (= số quầy).",
                "expected a book number of 1–8 digits or letters, or empty (= the desk number).")
    return None


SETTINGS: dict[str, Setting] = {s.key: s for s in (
    Setting("afternoon_cutoff", "hhmm", "",
            "Giờ chốt buổi chiều của tỉnh: hồ sơ nhận sau giờ này tính từ ngày làm việc sau"
            " (để trống = tắt).",
            "The province's afternoon cut-off: dossiers received later count from the next"
            " working day (empty = off).", Role.ADMIN, _hhmm_or_empty),
    Setting("office_end", "hhmm", "17:00", "Giờ kết thúc làm việc: giờ hẹn trả kết quả.",
            "End of office hours: the time results are due.", Role.ADMIN, _office_end),
    Setting("serial_width", "int", "4", "Số chữ số của số thứ tự trong mã hồ sơ (4, 5 hoặc 6).",
            "Digits of the serial in the dossier code (4, 5 or 6).", Role.ADMIN, _serial_width),
    Setting("lookup_url", "url", "", "Địa chỉ tra cứu hồ sơ in trên giấy hẹn (mã QR).",
            "Dossier look-up address printed on the receipt (QR code).", Role.ADMIN,
            _lookup_url),
    Setting("server_url", "url", "", "Địa chỉ máy chủ đồng bộ của tỉnh.",
            "The provincial sync server's address.", Role.ADMIN, _server_url),
    Setting("server_user", "text", "", "Tài khoản của quầy trên máy chủ tỉnh.",
            "This desk's account on the provincial server.", Role.ADMIN, _server_user),
    Setting("idle_lock_minutes", "int", "10",
            "Số phút không thao tác thì khóa màn hình (máy dùng chung).",
            "Minutes without input before the screen locks (shared PC).", Role.ADMIN,
            _idle_minutes),
    Setting("attachment_max_mb", "int", "50",
            "Dung lượng tối đa của một tệp đính kèm (MB).",
            "Largest attachment file accepted (MB).", Role.ADMIN, _attachment_mb),
    Setting("rating_levels", "text", "",
            "Các mức đánh giá của công dân, tốt nhất trước, cách nhau bởi | (để trống: Rất hài"
            " lòng | Hài lòng | Không hài lòng).",
            "The citizen's rating levels, best first, separated by | (empty: very satisfied |"
            " satisfied | not satisfied).", Role.ADMIN, _rating_levels),
    Setting("pkcs11_lib", "text", "",
            "Thư viện PKCS#11 của token ký số (để trống: chọn khi ký).",
            "The signing token's PKCS#11 library (empty: chosen when signing).", Role.ADMIN,
            _pkcs11_lib),
    Setting("signing_tsa_url", "url", "",
            "Dịch vụ cấp dấu thời gian cho chữ ký số (để trống: ký B-B, nâng cấp khi đồng bộ).",
            "Time-stamp service for signatures (empty: sign B-B, upgraded at a later sync).",
            Role.ADMIN, _tsa_url),
    Setting("certbook_book", "text", "",
            "Số quyển sổ chứng thực của quầy này (để trống: số quầy, 2 chữ số).",
            "This desk's certification book number (empty: the desk number, 2 digits).",
            Role.ADMIN, _book),
    Setting("backup_dir", "text", "",
            "Thư mục sao lưu tự động (ổ thứ hai hoặc USB; để trống = tắt).",
            "Folder for automatic backups (second disk or USB stick; empty = off).", Role.ADMIN,
            _backup_dir),
    Setting("backup_every_hours", "int", "24",
            "Sao lưu tự động sau mỗi bao nhiêu giờ (khi phần mềm đang mở).",
            "Hours between automatic backups (while the app is open).", Role.ADMIN,
            _backup_hours),
)}
KNOWN = tuple(SETTINGS)


def _bad(key: str, value: str, vi: str, en: str) -> ValidationError:
    return ValidationError("setting_invalid", f"Thiết lập “{key}” = “{value}”: {vi}",
                           f"Setting “{key}” = “{value}”: {en}", field=key, value=value)


def spec(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError("setting_unknown", f"Không có thiết lập “{key}”.",
                              f"Unknown setting “{key}”.", field=key) from None


def _check(key: str, value: str) -> str:
    """The cleaned value of ``key`` or a ValidationError naming the key and what is expected."""
    s = spec(key)
    value = (value or "").strip()
    problem = s.validate(value)
    if problem:
        raise _bad(key, value, *problem)
    return value


check = _check


def current(ctx: DeskContext) -> list[tuple[Setting, str]]:
    """Every option with the value now in force (the default when never set)."""
    return [(s, ctx.settings.get(s.key, s.default)) for s in SETTINGS.values()]


def update(ctx: DeskContext, *, actor: str = "", **values: str) -> dict[str, str]:
    """Change province options (all or nothing); returns the settings now in force."""
    clean = {k: _check(k, v) for k, v in values.items()}
    with ctx.store.transaction() as conn:
        for k, v in clean.items():
            repo.set_setting(conn, k, v, by=actor)
        audit.append(conn, actor=actor or ctx.clerk_name or "admin", action="settings.update",
                     entity="settings", entity_id=",".join(sorted(clean)), detail=clean)
    ctx.reload()
    return dict(ctx.settings)


def change(session: "Session", **values: str) -> dict[str, str]:
    """``update`` for a logged-in person: each key's role is checked (audited refusal)."""
    from desk_app.domain.roles import may, role_label
    from desk_app.services.registry import PermissionDenied

    for key in values:
        s = spec(key)
        if not may(session.user.role, s.role):
            u = session.user
            with session.ctx.store.transaction() as conn:
                audit.append(conn, actor=session.actor, action="permission.denied",
                             entity="setting", entity_id=key, detail={"role": u.role.value})
            raise PermissionDenied(
                "permission_denied",
                f"Tài khoản “{u.login}” (vai trò {role_label(u.role, 'vi')}) không được phép"
                f" đổi thiết lập “{key}” (cần: {role_label(s.role, 'vi')}).",
                f"Account “{u.login}” (role {role_label(u.role, 'en')}) may not change"
                f" “{key}” (requires: {role_label(s.role, 'en')}).", setting=key)
    return update(session.ctx, actor=session.actor, **values)


def set_clerk(ctx: DeskContext, name: str, *, actor: str | None = None) -> None:
    """The clerk now at this desk (printed on receipts, recorded in events and the outbox)."""
    from desk_app.domain.text import nfc

    name = " ".join(nfc(name or "").split())
    if not name or len(name) > 100:
        raise ValidationError("clerk_name_invalid", "Tên cán bộ phải có từ 1 đến 100 ký tự.",
                              "The clerk's name must have 1 to 100 characters.", field="clerk")
    with ctx.store.transaction() as conn:
        repo.set_meta(conn, "clerk_name", name)
        audit.append(conn, actor=actor or name, action="desk.clerk", entity="desk",
                     entity_id=str(ctx.desk_no), detail={"clerk": name})
    ctx.reload()
