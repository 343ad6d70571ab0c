"""One interface for every scanner driver (SANE, eSCL, WIA, TWAIN).

A driver is a :class:`Scanner`: ``list_devices()``, ``options(device_id)`` and ``open(device_id,
settings)`` returning a :class:`ScanSession` whose ``next_page()`` gives one :class:`Page` at a
time (None at the end of the batch). Every one of those calls is ``@runs_on("scanner")``: it must
run on the process-wide scanner thread (``desk_app.devices.device_thread("scanner")``), because
scanner drivers are not thread-safe and some keep per-thread state. Code on another thread (a
job, the CLI) drives them through :func:`iter_pages` / :func:`on_scanner_thread`, which marshal each
call onto that thread.

The scan is page by page so that a job can check its cancel token between pages and keep what it
already has when the feeder jams or the cable is pulled.
"""
from __future__ import annotations

import io
import json
import logging
import os
import platform
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from desk_app.devices import device_thread, runs_on
from desk_app.domain.errors import ValidationError

__all__ = [
    "FAMILY", "MODES", "SOURCES", "DebugLog", "DeviceInfo", "DeviceOptions", "Mode", "Page",
    "ScanSession", "ScanSettings", "Scanner", "Source", "SourceNames", "debug_log",
    "iter_pages", "on_scanner_thread", "runs_on_scanner",
]

FAMILY = "scanner"
runs_on_scanner = runs_on(FAMILY)

Source = Literal["flatbed", "feeder", "duplex"]
Mode = Literal["bw", "gray", "color"]
SOURCES: tuple[str, ...] = ("flatbed", "feeder", "duplex")
MODES: tuple[str, ...] = ("bw", "gray", "color")
T = TypeVar("T")


@dataclass(frozen=True)
class DeviceInfo:
    """A scanner a driver can see. ``id`` is what ``open`` takes (e.g. ``sane:test:0``,
    ``escl:http://192.168.1.20/eSCL``)."""

    id: str
    backend: str                 # "sane" | "escl" | "wia" | "twain"
    vendor: str = ""
    model: str = ""
    kind: str = ""               # "flatbed scanner", "multi-function peripheral", …

    @property
    def label(self) -> str:
        name = " ".join(p for p in (self.vendor, self.model) if p) or self.id
        return f"{name} ({self.backend})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeviceOptions:
    """What a device offers, in its own words (``raw_sources``) and ours (``sources``)."""

    sources: tuple[str, ...]                 # subset of SOURCES (duplex only if the device has it)
    raw_sources: tuple[str, ...] = ()        # the driver's names ("ADF Front", "Automatic Document Feeder")
    resolutions: tuple[int, ...] = ()        # empty = any in [min_dpi, max_dpi]
    min_dpi: int = 75
    max_dpi: int = 600
    modes: tuple[str, ...] = MODES
    max_width_mm: float | None = None
    max_height_mm: float | None = None

    def nearest_dpi(self, dpi: int) -> int:
        if self.resolutions:
            return min(self.resolutions, key=lambda r: (abs(r - dpi), -r))
        return max(self.min_dpi, min(self.max_dpi, dpi))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScanSettings:
    source: str = "flatbed"      # one of SOURCES
    dpi: int = 300
    mode: str = "color"          # one of MODES
    max_pages: int | None = None  # None = until the feeder is empty (flatbed: 1)
    width_mm: float | None = None  # None = the whole area (A4 when the device has it)
    height_mm: float | None = None

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValidationError("scan_bad_source",
                                  f"Nguồn quét “{self.source}” không hợp lệ (flatbed, feeder, duplex).",
                                  f"Unknown scan source “{self.source}” (flatbed, feeder, duplex).",
                                  field="source")
        if self.mode not in MODES:
            raise ValidationError("scan_bad_mode",
                                  f"Chế độ màu “{self.mode}” không hợp lệ (bw, gray, color).",
                                  f"Unknown colour mode “{self.mode}” (bw, gray, color).",
                                  field="mode")
        if not 50 <= int(self.dpi) <= 1200:
            raise ValidationError("scan_bad_dpi", f"Độ phân giải {self.dpi} dpi không hợp lệ (50–1200).",
                                  f"Resolution {self.dpi} dpi is out of range (50–1200).", field="dpi")
        if self.max_pages is not None and self.max_pages < 1:
            raise ValidationError("scan_bad_pages", "Số trang phải từ 1 trở lên.",
                                  "The page count must be at least 1.", field="pages")


@dataclass
class Page:
    """One scanned side. ``image`` is a Pillow image; ``encoded`` the driver's own bytes when it
    sent a file (eSCL/WIA JPEG) — kept so the PDF can embed the scanner's JPEG untouched."""

    image: Any                          # PIL.Image.Image
    dpi: int
    mode: str
    source: str
    side: str = "front"                 # "front" | "back"
    index: int = 0                      # 0-based order in the batch
    encoded: bytes | None = None        # original file bytes (JPEG/PNG/TIFF) if any
    encoded_format: str | None = None   # "JPEG", "PNG", …
    origin: str = ""                    # device id or file name
    flags: dict[str, Any] = field(default_factory=dict)   # "likely_blank", "deskew_deg", …

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def meta(self) -> dict[str, Any]:
        w, h = self.image.size
        return {"index": self.index, "side": self.side, "source": self.source, "dpi": self.dpi,
                "mode": self.mode, "width": w, "height": h, "encoded": self.encoded_format,
                "flags": dict(self.flags)}


class ScanSession(ABC):
    """One batch on one device. Every method runs on the scanner thread."""

    @abstractmethod
    def next_page(self) -> Page | None:
        """The next page, or None at the end of the batch (feeder empty after at least one page,
        flatbed done). Raises FeederEmpty (no paper at all), PaperJam, DeviceGone, … (ScanError)."""

    @abstractmethod
    def close(self) -> None:
        """Release the device (idempotent; never raises for a device already gone)."""


class Scanner(ABC):
    """A scanner driver (one per backend)."""

    backend: str = "?"

    @abstractmethod
    def list_devices(self) -> list[DeviceInfo]:
        ...

    @abstractmethod
    def options(self, device_id: str) -> DeviceOptions:
        ...

    @abstractmethod
    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        ...

    def close(self) -> None:
        """Release the driver (e.g. sane_exit)."""


# --------------------------------------------------------------------------- per-device names

# what drivers commonly call the sources (NAPS2's pain #1: vendor-specific names)
KNOWN_SOURCE_NAMES: dict[str, tuple[str, ...]] = {
    "flatbed": ("flatbed", "platen", "glass", "document table", "normal"),
    "feeder": ("automatic document feeder", "adf", "adf front", "feeder", "adf simplex",
               "document feeder", "adf (simplex)", "automatic document feeder(left aligned)"),
    "duplex": ("adf duplex", "duplex", "adf (duplex)", "adf front & back", "adf both sides",
               "automatic document feeder(duplex)", "duplex adf"),
}


@dataclass(frozen=True)
class SourceNames:
    """Per-device overrides: the driver's source name for each of ours (``feeder="ADF Front"``)."""

    flatbed: str | None = None
    feeder: str | None = None
    duplex: str | None = None

    def resolve(self, source: str, raw_sources: tuple[str, ...] | list[str]) -> str | None:
        """The driver's name for ``source``: the override if set (it need not be listed — some
        drivers hide names), else the first known name the device lists, else None."""
        override = getattr(self, source, None)
        if override:
            return override
        lowered = {r.lower().strip(): r for r in raw_sources}
        for name in KNOWN_SOURCE_NAMES.get(source, ()):
            if name in lowered:
                return lowered[name]
        # a loose match ("ADF Front Side" for feeder, "… Duplex" for duplex)
        for low, raw in lowered.items():
            if source == "duplex" and "duplex" in low:
                return raw
            if source == "feeder" and ("adf" in low or "feeder" in low) and "duplex" not in low \
                    and "back" not in low:
                return raw
            if source == "flatbed" and ("flatbed" in low or "platen" in low):
                return raw
        return None

    def ours(self, raw_sources: tuple[str, ...] | list[str]) -> tuple[str, ...]:
        return tuple(s for s in SOURCES if self.resolve(s, raw_sources) is not None)


# --------------------------------------------------------------------------- the debug log

_SAFE_KEYS = {"backend", "device", "vendor", "model", "call", "source", "raw_source", "dpi", "mode",
              "page", "pages", "status", "error", "code", "seconds", "width", "height", "bytes",
              "format", "option", "value", "count", "version", "http_status", "reason", "side"}


class DebugLog:
    """A ring buffer of driver events a provincial IT person can send: backend, device model,
    calls, options, statuses and timings. No personal data: no image content, no file names,
    only the whitelisted fields above (anything else is dropped), values cut to 200 characters."""

    def __init__(self, maxlen: int = 2000) -> None:
        self._events: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self.log = logging.getLogger("desk_app.scanning")

    def record(self, event: str, **fields: Any) -> None:
        clean = {k: (v if isinstance(v, (int, float, bool)) or v is None else str(v)[:200])
                 for k, v in fields.items() if k in _SAFE_KEYS}
        entry = {"t": round(time.time(), 3), "thread": threading.current_thread().name,
                 "event": event, **clean}
        with self._lock:
            self._events.append(entry)
        self.log.debug("%s %s", event, clean)

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    def write(self, path: Path | str) -> Path:
        """The report saved to ``path`` (durably), for an IT person to send."""
        path = Path(path)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.report())
            fh.flush()
            os.fsync(fh.fileno())
        return path

    def report(self) -> str:
        """The text to send: the system, the library versions, then one JSON line per event."""
        buf = io.StringIO()
        buf.write("desk_app scanner debug log\n")
        buf.write(f"system: {platform.system()} {platform.release()} {platform.machine()}\n")
        buf.write(f"python: {platform.python_version()}\n")
        for mod in ("sane", "httpx", "PIL", "img2pdf", "pikepdf"):
            try:
                m = __import__(mod)
                buf.write(f"{mod}: {getattr(m, '__version__', '?')}\n")
            except Exception:  # noqa: BLE001  (any import failure is just "missing")
                buf.write(f"{mod}: missing\n")
        for e in self.events():
            buf.write(json.dumps(e, ensure_ascii=False, sort_keys=True) + "\n")
        return buf.getvalue()


debug_log = DebugLog()


# --------------------------------------------------------------------------- driving from a job

def on_scanner_thread(fn: Callable[..., T], *args: Any, timeout: float | None = None,
                      **kwargs: Any) -> T:
    """Run ``fn`` on the scanner thread and wait (at once when already on it)."""
    return device_thread(FAMILY).call(fn, *args, timeout=timeout, **kwargs)


def iter_pages(session: ScanSession, *, timeout: float | None = None) -> Iterator[Page]:
    """The pages of ``session``, each fetched on the scanner thread; usable from any thread."""
    while True:
        page = on_scanner_thread(session.next_page, timeout=timeout)
        if page is None:
            return
        yield page

