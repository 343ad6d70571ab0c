"""Helpers for the issue-14 back-end tests: a desk with the shipped catalog, dossiers received
through the real intake, small real PDFs and card images."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent

UNIT = "000.23.32.H48"
PERSON = ("001090012345", "Nguyễn Văn An", date(1990, 5, 1), "Nam", "0912345678")
OTHER = ("079185004321", "Đặng Thị Hương", date(1985, 2, 3), "Nữ", "0987654321")
BIRTH = "1.001193"          # component 4: "Giấy tờ tùy thân …" (id_card)
MARRIAGE = "1.000894"       # component 3: id_card
CERT_SIGN = "2.000884"      # component 1: id_card


def pdf_bytes(text: str = "CCCD", pages: int = 1, seed: int = 0) -> bytes:
    """A real, small PDF (Pillow), different for each text/seed."""
    from PIL import Image, ImageDraw

    imgs = []
    for i in range(pages):
        img = Image.new("RGB", (420, 300), (250, 250, 245))
        d = ImageDraw.Draw(img)
        d.text((20, 20 + 10 * i), f"{text} {seed} {i}", fill=(0, 0, 0))
        d.rectangle((10 + seed % 50, 120, 200 + i, 200), outline=(200, 0, 0))
        imgs.append(img)
    out = io.BytesIO()
    imgs[0].save(out, "PDF", resolution=150, save_all=True, append_images=imgs[1:])
    return out.getvalue()


def components(ctx, code: str) -> list[DossierComponent]:
    from desk_app.services.catalog import get_procedure

    return [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
            for c in get_procedure(ctx, code).components]


def receive(ctx, procedure: str = BIRTH, person=PERSON, attachments=(), reuse=None,
            request_id: str | None = None, received_at=None):
    from desk_app.services.intake import IntakeRequest, receive as intake_receive

    idn, name, birth, sex, phone = person
    req = IntakeRequest(procedure, Applicant(idn, name, birth_date=birth, sex=sex, phone=phone),
                        components(ctx, procedure), list(attachments), clerk="Lò Thị Hoa",
                        request_id=request_id, received_at=received_at)
    if reuse is not None:
        req.reuse = list(reuse)
    return intake_receive(ctx, req)


def counts(data_dir: Path) -> dict:
    import sqlite3

    con = sqlite3.connect(data_dir / "desk.sqlite3")
    try:
        out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in ("attachments", "outbox", "audit_log", "applicant_documents",
                         "document_uses", "dossiers")}
    finally:
        con.close()
    out["blobs"] = len(list((data_dir / "blobs").glob("??/*")))
    return out


# --------------------------------------------------------------------------- fixtures
import pytest  # noqa: E402


@pytest.fixture(scope="session")
def shipped_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Desk 1 of UNIT with the shipped catalog and no dossiers (built once, copied per test)."""
    from desk_app.services.admin import setup

    d = tmp_path_factory.mktemp("tpl14") / "desk"
    setup.init_store(d, demo=False, desk_no=1, unit_code=UNIT)
    return d


@pytest.fixture
def desk(shipped_template: Path, tmp_path: Path) -> Path:
    from tests.services.deskutil import copy_desk

    return copy_desk(shipped_template, tmp_path / "desk")


@pytest.fixture
def ctx(desk: Path):
    from desk_app.services import open_desk

    c = open_desk(desk)
    yield c
    c.close()
