"""The signing errors a person can act on, each with its Vietnamese and English text.

Every failure of the token, the certificate or the input file is turned into one of these once, here,
so the faces (CLI, GUI) only show ``exc.message(lang)``. A PIN never appears in any of them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from desk_app.domain.errors import DeskError, ValidationError
from desk_app.domain.localtime import VN_TZ

__all__ = [
    "SigningError", "UnusablePdf", "cert_expired", "cert_not_yet_valid", "cert_revoked",
    "cert_untrusted", "module_load_failed", "no_certificate", "no_token", "pin_cancelled",
    "pin_locked", "pin_wrong", "token_removed", "when",
]


class SigningError(DeskError):
    """Signing could not be done (token, PIN, certificate). Exit code 1."""

    exit_code = 1


class UnusablePdf(ValidationError):
    """The input is not a PDF we can sign or validate (encrypted, corrupt, not a PDF). Exit 2."""


def when(dt: datetime) -> str:
    """A time as Vietnamese documents write it: 02.01.2025 16:29:02 +07:00."""
    return dt.astimezone(VN_TZ).strftime("%d.%m.%Y %H:%M:%S +07:00")


def module_load_failed(path: str, os_error: str, *, bits: int) -> SigningError:
    text = os_error.lower()
    wrong_bits = any(s in text for s in ("wrong elf class", "elfclass", "%1 is not a valid win32",
                                         "not a valid win32 application", "193", "mach-o",
                                         "incompatible architecture", "wrong architecture"))
    if wrong_bits:
        other = 32 if bits == 64 else 64
        return SigningError(
            "token_module_bitness",
            f"Không nạp được thư viện thiết bị ký số {path}: thư viện dành cho {other} bit, "
            f"chương trình đang chạy {bits} bit. Hãy chọn bản {bits} bit của phần mềm token "
            f"(trên Windows 64 bit: thư mục System32; bản 32 bit ở SysWOW64). ({os_error})",
            f"Cannot load the token library {path}: it is built for {other} bits and this "
            f"program runs in {bits} bits. Choose the {bits}-bit module of the token software "
            f"(on 64-bit Windows: System32; the 32-bit one is in SysWOW64). ({os_error})",
            path=path, os_error=os_error, bits=bits)
    return SigningError(
        "token_module_load",
        f"Không nạp được thư viện thiết bị ký số {path}: {os_error}. Hãy cài phần mềm "
        "(driver) của token hoặc chỉ đúng đường dẫn tệp .dll/.so.",
        f"Cannot load the token library {path}: {os_error}. Install the token's software "
        "(driver) or give the right path to its .dll/.so file.", path=path, os_error=os_error)


def no_token(label: str | None) -> SigningError:
    which = f" “{label}”" if label else ""
    return SigningError("token_absent",
                        f"Không thấy thiết bị ký số{which}. Hãy cắm token vào máy rồi thử lại.",
                        f"No signing token{which} found. Plug the token in and try again.",
                        token_label=label)


def token_removed(device: str, **details: Any) -> SigningError:
    return SigningError("token_removed",
                        f"Thiết bị ký số {device} đã bị rút ra hoặc ngừng trả lời. Cắm lại token "
                        "rồi ký tiếp các tài liệu chưa ký.",
                        f"The signing token {device} was removed or stopped answering. Plug it "
                        "back in and sign the remaining documents.", device=device, **details)


def pin_wrong(device: str, tries_left: int | None) -> SigningError:
    if tries_left is None:
        vi_t, en_t = "", ""
    elif tries_left == 1:
        vi_t = " Chỉ còn 1 lần thử: nhập sai lần nữa token sẽ bị khóa."
        en_t = " Only 1 try left: one more wrong PIN locks the token."
    else:
        vi_t, en_t = f" Còn {tries_left} lần thử.", f" {tries_left} tries left."
    return SigningError("pin_wrong", f"Mã PIN của {device} không đúng.{vi_t}",
                        f"Wrong PIN for {device}.{en_t}", device=device, tries_left=tries_left)


def pin_locked(device: str) -> SigningError:
    return SigningError("pin_locked",
                        f"Mã PIN của {device} đã bị khóa do nhập sai nhiều lần. Hãy liên hệ nhà "
                        "cung cấp chứng thư số để mở khóa (bằng mã PUK/SO PIN).",
                        f"The PIN of {device} is locked after too many wrong tries. Ask the "
                        "certificate provider to unlock it (PUK / SO PIN).", device=device)


def pin_cancelled(device: str) -> SigningError:
    return SigningError("pin_cancelled", f"Đã hủy nhập mã PIN cho {device}: chưa ký tài liệu nào.",
                        f"PIN entry for {device} cancelled: nothing was signed.", device=device)


def no_certificate(device: str, subject: str | None) -> SigningError:
    crit = f" khớp “{subject}”" if subject else ""
    crit_en = f" matching “{subject}”" if subject else ""
    return SigningError("cert_not_found",
                        f"Token {device} không có chứng thư số{crit} đi kèm khóa ký.",
                        f"The token {device} holds no certificate{crit_en} with a signing key.",
                        device=device, subject=subject)


def cert_expired(subject: str, not_after: datetime) -> SigningError:
    return SigningError("cert_expired",
                        f"Chứng thư số của {subject} đã hết hạn từ {when(not_after)}: không được ký. "
                        "Hãy gia hạn chứng thư số.",
                        f"The certificate of {subject} expired on {when(not_after)}: signing is "
                        "refused. Renew the certificate.", subject=subject,
                        not_after=not_after.isoformat())


def cert_not_yet_valid(subject: str, not_before: datetime) -> SigningError:
    return SigningError("cert_not_yet_valid",
                        f"Chứng thư số của {subject} chỉ có hiệu lực từ {when(not_before)}: chưa "
                        "được ký (kiểm tra cả đồng hồ của máy).",
                        f"The certificate of {subject} is valid only from {when(not_before)}: "
                        "signing is refused (check the computer's clock too).", subject=subject,
                        not_before=not_before.isoformat())


def cert_revoked(subject: str, since: datetime | None, source_age: str) -> SigningError:
    s_vi = f" từ {when(since)}" if since else ""
    s_en = f" since {when(since)}" if since else ""
    return SigningError("cert_revoked",
                        f"Chứng thư số của {subject} đã bị thu hồi{s_vi} ({source_age}): không "
                        "được ký.",
                        f"The certificate of {subject} is revoked{s_en} ({source_age}): signing "
                        "is refused.", subject=subject)


def cert_untrusted(subject: str, reason: str) -> SigningError:
    return SigningError("cert_untrusted",
                        f"Chứng thư số của {subject} không kiểm tra được đến chứng thư gốc tin cậy "
                        f"(Root CA quốc gia hoặc Root CA chuyên dùng Chính phủ): {reason}",
                        f"The certificate of {subject} does not chain to a trusted root (the "
                        f"national root or the government specialised root): {reason}",
                        subject=subject, reason=reason)
