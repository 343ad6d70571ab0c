"""SANE (Linux) through python-sane.

``sane.init()`` reads ``SANE_CONFIG_DIR`` once per process: tests point it at a private folder
whose ``dll.conf`` says ``test`` (the SANE test backend: a flatbed and a feeder that empties after
10 sheets, and ``read-return-value`` to make every read jam, find no paper or fail).

SANE statuses (python-sane raises ``_sane.error`` with ``sane_strstatus`` text) map to our errors:
NO_DOCS → end of batch after a page, FeederEmpty before any; JAMMED → PaperJam; IO_ERROR and a
device that no longer opens → DeviceGone; COVER_OPEN → CoverOpen; DEVICE_BUSY → DeviceBusy.
"""
from __future__ import annotations

import os

import time
from collections.abc import Callable
from typing import Any

from desk_app.scanning.backend import (
    DeviceInfo,
    DeviceOptions,
    Page,
    Scanner,
    ScanSession,
    ScanSettings,
    SourceNames,
    debug_log,
    runs_on_scanner,
)
from desk_app.scanning.errors import (
    BackendMissing,
    CoverOpen,
    DeviceBusy,
    DeviceGone,
    FeederEmpty,
    PaperJam,
    ScanError,
)
from desk_app.scanning.imaging import to_bilevel

try:  # Windows and machines without libsane: importable, the scanner says why it cannot work
    import sane as _sane_mod
except ImportError:  # pragma: no cover - exercised on Windows
    _sane_mod = None

__all__ = ["SaneScanner", "available", "map_sane_error"]

PREFIX = "sane:"
_initialised = False
_STATUS_TEXT = {  # sane_strstatus() texts (sanei/sane_strstatus.c)
    "Document feeder out of documents": "no_docs",
    "Document feeder jammed": "jammed",
    "Error during device I/O": "io_error",
    "Scanner cover is open": "cover_open",
    "Device busy": "busy",
    "Access to resource has been denied": "denied",
    "Operation was cancelled": "cancelled",
    "Invalid argument": "inval",
    "Out of memory": "no_mem",
    "Operation not supported": "unsupported",
}


def _keep_sigpipe_ignored() -> None:
    """SANE's reader threads (sanei_thread) set SIGPIPE back to SIG_DFL for the whole process, so a
    later write to a closed socket would kill the app instead of raising BrokenPipeError. Python
    ignores SIGPIPE at start; put that back. ``signal.signal`` works on the main thread only and
    this runs on the scanner thread, so ask libc directly (POSIX only; Windows has no SIGPIPE)."""
    if os.name != "posix":
        return
    import ctypes
    import signal as _signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.signal.restype = ctypes.c_void_p
    libc.signal.argtypes = (ctypes.c_int, ctypes.c_void_p)
    libc.signal(int(_signal.SIGPIPE), ctypes.c_void_p(1))     # SIG_IGN


def available() -> bool:
    return _sane_mod is not None


def _status(exc: BaseException) -> str:
    return _STATUS_TEXT.get(str(exc).strip(), "other")


def map_sane_error(exc: BaseException, *, pages: int, device: str) -> ScanError | None:
    """Our error for a SANE failure; None for "no documents" after at least one page (the normal
    end of a feeder batch)."""
    st = _status(exc)
    d = {"device": device, "pages_kept": pages, "sane_status": str(exc)}
    if st == "no_docs":
        return None if pages else FeederEmpty(**d)
    if st == "jammed":
        return PaperJam(**d)
    if st == "io_error":
        return DeviceGone(**d)
    if st == "cover_open":
        return CoverOpen(**d)
    if st == "busy":
        return DeviceBusy(**d)
    return ScanError(f"Máy quét báo lỗi: {exc}", f"The scanner reported an error: {exc}", **d)


_MODE_NAMES = {"color": ("color", "colour", "24bit color", "rgb"),
               "gray": ("gray", "grey", "grayscale", "8bit gray", "true gray"),
               "bw": ("lineart", "binary", "black & white", "halftone", "monochrome")}


class _SaneSession(ScanSession):
    def __init__(self, scanner: SaneScanner, dev: Any, device_id: str, settings: ScanSettings,
                 raw_source: str | None, bw_threshold: bool) -> None:
        self.scanner = scanner
        self.dev = dev
        self.device_id = device_id
        self.settings = settings
        self.raw_source = raw_source
        self.bw_threshold = bw_threshold
        self.count = 0
        self.done = False

    @runs_on_scanner
    def next_page(self) -> Page | None:
        s = self.settings
        if self.done or (s.max_pages is not None and self.count >= s.max_pages):
            return None
        if self.scanner.before_page is not None:
            self.scanner.before_page(self.dev, self.count)
        t0 = time.perf_counter()
        try:
            try:
                self.dev.start()
                img = self.dev.snap(True)
            finally:
                _keep_sigpipe_ignored()
        except Exception as exc:  # noqa: BLE001  (_sane.error, RuntimeError "no data")
            debug_log.record("sane.read", backend="sane", device=self.device_id, page=self.count,
                             status=str(exc))
            self._cancel()
            err = map_sane_error(exc, pages=self.count, device=self.device_id)
            self.done = True
            if err is None:
                return None
            raise err from None
        if s.mode == "bw":
            img = to_bilevel(img)
        page = Page(image=img, dpi=s.dpi, mode=s.mode, source=s.source,
                    side="back" if s.source == "duplex" and self.count % 2 else "front",
                    index=self.count, origin=self.device_id)
        debug_log.record("sane.page", backend="sane", device=self.device_id, page=self.count,
                         width=img.size[0], height=img.size[1],
                         seconds=round(time.perf_counter() - t0, 3))
        self.count += 1
        if s.source == "flatbed" and s.max_pages is None:
            self.done = True
        return page

    def abort(self) -> None:
        """From ANY thread (the job's watchdog): ``sane_cancel`` is allowed at any time by the
        SANE standard, and is how a read blocked in the driver is made to return."""
        dev = self.dev
        if dev is None:
            return
        try:
            dev.cancel()
        except Exception:  # noqa: BLE001
            debug_log.record("sane.abort", backend="sane", device=self.device_id, status="failed")

    def _cancel(self) -> None:
        try:
            self.dev.cancel()
        except Exception:  # noqa: BLE001  (a device already gone cannot be cancelled)
            debug_log.record("sane.cancel", backend="sane", device=self.device_id, status="failed")

    @runs_on_scanner
    def close(self) -> None:
        if self.dev is None:
            return
        self._cancel()
        try:
            self.dev.close()
        except Exception:  # noqa: BLE001  (closing a device already gone)
            debug_log.record("sane.close", backend="sane", device=self.device_id, status="failed")
        self.dev = None


class SaneScanner(Scanner):
    """``overrides``: per-device source names; ``before_page(raw_dev, index)`` runs on the
    scanner thread before each page (tests use it to make the SANE test backend jam after N
    pages; an IT person can use it to set a vendor option)."""

    backend = "sane"

    def __init__(self, *, overrides: dict[str, SourceNames] | None = None,
                 extra_options: dict[str, dict[str, Any]] | None = None,
                 before_page: Callable[[Any, int], None] | None = None) -> None:
        self.overrides = overrides or {}
        self.extra_options = extra_options or {}
        self.before_page = before_page

    def _require(self) -> Any:
        if _sane_mod is None:
            raise BackendMissing(
                "Trình điều khiển SANE (python-sane) chưa được cài: trên Windows hãy dùng WIA,"
                " TWAIN hoặc eSCL.",
                "The SANE driver (python-sane) is not installed: on Windows use WIA, TWAIN or eSCL.")
        global _initialised
        if not _initialised:  # once per process: SANE_CONFIG_DIR is read here
            version = _sane_mod.init()
            _initialised = True
            debug_log.record("sane.init", backend="sane", version=version)
        return _sane_mod

    @staticmethod
    def _name(device_id: str) -> str:
        return device_id.removeprefix(PREFIX)

    @runs_on_scanner
    def list_devices(self) -> list[DeviceInfo]:
        sane = self._require()
        t0 = time.perf_counter()
        devs = sane.get_devices()
        debug_log.record("sane.list", backend="sane", count=len(devs),
                         seconds=round(time.perf_counter() - t0, 3))
        return [DeviceInfo(PREFIX + name, "sane", vendor, model, kind)
                for name, vendor, model, kind in devs]

    def _open_raw(self, device_id: str) -> Any:
        sane = self._require()
        try:
            return sane.open(self._name(device_id))
        except Exception as exc:  # noqa: BLE001  (_sane.error, RuntimeError "No such scan device")
            st = _status(exc)
            debug_log.record("sane.open", backend="sane", device=device_id, status=str(exc))
            if st == "busy":
                raise DeviceBusy(device=device_id) from None
            raise DeviceGone(f"Không mở được máy quét {device_id}: {exc}",
                             f"Cannot open the scanner {device_id}: {exc}",
                             device=device_id, pages_kept=0) from None

    @staticmethod
    def _constraint(dev: Any, name: str) -> Any:
        opt = dev[name] if name in dev.opt else None
        return getattr(opt, "constraint", None) if opt is not None else None

    def _options(self, dev: Any, device_id: str) -> DeviceOptions:
        raw_sources = tuple(self._constraint(dev, "source") or ())
        names = self.overrides.get(device_id, SourceNames())
        sources = names.ours(raw_sources) if raw_sources else ("flatbed",)
        res = self._constraint(dev, "resolution")
        resolutions: tuple[int, ...] = ()
        lo, hi = 75, 600
        if isinstance(res, tuple) and len(res) == 3:
            lo, hi = int(res[0]), int(res[1])
        elif isinstance(res, list):
            resolutions = tuple(int(r) for r in res)
            lo, hi = min(resolutions), max(resolutions)
        raw_modes = [m.lower() for m in (self._constraint(dev, "mode") or ())]
        modes = tuple(m for m in ("bw", "gray", "color")
                      if any(n in raw_modes for n in _MODE_NAMES[m]) or (m == "bw" and "gray" in raw_modes))
        br = self._constraint(dev, "br_x"), self._constraint(dev, "br_y")
        w = float(br[0][1]) if isinstance(br[0], tuple) else None
        h = float(br[1][1]) if isinstance(br[1], tuple) else None
        return DeviceOptions(sources=sources, raw_sources=raw_sources, resolutions=resolutions,
                             min_dpi=lo, max_dpi=hi, modes=modes or ("gray",),
                             max_width_mm=w, max_height_mm=h)

    @runs_on_scanner
    def options(self, device_id: str) -> DeviceOptions:
        dev = self._open_raw(device_id)
        try:
            return self._options(dev, device_id)
        finally:
            dev.close()

    @runs_on_scanner
    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        dev = self._open_raw(device_id)
        try:
            opts = self._options(dev, device_id)
            names = self.overrides.get(device_id, SourceNames())
            raw_source = None
            if opts.raw_sources:
                raw_source = names.resolve(settings.source, opts.raw_sources)
                if raw_source is None:
                    raise ScanError(
                        f"Máy quét {device_id} không có nguồn “{settings.source}” (có:"
                        f" {', '.join(opts.raw_sources)}); có thể đặt tên nguồn riêng cho máy này.",
                        f"The scanner {device_id} has no “{settings.source}” source (it has:"
                        f" {', '.join(opts.raw_sources)}); a per-device source name can be set.",
                        device=device_id)
                self._set(dev, "source", raw_source, device_id)
            raw_modes = {m.lower(): m for m in (self._constraint(dev, "mode") or ())}
            bw_threshold = False
            wanted = next((raw_modes[n] for n in _MODE_NAMES[settings.mode] if n in raw_modes), None)
            if wanted is None and settings.mode == "bw":
                wanted = next((raw_modes[n] for n in _MODE_NAMES["gray"] if n in raw_modes), None)
                bw_threshold = True
            if wanted is not None:
                self._set(dev, "mode", wanted, device_id)
            if settings.mode == "bw" and "depth" in dev.opt and not bw_threshold:
                pass  # a real Lineart mode sets its own depth
            elif "depth" in dev.opt:
                self._set(dev, "depth", 8, device_id, quiet=True)
            self._set(dev, "resolution", opts.nearest_dpi(settings.dpi), device_id)
            if settings.width_mm and "br_x" in dev.opt:
                self._set(dev, "br_x", min(settings.width_mm, opts.max_width_mm or 1e9), device_id,
                          quiet=True)
            if settings.height_mm and "br_y" in dev.opt:
                self._set(dev, "br_y", min(settings.height_mm, opts.max_height_mm or 1e9), device_id,
                          quiet=True)
            for key, value in self.extra_options.get(device_id, {}).items():
                self._set(dev, key, value, device_id)
        except BaseException:
            dev.close()
            raise
        debug_log.record("sane.open", backend="sane", device=device_id, source=settings.source,
                         raw_source=raw_source, dpi=settings.dpi, mode=settings.mode)
        return _SaneSession(self, dev, device_id, settings, raw_source, bw_threshold)

    @staticmethod
    def _set(dev: Any, name: str, value: Any, device_id: str, quiet: bool = False) -> None:
        try:
            setattr(dev, name, value)
            debug_log.record("sane.option", backend="sane", device=device_id, option=name,
                             value=value)
        except Exception as exc:  # noqa: BLE001  (_sane.error, AttributeError for inactive)
            debug_log.record("sane.option", backend="sane", device=device_id, option=name,
                             value=value, status=str(exc))
            if not quiet:
                raise ScanError(f"Máy quét không nhận thiết lập {name}={value}: {exc}",
                                f"The scanner refused {name}={value}: {exc}",
                                device=device_id, option=name) from None

    def close(self) -> None:
        """Nothing to release per scanner: ``sane_init`` stays for the process (sessions close
        their own devices)."""
