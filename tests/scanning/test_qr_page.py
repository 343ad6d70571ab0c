"""The CCCD QR on a scanned ID-card page (issue 14): both sides, rotated, noisy, in a PDF; the
card is returned for the clerk to confirm, never filled in by itself."""
from __future__ import annotations

import io
import random
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from desk_app.domain.errors import ValidationError
from desk_app.services.scanning import qr

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import bench_qr as gen  # noqa: E402  (the bench's card generator: segno + real payloads)

PAYLOAD = ("001090012345|123456789|Nguyễn Văn An|01051990|Nam|"
           "Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội|15082021")


def _png(img) -> bytes:
    b = io.BytesIO()
    img.save(b, "PNG")
    return b.getvalue()


def _pdf(*imgs, dpi=300) -> bytes:
    b = io.BytesIO()
    imgs[0].convert("RGB").save(b, "PDF", resolution=dpi, save_all=True, append_images=[i.convert("RGB") for i in imgs[1:]])
    return b.getvalue()


def test_back_side_on_page_two_of_a_pdf():
    rng = random.Random(1)
    front = gen.degrade(gen.card_side(PAYLOAD, rng, with_qr=False), rng, angle=3)
    back = gen.degrade(gen.card_side(PAYLOAD, rng, with_qr=True), rng, angle=-7)
    found = qr.read_card_page(_pdf(front, back))
    assert found.page == 2
    c = found.card
    assert (c.id_number, c.full_name, c.birth_date, c.sex) == \
        ("001090012345", "Nguyễn Văn An", date(1990, 5, 1), "Nam")
    assert c.address.startswith("Số 12 ngõ 34") and not c.diacritics_lost
    assert found.to_dict()["issue_date"] == "2021-08-15"


@pytest.mark.parametrize("angle", [0, 37, 90, 180, 233, 271])
def test_rotated_noisy_card_scans(angle, tmp_path):
    rng = random.Random(angle)
    img = gen.degrade(gen.card_side(PAYLOAD, rng), rng, angle=angle)
    f = tmp_path / "the.jpg"
    img.save(f, "JPEG", quality=70)
    assert qr.read_card_page(f).card.id_number == "001090012345"


def test_both_sides_on_one_a4_page_at_200_dpi():
    rng = random.Random(5)
    page = Image.new("RGB", (1654, 2339), (250, 250, 248))
    page.paste(gen.card_side(PAYLOAD, rng, 200, with_qr=False), (150, 200))
    page.paste(gen.card_side(PAYLOAD, rng, 200, with_qr=True).rotate(4, expand=True, fillcolor=(250, 250, 248)), (150, 1200))
    found = qr.read_card_page(_pdf(gen.degrade(page, rng, angle=180)))
    assert found.card.id_number == "001090012345" and found.page == 1


def test_a_faded_blurred_scan_needs_the_ladder():
    """A QR that one raw call misses is found by a later attempt (the ladder is not dead code)."""
    from PIL import ImageEnhance, ImageFilter

    rng = random.Random(9)
    side = gen.card_side(PAYLOAD, rng, dpi=120)          # small modules (a 120 dpi scan)
    faded = ImageEnhance.Contrast(side.filter(ImageFilter.GaussianBlur(0.8))).enhance(0.2)
    assert not [t for t in qr._decode(faded.convert("L")) if t.startswith("0010")]
    found, _ = qr.find_card(faded)
    assert found is not None and found.attempt != "raw"


def test_no_qr_not_a_card_and_bad_files(tmp_path):
    rng = random.Random(2)
    with pytest.raises(ValidationError) as e:
        qr.read_card_page(_png(gen.card_side(PAYLOAD, rng, with_qr=False)))
    assert e.value.code == "qr_not_found" and "cả hai mặt" in e.value.vi and e.value.exit_code == 2
    other = Image.new("RGB", (600, 600), "white")
    other.paste(gen.qr_image("https://dichvucong.gov.vn/p/home", 300), (150, 150))
    with pytest.raises(ValidationError) as e:
        qr.read_card_page(_png(other))
    assert e.value.code == "qr_not_a_card" and "dichvucong" in e.value.vi
    empty = tmp_path / "rong.png"
    empty.write_bytes(b"")
    with pytest.raises(ValidationError, match="0 byte"):
        qr.read_card_page(empty)
    with pytest.raises(ValidationError) as e:
        qr.read_card_page(b"%PDF-1.7 not really")
    assert e.value.code == "qr_pdf_damaged"
    with pytest.raises(ValidationError) as e:
        qr.read_card_page(b"\x89PNG\r\n\x1a\n broken")
    assert e.value.code == "qr_image_unreadable"


def test_scan_qr_command_prints_the_card_and_fills_nothing(tmp_path, capsys):
    import json

    from desk_app.cli.main import main

    rng = random.Random(4)
    f = tmp_path / "cccd.pdf"
    f.write_bytes(_pdf(gen.degrade(gen.card_side(PAYLOAD, rng), rng, angle=12)))
    assert main(["scan", "qr", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["id_number"] == "001090012345" and out["full_name"] == "Nguyễn Văn An"
    bad = tmp_path / "trang.png"
    Image.new("RGB", (400, 300), "white").save(bad)
    assert main(["--lang", "en", "scan", "qr", str(bad)]) == 2
    assert "No ID-card QR code" in capsys.readouterr().err
