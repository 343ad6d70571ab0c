"""Poppler helpers: what a person (or a search index) really gets out of the PDF."""
from __future__ import annotations

import re
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image


def _run(args: list[str], data: bytes | None = None) -> bytes:
    return subprocess.run(args, input=data, capture_output=True, check=True, timeout=60).stdout


def text(pdf: bytes, *, layout: bool = False) -> str:
    """pdftotext output, whitespace collapsed (line wrapping must not hide a field)."""
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + ["-", "-"]
    return _run(args, pdf).decode("utf-8")


def flat(pdf: bytes) -> str:
    return " ".join(text(pdf).split())


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(p.split()) for p in text(pdf).split("\f") if p.strip()]


def info(pdf: bytes) -> dict[str, str]:
    out = _run(["pdfinfo", "-enc", "UTF-8", "-"], pdf).decode("utf-8")
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool
    subset: bool
    unicode: bool


def fonts(pdf: bytes, tmp: Path) -> list[Font]:
    path = tmp / "fonts.pdf"
    path.write_bytes(pdf)
    lines = _run(["pdffonts", str(path)]).decode().splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        # name, type (may be two words), encoding, emb, sub, uni, object, id
        emb, sub, uni = parts[-5], parts[-4], parts[-3]
        out.append(Font(parts[0], " ".join(parts[1:-6]), emb == "yes", sub == "yes", uni == "yes"))
    return out


@dataclass(frozen=True)
class Word:
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def words(pdf: bytes) -> tuple[list[tuple[float, float]], list[Word]]:
    """Page sizes and every word's box (pdftotext -bbox)."""
    import html

    out = _run(["pdftotext", "-enc", "UTF-8", "-bbox", "-", "-"], pdf).decode("utf-8")
    pages: list[tuple[float, float]] = []
    found: list[Word] = []
    for line in out.splitlines():
        m = _PAGE.search(line)
        if m:
            pages.append((float(m.group(1)), float(m.group(2))))
            continue
        m = _WORD.search(line)
        if m:
            found.append(Word(len(pages), *map(float, m.groups()[:4]), html.unescape(m.group(5))))
    return pages, found


def render_png(pdf: bytes, tmp: Path, dpi: int = 150, page: int = 1) -> Image.Image:
    src = tmp / "render.pdf"
    src.write_bytes(pdf)
    _run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
          str(src), str(tmp / "render")])
    return Image.open(tmp / "render.png").convert("L")


def qr_texts(image: Image.Image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def is_nfc(s: str) -> bool:
    return unicodedata.is_normalized("NFC", s)
