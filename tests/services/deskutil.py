"""Helpers shared by tests/store, tests/services and tests/cli: ready-made desks and store dumps."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from desk_app.domain.models import Applicant, ComponentForm, DossierComponent

VN = timezone(timedelta(hours=7))
UNIT = "000.23.32.H48"
MINI_CATALOG = Path(__file__).with_name("data") / "mini_catalog.json"

# Valid CCCD numbers (province, century/sex digit and year agree with the stated birth data).
PEOPLE = [
    ("001090012345", "Nguyễn Văn An", date(1990, 5, 1), "Nam", "0912345678"),
    ("079185004321", "Đặng Thị Hương", date(1985, 2, 3), "Nữ", "0987654321"),
    ("038070112233", "Đỗ Đức Dũng", date(1970, 7, 9), "Nam", "0356789012"),
    ("031303000777", "Trần Thị Bình", date(2003, 1, 20), "Nữ", "0709998887"),
]


def copy_desk(template: Path, dest: Path) -> Path:
    """A private copy of a prepared desk (the WAL is checkpointed into the main file first)."""
    con = sqlite3.connect(template / "desk.sqlite3")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copytree(template, dest, ignore=shutil.ignore_patterns("*-wal", "*-shm", "logs"))
    return dest


def dump(data_dir: Path) -> str:
    """SHA-256 of the whole database content (schema + rows) and of the blob names."""
    con = sqlite3.connect(data_dir / "desk.sqlite3")
    h = hashlib.sha256()
    for line in con.iterdump():
        h.update(line.encode())
    con.close()
    blobs = sorted(p.name for p in (data_dir / "blobs").glob("??/*"))
    h.update("|".join(blobs).encode())
    return h.hexdigest()


def request(procedure: str = "1.004873", person: int = 0, *, received_at: datetime | None = None,
            attachments=(), request_id: str | None = None, components=None):
    from desk_app.services.intake import IntakeRequest

    idn, name, birth, sex, phone = PEOPLE[person]
    comps = components if components is not None else [
        DossierComponent(1, "Tờ khai", ComponentForm.ORIGINAL, 1),
        DossierComponent(2, "Giấy chứng sinh", ComponentForm.ORIGINAL, 1)]
    return IntakeRequest(procedure, Applicant(idn, name, birth_date=birth, sex=sex, phone=phone),
                         list(comps), list(attachments), received_at=received_at,
                         request_id=request_id, clerk="Lò Văn Thắng")
