"""The optional OCR / PDF/A-2b step (ocrmypdf + tesseract ``vie``, one thread): the text comes
back for local search and the file declares PDF/A-2. Skipped where ocrmypdf or vie is missing."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from desk_app.jobs import Cancelled, CancelToken
from desk_app.scanning.assemble import assemble
from desk_app.scanning.backend import Page
from desk_app.services.scanning import service

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _have_vie() -> bool:
    if not shutil.which("ocrmypdf") or not shutil.which("tesseract"):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                         check=False).stdout
    return "vie" in out.split()


def test_ocr_tools_are_installed() -> None:
    """installer/setup.sh installs them; a missing one fails here instead of skipping OCR."""
    assert _have_vie() and FONT.exists(), "ocrmypdf + tesseract-ocr-vie + fonts-dejavu-core"


def _doc(tmp_path) -> Path:
    img = Image.new("L", (1240, 600), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 44)
    d.text((80, 100), "ĐƠN ĐỀ NGHỊ CẤP GIẤY KHAI SINH", font=font, fill=0)
    d.text((80, 250), "Họ và tên người yêu cầu: Nguyễn Văn An", font=font, fill=0)
    d.text((80, 400), "Nơi cư trú: xã Phú Hòa, huyện Tuy Hòa", font=font, fill=0)
    path = tmp_path / "scan.pdf"
    assemble([Page(img, 150, "gray", "feeder")], "gray_jpeg").save(path)
    return path


def test_ocr_text_and_pdfa(tmp_path) -> None:
    src = _doc(tmp_path)
    out = tmp_path / "ocr.pdf"
    text = service.ocr_pdf(src, out)
    assert "Nguyễn Văn An" in text and "khai sinh" in text.lower()
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status.startswith("2")
    assert not list(tmp_path.glob(".desk-ocr-*"))              # nothing left behind


def test_ocr_can_be_cancelled(tmp_path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        service.ocr_pdf(_doc(tmp_path), tmp_path / "x.pdf", cancel=token)
    assert not (tmp_path / "x.pdf").exists()
