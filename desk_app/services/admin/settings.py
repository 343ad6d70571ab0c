"""Desk identity (meta) and province options (settings table), changed with validation + audit."""
from __future__ import annotations

import re
from datetime import time

from desk_app.domain.errors import ValidationError
from desk_app.services.context import DeskContext
from offline_store import audit, repo

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
KNOWN = ("afternoon_cutoff", "office_end", "serial_width", "lookup_url", "server_url", "server_user")


def _bad(key: str, value: str, vi: str, en: str) -> ValidationError:
    return ValidationError("setting_invalid", f"Thiết lập “{key}” = “{value}”: {vi}",
                           f"Setting “{key}” = “{value}”: {en}", field=key, value=value)


def _check(key: str, value: str) -> str:
    value = (value or "").strip()
    if key not in KNOWN:
        raise ValidationError("setting_unknown", f"Không có thiết lập “{key}”.",
                              f"Unknown setting “{key}”.", field=key)
    if key == "afternoon_cutoff" and value and not _HHMM.match(value):
        raise _bad(key, value, "cần dạng HH:MM hoặc để trống (tắt).",
                   "expected HH:MM or empty (off).")
    if key == "office_end":
        if not _HHMM.match(value) or time.fromisoformat(value) < time(11, 0):
            raise _bad(key, value, "cần dạng HH:MM, không sớm hơn 11:00.",
                       "expected HH:MM, not before 11:00.")
    if key == "serial_width" and value not in ("4", "5", "6"):
        raise _bad(key, value, "chỉ nhận 4, 5 hoặc 6 chữ số.", "only 4, 5 or 6 digits.")
    if key == "server_url" and value and not re.match(r"^https?://[^\s/]+\S*$", value):
        raise _bad(key, value, "cần địa chỉ máy chủ dạng https://….", "expected an https://… address.")
    if key == "server_user" and (len(value) > 100 or any(ord(ch) < 32 for ch in value)):
        raise _bad(key, value, "tên đăng nhập không hợp lệ.", "invalid user name.")
    if key == "lookup_url" and value and not re.match(r"^https?://\S+$", value):
        raise _bad(key, value, "cần một địa chỉ http(s)://.", "expected an http(s):// address.")
    return value


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


def set_clerk(ctx: DeskContext, name: str) -> None:
    """The clerk now at this desk (printed on receipts, recorded in events and the outbox)."""
    from desk_app.domain.text import nfc

    name = " ".join(nfc(name or "").split())
    if not name or len(name) > 100:
        raise ValidationError("clerk_name_invalid", "Tên cán bộ phải có từ 1 đến 100 ký tự.",
                              "The clerk's name must have 1 to 100 characters.", field="clerk")
    with ctx.store.transaction() as conn:
        repo.set_meta(conn, "clerk_name", name)
        audit.append(conn, actor=name, action="desk.clerk", entity="desk",
                     entity_id=str(ctx.desk_no), detail={"clerk": name})
    ctx.reload()
