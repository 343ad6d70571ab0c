"""Shared helpers: a dossier received at a given time, and driven to any status."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from desk_app.domain.models import DossierStatus as S
from desk_app.domain.models import Role
from desk_app.services import intake
from desk_app.services.workflow import lifecycle as L
from tests.services.deskutil import VN, request

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


def receive(ctx, when: datetime | None = None, procedure: str = "1.004873", person: int = 0):
    return intake.receive(ctx, request(procedure, person, received_at=when))


def result_file(tmp: Path, name: str = "ket-qua.pdf", data: bytes = PDF) -> Path:
    p = tmp / name
    p.write_bytes(data)
    return p


SUP = dict(actor="lan", role=Role.SUPERVISOR, by="Trần Thị Lan")

# How to bring a fresh dossier to each status (as a supervisor, now).
PATHS: dict[S, tuple[str, ...]] = {
    S.RECEIVED: (),
    S.IN_PROCESS: ("handover",),
    S.WAITING_SUPPLEMENT: ("supplement",),
    S.SUPPLEMENTED: ("supplement", "supplemented"),
    S.RESULT_READY: ("handover", "result"),
    S.RETURNED: ("handover", "result", "return"),
    S.REFUSED: ("refuse",),
    S.WITHDRAWN: ("withdraw",),
    S.STOPPED: ("handover", "stop"),
}


def drive(ctx, code: str, status: S, tmp: Path) -> None:
    for step in PATHS[status]:
        if step == "handover":
            L.handover(ctx, code, to="Cán bộ tư pháp - hộ tịch", **SUP)
        elif step == "supplement":
            L.request_supplement(ctx, code, note="Bản sao giấy chứng sinh", **SUP)
        elif step == "supplemented":
            L.supplement_received(ctx, code, **SUP)
        elif step == "result":
            L.result(ctx, code, file=result_file(tmp), **SUP)
        elif step == "return":
            L.return_result(ctx, code, received_by="Nguyễn Văn An", **SUP)
        elif step == "refuse":
            L.refuse(ctx, code, note="Không thuộc thẩm quyền", **SUP)
        elif step == "withdraw":
            L.withdraw(ctx, code, note="Công dân xin rút", **SUP)
        elif step == "stop":
            L.stop(ctx, code, note="Chờ bản án của tòa", **SUP)


def counts(conn: sqlite3.Connection, dossier_code: str) -> tuple[int, int, int]:
    """(events, audit rows, outbox items) of one dossier."""
    did, rid = conn.execute("SELECT id, record_id FROM dossiers WHERE code = ?",
                            (dossier_code,)).fetchone()
    ev = conn.execute("SELECT count(*) FROM dossier_events WHERE dossier_id = ?", (did,)).fetchone()[0]
    au = conn.execute("SELECT count(*) FROM audit_log WHERE entity_id = ?", (rid,)).fetchone()[0]
    ob = conn.execute("SELECT count(*) FROM outbox WHERE dossier_id = ?", (did,)).fetchone()[0]
    return ev, au, ob


def snapshot(conn: sqlite3.Connection) -> list:
    """Every row a lifecycle step could write (to show that a refusal changed nothing)."""
    return [conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("dossiers", "dossier_events", "audit_log", "outbox", "attachments")]
