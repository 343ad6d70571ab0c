"""Why an item waits or failed, in words a clerk can read.

Every failure the engine meets is turned into a :class:`SyncFault` once, here, so the outbox,
the queue view, the CLI and the logs all show the same Vietnamese sentence (with an English
variant and a stable code). ``retryable`` decides between "try again later" and
``needs_attention``; ``offline`` marks faults of the link rather than of the item (the engine
then pauses every lane and probes, instead of burning each item's backoff).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SyncFault(Exception):
    """One classified failure. ``str()`` is the Vietnamese text."""

    code: str
    vi: str
    en: str
    retryable: bool = True
    offline: bool = False                 # the link, not the item: pause all lanes and probe
    retry_after: float | None = None      # seconds the server asked us to wait
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.vi)

    def __str__(self) -> str:
        return self.vi

    def stored(self) -> str:
        """The text kept in ``outbox.last_error``: code, Vietnamese, English (see :func:`parse_stored`)."""
        return f"[{self.code}] {self.vi} | {self.en}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "vi": self.vi, "en": self.en, "retryable": self.retryable,
                "offline": self.offline, "retry_after": self.retry_after, "details": self.details}


def parse_stored(text: str) -> dict[str, str]:
    """Split a stored ``last_error`` back into code / vi / en (tolerates free text)."""
    code, rest = "", text or ""
    if rest.startswith("[") and "] " in rest:
        code, rest = rest[1:].split("] ", 1)
    vi, _, en = rest.partition(" | ")
    return {"code": code, "vi": vi, "en": en or vi}


# --- the catalogue of faults -------------------------------------------------------------

def network(detail: str = "") -> SyncFault:
    return SyncFault("network", "Mất kết nối tới máy chủ tỉnh; hồ sơ sẽ tự gửi lại khi có mạng.",
                     "No connection to the provincial server; will resend when the link is back.",
                     offline=True, details={"detail": detail})


def stalled(seconds: float) -> SyncFault:
    return SyncFault("stalled",
                     f"Đường truyền đứng (không có dữ liệu trong {seconds:.0f} giây); sẽ thử lại.",
                     f"The link stalled (no bytes for {seconds:.0f} s); will retry.",
                     offline=True, details={"seconds": seconds})


def tls(detail: str = "") -> SyncFault:
    return SyncFault("tls", "Chứng chỉ bảo mật (TLS) của máy chủ không hợp lệ; kiểm tra địa chỉ máy chủ "
                     "hoặc báo quản trị hệ thống. Hồ sơ vẫn được giữ trong hàng chờ.",
                     "The server's TLS certificate failed verification; check the server address or "
                     "call the administrator. Items stay queued.", offline=True, details={"detail": detail})


def busy(status: int, retry_after: float | None) -> SyncFault:
    wait = f" sau {retry_after:.0f} giây" if retry_after else ""
    wait_en = f" in {retry_after:.0f} s" if retry_after else ""
    return SyncFault("server_busy", f"Máy chủ tỉnh đang bận (mã {status}); sẽ thử lại{wait}.",
                     f"The provincial server is busy (HTTP {status}); will retry{wait_en}.",
                     retry_after=retry_after, details={"status": status})


def server_error(status: int, message: str = "") -> SyncFault:
    return SyncFault("server_error", f"Máy chủ tỉnh gặp lỗi (mã {status}); sẽ thử lại sau.",
                     f"The provincial server failed (HTTP {status}); will retry later.",
                     details={"status": status, "message": message[:300]})


def bad_response(what: str) -> SyncFault:
    return SyncFault("bad_response", "Máy chủ trả lời không đúng định dạng; sẽ thử lại sau. "
                     f"Chi tiết: {what}", f"The server sent a malformed answer; will retry later. "
                     f"Detail: {what}", details={"detail": what[:300]})


def too_large(limit: int) -> SyncFault:
    return SyncFault("response_too_large",
                     f"Máy chủ trả lời quá lớn (vượt {limit // 1024} KiB); đã bỏ qua câu trả lời, sẽ thử lại.",
                     f"The server's answer exceeded {limit // 1024} KiB; ignored, will retry.",
                     details={"limit": limit})


def error_in_ok(code: str, message: str) -> SyncFault:
    return SyncFault("error_in_body", f"Máy chủ báo lỗi trong câu trả lời thành công: {message} ({code}); "
                     "sẽ thử lại sau.", f"The server reported an error inside a success answer: "
                     f"{message} ({code}); will retry later.", details={"code": code})


def auth_failed(message: str = "") -> SyncFault:
    return SyncFault("auth", "Đăng nhập máy chủ tỉnh không thành công: sai tên đăng nhập hoặc mật khẩu. "
                     "Hãy đăng nhập lại (desk-app login).", "Login to the provincial server failed: wrong "
                     "user name or password. Log in again (desk-app login).", offline=True,
                     details={"message": message[:300]})


def no_credentials() -> SyncFault:
    return SyncFault("no_credentials", "Chưa có thông tin đăng nhập máy chủ tỉnh; hãy chạy desk-app login.",
                     "No credentials for the provincial server; run desk-app login.", offline=True)


def conflict(server_version: Any = None) -> SyncFault:
    return SyncFault("conflict", "Xung đột phiên bản: hồ sơ đã được sửa ở nơi khác. Cán bộ cần xem lại; "
                     "bản trên máy không ghi đè bản của máy chủ.", "Version conflict: the dossier was "
                     "changed elsewhere. A clerk must review it; the local copy does not overwrite the "
                     "server's.", retryable=False, details={"server_version": server_version})


def rejected(code: str, message: str) -> SyncFault:
    return SyncFault("rejected", f"Máy chủ từ chối hồ sơ: {message or code}.",
                     f"The server rejected the dossier: {message or code}.", retryable=False,
                     details={"code": code, "message": message[:500]})


def idempotency_mismatch() -> SyncFault:
    return SyncFault("idempotency_mismatch", "Mã thao tác đã được dùng cho một nội dung khác; cần quản trị "
                     "kiểm tra, không gửi đè.", "The operation id was already used with a different body; "
                     "an administrator must check it.", retryable=False)


def blob_missing(sha: str) -> SyncFault:
    return SyncFault("blob_missing", f"Không tìm thấy tệp đính kèm trên máy ({sha[:12]}…); cần quét lại.",
                     f"Attachment file missing on this computer ({sha[:12]}…); rescan it.",
                     retryable=False, details={"sha256": sha})


def blob_corrupt(sha: str) -> SyncFault:
    return SyncFault("blob_corrupt", f"Tệp đính kèm trên máy bị hỏng (mã băm không khớp, {sha[:12]}…); "
                     "cần quét lại.", f"Attachment on this computer is corrupt (hash mismatch, "
                     f"{sha[:12]}…); rescan it.", retryable=False, details={"sha256": sha})


def upload_rejected(status: int, message: str = "") -> SyncFault:
    return SyncFault("upload_rejected", f"Máy chủ không nhận tệp đính kèm (mã {status}): {message}.",
                     f"The server refused the attachment (HTTP {status}): {message}.", retryable=False,
                     details={"status": status})


def missing_attachments(shas: list[str]) -> SyncFault:
    return SyncFault("missing_attachments", "Máy chủ chưa có đủ tệp đính kèm; sẽ tải lên rồi gửi lại.",
                     "The server lacks some attachments; uploading them, then resending.",
                     details={"missing": shas})


def unknown_kind(kind: str) -> SyncFault:
    return SyncFault("unknown_kind", f"Loại thao tác không xác định: {kind}; cần cập nhật phần mềm.",
                     f"Unknown operation kind: {kind}; the software needs an update.", retryable=False)


def handler_failed(message: str, retryable: bool) -> SyncFault:
    return SyncFault("deferred_failed", f"Việc nền không thành công: {message}.",
                     f"Background job failed: {message}.", retryable=retryable)


def waiting_for_previous() -> SyncFault:
    return SyncFault("waiting_previous", "Đang chờ gửi xong thay đổi trước của cùng hồ sơ.",
                     "Waiting for the previous change of the same dossier to be delivered.")


def storage(detail: str) -> SyncFault:
    return SyncFault("storage", "Không đọc/ghi được dữ liệu trên máy (ổ đĩa đầy hoặc đang bị khóa); "
                     "sẽ thử lại.", "Could not read/write the local store (disk full or locked); will retry.",
                     details={"detail": detail[:300]})


def misconfigured(status: int, location: str = "") -> SyncFault:
    where = f" (chuyển tới {location})" if location else ""
    where_en = f" (redirects to {location})" if location else ""
    return SyncFault("misconfigured", f"Địa chỉ máy chủ tỉnh không đúng hoặc máy chủ chưa hỗ trợ đồng bộ "
                     f"(mã {status}){where}; kiểm tra cấu hình. Hồ sơ vẫn được giữ trong hàng chờ.",
                     f"The server address is wrong or does not offer the sync API (HTTP {status}){where_en}; "
                     "check the settings. Items stay queued.", offline=True,
                     details={"status": status, "location": location[:300]})
