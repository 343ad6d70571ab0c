"""Work queues: counts equal lists, the working calendar decides "due soon", folded search,
sorting, filters, the online inbox of migration 0010, sync problems; the CLI."""
from __future__ import annotations

from datetime import datetime

import pytest

from desk_app.domain.errors import ValidationError
from desk_app.services import convert
from desk_app.services.reports import queues as Q
from tests.reports.conftest import as_json

NOW = datetime.fromisoformat("2026-11-20T10:00:00+07:00")


def _set(ctx, code: str, **cols) -> None:
    with ctx.store.transaction() as conn:
        conn.execute(f"UPDATE dossiers SET {', '.join(f'{k} = ?' for k in cols)} WHERE code = ?",
                     (*cols.values(), code))


def _open_code(ctx) -> str:
    return ctx.store.conn.execute("SELECT code FROM dossiers WHERE status = 'returned'"
                                  " ORDER BY id LIMIT 1").fetchone()[0]


def test_counts_equal_the_lists(ctx) -> None:
    counts = {c.name: c.count for c in Q.counts(ctx, now=NOW)}
    assert list(counts) == list(Q.QUEUES)
    for name, n in counts.items():
        if name != "online_to_accept":
            assert len(Q.rows(ctx, name, now=NOW, limit=5000)) == n, name
    assert counts["to_return"] > 0


def test_due_today_overdue_and_soon_follow_the_clock_and_the_calendar(ctx) -> None:
    a, b, c = [r[0] for r in ctx.store.conn.execute(
        "SELECT code FROM dossiers WHERE status = 'returned' ORDER BY id LIMIT 3")]
    # Friday 2026-11-20 10:00: a due at 17:00 today, b due yesterday, c due Tuesday 24/11 17:00
    _set(ctx, a, status="in_process", resolved_at=None, due_at="2026-11-20T17:00:00+07:00")
    _set(ctx, b, status="in_process", resolved_at=None, due_at="2026-11-19T17:00:00+07:00")
    _set(ctx, c, status="received", resolved_at=None, due_at="2026-11-24T17:00:00+07:00")
    today = {r.code: r for r in Q.rows(ctx, "due_today", now=NOW)}
    assert a in today and b not in today and today[a].timing == "due_soon"
    overdue = {r.code: r for r in Q.rows(ctx, "overdue", now=NOW)}
    assert b in overdue and overdue[b].timing == "late" and overdue[b].timing_label() == "Quá hạn"
    # 2 working days after Friday = Tuesday (the weekend does not count): c is due soon
    soon = {r.code for r in Q.rows(ctx, "due_soon", now=NOW, soon_days=2)}
    assert {a, c} <= soon
    assert c not in {r.code for r in Q.rows(ctx, "due_soon", now=NOW, soon_days=1)}
    assert set(Q.queue_of(ctx, b, now=NOW)) == {"overdue"}


def test_search_is_diacritic_insensitive_and_filters_apply(ctx) -> None:
    rows = Q.rows(ctx, "to_return", now=NOW, limit=5000)
    target = next(r for r in rows if r.applicant_name.startswith(("Đặng", "Đỗ", "Đinh", "Đào", "Đoàn",
                                                                   "Nguyễn")))
    from desk_app.domain.text import fold

    folded = fold(target.applicant_name)
    found = Q.rows(ctx, "to_return", now=NOW, search=folded)
    assert target.code in {r.code for r in found}
    assert all(folded.split()[0] in fold(r.applicant_name) for r in found)
    by_proc = Q.rows(ctx, "to_return", now=NOW, procedure=target.procedure_code, limit=5000)
    assert by_proc and {r.procedure_code for r in by_proc} == {target.procedure_code}
    assert Q.rows(ctx, "to_return", now=NOW, search="zzzz-khong-co") == []


def test_sorting(ctx) -> None:
    rows = Q.rows(ctx, "to_return", now=NOW, sort="received_at", descending=True, limit=5000)
    assert [r.received_at for r in rows] == sorted((r.received_at for r in rows), reverse=True)
    rows = Q.rows(ctx, "to_return", now=NOW, sort="code", limit=5000)
    assert [r.code for r in rows] == sorted(r.code for r in rows)
    with pytest.raises(ValidationError) as e:
        Q.rows(ctx, "to_return", sort="applicant_name; DROP TABLE dossiers")
    assert e.value.code == "queue_bad_sort"
    with pytest.raises(ValidationError):
        Q.rows(ctx, "no_such_queue")


def test_online_inbox_and_sync_attention_are_counted(ctx) -> None:
    before = {c.name: c.count for c in Q.counts(ctx, now=NOW)}
    stamp = convert.iso_local(NOW)
    with ctx.store.transaction() as conn:
        for i, state in enumerate(("pending", "pending", "accepted")):
            conn.execute("INSERT INTO online_inbox(portal_id, record_id, filed_at, state,"
                         " created_at, updated_at) VALUES (?,?,?,?,?,?)",
                         (f"DVC-20261120-{i:08d}", f"r{i}", stamp, state, stamp, stamp))
    code = _open_code(ctx)
    _set(ctx, code, sync_state="needs_attention")
    after = {c.name: c.count for c in Q.counts(ctx, now=NOW)}
    assert after["online_to_accept"] == before["online_to_accept"] + 2
    assert after["needs_attention"] == before["needs_attention"] + 1
    assert code in {r.code for r in Q.rows(ctx, "needs_attention", now=NOW)}


def test_a_store_without_the_online_inbox_still_counts(ctx) -> None:
    with ctx.store.transaction() as conn:
        conn.execute("DROP TABLE online_inbox")
    counts = {c.name: c.count for c in Q.counts(ctx, now=NOW)}
    assert counts["online_to_accept"] == 0


def test_a_new_intake_shows_in_its_queue(ctx) -> None:
    """A dossier received now is in "due soon" or "due today" at once (counts refresh)."""
    from desk_app.domain.models import Applicant
    from desk_app.services import intake

    from desk_app.domain.models import ComponentForm, DossierComponent
    from desk_app.services.catalog import get_procedure

    comps = [DossierComponent(seq=c.seq, name=c.name, form=ComponentForm.ORIGINAL, quantity=1)
             for c in get_procedure(ctx, "2.000815").components if c.required]
    req = intake.IntakeRequest(procedure_code="2.000815",
                               applicant=Applicant(id_number="001088012345", full_name="Đặng Văn Mới",
                                                   sex="Nam", birth_date=None),
                               components=comps, attachments=[], clerk="Nguyễn Thị Hoa",
                               actor="test")
    d = intake.receive(ctx, req)
    now = datetime.now(convert.VN_TZ)
    names = Q.queue_of(ctx, d.code, now=now, soon_days=30)
    assert names and set(names) <= {"due_today", "due_soon"}
    found = Q.rows(ctx, names[0], now=now, soon_days=30, search="dang van moi")
    assert [r.code for r in found] == [d.code]


def test_cli_queues(cli, desk_dir) -> None:
    code, out, _ = cli("queues", "--data-dir", str(desk_dir), "--json")
    assert code == 0 and [q["name"] for q in as_json(out)] == list(Q.QUEUES)
    code, out, _ = cli("queues", "to_return", "--data-dir", str(desk_dir), "--json",
                       "--sort", "code", "--limit", "5")
    rows = as_json(out)
    assert code == 0 and len(rows) == 5 and rows == sorted(rows, key=lambda r: r["code"])
    code, _, err = cli("queues", "nope", "--data-dir", str(desk_dir))
    assert code == 2 and "Không có hàng việc" in err

