"""The CCCD QR on a scanned ID-card page: found, decoded and parsed for the clerk to confirm.

Input: a scanned page or PDF (every page: the front and the back of the card are often two
pages, or both on one A4 sheet; the QR is on different sides of different card models), an
image or a phone photo. Each page goes through a short ladder of attempts until one QR decodes
*and* parses as a card (``domain.cccd.parse_qr``: the same checks as a USB reader's text):

1. the page as it is (grey), zxing-cpp with rotation search;
2. contrast stretched (faded scans, grey paper);
3. a median filter (speckle noise of cheap scanners), then unsharp mask (blur);
4. scaled: ×2 for a small card on a big page (a QR module must be ≥ ~3 px), ×0.5 for a huge
   phone photo; then a global (Otsu) threshold;
5. rotated by 45° (zxing-cpp's finder is rotation-tolerant, a diagonal card still helps it).

Failures are clean misses (zxing never returns garbled text for a QR: Reed–Solomon), so the
first card that parses is the card. Nothing is filled silently: the caller shows the card and
the clerk confirms (``CardFound.card``). A QR that decodes but is not a card's is reported as
such (``qr_not_a_card``), not as "no QR".
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from desk_app.domain.errors import ValidationError
from desk_app.domain.text import excerpt

MAX_PIXELS = 60_000_000        # a 300 dpi A3 page is ~17 Mpx; more is not a scan
MAX_PAGES = 20


@dataclass(frozen=True)
class CardFound:
    card: Any                 # desk_app.domain.cccd.CccdQr — for the clerk to confirm
    page: int                 # 1-based page of the input where the QR was read
    attempt: str              # which clean-up found it (raw, contrast, denoise, …)
    payload: str              # the QR text as read

    def to_dict(self) -> dict:
        c = self.card
        return {"page": self.page, "attempt": self.attempt, "id_number": c.id_number,
                "old_id_number": c.old_id_number, "full_name": c.full_name,
                "birth_date": c.birth_date.isoformat(), "sex": c.sex, "address": c.address,
                "issue_date": c.issue_date.isoformat() if c.issue_date else None,
                "diacritics_lost": c.diacritics_lost}


def _decode(img: Any) -> list[str]:
    import zxingcpp

    fmt = getattr(zxingcpp.BarcodeFormat, "QRCode", None)
    kw = {"formats": fmt} if fmt is not None else {}
    return [r.text for r in zxingcpp.read_barcodes(img, **kw) if r.text]


def _otsu(grey: Any) -> Any:
    """Global threshold by Otsu's method on the 256-bin histogram (Pillow only)."""
    hist = grey.histogram()[:256]
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    w0 = s0 = 0.0
    best, t = -1.0, 127
    for i, h in enumerate(hist):
        w0 += h
        if w0 == 0:
            continue
        w1 = total - w0
        if w1 == 0:
            break
        s0 += i * h
        m0, m1 = s0 / w0, (sum_all - s0) / w1
        between = w0 * w1 * (m0 - m1) ** 2
        if between > best:
            best, t = between, i
    return grey.point(lambda v, t=t: 255 if v > t else 0)


def attempts(grey: Any) -> Iterator[tuple[str, Callable[[], Any]]]:
    """The clean-up ladder, cheapest first (each a thunk: made only when needed)."""
    from PIL import ImageFilter, ImageOps

    w, h = grey.size
    yield "raw", lambda: grey
    yield "contrast", lambda: ImageOps.autocontrast(grey, cutoff=1)
    yield "denoise", lambda: ImageOps.autocontrast(grey.filter(ImageFilter.MedianFilter(3)), cutoff=1)
    yield "sharpen", lambda: grey.filter(ImageFilter.UnsharpMask(radius=2, percent=180, threshold=2))
    if max(w, h) <= 4000:
        yield "scale2", lambda: ImageOps.autocontrast(grey.resize((w * 2, h * 2)), cutoff=1)
    if min(w, h) >= 1200:
        yield "scale_half", lambda: grey.reduce(2)
    yield "threshold", lambda: _otsu(grey.filter(ImageFilter.MedianFilter(3)))
    yield "rotate45", lambda: grey.rotate(45, expand=True, fillcolor=255)


def _pages(data: bytes, name: str) -> Iterator[Any]:
    """Each page of the input as a Pillow image (PDF: the images each page shows; a page with
    no image is rendered by pdftoppm when it is installed)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    if data.startswith(b"%PDF-"):
        yield from _pdf_pages(data, name)
        return
    try:
        img = Image.open(io.BytesIO(data))
        n = getattr(img, "n_frames", 1)
        for i in range(min(n, MAX_PAGES)):
            img.seek(i)
            frame = ImageOps.exif_transpose(img.copy()) if i == 0 else img.copy()
            yield frame
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        raise ValidationError("qr_image_unreadable", f"Không mở được ảnh {name}: {excerpt(exc)}.",
                              f"Cannot open the image {name}: {excerpt(exc)}.") from None


def _pdf_pages(data: bytes, name: str) -> Iterator[Any]:
    """Each page of a PDF rendered in grey at 300 dpi by poppler's pdftoppm (installed with the
    desk: installer/setup.sh; on Windows the poppler build shipped with the installer)."""
    import shutil
    import subprocess
    import tempfile

    from PIL import Image

    exe = shutil.which("pdftoppm")
    if exe is None:
        from desk_app.scanning.errors import BackendMissing

        raise BackendMissing("Chưa cài poppler (pdftoppm) để đọc trang PDF; hãy quét thẻ ra ảnh.",
                             "poppler (pdftoppm) is not installed to read PDF pages; scan the card"
                             " to an image.")
    with tempfile.TemporaryDirectory(prefix="desk-qr-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        proc = subprocess.run([exe, "-r", "300", "-gray", "-l", str(MAX_PAGES), "-png", str(src),
                               str(Path(tmp) / "p")], check=False, capture_output=True,
                              timeout=300, text=True)
        files = sorted(Path(tmp).glob("p*.png"))
        if proc.returncode != 0 and not files:
            err = (proc.stderr or "").lower()
            if "password" in err or "encrypt" in err:
                raise ValidationError("qr_pdf_encrypted", f"Tệp {name} có mật khẩu, không đọc được.",
                                      f"{name} is password-protected.")
            raise ValidationError("qr_pdf_damaged", f"Tệp PDF {name} bị hỏng, không đọc được.",
                                  f"The PDF {name} is damaged and cannot be read.")
        for f in files:
            with Image.open(f) as im:
                im.load()
                yield im.copy()


def find_card(img: Any, *, page: int = 1) -> tuple[CardFound | None, list[str]]:
    """(the card on this image, payloads that decoded but are not a card's)."""
    from desk_app.domain.cccd import parse_qr

    grey = img.convert("L")
    not_cards: list[str] = []
    for label, make in attempts(grey):
        for text in _decode(make()):
            try:
                return CardFound(parse_qr(text), page, label, text), not_cards
            except ValidationError:
                if text not in not_cards:
                    not_cards.append(text)
    return None, not_cards


def read_card_page(path_or_bytes: Path | str | bytes, *, name: str | None = None) -> CardFound:
    """The card whose QR is on the scanned page(s) — for the clerk to confirm. ValidationError
    (exit 2) when no card QR is found (``qr_not_found``) or a QR is not a card's
    (``qr_not_a_card``), or when the file cannot be read."""
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        shown = name or "ảnh quét"
    else:
        p = Path(path_or_bytes)
        shown = excerpt(name or p.name)
        try:
            if p.stat().st_size > 200 * 1024 * 1024:
                raise ValidationError("qr_file_too_large", f"Tệp {shown} quá lớn (> 200 MB).",
                                      f"{shown} is too large (> 200 MB).")
            data = p.read_bytes()
        except OSError as exc:
            raise ValidationError("qr_file_unreadable", f"Không đọc được tệp {shown}: {excerpt(exc)}.",
                                  f"Cannot read {shown}: {excerpt(exc)}.") from None
    if not data:
        raise ValidationError("qr_file_empty", f"Tệp {shown} rỗng (0 byte).",
                              f"{shown} is empty (0 bytes).")
    others: list[str] = []
    n = 0
    for n, img in enumerate(_pages(data, shown), start=1):
        found, not_cards = find_card(img, page=n)
        if found is not None:
            return found
        others += not_cards
    if others:
        raise ValidationError("qr_not_a_card",
                              f"Mã QR trong {shown} không phải mã QR của thẻ căn cước"
                              f" («{excerpt(others[0], 40)}»).",
                              f"The QR code in {shown} is not an ID card's"
                              f" («{excerpt(others[0], 40)}»).")
    raise ValidationError("qr_not_found",
                          f"Không tìm thấy mã QR của thẻ căn cước trong {shown} ({n} trang đã"
                          " xem, cả hai mặt). Hãy quét mặt có mã QR ở 300 dpi, thẻ nằm phẳng.",
                          f"No ID-card QR code found in {shown} ({n} page(s) read, both sides)."
                          " Scan the side with the QR at 300 dpi, the card lying flat.")
