"""eSCL ("AirScan", Mopria) network scanners over HTTP with httpx.

The protocol: ``GET ScannerCapabilities`` (XML: model, platen / ADF simplex / ADF duplex, colour
modes, resolutions), ``GET ScannerStatus`` (``pwg:State``, ``scan:AdfState``), ``POST ScanJobs``
with a ``scan:ScanSettings`` document (201 + ``Location`` of the job; 503 busy; 409 often "feeder
empty"), then ``GET {job}/NextDocument`` once per page until 404 (end of batch), and ``DELETE
{job}`` to stop early. The scanner's JPEG is kept as it came (``Page.encoded``).

Devices are the base URLs configured for the desk (``http://192.168.1.20/eSCL``); mDNS discovery
(``_uscan._tcp``) is not done here. A device that stops answering mid-batch (connection refused or
reset, timeout) is ``DeviceGone`` and the pages already received are kept by the job.
"""
from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import httpx
from PIL import Image, UnidentifiedImageError

from desk_app.scanning.backend import (
    DeviceInfo,
    DeviceOptions,
    Page,
    Scanner,
    ScanSession,
    ScanSettings,
    debug_log,
    runs_on_scanner,
)
from desk_app.scanning.errors import (
    DeviceBusy,
    DeviceGone,
    FeederEmpty,
    PaperJam,
    ScanError,
)

__all__ = ["EsclScanner", "parse_capabilities", "parse_status", "settings_xml"]

PREFIX = "escl:"
NS = {"scan": "http://schemas.hp.com/imaging/escl/2011/05/03",
      "pwg": "http://www.pwg.org/schemas/2010/12/sm"}
COLOR = {"color": "RGB24", "gray": "Grayscale8", "bw": "BlackAndWhite1"}
_NET_ERRORS = (httpx.TransportError,)   # connect/read errors, timeouts, protocol errors


@dataclass(frozen=True)
class Capabilities:
    make_and_model: str
    sources: tuple[str, ...]
    resolutions: tuple[int, ...]
    modes: tuple[str, ...]
    formats: tuple[str, ...]


def parse_capabilities(xml: bytes) -> Capabilities:
    root = ET.fromstring(xml)
    model = root.findtext("pwg:MakeAndModel", default="", namespaces=NS)
    sources = []
    if root.find("scan:Platen", NS) is not None:
        sources.append("flatbed")
    adf = root.find("scan:Adf", NS)
    if adf is not None:
        sources.append("feeder")
        if adf.find("scan:AdfDuplexInputCaps", NS) is not None:
            sources.append("duplex")
    res = sorted({int(x.text) for x in root.iter(f"{{{NS['scan']}}}XResolution")
                  if x.text and x.text.strip().isdigit()})
    raw_modes = {x.text for x in root.iter(f"{{{NS['scan']}}}ColorMode")}
    modes = tuple(m for m, v in COLOR.items() if v in raw_modes)
    formats = tuple(sorted({x.text for x in root.iter(f"{{{NS['pwg']}}}DocumentFormat") if x.text}
                           | {x.text for x in root.iter(f"{{{NS['scan']}}}DocumentFormatExt")
                              if x.text}))
    return Capabilities(model, tuple(sources), tuple(res), modes or ("color",), formats)


def parse_status(xml: bytes) -> tuple[str, str]:
    """``(pwg:State, scan:AdfState)`` e.g. ("Idle", "ScannerAdfLoaded")."""
    root = ET.fromstring(xml)
    return (root.findtext("pwg:State", default="", namespaces=NS),
            root.findtext("scan:AdfState", default="", namespaces=NS))


def settings_xml(settings: ScanSettings, fmt: str = "image/jpeg") -> bytes:
    mm_to_300 = 300 / 25.4
    w = round((settings.width_mm or 210) * mm_to_300)
    h = round((settings.height_mm or 297) * mm_to_300)
    src = "Platen" if settings.source == "flatbed" else "Feeder"
    duplex = "<scan:Duplex>true</scan:Duplex>" if settings.source == "duplex" else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<scan:ScanSettings xmlns:scan="{NS["scan"]}" xmlns:pwg="{NS["pwg"]}">'
        "<pwg:Version>2.63</pwg:Version>"
        "<pwg:ScanRegions><pwg:ScanRegion>"
        f"<pwg:Height>{h}</pwg:Height><pwg:Width>{w}</pwg:Width>"
        "<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset>"
        "<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>"
        "</pwg:ScanRegion></pwg:ScanRegions>"
        f"<pwg:InputSource>{src}</pwg:InputSource>{duplex}"
        f"<scan:ColorMode>{COLOR[settings.mode]}</scan:ColorMode>"
        f"<scan:XResolution>{settings.dpi}</scan:XResolution>"
        f"<scan:YResolution>{settings.dpi}</scan:YResolution>"
        f"<pwg:DocumentFormat>{fmt}</pwg:DocumentFormat>"
        f"<scan:DocumentFormatExt>{fmt}</scan:DocumentFormatExt>"
        "</scan:ScanSettings>").encode()


class _EsclSession(ScanSession):
    def __init__(self, scanner: EsclScanner, base: str, job_url: str, settings: ScanSettings,
                 device_id: str) -> None:
        self.scanner, self.base, self.job_url = scanner, base, job_url
        self.settings, self.device_id = settings, device_id
        self.count = 0
        self.done = False

    def _gone(self, exc: BaseException) -> DeviceGone:
        debug_log.record("escl.gone", backend="escl", device=self.device_id, page=self.count,
                         error=type(exc).__name__)
        self.done = True
        return DeviceGone(device=self.device_id, pages_kept=self.count, reason=type(exc).__name__)

    def _adf_state(self) -> str:
        try:
            r = self.scanner.client.get(f"{self.base}/ScannerStatus")
            return parse_status(r.content)[1] if r.status_code == 200 else ""
        except (*_NET_ERRORS, ET.ParseError):
            return ""

    @runs_on_scanner
    def next_page(self) -> Page | None:
        s = self.settings
        if self.done or (s.max_pages is not None and self.count >= s.max_pages):
            return None
        t0 = time.perf_counter()
        for attempt in range(self.scanner.busy_retries + 1):
            try:
                r = self.scanner.client.get(f"{self.job_url}/NextDocument")
            except _NET_ERRORS as exc:
                raise self._gone(exc) from None
            if r.status_code != 503:
                break
            time.sleep(self.scanner.busy_wait)
        debug_log.record("escl.next", backend="escl", device=self.device_id, page=self.count,
                         http_status=r.status_code, bytes=len(r.content),
                         seconds=round(time.perf_counter() - t0, 3))
        if r.status_code == 404:
            self.done = True
            adf = self._adf_state()
            if "Jam" in adf:
                raise PaperJam(device=self.device_id, pages_kept=self.count)
            if self.count == 0 and s.source != "flatbed":
                raise FeederEmpty(device=self.device_id, pages_kept=0)
            return None
        if r.status_code != 200:
            self.done = True
            if r.status_code == 409 or "Jam" in self._adf_state():
                raise PaperJam(device=self.device_id, pages_kept=self.count)
            raise ScanError(f"Máy quét mạng trả lỗi HTTP {r.status_code}.",
                            f"The network scanner answered HTTP {r.status_code}.",
                            device=self.device_id, pages_kept=self.count)
        data = r.content
        try:
            img = Image.open(io.BytesIO(data))
            img.load()
        except (UnidentifiedImageError, OSError) as exc:
            self.done = True
            raise ScanError("Máy quét mạng gửi một trang hỏng.",
                            "The network scanner sent a damaged page.",
                            device=self.device_id, pages_kept=self.count, reason=str(exc)) from None
        fmt = img.format
        page = Page(image=img, dpi=s.dpi, mode=s.mode, source=s.source,
                    side="back" if s.source == "duplex" and self.count % 2 else "front",
                    index=self.count, encoded=data, encoded_format=fmt, origin=self.device_id)
        self.count += 1
        if s.source == "flatbed" and s.max_pages is None:
            self.done = True
        return page

    @runs_on_scanner
    def close(self) -> None:
        if self.job_url:
            try:
                self.scanner.client.delete(self.job_url)
            except _NET_ERRORS:
                pass
            self.job_url = ""


class EsclScanner(Scanner):
    """``urls``: the eSCL base URLs known to this desk (each ending in ``/eSCL``)."""

    backend = "escl"

    def __init__(self, urls: list[str] | tuple[str, ...] = (), *, timeout: float = 10.0,
                 busy_retries: int = 20, busy_wait: float = 0.5,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.urls = [u.rstrip("/") for u in urls]
        self.timeout = timeout
        self.busy_retries, self.busy_wait = busy_retries, busy_wait
        self._transport = transport
        self._client: httpx.Client | None = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(timeout=httpx.Timeout(self.timeout, connect=3.0),
                                        transport=self._transport)
        return self._client

    @staticmethod
    def _base(device_id: str) -> str:
        return (device_id.removeprefix(PREFIX)).rstrip("/")

    def _caps(self, base: str, device_id: str) -> Capabilities:
        try:
            r = self.client.get(f"{base}/ScannerCapabilities")
        except _NET_ERRORS as exc:
            debug_log.record("escl.caps", backend="escl", device=device_id, error=type(exc).__name__)
            raise DeviceGone(f"Không kết nối được máy quét mạng {base}.",
                             f"Cannot reach the network scanner {base}.",
                             device=device_id, pages_kept=0) from None
        if r.status_code != 200:
            raise ScanError(f"Máy quét mạng {base} trả lỗi HTTP {r.status_code}.",
                            f"The network scanner {base} answered HTTP {r.status_code}.",
                            device=device_id)
        try:
            return parse_capabilities(r.content)
        except ET.ParseError:
            raise ScanError("Máy quét mạng trả lời không đúng chuẩn eSCL.",
                            "The network scanner's answer is not valid eSCL.",
                            device=device_id) from None

    @runs_on_scanner
    def list_devices(self) -> list[DeviceInfo]:
        found = []
        for base in self.urls:
            try:
                caps = self._caps(base, PREFIX + base)
            except ScanError:
                continue
            vendor, _, model = caps.make_and_model.partition(" ")
            found.append(DeviceInfo(PREFIX + base, "escl", vendor, model, "network scanner"))
        debug_log.record("escl.list", backend="escl", count=len(found))
        return found

    @runs_on_scanner
    def options(self, device_id: str) -> DeviceOptions:
        caps = self._caps(self._base(device_id), device_id)
        return DeviceOptions(sources=caps.sources, raw_sources=caps.sources,
                             resolutions=caps.resolutions,
                             min_dpi=min(caps.resolutions, default=75),
                             max_dpi=max(caps.resolutions, default=600), modes=caps.modes)

    @runs_on_scanner
    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        base = self._base(device_id)
        caps = self._caps(base, device_id)
        if settings.source not in caps.sources:
            raise ScanError(f"Máy quét {caps.make_and_model} không có nguồn “{settings.source}”.",
                            f"The scanner {caps.make_and_model} has no “{settings.source}” source.",
                            device=device_id)
        if caps.resolutions:
            dpi = min(caps.resolutions, key=lambda r: (abs(r - settings.dpi), -r))
            if dpi != settings.dpi:
                from dataclasses import replace

                settings = replace(settings, dpi=dpi)
        fmt = "image/jpeg" if settings.mode != "bw" or "image/png" not in caps.formats else "image/png"
        try:
            r = self.client.post(f"{base}/ScanJobs", content=settings_xml(settings, fmt),
                                 headers={"Content-Type": "text/xml"})
        except _NET_ERRORS as exc:
            raise DeviceGone(device=device_id, pages_kept=0, reason=type(exc).__name__) from None
        debug_log.record("escl.job", backend="escl", device=device_id, source=settings.source,
                         dpi=settings.dpi, mode=settings.mode, http_status=r.status_code)
        if r.status_code == 503:
            raise DeviceBusy(device=device_id)
        if r.status_code == 409 and settings.source != "flatbed":
            raise FeederEmpty(device=device_id, pages_kept=0)
        if r.status_code not in (200, 201) or not r.headers.get("Location"):
            raise ScanError(f"Máy quét mạng từ chối lệnh quét (HTTP {r.status_code}).",
                            f"The network scanner refused the scan job (HTTP {r.status_code}).",
                            device=device_id)
        job = str(httpx.URL(f"{base}/ScanJobs").join(r.headers["Location"]))
        return _EsclSession(self, base, job, settings, device_id)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
