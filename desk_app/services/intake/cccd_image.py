"""Decode the CCCD QR from a photo or scan of the card.

A thin call to zxing-cpp on a Pillow image; the payload is then parsed by ``domain.cccd.parse_qr``
exactly like one typed by a USB reader, so both paths share one set of checks and messages.
"""
from __future__ import annotations

from pathlib import Path

from desk_app.domain.errors import ValidationError


def decode_qr(path: Path) -> str:
    """The text of the first QR code found in the image at ``path``."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            results = zxingcpp.read_barcodes(img.convert("L"))
    except (OSError, UnidentifiedImageError) as exc:
        raise ValidationError("qr_image_unreadable", f"Không mở được ảnh {Path(path).name}: {exc}.",
                              f"Cannot open the image {Path(path).name}: {exc}.", path=str(path)) from None
    texts = [r.text for r in results if r.text and "QR" in str(r.format).upper()]
    if not texts:                 # a faded, blurred or noisy photo: the scanned-page clean-ups
        texts = _retry(path)
    if not texts:
        raise ValidationError("qr_not_found", f"Không tìm thấy mã QR trong ảnh {Path(path).name}; hãy chụp rõ "
                              "mặt thẻ có mã QR, đủ sáng, không bị lóa.",
                              f"No QR code found in {Path(path).name}; photograph the side of the card with the "
                              "QR, well lit and without glare.", path=str(path))
    return texts[0]


def _retry(path: Path) -> list[str]:
    """The clean-up ladder of ``services.scanning.qr`` (contrast, denoise, sharpen, scale,
    threshold, 45°) on the photo, preferring a text that parses as a card."""
    from PIL import Image, ImageOps

    from desk_app.domain.cccd import parse_qr
    from desk_app.services.scanning.qr import _decode, attempts

    try:
        with Image.open(path) as img:
            grey = ImageOps.exif_transpose(img).convert("L")
    except OSError:
        return []
    seen: list[str] = []
    for _label, make in list(attempts(grey))[1:]:
        for text in _decode(make()):
            try:
                parse_qr(text)
                return [text]
            except ValidationError:
                seen.append(text)
    return seen[:1]


def read_card(path: Path):
    """The parsed card (``domain.cccd.CccdQr``) from an image of its QR side."""
    from desk_app.domain.cccd import parse_qr

    return parse_qr(decode_qr(path))
