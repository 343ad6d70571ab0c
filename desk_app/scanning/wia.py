"""WIA 2.0 (Windows Image Acquisition) through the WIA Automation Layer over COM (pywin32).

Importable everywhere: the COM part is only touched on Windows. The driver speaks to a
:class:`~desk_app.scanning.transport.Transport`; :class:`ComWiaTransport` is the real one (every call
on the scanner thread, which initialises COM for itself), and recorded sessions replay through
``ReplayTransport`` in the tests.

WIA property ids used (wiadef.h): 3088 WIA_DPS_DOCUMENT_HANDLING_SELECT (1 feeder, 2 flatbed,
4 duplex), 3096 WIA_DPS_PAGES, 4103 WIA_IPA_DATATYPE (0 B/W, 2 grey, 3 colour), 6147/6148
horizontal/vertical resolution. Errors are HRESULTs (``WIA_ERROR_*``).
"""
from __future__ import annotations

import sys
from typing import Any

from desk_app.scanning.errors import (
    BackendMissing,
    CoverOpen,
    DeviceBusy,
    DeviceGone,
    FeederEmpty,
    PaperJam,
    ScanError,
)
from desk_app.scanning.transport import TransportScanner

__all__ = ["WIA_ERRORS", "ComWiaTransport", "WiaScanner"]

# HRESULT -> our error (None = end of the batch when pages were already scanned)
WIA_ERRORS: dict[int, type[ScanError]] = {
    0x80210002: PaperJam,       # WIA_ERROR_PAPER_JAM
    0x80210003: FeederEmpty,    # WIA_ERROR_PAPER_EMPTY
    0x80210004: PaperJam,       # WIA_ERROR_PAPER_PROBLEM
    0x80210005: DeviceGone,     # WIA_ERROR_OFFLINE
    0x80210006: DeviceBusy,     # WIA_ERROR_BUSY
    0x8021000A: DeviceGone,     # WIA_ERROR_DEVICE_COMMUNICATION
    0x8021000D: DeviceBusy,     # WIA_ERROR_DEVICE_LOCKED
    0x80210015: DeviceGone,     # WIA_S_NO_DEVICE_AVAILABLE
    0x80210016: CoverOpen,      # WIA_ERROR_COVER_OPEN
}
SOURCE_FLAGS = {"Feeder": 1, "Flatbed": 2, "Duplex": 5}
DATATYPE = {"bw": 0, "gray": 2, "color": 3}
FORMAT_JPEG = "{B96B3CAE-0728-11D3-9D7B-0000F81EF32E}"
FORMAT_PNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"


class WiaScanner(TransportScanner):
    backend = "wia"
    prefix = "wia:"

    def make_transport(self) -> ComWiaTransport:
        return ComWiaTransport()

    def map_error(self, error: dict[str, Any], *, pages: int, device: str) -> ScanError | None:
        code = int(str(error.get("code", "0")), 0) & 0xFFFFFFFF
        cls = WIA_ERRORS.get(code)
        if cls is FeederEmpty and pages:
            return None   # the feeder ran out after some pages: the normal end
        d = {"device": device, "pages_kept": pages, "wia_hresult": hex(code)}
        if cls is not None:
            return cls(**d)
        return ScanError(f"WIA báo lỗi {hex(code)}: {error.get('message', '')}",
                         f"WIA error {hex(code)}: {error.get('message', '')}", **d)


class ComWiaTransport:
    """The real WIA transport (Windows, pywin32). Created lazily on the scanner thread."""

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise BackendMissing("WIA chỉ có trên Windows.", "WIA is only available on Windows.")
        try:
            import pythoncom  # type: ignore[import-not-found]
            import win32com.client  # type: ignore[import-not-found]
        except ImportError:
            raise BackendMissing("Thiếu gói pywin32 để dùng WIA.",
                                 "The pywin32 package is needed for WIA.") from None
        pythoncom.CoInitialize()
        self._client = win32com.client
        self._manager = win32com.client.Dispatch("WIA.DeviceManager")
        self._device: Any = None
        self._item: Any = None
        self._source = "Flatbed"

    @staticmethod
    def _error(exc: Exception) -> dict[str, Any]:
        hr = getattr(exc, "hresult", None)
        args = getattr(exc, "args", ())
        # com_error(hresult, text, (wcode, source, text, help, helpctx, scode), argerr)
        if len(args) > 2 and args[2] and len(args[2]) > 5 and args[2][5]:
            hr = args[2][5]
        return {"error": {"code": hex((hr or 0) & 0xFFFFFFFF), "message": str(exc)[:200]}}

    def request(self, op: str, **args: Any) -> dict[str, Any]:
        try:
            return getattr(self, "_" + op)(**args)
        except Exception as exc:  # noqa: BLE001  (pywintypes.com_error and friends)
            return self._error(exc)

    def _list(self) -> dict[str, Any]:
        out = []
        for i in range(1, self._manager.DeviceInfos.Count + 1):
            info = self._manager.DeviceInfos.Item(i)
            if info.Type != 1:      # ScannerDeviceType
                continue
            props = {p.Name: p.Value for p in info.Properties}
            out.append({"id": info.DeviceID, "vendor": props.get("Manufacturer", ""),
                        "model": props.get("Name", ""), "kind": "WIA scanner"})
        return {"devices": out}

    def _connect(self, device: str) -> Any:
        for i in range(1, self._manager.DeviceInfos.Count + 1):
            info = self._manager.DeviceInfos.Item(i)
            if info.DeviceID == device:
                return info.Connect()
        return None

    def _options(self, device: str) -> dict[str, Any]:
        dev = self._connect(device)
        if dev is None:
            return {"error": {"code": hex(0x80210015), "message": "device not found"}}
        sources = ["Flatbed"]
        try:
            caps = dev.Properties("3086").Value        # WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES
            if caps & 1:
                sources.append("Feeder")
            if caps & 4:
                sources.append("Duplex")
        except Exception:  # noqa: BLE001, S110  (a flatbed has no such property)
            pass
        return {"sources": sources, "resolutions": [75, 100, 150, 200, 300, 600]}

    def _open(self, device: str, source: str, dpi: int, mode: str) -> dict[str, Any]:
        self._device = self._connect(device)
        if self._device is None:
            return {"error": {"code": hex(0x80210015), "message": "device not found"}}
        self._source = source
        if source != "Flatbed":
            self._device.Properties("3088").Value = SOURCE_FLAGS.get(source, 1)
            self._device.Properties("3096").Value = 1
        self._item = self._device.Items(1)
        self._item.Properties("6147").Value = dpi
        self._item.Properties("6148").Value = dpi
        self._item.Properties("4103").Value = DATATYPE[mode]
        self._pages = 0
        return {"ok": True}

    def _next(self) -> dict[str, Any]:
        if self._source == "Flatbed" and self._pages:
            return {"end": True}
        image = self._item.Transfer(FORMAT_JPEG)
        self._pages += 1
        data = bytes(image.FileData.BinaryData)
        return {"page": {"format": "JPEG", "data": data}}

    def _close(self) -> dict[str, Any]:
        self._device = self._item = None
        return {"ok": True}

    def close(self) -> None:
        self._device = self._item = None
