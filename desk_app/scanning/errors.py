"""Typed scanner errors, each a DeskError with its message in Vietnamese and English.

A face shows ``message(lang)``; a job keeps the pages scanned before the error (``ScanResult``).
"""
from __future__ import annotations

from typing import Any

from desk_app.domain.errors import DeskError, ValidationError

__all__ = ["BackendMissing", "CoverOpen", "DeviceBusy", "DeviceGone", "FeederEmpty", "PaperJam",
           "ProfileLocked",
           "ScanError", "UnusableFile"]


class ScanError(DeskError):
    """A scanner failed (CLI exit code 1). ``details["pages_kept"]`` says how many pages the job
    kept when it happened mid-batch."""

    exit_code = 1
    default_code = "scan_failed"
    default_vi = "Máy quét báo lỗi."
    default_en = "The scanner reported an error."

    def __init__(self, vi: str | None = None, en: str | None = None, /, **details: Any) -> None:
        super().__init__(self.default_code, vi or self.default_vi, en or self.default_en, **details)


class FeederEmpty(ScanError):
    default_code = "scan_feeder_empty"
    default_vi = "Khay nạp giấy trống: hãy đặt giấy vào khay rồi quét lại."
    default_en = "The document feeder is empty: load the paper and scan again."


class PaperJam(ScanError):
    default_code = "scan_paper_jam"
    default_vi = "Kẹt giấy trong máy quét: gỡ tờ bị kẹt, đặt lại các tờ chưa quét rồi quét tiếp."
    default_en = "Paper jam in the scanner: clear it, reload the sheets not yet scanned and go on."


class DeviceGone(ScanError):
    default_code = "scan_device_gone"
    default_vi = "Mất kết nối với máy quét (bị rút cáp, tắt nguồn hoặc mất mạng)."
    default_en = "The scanner stopped answering (unplugged, switched off or off the network)."


class NotResponding(DeviceGone):
    """A page read that never returns (a hung driver): the job gives up on it, pages kept."""
    default_code = "scan_not_responding"
    default_vi = ("Máy quét không phản hồi: hãy tắt rồi bật lại máy quét (hoặc rút và cắm lại"
                  " cáp USB), rồi quét tiếp.")
    default_en = ("The scanner is not responding: switch it off and on again (or unplug and"
                  " replug the USB cable), then go on scanning.")


class CoverOpen(ScanError):
    default_code = "scan_cover_open"
    default_vi = "Nắp máy quét đang mở: hãy đóng nắp rồi quét lại."
    default_en = "The scanner cover is open: close it and scan again."


class DeviceBusy(ScanError):
    default_code = "scan_device_busy"
    default_vi = "Máy quét đang bận (một chương trình khác đang dùng): hãy thử lại sau."
    default_en = "The scanner is busy (another program is using it): try again later."


class BackendMissing(ScanError):
    default_code = "scan_backend_missing"
    default_vi = "Không dùng được trình điều khiển máy quét này trên máy tính này."
    default_en = "This scanner driver is not available on this computer."


class UnusableFile(ValidationError):
    """An imported file that cannot be used (corrupt, empty, encrypted, too big): exit code 2."""

    def __init__(self, code: str, vi: str, en: str, /, **details: Any) -> None:
        super().__init__(code, vi, en, **details)


class ProfileLocked(DeskError):
    """A clerk tried to change a profile an administrator locked (CLI exit code 3)."""

    exit_code = 3

    def __init__(self, profile: str, what: str) -> None:
        super().__init__("scan_profile_locked",
                         f"Hồ sơ quét “{profile}” đã được quản trị viên khóa: không đổi được {what}.",
                         f"The scan profile “{profile}” is locked by the administrator: {what}"
                         " cannot be changed.", profile=profile, field=what)
