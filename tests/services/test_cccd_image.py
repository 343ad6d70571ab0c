"""A photographed / scanned card: the QR is decoded with zxing-cpp and parsed like a wedge payload."""
from __future__ import annotations

from pathlib import Path

import pytest
import segno
from PIL import Image

from desk_app.domain.errors import StorageError, ValidationError
from desk_app.services import open_desk
from desk_app.services.intake import cccd_image

PAYLOAD = "001190012345|012345678|Đặng Thị Ngọc Ánh|15031990|Nữ|Số 12 Trần Phú, xã Tân Phong, tỉnh Lai Châu|01052021"


def _card(tmp_path: Path, payload: str) -> Path:
    qr = tmp_path / "qr.png"
    segno.make(payload, error="m").save(qr, scale=6, border=4)
    # paste the QR onto a larger grey "card" so the decoder has to find it
    card = Image.new("RGB", (1000, 640), (200, 205, 210))
    card.paste(Image.open(qr).convert("RGB"), (620, 260))
    out = tmp_path / "card.jpg"
    card.save(out, quality=90)
    return out


def test_card_photo_gives_the_same_fields_as_the_reader(tmp_path: Path) -> None:
    card = cccd_image.read_card(_card(tmp_path, PAYLOAD))
    assert card.id_number == "001190012345"
    assert card.full_name == "Đặng Thị Ngọc Ánh"
    assert card.sex == "Nữ"


def test_image_without_qr_is_a_clear_error(tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), "white").save(blank)
    with pytest.raises(ValidationError) as e:
        cccd_image.read_card(blank)
    assert e.value.code == "qr_not_found" and "QR" in e.value.vi


def test_not_an_image_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.jpg"
    bad.write_bytes(b"not an image")
    with pytest.raises(ValidationError) as e:
        cccd_image.decode_qr(bad)
    assert e.value.code == "qr_image_unreadable"


def test_bank_qr_on_an_image_is_refused_by_the_parser(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        cccd_image.read_card(_card(tmp_path, "00020101021238570010A000000727012700069704"))


def test_open_desk_on_a_file_is_a_storage_error(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(StorageError):
        open_desk(f)
