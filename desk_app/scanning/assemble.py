"""Pages → one small PDF (img2pdf + pikepdf), and the import of files (PDFs, images, phone photos).

Presets (bytes per A4 page at 300 dpi, measured in ``bench/bench_scan.py``):

* ``bw_g4``   — 1 bit, CCITT Group 4 (Pillow writes a G4 TIFF, img2pdf embeds its G4 stream as is)
* ``gray_jpeg`` — 8-bit grey JPEG q70
* ``color_jpeg`` — colour JPEG q75, 4:2:0
* ``color_jpeg_small`` — colour JPEG q55 at ≤ 200 dpi (for the slow link)
* ``keep`` — the scanner's own JPEG untouched (img2pdf embeds JPEG without re-encoding); pages
  without one get ``color_jpeg``

In the JPEG presets the scanner's own JPEG is also kept when the page was not changed (no
deskew/rotation) and it is not bigger than 1.1 × our re-encoding: no second generation loss.

``assemble(items, preset)`` returns an :class:`Assembled` whose ``size`` is known before
``save(path)`` writes it (temp file, fsync, replace: "saved" means durable).

PDFs are imported with pikepdf (it comes with img2pdf and ocrmypdf; well kept, qpdf inside): pages
are copied, never rasterised. Every unusable input is an ``UnusableFile`` (ValidationError, exit 2)
raised before anything is written.
"""
from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import img2pdf
import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

from desk_app.scanning.backend import Page
from desk_app.scanning.errors import UnusableFile
from desk_app.scanning.filetypes import IMAGE_KINDS, sniff_kind
from desk_app.scanning.imaging import to_bilevel
from desk_app.scanning.profiles import PRESETS

__all__ = ["MAX_FILE_BYTES", "Assembled", "PdfPages", "assemble", "encode_page", "load_file",
           "load_files"]

MAX_FILE_BYTES = 200 * 1024 * 1024      # checked before reading
MAX_PIXELS = 120_000_000                 # Pillow's bomb guard, set explicitly
A4_LONG_INCH = 297 / 25.4

JPEG_QUALITY = {"gray_jpeg": 70, "color_jpeg": 75, "color_jpeg_small": 55, "keep": 75}
MAX_DPI = {"color_jpeg_small": 200}

Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass
class PdfPages:
    """Pages taken from an imported PDF (copied as they are)."""

    pdf: Any                      # pikepdf.Pdf (kept open until assembled)
    origin: str
    count: int


@dataclass
class Assembled:
    pdf: bytes
    pages: int
    encodings: list[str] = field(default_factory=list)   # per page: "ccitt", "jpeg", "jpeg-kept", "pdf"
    flags: list[dict[str, Any]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.pdf)

    def save(self, path: Path | str) -> Path:
        """Write atomically and durably (temp file in the same folder, fsync, replace)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.part")
        with open(tmp, "wb") as fh:
            fh.write(self.pdf)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path


# --------------------------------------------------------------------------- encoding pages

def _jpeg(img: Image.Image, quality: int, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi),
             subsampling=0 if img.mode == "L" else 2)
    return buf.getvalue()


def _g4(img: Image.Image, dpi: int) -> bytes:
    img = to_bilevel(img)
    buf = io.BytesIO()
    img.save(buf, "TIFF", compression="group4", dpi=(dpi, dpi))
    return buf.getvalue()


def _jpeg_dpi(data: bytes) -> tuple[float, float] | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            d = im.info.get("dpi")
    except (OSError, UnidentifiedImageError):
        return None
    return (float(d[0]), float(d[1])) if d and d[0] > 1 else None


def encode_page(page: Page, preset: str) -> tuple[bytes, str, int]:
    """``(image file bytes for img2pdf, encoding name, dpi)`` for ``page`` in ``preset``."""
    if preset not in PRESETS:
        raise UnusableFile("scan_bad_preset", f"Kiểu nén “{preset}” không có ({', '.join(PRESETS)}).",
                           f"No compression preset “{preset}” ({', '.join(PRESETS)}).",
                           field="preset")
    img, dpi = page.image, int(page.dpi or 300)
    untouched = page.encoded is not None and page.encoded_format == "JPEG" \
        and not page.flags.get("modified")
    if preset == "bw_g4":
        return _g4(img, dpi), "ccitt", dpi
    if preset == "keep" and untouched:
        return page.encoded, "jpeg-kept", dpi  # type: ignore[return-value]
    cap = MAX_DPI.get(preset)
    if cap and dpi > cap:
        scale = cap / dpi
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                         Image.LANCZOS)
        dpi = cap
        untouched = False
    if preset == "gray_jpeg":
        work = ImageOps.grayscale(img) if img.mode != "L" else img
    else:
        work = img.convert("RGB") if img.mode not in ("RGB", "L") else img
    ours = _jpeg(work, JPEG_QUALITY[preset], dpi)
    if untouched and len(page.encoded) <= len(ours) * 1.1:  # type: ignore[arg-type]
        want_grey = preset == "gray_jpeg"
        if not want_grey or img.mode == "L":
            return page.encoded, "jpeg-kept", dpi  # type: ignore[return-value]
    return ours, "jpeg", dpi


def _img_pdf(data: bytes, dpi: int) -> bytes:
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    return img2pdf.convert(data, layout_fun=layout, rotation=img2pdf.Rotation.ifvalid)


def assemble(items: Iterable[Page | PdfPages], preset: str = "color_jpeg", *,
             title: str | None = None) -> Assembled:
    """One PDF from scanned/imported pages and imported PDFs, in order."""
    items = list(items)
    encodings: list[str] = []
    flags: list[dict[str, Any]] = []
    out = pikepdf.Pdf.new()
    # consecutive image pages at one dpi go through a single img2pdf call (the common scan case)
    run: list[bytes] = []
    run_dpi: int | None = None

    def flush() -> None:
        nonlocal run, run_dpi
        if run:
            layout = img2pdf.get_fixed_dpi_layout_fun((run_dpi, run_dpi))
            part = pikepdf.Pdf.open(io.BytesIO(img2pdf.convert(run, layout_fun=layout,
                                                              rotation=img2pdf.Rotation.ifvalid)))
            out.pages.extend(part.pages)
        run, run_dpi = [], None

    for item in items:
        if isinstance(item, PdfPages):
            flush()
            out.pages.extend(item.pdf.pages)
            encodings += ["pdf"] * item.count
            flags += [{}] * item.count
            continue
        data, enc, dpi = encode_page(item, preset)
        if run_dpi is not None and dpi != run_dpi:
            flush()
        run.append(data)
        run_dpi = dpi
        encodings.append(enc)
        flags.append(dict(item.flags))
    flush()
    if not len(out.pages):
        raise UnusableFile("scan_no_pages", "Không có trang nào để ghép thành PDF.",
                           "No pages to put into the PDF.")
    if title:
        with out.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
    buf = io.BytesIO()
    out.save(buf, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return Assembled(buf.getvalue(), len(out.pages), encodings, flags)


# --------------------------------------------------------------------------- importing files

def _unusable(code: str, path: Path, vi: str, en: str) -> UnusableFile:
    return UnusableFile(code, f"Tệp “{path.name}”: {vi}", f"File “{path.name}”: {en}",
                        file=path.name)


def _check_size(path: Path, limit: int) -> int:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _unusable("scan_file_missing", path, "không tìm thấy.", "not found.") from None
    except OSError as exc:
        raise _unusable("scan_file_unreadable", path, f"không đọc được ({exc.strerror}).",
                        f"cannot be read ({exc.strerror}).") from None
    if not path.is_file():
        raise _unusable("scan_file_not_file", path, "không phải một tệp.", "is not a file.")
    if size == 0:
        raise _unusable("scan_file_empty", path, "tệp rỗng (0 byte).", "the file is empty (0 bytes).")
    if size > limit:
        raise _unusable("scan_file_too_big", path,
                        f"quá lớn ({size / 1048576:.0f} MB; tối đa {limit // 1048576} MB).",
                        f"too big ({size / 1048576:.0f} MB; at most {limit // 1048576} MB).")
    return size


def _load_pdf(path: Path) -> PdfPages:
    try:
        pdf = pikepdf.Pdf.open(path)
    except pikepdf.PasswordError:
        raise _unusable("scan_pdf_encrypted", path,
                        "PDF được đặt mật khẩu: hãy gỡ mật khẩu rồi đính kèm lại.",
                        "the PDF is password-protected: remove the password and attach it again."
                        ) from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise _unusable("scan_pdf_corrupt", path, f"PDF bị hỏng, không đọc được ({exc}).",
                        f"the PDF is damaged and cannot be read ({exc}).") from None
    try:
        count = len(pdf.pages)
        for page in pdf.pages:   # touch each page: a broken page tree fails here, not later
            _ = page.mediabox
    except (pikepdf.PdfError, KeyError, ValueError, TypeError) as exc:
        raise _unusable("scan_pdf_corrupt", path, f"PDF bị hỏng ({exc}).",
                        f"the PDF is damaged ({exc}).") from None
    if count == 0:
        raise _unusable("scan_pdf_corrupt", path, "PDF không có trang nào.", "the PDF has no pages.")
    return PdfPages(pdf, path.name, count)


def _load_image(path: Path) -> list[Page]:
    try:
        with Image.open(path) as im:
            im.verify()
        pages: list[Page] = []
        with Image.open(path) as im:
            fmt = im.format
            frames = getattr(im, "n_frames", 1)
            for i in range(frames):
                im.seek(i)
                frame = im.copy()
                frame.load()
                pages.append(_photo_page(frame, im.info, fmt, path, i, frames))
    except Image.DecompressionBombError:
        raise _unusable("scan_image_too_big", path, "ảnh quá lớn (quá nhiều điểm ảnh).",
                        "the image has too many pixels.") from None
    except UnidentifiedImageError:
        if sniff_kind(_sniff(path)) in IMAGE_KINDS:
            raise _unusable("scan_image_corrupt", path, "ảnh bị hỏng, không đọc được.",
                            "the image is damaged and cannot be read.") from None
        raise _unusable("scan_file_not_image", path,
                        "không phải ảnh hay PDF (chỉ nhận JPEG, PNG, TIFF, BMP, WebP, PDF).",
                        "not an image or a PDF (JPEG, PNG, TIFF, BMP, WebP and PDF only).") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _unusable("scan_image_corrupt", path, f"ảnh bị hỏng, không đọc được ({exc}).",
                        f"the image is damaged and cannot be read ({exc}).") from None
    if frames == 1 and fmt == "JPEG":
        raw = path.read_bytes()
        p = pages[0]
        if not p.flags.get("modified"):
            p.encoded, p.encoded_format = raw, "JPEG"
    return pages


def _photo_page(frame: Image.Image, info: dict, fmt: str | None, path: Path, i: int,
                frames: int) -> Page:
    """Orientation from EXIF applied; dpi from the file, or (phone photos say 72) the dpi at
    which the long side fills an A4 page; longer than A4 at 300 dpi is scaled down."""
    modified = False
    turned = ImageOps.exif_transpose(frame)
    if turned is not None and turned.size != frame.size or (
            frame.getexif().get(0x0112, 1) not in (1, None)):
        modified = True
    img = turned if turned is not None else frame
    if img.mode in ("RGBA", "LA", "P", "PA", "CMYK", "I;16", "I", "F"):
        img = img.convert("RGB") if img.mode != "I;16" else img.convert("L")
        modified = True
    dpi_info = info.get("dpi")
    dpi = round(dpi_info[0]) if dpi_info and dpi_info[0] and dpi_info[0] >= 100 else 0
    long_px = max(img.size)
    limit = int(A4_LONG_INCH * 300)
    if not dpi:
        if long_px > limit:
            scale = limit / long_px
            img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))),
                             Image.LANCZOS)
            modified = True
        dpi = max(72, round(max(img.size) / A4_LONG_INCH))
    mode = "bw" if img.mode == "1" else "gray" if img.mode == "L" else "color"
    origin = path.name if frames == 1 else f"{path.name}#{i + 1}"
    return Page(image=img, dpi=dpi, mode=mode, source="file", index=i, origin=origin,
                flags={"modified": True} if modified else {})


def _sniff(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(1024)


def load_file(path: Path | str, *, limit: int = MAX_FILE_BYTES) -> list[Page | PdfPages]:
    """One input file as pages (images) or a PdfPages (PDF). UnusableFile when it cannot be used."""
    path = Path(path)
    _check_size(path, limit)
    if sniff_kind(_sniff(path)) == "pdf":
        return [_load_pdf(path)]
    return list(_load_image(path))


def load_files(paths: Iterable[Path | str], *, limit: int = MAX_FILE_BYTES) -> list[Page | PdfPages]:
    """All inputs, checked one by one before any is assembled (the first unusable one raises)."""
    items: list[Page | PdfPages] = []
    for p in paths:
        items += load_file(p, limit=limit)
    return items
