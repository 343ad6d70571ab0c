"""The citizen's rating reaches the province exactly once, with no person in it (issue 16 §5),
on the real reference back end over HTTP (SQLite and PostgreSQL)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from desk_app.services import open_desk
from desk_app.services.reports import rating
from tests.online.test_online_flow import desk_cli, sync
from tests.sync.harness import receive

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


def _states(data: Path) -> dict:
    with open_desk(data, create=False) as ctx:
        return dict(ctx.store.conn.execute(
            "SELECT state, count(*) FROM outbox WHERE kind = 'deferred.rating' GROUP BY state"
        ).fetchall())


def _due_now(data: Path) -> None:
    with open_desk(data, create=False) as ctx:
        ctx.store.conn.execute("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00.000000Z'"
                               " WHERE kind = 'deferred.rating' AND state = 'queued'")


def test_a_rating_is_sent_once_and_names_nobody(unit, tmp_path: Path) -> None:
    data, user = unit.desk(1)
    code = receive(data, 1)[0]
    desk_cli(data, "rate", code, "--level", "3", "--comment", "Chờ lâu quá", "--stage", "intake")
    with open_desk(data, create=False) as ctx:
        name, idn = ctx.store.conn.execute("SELECT applicant_name, applicant_id_number FROM"
                                           " dossiers WHERE code = ?", (code,)).fetchone()
    assert _states(data) == {"queued": 1}
    sync(data, unit, user)          # the lanes run side by side: the rating may come first (404)
    _due_now(data)                  # … and is retried after its back-off; here: now
    sync(data, unit, user)
    assert _states(data) == {"done": 1}
    got = json.loads(unit.portal("ratings", "--unit", unit.code).stdout)
    assert [(r["MaHoSo"], r["GiaiDoan"], r["MucDo"], r["HaiLong"], r["YKien"]) for r in got] == \
        [(code, "intake", 3, False, "Chờ lâu quá")]
    assert name not in json.dumps(got, ensure_ascii=False) and idn not in json.dumps(got)
    sync(data, unit, user)                                  # nothing sent twice
    assert len(json.loads(unit.portal("ratings", "--unit", unit.code).stdout)) == 1


def test_a_rating_waits_for_its_dossier_to_reach_the_province(unit) -> None:
    data, user = unit.desk(1)
    code = receive(data, 1)[0]
    with open_desk(data, create=False) as ctx:          # the record is held back for now
        ctx.store.conn.execute("UPDATE outbox SET state = 'needs_attention' WHERE kind ="
                               " 'dossier.create'")
        rating.rate(ctx, code, level=1, stage="intake", actor="hoa")
    sync(data, unit, user)
    assert _states(data) == {"queued": 1}, "retried later, not given up"
    assert json.loads(unit.portal("ratings", "--unit", unit.code).stdout) == []
    with open_desk(data, create=False) as ctx:          # the record goes; the rating follows
        ctx.store.conn.execute("UPDATE outbox SET state = 'queued' WHERE kind = 'dossier.create'")
    _due_now(data)
    sync(data, unit, user)
    _due_now(data)
    sync(data, unit, user)
    assert _states(data) == {"done": 1}
    assert len(json.loads(unit.portal("ratings", "--unit", unit.code).stdout)) == 1
