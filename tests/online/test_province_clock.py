"""The supplement clock follows the province: a record version from the feed that puts one of
this desk's dossiers in 'waiting_supplement' stops its clock as a request made here would, and
the next version that takes it out adds the paused working days and moves the appointment —
unless the province sent an appointment of its own."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desk_app.domain.localtime import VN_TZ
from desk_app.services import dossiers, open_desk
from desk_app.services.admin import setup
from desk_app.services.intake import receive
from desk_app.services.record import national_record
from desk_app.sync import feed, online_feed
from tests.services.deskutil import UNIT, request

MON = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)     # Monday


@pytest.fixture
def ctx(tmp_path: Path):
    setup.init_store(tmp_path / "desk", demo=False, desk_no=1, unit_code=UNIT)
    c = open_desk(tmp_path / "desk", create=False)
    yield c
    c.close()


def _province(ctx, code: str, version: int, status_code: int, due: str | None = None) -> None:
    d = dossiers.get(ctx, code)
    rec = national_record(d)
    rec.update(TrangThaiHoSo=status_code)
    rec.pop("status", None)
    if due is not None:
        rec["NgayHenTra"] = due
    item = {"seq": version, "record_id": d.record_id, "version": version, "origin_desk": None,
            "SoBienNhan": "", "record": rec}
    with ctx.store.transaction() as conn:
        feed.apply_page(conn, [item], feed.get_cursor(conn))


def _row(ctx, code: str):
    return ctx.store.conn.execute("SELECT status, due_at, paused_at, paused_working_days FROM dossiers"
                                  " WHERE code = ?", (code,)).fetchone()


def test_a_province_supplement_request_stops_and_resumes_the_clock(ctx, monkeypatch) -> None:
    d = receive(ctx, request(received_at=MON))
    due0 = _row(ctx, d.code)["due_at"]
    monkeypatch.setattr(online_feed, "_now", lambda: datetime(2026, 11, 24, 10, 0, tzinfo=VN_TZ))  # Tue
    _province(ctx, d.code, 2, 5)
    r = _row(ctx, d.code)
    assert r["status"] == "waiting_supplement" and r["paused_at"].startswith("2026-11-24T10:00")
    assert r["due_at"] == due0
    monkeypatch.setattr(online_feed, "_now", lambda: datetime(2026, 11, 27, 9, 0, tzinfo=VN_TZ))  # Fri
    _province(ctx, d.code, 3, 4)
    r = _row(ctx, d.code)
    assert r["status"] == "in_process" and r["paused_at"] is None
    assert r["paused_working_days"] == 3                          # Wed, Thu, Fri
    cal = ctx.calendar
    assert datetime.fromisoformat(r["due_at"]) == cal.extend_due(datetime.fromisoformat(due0), 3)
    ev = ctx.store.conn.execute("SELECT detail_json FROM dossier_events WHERE dossier_id ="
                                " (SELECT id FROM dossiers WHERE code = ?) ORDER BY id DESC LIMIT 1",
                                (d.code,)).fetchone()[0]
    assert '"paused_working_days":3' in ev


def test_an_appointment_the_province_sends_is_kept(ctx, monkeypatch) -> None:
    d = receive(ctx, request(received_at=MON))
    monkeypatch.setattr(online_feed, "_now", lambda: datetime(2026, 11, 24, 10, 0, tzinfo=VN_TZ))
    _province(ctx, d.code, 2, 5)
    monkeypatch.setattr(online_feed, "_now", lambda: datetime(2026, 11, 27, 9, 0, tzinfo=VN_TZ))
    _province(ctx, d.code, 3, 4, due="20261210170000")
    r = _row(ctx, d.code)
    assert r["paused_working_days"] == 3 and r["due_at"].startswith("2026-12-10T17:00")


def test_a_dossier_paused_here_is_not_paused_twice(ctx, monkeypatch) -> None:
    from desk_app.services.workflow import lifecycle

    d = receive(ctx, request(received_at=MON))
    lifecycle.request_supplement(ctx, d.code, actor="thang", role="clerk", note="Thiếu giấy chứng sinh",
                                 at=datetime(2026, 11, 24, 10, 0, tzinfo=VN_TZ))
    paused = _row(ctx, d.code)["paused_at"]
    v = ctx.store.conn.execute("SELECT version FROM dossiers WHERE code = ?", (d.code,)).fetchone()[0]
    _province(ctx, d.code, v + 1, 5)       # the province echoes the same status: no new event
    assert _row(ctx, d.code)["paused_at"] == paused
