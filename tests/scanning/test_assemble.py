"""PDF assembly: presets (pdfimages shows ccitt / jpeg), the scanner's JPEG kept, imports of PDFs,
images and phone photos, deskew, blank pages flagged, bad inputs refused with exit code 2."""
from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest
from PIL import Image

from desk_app.scanning.assemble import assemble, load_file, load_files
from desk_app.scanning.backend import Page
from desk_app.scanning.errors import UnusableFile
from desk_app.scanning.imaging import deskew, find_skew, is_likely_blank
from desk_app.scanning.job import _clean
from tests.scanning.conftest import text_page


def _listing(pdf: bytes, tmp_path) -> list[list[str]]:
    p = tmp_path / "x.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdfimages", "-list", str(p)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [line.split() for line in out]


def _pdfinfo(pdf: bytes, tmp_path) -> str:
    p = tmp_path / "i.pdf"
    p.write_bytes(pdf)
    return subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("preset, mode, enc, colour", [
    ("bw_g4", "1", "ccitt", "gray"), ("gray_jpeg", "L", "jpeg", "gray"),
    ("color_jpeg", "RGB", "jpeg", "rgb"), ("color_jpeg_small", "RGB", "jpeg", "rgb")])
def test_presets(preset, mode, enc, colour, tmp_path) -> None:
    img = text_page(mode="RGB")
    page = Page(img if mode == "RGB" else img.convert("L"), 150, "color", "feeder")
    doc = assemble([page, page], preset)
    rows = _listing(doc.pdf, tmp_path)
    assert [r[8] for r in rows] == [enc, enc] and {r[5] for r in rows} == {colour}
    assert "Pages:           2" in _pdfinfo(doc.pdf, tmp_path)
    assert doc.size == len(doc.pdf) and doc.size > 0                 # known before saving


def test_g4_is_small_and_never_dithered(tmp_path) -> None:
    page = Page(text_page(size=(2480, 3508), mode="RGB"), 300, "bw", "feeder")
    g4 = assemble([page], "bw_g4")
    jpeg = assemble([page], "color_jpeg")
    assert g4.size < 60_000 and g4.size * 3 < jpeg.size


def test_scanner_jpeg_kept_untouched(tmp_path) -> None:
    buf = io.BytesIO()
    noisy = Image.blend(text_page(), Image.effect_noise((1240, 1754), 40).convert("RGB"), 0.3)
    noisy.save(buf, "JPEG", quality=60, dpi=(150, 150))
    data = buf.getvalue()
    page = Page(Image.open(io.BytesIO(data)), 150, "color", "feeder", encoded=data,
                encoded_format="JPEG")
    for preset in ("keep", "color_jpeg"):
        doc = assemble([page], preset)
        assert doc.encodings == ["jpeg-kept"]
        pdf = pikepdf.Pdf.open(io.BytesIO(doc.pdf))
        img = next(iter(pdf.pages[0].get_images().values()))
        assert img.read_raw_bytes() == data                          # byte for byte
    turned = Page(page.image, 150, "color", "feeder", encoded=data, encoded_format="JPEG",
                  flags={"modified": True})
    assert assemble([turned], "keep").encodings == ["jpeg"]        # rotated: re-encoded


def test_page_size_follows_dpi(tmp_path) -> None:
    doc = assemble([Page(text_page(size=(1240, 1754)), 150, "color", "feeder")], "color_jpeg")
    assert "A4" in _pdfinfo(doc.pdf, tmp_path)


def test_deskew_finds_and_corrects_the_angle() -> None:
    for angle in (2.0, -3.5):
        skewed = text_page(angle=angle)
        assert abs(find_skew(skewed) + angle) <= 0.2
        fixed, applied = deskew(skewed)
        assert abs(applied + angle) <= 0.2 and abs(find_skew(fixed)) <= 0.2
    straight = text_page()
    assert deskew(straight) == (straight, 0.0)
    photo = Image.effect_noise((800, 1000), 60).convert("RGB")
    assert find_skew(photo) == 0.0


def test_blank_pages_flagged_never_dropped() -> None:
    blank = Page(Image.new("L", (1240, 1754), 250), 150, "gray", "feeder")
    text = Page(text_page(mode="L"), 150, "gray", "feeder")
    assert is_likely_blank(blank.image) and not is_likely_blank(text.image)
    cleaned = [_clean(p, do_deskew=True, detect_blank=True) for p in (blank, text)]
    assert cleaned[0].flags["likely_blank"] and "likely_blank" not in cleaned[1].flags
    assert assemble(cleaned, "gray_jpeg").pages == 2


def test_import_pdfs_images_and_phone_photos(tmp_path) -> None:
    src = pikepdf.Pdf.new()
    src.add_blank_page(page_size=(595, 842))
    src.add_blank_page(page_size=(595, 842))
    src.save(tmp_path / "a.pdf")
    exif = Image.Exif()
    exif[0x0112] = 6                                   # rotate 90° clockwise to display
    photo = Image.new("RGB", (4000, 3000), (180, 170, 160))
    photo.save(tmp_path / "phone.jpg", "JPEG", exif=exif.tobytes(), dpi=(72, 72))
    text_page().save(tmp_path / "b.png", dpi=(150, 150))
    frames = [text_page(mode="L"), text_page(mode="L")]
    frames[0].save(tmp_path / "c.tif", save_all=True, append_images=frames[1:], dpi=(150, 150))
    items = load_files([tmp_path / "a.pdf", tmp_path / "phone.jpg", tmp_path / "b.png",
                        tmp_path / "c.tif"])
    photo_page = items[1]
    assert photo_page.image.size[1] > photo_page.image.size[0]       # portrait after EXIF
    assert max(photo_page.image.size) <= 3508                         # not bigger than A4 @300
    doc = assemble(items, "color_jpeg")
    assert doc.pages == 6 and doc.encodings == ["pdf", "pdf", "jpeg", "jpeg", "jpeg", "jpeg"]
    info = _pdfinfo(doc.pdf, tmp_path)
    assert "Pages:           6" in info


def test_unchanged_camera_jpeg_is_kept(tmp_path) -> None:
    noisy = Image.blend(text_page(), Image.effect_noise((1240, 1754), 40).convert("RGB"), 0.3)
    noisy.save(tmp_path / "scan.jpg", "JPEG", quality=50, dpi=(150, 150))
    doc = assemble(load_file(tmp_path / "scan.jpg"), "color_jpeg")
    assert doc.encodings == ["jpeg-kept"]


@pytest.mark.parametrize("name, content, code", [
    ("empty.pdf", b"", "scan_file_empty"),
    ("broken.pdf", b"%PDF-1.7\n1 0 obj <<>>\ntrailer garbage", "scan_pdf_corrupt"),
    ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "scan_image_corrupt"),
    ("notes.txt", "chỉ là chữ".encode(), "scan_file_not_image"),
])
def test_unusable_files(tmp_path, name, content, code) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UnusableFile) as err:
        load_file(tmp_path / name)
    assert err.value.code == code and err.value.exit_code == 2
    assert name in err.value.vi and name in err.value.en


def test_truncated_png(tmp_path) -> None:
    buf = io.BytesIO()
    text_page().save(buf, "PNG")
    (tmp_path / "cut.png").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(UnusableFile) as err:
        load_file(tmp_path / "cut.png")
    assert err.value.code == "scan_image_corrupt"


def test_encrypted_pdf(tmp_path) -> None:
    pdf = pikepdf.Pdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "secret.pdf", encryption=pikepdf.Encryption(user="mk", owner="mk"))
    with pytest.raises(UnusableFile) as err:
        load_file(tmp_path / "secret.pdf")
    assert err.value.code == "scan_pdf_encrypted" and "password" in err.value.en


def test_huge_file_refused_before_reading(tmp_path, monkeypatch) -> None:
    big = tmp_path / "big.pdf"
    with open(big, "wb") as fh:                      # 500 MB, sparse: no disk used
        fh.truncate(500 * 1024 * 1024)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    with pytest.raises(UnusableFile) as err:
        load_file(big)
    assert err.value.code == "scan_file_too_big" and "500 MB" in err.value.en
    assert str(big) not in map(str, opened)


def test_one_bad_file_stops_the_import(tmp_path) -> None:
    text_page().save(tmp_path / "ok.png")
    (tmp_path / "zero.jpg").write_bytes(b"")
    with pytest.raises(UnusableFile):
        load_files([tmp_path / "ok.png", tmp_path / "zero.jpg"])
