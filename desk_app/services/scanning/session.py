"""What the GUI's scan session needs from the scanning core, in one place (no Qt).

A session holds a list of :class:`SessionPage` — a scanned page (``desk_app.scanning`` ``Page``)
or one page of an imported PDF — that the clerk reorders, rotates, crops and deletes before the
pages become one PDF. The GUI may not import ``desk_app.scanning`` (its README rule), so every
image or PDF operation it needs is here: scanning with a per-page callback (thumbnails as pages
arrive), importing files with per-file refusals (good files kept, bad ones reported), rotation,
crop, thumbnails as raw RGB bytes, the size per preset before saving, saving (optionally with the
OCR text layer), and the last device used on this desk (``<data_dir>/scan_session.json``).
"""
from __future__ import annotations

import io
import json
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from desk_app.devices.handler import DeviceHandler
from desk_app.domain.errors import DeskError
from desk_app.jobs import CancelToken, ProgressFn, no_progress
from desk_app.scanning.assemble import Assembled, PdfPages, assemble, load_file
from desk_app.scanning.backend import DeviceInfo, Page, ScanSession, Scanner, ScanSettings
from desk_app.scanning.imaging import BLANK_COVERAGE, ink_coverage
from desk_app.scanning.job import ScanDevice, ScanResult, scan_job
from desk_app.scanning.profiles import JOB_SOURCES, PRESETS, Profile
from desk_app.services.scanning import service

__all__ = ["JOB_SOURCES", "PRESETS", "ImportOutcome", "SessionPage", "assemble_pages", "crop",
           "device_sources", "draft_path", "find_device", "import_paths", "last_device", "list_devices",
           "profile_for", "profiles", "remember_device", "rotate", "save_pdf", "scan", "thumbnail"]

STATE_FILE = "scan_session.json"
DRAFT_DIR = "scan-drafts"


@dataclass
class SessionPage:
    """One page of the session: ``page`` (a scanned/imported image page) or ``pdf`` (a one-page
    pikepdf document taken from an imported PDF, never rasterised)."""

    page: Page | None = None
    pdf: Any = None                       # pikepdf.Pdf with exactly one page
    origin: str = ""
    likely_blank: bool = False
    blank_confirmed: bool = False          # the clerk looked at it and kept it
    rotation: int = 0                      # quarter turns applied so far (for the label)
    cropped: bool = False

    @property
    def is_pdf(self) -> bool:
        return self.pdf is not None

    @property
    def side(self) -> str:
        return self.page.side if self.page is not None else "front"

    def item(self) -> Page | PdfPages:
        return self.page if self.page is not None else PdfPages(self.pdf, self.origin, 1)


def _from_page(page: Page) -> SessionPage:
    return SessionPage(page=page, origin=page.origin,
                       likely_blank=bool(page.flags.get("likely_blank")))


# --------------------------------------------------------------------------- devices, profiles

def list_devices(data_dir: Path | None) -> tuple[list[DeviceInfo], list[str]]:
    return service.list_devices(data_dir)


def find_device(device_id: str, data_dir: Path | None) -> ScanDevice:
    return service.find_device(device_id, data_dir)


def device_sources(device: ScanDevice) -> tuple[str, ...]:
    """The sources this device offers, in the job's terms (manual duplex needs a feeder)."""
    from desk_app.scanning.backend import on_scanner_thread

    opts = on_scanner_thread(device.scanner.options, device.device_id)
    out = tuple(opts.sources)
    return out + (("manual_duplex",) if "feeder" in out else ())


def profiles(data_dir: Path | None) -> dict[str, Profile]:
    return service.profiles(data_dir)


def last_device(data_dir: Path | None) -> str | None:
    if data_dir is None:
        return None
    try:
        data = json.loads((Path(data_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("device") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def remember_device(data_dir: Path | None, device_id: str) -> None:
    """The device this desk used last (written atomically; a failure is not worth an error)."""
    if data_dir is None:
        return
    path = Path(data_dir) / STATE_FILE
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"device": device_id}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError:
        pass


def profile_for(component_name: str) -> str:
    """The profile a component's paper usually needs: ID cards in colour, certificates in
    colour, everything else (forms, declarations, applications) black and white."""
    from desk_app.domain.text import fold

    name = fold(component_name or "")
    if any(w in name for w in ("can cuoc", "cccd", "chung minh nhan dan", "cmnd", "the can cuoc",
                               "ho chieu")):
        return "id_card"
    if any(w in name for w in ("giay chung", "chung nhan", "bang ", "van bang", "chung chi",
                               "giay khai sinh", "trich luc", "so ho khau", "giay phep")):
        return "certificate"
    return "form"


# --------------------------------------------------------------------------- scanning

class _Watched(Scanner):
    """The device's driver with every raw page shown to ``on_raw`` as it arrives (the job's own
    clean-up — deskew, blank flag — comes after; the final pages replace these previews)."""

    def __init__(self, inner: Scanner, on_raw: Callable[[SessionPage], None]) -> None:
        self.inner, self.on_raw = inner, on_raw
        self.backend = inner.backend

    def list_devices(self):
        return self.inner.list_devices()

    def options(self, device_id: str):
        return self.inner.options(device_id)

    def open(self, device_id: str, settings: ScanSettings) -> ScanSession:
        return _WatchedSession(self.inner.open(device_id, settings), self.on_raw)


class _WatchedSession(ScanSession):
    def __init__(self, inner: ScanSession, on_raw: Callable[[SessionPage], None]) -> None:
        self.inner, self.on_raw = inner, on_raw

    def __getattr__(self, name: str) -> Any:        # abort, abandoned … of the real session
        return getattr(self.inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("inner", "on_raw"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.inner, name, value)

    def next_page(self) -> Page | None:
        page = self.inner.next_page()
        if page is not None:
            try:
                blank = ink_coverage(page.image) < BLANK_COVERAGE
                self.on_raw(SessionPage(page=page, origin=page.origin, likely_blank=blank))
            except Exception:  # noqa: BLE001 — a preview must never break the scan
                pass
        return page

    def close(self) -> None:
        self.inner.close()


def scan(device: ScanDevice, profile: Profile, *, handler: DeviceHandler, source: str | None = None,
         pages: int | None = None, on_page: Callable[[SessionPage], None] | None = None,
         progress: ProgressFn = no_progress, cancel: CancelToken | None = None
         ) -> tuple[list[SessionPage], ScanResult]:
    """One batch (the core's ``scan_job``: deskew, likely-blank flags, jam/feeder questions
    through ``handler``, pages kept on an error or a cancel). ``on_page`` sees each raw page as
    it arrives, on the scanner thread."""
    dev = ScanDevice(_Watched(device.scanner, on_page), device.device_id) if on_page else device
    result = scan_job(dev, profile, handler=handler, progress=progress, cancel=cancel,
                      source=source, pages=pages)
    return [_from_page(p) for p in result.pages], result


# --------------------------------------------------------------------------- importing

@dataclass
class ImportOutcome:
    pages: list[SessionPage] = field(default_factory=list)
    refused: list[DeskError] = field(default_factory=list)     # one per unusable file


def import_paths(paths: Iterable[Path | str], *, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None) -> ImportOutcome:
    """Images, PDFs and phone photos as session pages, file by file: an unusable file is
    refused with its message and the others are still taken (nothing typed or scanned is lost)."""
    out = ImportOutcome()
    paths = list(paths)
    for i, p in enumerate(paths):
        if cancel is not None:
            cancel.raise_if_cancelled(done=i, total=len(paths))
        progress_msg = (f"Đọc tệp {i + 1}/{len(paths)}", f"Reading file {i + 1}/{len(paths)}")
        from desk_app.jobs import Progress
        progress(Progress("scan.import", i, len(paths), *progress_msg))
        try:
            items = load_file(p)
        except DeskError as exc:
            out.refused.append(exc)
            continue
        for item in items:
            if isinstance(item, PdfPages):
                for n, src in enumerate(item.pdf.pages):
                    one = _new_pdf_like(item.pdf)
                    one.pages.append(src)
                    out.pages.append(SessionPage(pdf=one, origin=f"{item.origin}#{n + 1}"))
            else:
                out.pages.append(SessionPage(page=item, origin=item.origin))
    return out


# --------------------------------------------------------------------------- editing

def _new_pdf_like(pdf: Any) -> Any:
    """An empty document of the imported PDF's library (pikepdf, which the core wraps: the
    services do not import it themselves)."""
    return type(pdf).new()


def rotate(sp: SessionPage, quarter_turns: int) -> SessionPage:
    """Turned by 90° × ``quarter_turns`` clockwise (negative: anticlockwise). Image pages are
    turned in pixels (the PDF page gets the new shape); PDF pages get /Rotate (not rasterised)."""
    q = quarter_turns % 4
    if not q:
        return sp
    if sp.page is not None:
        from PIL import Image

        op = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180,
              3: Image.Transpose.ROTATE_90}[q]
        img = sp.page.image.transpose(op)
        flags = dict(sp.page.flags, modified=True)
        return replace(sp, page=replace(sp.page, image=img, flags=flags),
                       rotation=(sp.rotation + q) % 4)
    one = _new_pdf_like(sp.pdf)
    one.pages.append(sp.pdf.pages[0])
    one.pages[0].rotate(90 * q, relative=True)
    return replace(sp, pdf=one, rotation=(sp.rotation + q) % 4)


def crop(sp: SessionPage, box: tuple[float, float, float, float]) -> SessionPage:
    """Cropped to ``box`` = (left, top, right, bottom) as fractions 0–1 of the page. PDF pages
    get a new CropBox."""
    x0, y0, x1, y1 = (max(0.0, min(1.0, float(v))) for v in box)
    if x1 - x0 < 0.02 or y1 - y0 < 0.02:
        return sp
    if sp.page is not None:
        w, h = sp.page.image.size
        img = sp.page.image.crop((round(x0 * w), round(y0 * h), round(x1 * w), round(y1 * h)))
        flags = dict(sp.page.flags, modified=True)
        return replace(sp, page=replace(sp.page, image=img, flags=flags), cropped=True)
    one = _new_pdf_like(sp.pdf)
    one.pages.append(sp.pdf.pages[0])
    page = one.pages[0]
    llx, lly, urx, ury = (float(v) for v in page.mediabox)
    pw, ph = urx - llx, ury - lly
    page.obj.CropBox = [llx + x0 * pw, lly + (1 - y1) * ph, llx + x1 * pw, lly + (1 - y0) * ph]
    return replace(sp, pdf=one, cropped=True)


def thumbnail(sp: SessionPage, max_px: int = 160) -> tuple[int, int, bytes] | None:
    """``(width, height, RGB bytes)`` of a small picture of an image page; None for a PDF page
    (the GUI draws those with QtPdf from :func:`pdf_bytes`)."""
    if sp.page is None:
        return None
    img = sp.page.image.copy()
    img.thumbnail((max_px, max_px))
    img = img.convert("RGB")
    return img.width, img.height, img.tobytes()


def pdf_bytes(sp: SessionPage) -> bytes:
    buf = io.BytesIO()
    sp.pdf.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- the PDF

def assemble_pages(pages: Iterable[SessionPage], preset: str, *, cancel: CancelToken | None = None
                   ) -> Assembled:
    """The PDF in memory: its ``size`` is what Save will write."""
    items = [sp.item() for sp in pages]
    if cancel is not None:
        cancel.raise_if_cancelled()
    return assemble(items, preset)


def _slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:limit].strip("-") or "ban-quet"


def draft_path(data_dir: Path, label: str) -> Path:
    """Where a session's PDF waits until the dossier is saved: ``<data_dir>/scan-drafts/``
    (the file name, in plain letters, is what the dossier's file list shows)."""
    folder = Path(data_dir) / DRAFT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = f"quet-{_slug(label)}-{stamp}"
    path = folder / f"{base}.pdf"
    n = 1
    while path.exists():
        path = folder / f"{base}-{n}.pdf"
        n += 1
    return path


def save_pdf(pages: list[SessionPage], preset: str, path: Path, *, ocr: bool = False,
             pdfa: bool = False, cancel: CancelToken | None = None,
             progress: ProgressFn = no_progress) -> tuple[Path, int, str | None]:
    """Write the session's PDF durably to ``path``; with ``ocr`` the Vietnamese text layer is
    added (ocrmypdf, one thread; cancellable). Returns ``(path, bytes, ocr text or None)``."""
    from desk_app.jobs import Progress

    progress(Progress("scan.assemble", 0, None, "Đang ghép PDF", "Assembling the PDF"))
    doc = assemble_pages(pages, preset, cancel=cancel)
    path = Path(path)
    text = None
    if ocr or pdfa:
        plain = doc.save(path.with_name(f".{path.stem}.plain.pdf"))
        try:
            progress(Progress("scan.ocr", 0, None, "Đang nhận dạng chữ (OCR)…",
                              "Recognising the text (OCR)…"))
            text = service.ocr_pdf(plain, path, ocr=ocr, pdfa=pdfa, cancel=cancel)
        finally:
            plain.unlink(missing_ok=True)
    else:
        doc.save(path)
    return path, path.stat().st_size, text
