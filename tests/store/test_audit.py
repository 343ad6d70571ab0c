"""Audit log: append-only by trigger, and the hash chain exposes edits made around the triggers."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from offline_store import Store, audit


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path)
    with s.transaction() as c:
        for i in range(5):
            audit.append(c, actor="Hoa", action="dossier.receive", entity="dossier",
                         entity_id=f"r{i}", detail={"code": f"C-{i}", "ghi_chú": "Đặng"})
    yield s
    s.close()


def test_intact_chain_verifies(store: Store) -> None:
    assert audit.verify_chain(store.conn) == []
    rows = store.conn.execute("SELECT prev_hash, hash FROM audit_log ORDER BY id").fetchall()
    assert rows[0][0] == audit.GENESIS
    assert all(rows[i][0] == rows[i - 1][1] for i in range(1, len(rows)))


def test_triggers_forbid_update_and_delete(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit_log SET actor='x' WHERE id=1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log WHERE id=2")


def _raw(store: Store) -> sqlite3.Connection:
    raw = sqlite3.connect(store.path, isolation_level=None)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("DROP TRIGGER audit_log_no_delete")
    return raw


def test_edited_row_is_reported(store: Store) -> None:
    raw = _raw(store)
    raw.execute("""UPDATE audit_log SET detail_json='{"code":"C-X"}' WHERE id=3""")
    raw.close()
    problems = audit.verify_chain(store.conn)
    assert problems and "row 3" in problems[0]


def test_deleted_row_is_reported(store: Store) -> None:
    raw = _raw(store)
    raw.execute("DELETE FROM audit_log WHERE id=2")
    raw.close()
    assert any("row 3" in p and "link" in p for p in audit.verify_chain(store.conn))


def test_rehashed_row_still_breaks_the_next_link(store: Store) -> None:
    """A forger who recomputes the edited row's own hash still breaks the following row."""
    raw = _raw(store)
    r = raw.execute("SELECT at, actor, action, entity, entity_id, prev_hash FROM audit_log"
                    " WHERE id=2").fetchone()
    forged = audit.row_hash(r[5], r[0], "Kẻ giả mạo", r[2], r[3], r[4], "{}")
    raw.execute("UPDATE audit_log SET actor='Kẻ giả mạo', detail_json='{}', hash=? WHERE id=2",
                (forged,))
    raw.close()
    problems = audit.verify_chain(store.conn)
    assert problems and all("row 2" not in p for p in problems)
    assert any("row 3" in p for p in problems)


def test_append_outside_transaction_is_refused(store: Store) -> None:
    with pytest.raises(RuntimeError):
        audit.append(store.conn, actor="a", action="b", entity="c", entity_id="d")
